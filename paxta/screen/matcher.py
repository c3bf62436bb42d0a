"""Screen one name against the lists: candidates from the index, compared and explained.

Best result per listed entity, best first. Analysts' decisions are applied on top: a name an
analyst confirmed or rejected against an entity keeps that verdict until the list entry (its
fingerprint) or the name changes.
"""

from __future__ import annotations

import gc
import os
import pickle
import unicodedata
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from multiprocessing import get_all_start_methods, get_context
from typing import Any, TypeVar

from paxta.memory import set_aside_for_the_run
from paxta.names.confusables import fold_confusables
from paxta.names.features import NameFeatures, name_features
from paxta.names.placekeys import PlaceKeys
from paxta.names.transliterate import to_simplified
from paxta.native import picklable
from paxta.screen.aliases import AliasTable, load_aliases
from paxta.screen.compare import compare, compare_related
from paxta.screen.comparison import CLEAR, MATCH, REVIEW, REVIEW_CAP, Comparison, Context, rank
from paxta.screen.index import Entry, Listed, MatchIndex, block_keys, load_index
from paxta.screen.model import Part, model
from paxta.screen.tradename import cut_name, name_words
from paxta.store import Backend
from paxta.workers import die_with_parent


@dataclass(frozen=True)
class Match:
    """One listed entity a query name was compared with, and the verdict."""

    entity: Listed
    matched_name: str
    score: float
    decision: str
    explanation: str
    parts: tuple[Part, ...] = ()  # each comparison's level, weight and reason
    weight: float = 0.0  # the match weight (prior included)

    def outranks_decision(self, other: Match) -> bool:
        """A match beats a review; among equals, the higher score wins."""
        return (rank(self.decision), self.score) > (rank(other.decision), other.score)

    def as_json(self) -> dict[str, Any]:
        """The object ``paxta match --json`` prints for each match."""
        return {
            "entity_id": self.entity.entity_id,
            "list": self.entity.list,
            "list_version": self.entity.version,
            "name": self.entity.name,
            "matched_name": self.matched_name,
            "score": self.score,
            "decision": self.decision,
            "explanation": self.explanation,
            "algorithm": model().algorithm,
            "match_weight": round(self.weight, 2),
            "parts": [p.as_json() for p in self.parts],
        }

    def features(self) -> dict[str, float]:
        """The weight of each part, as yente reports its features (``trade:exact``: 9.8)."""
        return {f"{p.comparison}:{p.level}": round(p.weight, 2) for p in self.parts}


@dataclass(frozen=True)
class Decision:
    """An analyst's verdict on a query name against a listed entity."""

    verdict: bool
    fingerprint: str
    decided_at: datetime
    note: str


def query_key(name: str) -> str:
    """A query name as decisions are keyed: NFKC, simplified, case and spaces folded."""
    text = to_simplified(unicodedata.normalize("NFKC", name)).casefold()
    return " ".join(text.split())


class Matcher:
    """Screens names against an index, with aliases and analysts' decisions."""

    def __init__(
        self,
        index: MatchIndex,
        aliases: AliasTable | None = None,
        decisions: dict[tuple[str, str], Decision] | None = None,
    ) -> None:
        self.index = index
        self.aliases = aliases if aliases is not None else AliasTable()
        self.decisions = decisions or {}

    def __reduce__(
        self,
    ) -> tuple[type[Matcher], tuple[MatchIndex, AliasTable, dict[tuple[str, str], Decision]]]:
        """Pickled as what it was made of (an engine sends it to its workers)."""
        return Matcher, (self.index, self.aliases, self.decisions)

    @classmethod
    def from_store(cls, store: Backend, lists: list[str] | None = None) -> Matcher:
        """The matcher over the store's current list versions (the index updated first)."""
        return cls(load_index(store, lists), load_aliases(store), load_decisions(store))

    def match(
        self,
        name: str,
        ids: frozenset[str] = frozenset(),
        countries: frozenset[str] = frozenset(),
        limit: int = 5,
        address: str = "",
    ) -> list[Match]:
        """The listed entities ``name`` may be, best first (``clear`` results left out); the
        query's ``address`` places a name that does not say where it is."""
        q = name_features(fold_confusables(name)[0])
        best: dict[str, tuple[Comparison, Entry]] = {}
        for result, entry in self.compared(name, ids, countries, address, q, unrelated=False):
            self._keep(best, result, entry)
        _ambiguous_place(q, best)
        _ambiguous_cut(best)
        key = query_key(name) if self.decisions else ""
        ranked = sorted(
            best.values(),
            key=lambda ce: (
                (key, ce[1].entity.entity_id) not in self.decisions,  # decided ones first
                -rank(ce[0].decision),
                -ce[0].score,
                ce[1].entity.entity_id,
            ),
        )
        out = [self._decided(key, c, e) for c, e in ranked[: limit + len(self.decisions)]]
        out = [m for m in out if m.decision != CLEAR or m.explanation.startswith("analyst")]
        out.sort(key=lambda m: (-rank(m.decision), -m.score, m.entity.entity_id))
        return out[:limit]

    def compared(
        self,
        name: str,
        ids: frozenset[str] = frozenset(),
        countries: frozenset[str] = frozenset(),
        address: str = "",
        q: NameFeatures | None = None,
        unrelated: bool = True,
    ) -> Iterator[tuple[Comparison, Entry]]:
        """Every candidate listed name compared with ``name`` (``clear`` ones too): what
        :meth:`match` ranks, and what the model is fitted on; without those no rule decides
        whose trade names share nothing when not ``unrelated`` (:func:`compare_related`)."""
        weigh = compare if unrelated else compare_related
        name, replaced = fold_confusables(name)
        q = q or name_features(name)
        if not q.keys and not q.xpcc and not ids and not q.text.strip(" .,-0123456789"):
            return
        alias_keys = self.aliases.expand(q)
        keys = block_keys(q, ids, sorted(alias_keys))
        context = Context(
            ids, frozenset(c.casefold() for c in countries), (address,) if address else ()
        )
        company = bool(q.legal or q.industry)
        entries = self.index.candidates(keys)
        cut = cut_name(name)
        if cut is not None:  # a name a bill-of-lading field cut off: the names it starts
            entries += self.index.starting_with(cut[0])
        for entry in entries:
            if company and not entry.entity.is_company:
                continue  # a company name is not a person, vessel or aircraft
            result = weigh(q, entry.features, alias_keys, context, entry.entity.context)
            if result is None:
                continue
            if replaced:
                result.agree.insert(0, f"letters from another alphabet read as Latin ({replaced})")
            yield result, entry
        for turned in family_first(q):  # Quanguo Chen, as lists write it CHEN, Quanguo
            for entry in self.index.candidates(block_keys(turned)):
                if not entry.entity.is_company:
                    result = weigh(
                        turned, entry.features, frozenset(), context, entry.entity.context
                    )
                    if result is None:
                        continue
                    result.agree.insert(0, "the family name written last")
                    yield result, entry

    @staticmethod
    def _keep(best: dict[str, tuple[Comparison, Entry]], result: Comparison, entry: Entry) -> None:
        """Keep ``result`` if it is the entity's best so far."""
        if result.decision == CLEAR:
            return
        held = best.get(entry.entity.entity_id)
        if held is None or result.outranks(held[0]):
            best[entry.entity.entity_id] = (result, entry)

    def _decided(self, key: str, c: Comparison, entry: Entry) -> Match:
        decision = self.decisions.get((key, entry.entity.entity_id))
        explanation = c.explanation
        if not entry.entity.is_company:  # a person's (or vessel's) name has no trade name
            explanation = explanation.replace("(trade name", "(name")
        if decision is not None:
            when = decision.decided_at.date().isoformat()
            if decision.fingerprint == entry.entity.fingerprint:
                verdict = MATCH if decision.verdict else CLEAR
                said = "confirmed" if decision.verdict else "rejected"
                note = f": {decision.note}" if decision.note else ""
                return Match(
                    entry.entity,
                    entry.name,
                    1.0 if decision.verdict else 0.0,
                    verdict,
                    f"analyst {said} on {when}{note} (was: {c.decision}; {explanation})",
                )
            explanation += f"; an analyst decision of {when} no longer applies: the entry changed"
        return Match(
            entry.entity,
            entry.name,
            c.score,
            c.decision,
            explanation,
            tuple(c.parts),
            c.weight,
        )


def family_first(q: NameFeatures) -> list[NameFeatures]:
    """A Latin name of two to six words that may be a person's, with its last one, two or
    three words moved first (Quanguo Chen -> Chen Quanguo; Walter Alexander Del Nogal Marquez
    -> Del Nogal Marquez Walter Alexander: lists write the family name first); [] for any
    other name (a company's, one with a comma, one in another script)."""
    words = q.trade.split()
    if (
        q.script != "Latn"
        or not 2 <= len(words) <= 6
        or "," in q.text
        or q.legal
        or q.industry
        or q.places
        or q.xpcc
        or not all(w.isalpha() for w in words[-1].split("-"))
    ):
        return []
    out = []
    for last in range(1, min(3, len(words) - 1) + 1):
        if last == 1 and len(words) > 2 and words[-2].casefold() in _PARTICLES:
            continue  # (Ayman al-Zawahiri: the particle goes with the family name)
        out.append(name_features(" ".join([*words[-last:], *words[:-last]])))
    return out


# words that belong to the family name after them (Ayman al-Zawahiri: AL-ZAWAHIRI, Ayman)
_PARTICLES = frozenset({"al", "el", "bin", "ibn", "abu", "van", "von", "de", "da", "di", "le"})


T = TypeVar("T")
Query = tuple[str, frozenset[str], frozenset[str], str]  # name, registry IDs, countries, address
PARALLEL_ROWS = 2_000  # below this a file is screened in one process
_SHARED: Matcher | None = None  # the matcher forked worker processes inherit


def best_match(matcher: Matcher, query: Query) -> Match | None:
    """The best result of one query (``None`` when nothing is above ``clear``)."""
    name, ids, countries, address = query
    found = matcher.match(name, ids, countries, limit=1, address=address) if name else []
    return found[0] if found else None


def match_many(
    matcher: Matcher, queries: Iterable[Query], workers: int = 0
) -> Iterator[Match | None]:
    """The best result of each query, in order; spread over ``workers`` processes when > 1."""
    return map_queries(matcher, queries, best_match, workers)


def map_queries(
    matcher: Matcher,
    queries: Iterable[Query],
    each: Callable[[Matcher, Query], T],
    workers: int = 0,
) -> Iterator[T]:
    """``each(matcher, query)`` for every query, in order; spread over ``workers`` processes
    when > 1 (``each`` must be a module-level function: everything a row needs is done in the
    workers, not left to the process writing the results).

    Each distinct query of a run is asked once, whichever worker would have had it (a file
    names the same parties again and again): a query asked before is answered as it was.
    Workers are forked after the index is loaded, so they share it instead of loading it
    again. Work is handed out in chunks; results come back in input order.
    """
    global _SHARED
    workers = workers or min(os.cpu_count() or 1, 4)
    turns: deque[tuple[int, str | Query]] = deque()  # each query read, as _distinct says
    asked = _distinct(queries, turns)
    if workers < 2 or "fork" not in get_all_start_methods():
        yield from _in_turn((each(matcher, q) for q in asked), turns)
        return
    _SHARED = matcher
    try:
        with set_aside_for_the_run() as aside:
            aside()  # the index is read-only: keep the collector from touching (and copying) it
            with get_context("fork").Pool(workers, initializer=die_with_parent) as pool:
                chunks = pool.imap(partial(_map_chunk, each), _chunks(asked, 500))
                yield from _in_turn(_set_aside_as_they_come(chunks, aside), turns)
    finally:
        _SHARED = None


def _set_aside_as_they_come(chunks: Iterable[bytes], aside: Callable[[], None]) -> Iterator[T]:
    """The chunks' answers, in turn, unpickled here (see :func:`_map_chunk`); as each chunk
    comes, what this process holds is set ``aside``: the answers a run keeps live for the run,
    and each full sweep walked them all (~0.7 s of the writing process's time for 100,000
    rows)."""
    for chunk in chunks:
        answers: list[T] = pickle.loads(chunk)
        aside()
        yield from answers


_ASKED, _AGAIN, _AFRESH = 0, 1, 2  # a query asked now; asked before; asked, all else forgotten
ANSWERS_HELD = 100_000  # distinct queries a run keeps the answers of at a time


def _distinct(queries: Iterable[Query], turns: deque[tuple[int, str | Query]]) -> Iterator[Query]:
    """The queries not asked before in this run (the last ``ANSWERS_HELD`` of them kept, all
    forgotten at once when full); every query goes into ``turns`` as it is read, with what it
    is. (Read by the pool's own thread when there are workers: a deque's ends are safe.)"""
    seen: set[str | Query] = set()
    for q in queries:
        key = _key(q)
        if key in seen:
            turns.append((_AGAIN, key))
            continue
        if len(seen) >= ANSWERS_HELD:
            seen.clear()
            turns.append((_AFRESH, key))
        else:
            turns.append((_ASKED, key))
        seen.add(key)
        yield q


def _key(q: Query) -> str | Query:
    """The query as a run's memory holds it: the name alone when that is all there is (most
    rows; a string, which Python's collector never sweeps, where a run keeps ~100,000)."""
    return q[0] if not (q[1] or q[2] or q[3]) else q


def _in_turn(answers: Iterable[T], turns: deque[tuple[int, str | Query]]) -> Iterator[T]:
    """Each query's answer in turn: for a query asked, the next of ``answers`` (theirs, in
    order); for a query asked before, the answer it had."""
    held: dict[str | Query, T] = {}
    try:
        for answer in answers:  # (its query is in ``turns`` by now: read before it was asked)
            what, q = turns.popleft()
            while what == _AGAIN:
                yield held[q]
                what, q = turns.popleft()
            if what == _AFRESH:
                held.clear()
            held[q] = answer
            yield answer
    except Exception:  # (a bad row, say: the repeats read before it are answered all the same)
        yield from _asked_before(turns, held)
        raise
    yield from _asked_before(turns, held)


def _asked_before(turns: deque[tuple[int, str | Query]], held: dict[str | Query, T]) -> Iterator[T]:
    """The answers of the queries next in turn that were asked before."""
    while turns and turns[0][0] == _AGAIN:
        yield held[turns.popleft()[1]]


def _chunks(queries: Iterable[Query], size: int) -> Iterator[list[Query]]:
    """``queries`` a chunk at a time; when reading them fails (a bad row), the queries read
    before it are still a chunk, then the failure is raised (the pool hands it on in turn)."""
    chunk: list[Query] = []
    try:
        for q in queries:
            chunk.append(q)
            if len(chunk) >= size:
                yield chunk
                chunk = []
    except Exception:
        if chunk:
            yield chunk
        raise
    if chunk:
        yield chunk


def _map_chunk(each: Callable[[Matcher, Query], T], chunk: list[Query]) -> bytes:
    """``each`` for the chunk's queries, in a worker (with the matcher it inherited), pickled
    here: the run's own process unpickles them, so an answer that cannot be rebuilt stops the
    run with its error (unpickled by the pool's result thread, it left the run waiting for
    ever).

    What the worker has kept so far (the listed names it has read, its caches) is then set
    aside from Python's collector: matching makes no reference cycles (none found in 30,000
    queries), yet each full sweep walked every name read so far (~4% of a worker's time).
    A worker lives for one run, so anything set aside is freed when the run ends."""
    assert _SHARED is not None
    answers = [each(_SHARED, q) for q in chunk]
    gc.freeze()
    return pickle.dumps(answers, pickle.HIGHEST_PROTOCOL)


def _ambiguous_place(q: NameFeatures, best: dict[str, tuple[Comparison, Entry]]) -> None:
    """A query without a place that matches listed companies differing only by place: review.

    华孚纺织 matches Xinjiang Huafu Textile, Awati Huafu Textile and Ninghai Huafu Textile
    equally; which one it is cannot be told from the name. When one listed name has no place
    either (西部黄金: Western Gold, and Western Gold Hami Gold Mine), it is that one.
    """
    if q.places or q.bracket or q.xpcc:
        return  # (a query placed by its address only matched the listed names there)
    matched = [(c, e) for c, e in best.values() if c.decision == MATCH]
    addressed = [(c, e) for c, e in matched if c.rule == "address"]
    if addressed and len(addressed) < len(matched):
        there = "; ".join(sorted({e.entity.name for _, e in addressed})[:4])
        for c, _ in matched:
            if c.rule != "address":
                c.decision, c.score = REVIEW, min(c.score, REVIEW_CAP)
                c.relation = f"the query's address is at the place of another listed name ({there})"
        matched = addressed
    places = [{*e.features.places, e.features.bracket} - {()} for _, e in matched]
    placeless = {e.entity.name for (_, e), p in zip(matched, places, strict=True) if not p}
    conflict = any(_conflict(a, b) for i, a in enumerate(places) for b in places[i + 1 :])
    if not conflict and not (len(placeless) == 1 and len(placeless) < len(matched)):
        return
    names = sorted({e.entity.name for _, e in matched})
    for (c, _), p in zip(matched, places, strict=True):
        if len(placeless) == 1 and not p:
            continue  # 西部黄金 is Western Gold, not its gold mines at Hami and Karamay
        c.decision = REVIEW
        c.score = min(c.score, 0.79)
        c.relation = (
            f"a company of the listed {next(iter(placeless))} at a place; the query, like that "
            "name, names no place"
            if len(placeless) == 1
            else f"one of {len(matched)} listed companies of the same name at different places "
            f"({'; '.join(names[:4])}); the query names no place"
        )


def _ambiguous_cut(best: dict[str, tuple[Comparison, Entry]]) -> None:
    """A cut-off name that is the start of several listed names (other than one name on
    several lists) cannot say which: review."""
    cut = [(c, e) for c, e in best.values() if c.rule == "cut" and c.decision == MATCH]
    whole = any(c.rule == "same" and c.decision == MATCH for c, _ in best.values())
    if not cut or (not whole and len({name_words(e.name) for _, e in cut}) < 2):
        return
    names = sorted({e.entity.name for _, e in cut})
    for c, _ in cut:
        c.decision, c.score = REVIEW, min(c.score, REVIEW_CAP)
        c.relation = (
            "another listed name is exactly this name; this one only starts with it"
            if whole
            else f"the cut name starts {len(names)} listed names ({'; '.join(names[:4])})"
        )


def _conflict(a: set[PlaceKeys], b: set[PlaceKeys]) -> bool:
    """Both name places and none is the same place."""
    if not a or not b:
        return False
    keys_a = {k for p in a for k in p}
    return not any(k in keys_a for p in b for k in p)


# The decision that stands per (query, entity): the newest; a withdrawn one leaves none.
NEWEST_DECISIONS = """(SELECT * FROM (
    SELECT *, row_number() OVER (PARTITION BY query_key, entity_id ORDER BY decided_at DESC) AS nth
    FROM decisions) AS ordered WHERE nth = 1)"""
STANDING = "NOT coalesce(withdrawn, false)"


def load_decisions(store: Backend) -> dict[tuple[str, str], Decision]:
    """The decision that stands per (query, entity)."""
    rows = store.sql(
        "SELECT query_key, entity_id, verdict, fingerprint, decided_at, note "
        f"FROM {NEWEST_DECISIONS} AS d WHERE {STANDING}"
    )
    return {(r[0], r[1]): Decision(r[2], r[3], r[4], r[5] or "") for r in rows}


picklable(Match, Decision)  # (frozen: see paxta.native)
