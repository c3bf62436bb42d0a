"""The blocking and scoring index: every listed name's comparable parts, kept in the store.

Features depend only on a name's text, so the store keeps one row per distinct name
(``name_index``). When a list version is imported only names not yet in the index are
computed; nothing is rebuilt on every run. Loading joins the current list versions with the
index and builds the in-memory blocks (trade keys, trade words, key prefixes, registry IDs).
"""

from __future__ import annotations

import os
import zlib
from array import array
from bisect import bisect_left
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from functools import cache
from multiprocessing import get_context
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.compute as pc
from rapidfuzz.distance import OSA

from paxta.data import data_path
from paxta.lists.repository import current_versions, resolve_sources
from paxta.names.features import FEATURES_ALGORITHM, NameFeatures, name_features
from paxta.names.party import other_companies
from paxta.screen.comparison import Context
from paxta.screen.tradename import name_words, plain_words
from paxta.store import Backend
from paxta.workers import batch_worker

PARALLEL_ABOVE = 50_000  # names; below this one process is quicker than starting workers
CHUNK = 20_000
BIG_BLOCK = 2_000  # a block this large (a common prefix) is skipped for a query
SHARE_OF_TRADE_BLOCK = 20  # names of the trade name at other places, when the query has one
_INDEX_SCHEMA = pa.schema(
    [
        ("name", pa.string()),
        ("features", pa.string()),
        ("blocks", pa.list_(pa.string())),
        ("features_version", pa.int32()),
    ]
)


@cache
def features_version() -> int:
    """The index's key: the feature algorithm's version (``FEATURES_ALGORITHM``, raised by hand
    when the code that makes features changes) and a checksum of the tables it reads. A
    change of either recomputes the index; an edit elsewhere in the source does not."""
    crc = zlib.crc32(FEATURES_ALGORITHM.encode())
    for path in [
        *sorted(data_path("terms").glob("*.csv")),
        data_path("names", "paxta_trade_words.csv"),  # pinyin names read as common words
        data_path("names", "vocabulary.toml"),  # industry, legal, address words ...
        *sorted(data_path("places").glob("*.csv")),
    ]:
        crc = zlib.crc32(path.read_bytes(), crc)
    return crc & 0x7FFFFFFF


def update_index(store: Backend, progress: Callable[[int, int], None] | None = None) -> int:
    """Compute the features of listed names not yet indexed; return how many were added."""
    current = [v.version_id for v in current_versions(store)]
    if not current:
        return 0
    marks = ", ".join("?" for _ in current)
    missing: list[str] = (
        store.arrow(
            f"SELECT DISTINCT n.name FROM entity_names n WHERE n.version_id IN ({marks}) "
            "AND NOT EXISTS (SELECT 1 FROM name_index i WHERE i.name = n.name "
            "AND i.features_version = ?)",
            [*current, features_version()],
        )
        .column(0)
        .to_pylist()
    )
    if not missing:
        return 0
    with store.transaction():
        store.sql("DELETE FROM name_index WHERE features_version <> ?", [features_version()])
        done = 0
        for names, (encoded, blocks) in _features_in_chunks(missing):
            version = [features_version()] * len(names)
            store.append(
                "name_index", pa.table([names, encoded, blocks, version], schema=_INDEX_SCHEMA)
            )
            done += len(names)
            if progress is not None:
                progress(done, len(missing))
    return len(missing)


def encode_features(names: list[str]) -> tuple[list[str], list[list[str]]]:
    """Each name's features as JSON text and its blocks (run in workers for large lists)."""
    encoded, blocks = [], []
    for name in names:
        f = name_features(name)
        encoded.append(orjson.dumps(f.as_row()).decode())
        blocks.append(sorted(block_keys(f)))
    return encoded, blocks


def _features_in_chunks(
    names: list[str],
) -> Iterator[tuple[list[str], tuple[list[str], list[list[str]]]]]:
    chunks = [names[i : i + CHUNK] for i in range(0, len(names), CHUNK)]
    workers = min(os.cpu_count() or 1, 4)
    if len(names) < PARALLEL_ABOVE or workers < 2:
        for chunk in chunks:
            yield chunk, encode_features(chunk)
        return
    with ProcessPoolExecutor(
        workers, mp_context=get_context("spawn"), initializer=batch_worker
    ) as pool:
        waiting: deque[tuple[list[str], Future[tuple[list[str], list[list[str]]]]]] = deque()
        for chunk in chunks:  # at most two chunks a worker in flight: memory stays bounded
            waiting.append((chunk, pool.submit(encode_features, chunk)))
            if len(waiting) >= 2 * workers:
                done, future = waiting.popleft()
                yield done, future.result()
        while waiting:
            done, future = waiting.popleft()
            yield done, future.result()


@dataclass(frozen=True, slots=True)
class Listed:
    """A listed entity as screening reports it."""

    entity_id: str
    list: str
    version: str
    name: str
    schema: str
    fingerprint: str
    context: Context

    @property
    def is_company(self) -> bool:
        """An organisation, not a person, vessel or aircraft."""
        return self.schema not in ("Person", "Vessel", "Airplane")


@dataclass(frozen=True, slots=True)
class Entry:
    """One name of one listed entity, with its features."""

    entity: Listed
    name: str
    kind: str
    features: NameFeatures


class MatchIndex:
    """The names of the current list versions, blocked for candidate search.

    Columns stay as loaded; an entry's features and its entity are built only when it is a
    candidate, so a million listed names load in seconds.
    """

    def __init__(self, names: pa.Table, entities: pa.Table) -> None:
        self._entity_ids: list[str] = entities.column("entity_id").to_pylist()
        self._entity_text = [_shared_strings(entities.column(k)) for k in _ENTITY_COLUMNS[1:]]
        self._entity_row = {e: i for i, e in enumerate(self._entity_ids)}
        self._listed: dict[int, Listed] = {}
        self._name_entity: list[str] = names.column("entity_id").to_pylist()
        self._names: list[str] = names.column("name").to_pylist()
        self._kinds: list[str] = _shared_strings(names.column("kind"))
        self._features: list[str] = names.column("features").to_pylist()
        self._parsed: dict[int, NameFeatures] = {}
        self._sorted: list[str] | None = None
        self._deleted: dict[str, list[str]] | None = None  # see _blocks_a_slip_away
        self._sorted_at = array("l")
        # block -> name positions; a block of one name holds the int itself (most do).
        self.blocks: dict[str, int | list[int]] = {}
        blocks = names.column("blocks").combine_chunks()
        pairs = (
            pa.table({"key": pc.list_flatten(blocks), "i": pc.list_parent_indices(blocks)})
            .group_by("key")
            .aggregate([("i", "list")])
        )
        for key, members in zip(
            pairs.column("key").to_pylist(), pairs.column("i_list").to_pylist(), strict=True
        ):
            self.blocks[key] = members[0] if len(members) == 1 else members
        del pairs
        by_entity = {e: i for i, e in reversed(list(enumerate(self._name_entity)))}
        self._names_of: dict[str, list[int]] = {}
        for i, e in enumerate(self._name_entity):
            self._names_of.setdefault(e, []).append(i)
        self._entity_ids_of: list[list[dict[str, str]]] = [
            v or [] for v in entities.column("identifiers").to_pylist()
        ]
        self._entity_countries: list[list[str]] = [
            v or [] for v in entities.column("countries").to_pylist()
        ]
        self._entity_addresses = entities.column("addresses")  # read when an entity is
        for row, values in enumerate(self._entity_ids_of):
            first = by_entity.get(self._entity_ids[row])
            for x in values or ():
                if x["value"] and first is not None:
                    held = self.blocks.get(f"i:{x['value']}", [])
                    held = [held] if isinstance(held, int) else held
                    self.blocks[f"i:{x['value']}"] = [*held, first]
        sources = entities.column("source").to_pylist()
        versions = entities.column("version").to_pylist()
        self.versions = sorted(set(zip(sources, versions, strict=True)))

    @classmethod
    def empty(cls) -> MatchIndex:
        """An index with no names."""
        return cls(
            pa.table(
                {c: pa.array([], pa.string()) for c in ("entity_id", "name", "kind", "features")}
                | {"blocks": pa.array([], pa.list_(pa.string()))}
            ),
            pa.table(
                {c: pa.array([], pa.string()) for c in _ENTITY_COLUMNS}
                | {
                    "identifiers": pa.array(
                        [], pa.list_(pa.struct([("kind", pa.string()), ("value", pa.string())]))
                    )
                }
                | {c: pa.array([], pa.list_(pa.string())) for c in ("countries", "addresses")}
            ),
        )

    def entry(self, i: int) -> Entry:
        """Name ``i`` with its features and entity."""
        features = self._parsed.get(i)
        if features is None:
            features = self._parsed[i] = NameFeatures.from_row(orjson.loads(self._features[i]))
        return Entry(self.listed(self._name_entity[i]), self._names[i], self._kinds[i], features)

    def listed(self, entity_id: str) -> Listed:
        """The listed entity ``entity_id``."""
        row = self._entity_row[entity_id]
        held = self._listed.get(row)
        if held is None:
            ids = frozenset(x["value"] for x in self._entity_ids_of[row] if x["value"])
            countries = frozenset(x.casefold() for x in self._entity_countries[row])
            source, version, name, schema, fingerprint = (col[row] for col in self._entity_text)
            addresses = tuple(self._entity_addresses[row].as_py() or ())
            places, industry = self._profile(entity_id)
            company = schema not in ("Person", "Vessel", "Airplane")
            held = self._listed[row] = Listed(
                entity_id,
                source,
                version,
                name,
                schema,
                fingerprint,
                Context(ids, countries, addresses, company, places, industry),
            )
        return held

    def _profile(self, entity_id: str) -> tuple[frozenset[str], tuple[str, ...]]:
        """The place keys and industry words of all of an entity's names: where an alias
        without a place is, and what trade an alias without one is in."""
        places: set[str] = set()
        industry: dict[str, None] = {}
        for i in self._names_of.get(entity_id, ()):
            f = self._parsed.get(i)
            if f is None:
                f = self._parsed[i] = NameFeatures.from_row(orjson.loads(self._features[i]))
            places.update(k for p in (*f.places, f.bracket) for k in p)
            industry.update(dict.fromkeys(f.industry))
        return frozenset(places), tuple(industry)

    def candidates(self, keys: Iterable[str], limit: int = 300) -> list[Entry]:
        """Entries sharing a block with ``keys``, the most telling blocks first.

        Registry IDs and the XPCC first; then trade name and place together, and the trade
        name without any place (a common trade name's block can hold thousands, and only
        these can be a match for a query that names a place); then a few of the trade name
        at other places, for review (all of them when the query names no place); prefix and
        suffix blocks (for typos) only when no exact block found anything.
        """
        stages: dict[int, list[str]] = {0: [], 1: [], 2: [], 3: []}
        for key in set(keys):
            stage = {"i": 0, "x": 0, "n": 0, "c": 1, "k": 2}.get(key[0], 3)
            stages[stage].append(key)
        seen: dict[int, None] = {}
        placed = any(not k.endswith("|-") for k in stages[1])
        if placed:  # names of that trade name without a place may be the query too
            stages[1] += [k.rsplit("|", 1)[0] + "|-" for k in stages[1]]
        for stage in (0, 1, 2, 3):
            if stage == 3 and seen:
                break
            if stage == 3:  # a typo: trade names one letter off (ESQUL, CMEL, ZIJN)
                stages[3] += [k for key in stages[2] for k in self._blocks_a_slip_away(key)]
            room = limit - len(seen)
            if stage == 2 and placed:
                room = min(room, SHARE_OF_TRADE_BLOCK)  # elsewhere: a few, for review
            taken = 0
            for key in sorted(stages[stage]):
                found = self.blocks.get(key, ())
                block = (found,) if isinstance(found, int) else found
                if stage == 3 and len(block) > BIG_BLOCK:
                    continue
                for i in block:
                    if taken >= room:
                        break
                    if i not in seen:
                        seen[i] = None
                        taken += 1
        return [self.entry(j) for j in seen]

    def _blocks_a_slip_away(self, key: str) -> list[str]:
        """The trade-name blocks one slip away from block ``key``: a letter left out, added or
        changed, or two neighbours swapped (names of four letters or more). Found through a
        table of each trade word with one letter deleted, built on first use: two words a slip
        apart share a deletion (SymSpell's idea)."""
        word = key[2:]
        if len(word) < 4 or not word.isalpha() or not word.isascii():
            return []
        table = self._deletions()
        near: set[str] = set()
        for variant in {word, *_deleted(word)}:
            near.update(table.get(variant, ()))
        near.discard(word)
        return [f"k:{w}" for w in near if OSA.distance(word, w, score_cutoff=1) == 1]

    def _deletions(self) -> dict[str, list[str]]:
        if self._deleted is None:
            table: dict[str, list[str]] = {}
            for key in self.blocks:
                word = key[2:]
                if key.startswith("k:") and len(word) >= 4 and word.isalpha() and word.isascii():
                    for variant in {word, *_deleted(word)}:
                        table.setdefault(variant, []).append(word)
            self._deleted = table
        return self._deleted

    def starting_with(self, words: tuple[str, ...], limit: int = 50) -> list[Entry]:
        """Names whose words begin with ``words`` (for names a 35-character field cut off).

        The sorted word list is built on first use: most runs never need it.
        """
        if self._sorted is None:
            keyed = sorted((" ".join(name_words(n)), i) for i, n in enumerate(self._names))
            self._sorted_at = array("l", (i for _, i in keyed))
            self._sorted = [k for k, _ in keyed]
        prefix = " ".join(words) + " "
        out: list[Entry] = []
        at = bisect_left(self._sorted, prefix)
        while at < len(self._sorted) and len(out) < limit and self._sorted[at].startswith(prefix):
            out.append(self.entry(self._sorted_at[at]))
            at += 1
        return out

    def __len__(self) -> int:
        return len(self._names)


def _shared_strings(column: pa.ChunkedArray) -> list[str]:
    """A column as Python strings, one object per distinct value (list names repeat a lot)."""
    seen: dict[str, str] = {}
    return [seen.setdefault(v, v) for v in (str(x or "") for x in column.to_pylist())]


_ENTITY_COLUMNS = ("entity_id", "source", "version", "name", "schema", "fingerprint")


def _deleted(word: str) -> set[str]:
    """``word`` with each one of its letters left out."""
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def block_keys(f: NameFeatures, ids: Iterable[str] = (), aliases: Iterable[str] = ()) -> set[str]:
    """The blocks a name falls in: its trade keys, trade words, key prefix and suffix, IDs;
    a query's ``aliases`` (its other trade keys) with its places as its trade key is."""
    aliases = list(aliases)
    out = {f"k:{k}" for k in (*f.keys, *aliases)}
    words = f.trade.casefold().split()
    if len(words) > 1:
        out |= {f"k:{w}" for w in words if len(w) >= 4}
    for k in f.keys[:1]:
        if len(k) >= 6:
            out.add(f"p:{k[:4]}")
            out.add(f"s:{k[-4:]}")
    places = [p for place in (*f.places, f.bracket) for p in place]
    for k in (*f.keys[:1], *aliases):
        out |= {f"c:{k}|{p}" for p in places} if places else {f"c:{k}|-"}
    if f.xpcc:
        out.add("x:xpcc")
    if not f.keys and f.text:
        out.add(f"n:{plain_words(f.text)}")
    out |= {f"i:{i}" for i in ids}
    return out


def _with_other_companies(
    store: Backend, names: pa.Table, version_ids: list[int], only: str = ""
) -> pa.Table:
    """``names`` and, as names of kind "part", the companies a list entry names after its
    first (CBP: "Shanghai Select Safety Products ... and its two subsidiaries from China,
    Select (Nantong) Safety Products Co. Limited and ..."), so each is found by its own name."""
    marks = ", ".join("?" for _ in version_ids)
    rows = store.sql(
        "SELECT DISTINCT entity_id, name FROM entity_names "
        f"WHERE version_id IN ({marks}){only} AND (name LIKE '%;%' OR name ILIKE '% and %') "
        "ORDER BY entity_id, name",
        version_ids,
    )
    parts = [(e, part) for e, name in rows for part in other_companies(name)]
    if not parts:
        return names
    encoded, blocks = encode_features([part for _, part in parts])
    extra = pa.table(
        {
            "entity_id": [e for e, _ in parts],
            "name": [part for _, part in parts],
            "kind": ["part"] * len(parts),
            "features": encoded,
            "blocks": blocks,
        }
    )
    return pa.concat_tables([names, extra.cast(names.schema)])


def load_index(store: Backend, lists: Iterable[str] | None = None) -> MatchIndex:
    """The current list versions (or only ``lists``) with their indexed features."""
    update_index(store)
    wanted = None if lists is None else set(resolve_sources(store, lists))
    chosen = [v for v in current_versions(store) if wanted is None or v.source in wanted]
    if not chosen:  # (a store without lists: the commands load the shipped ones first)
        return MatchIndex.empty()
    return index_of(store, [v.version_id for v in chosen])


def index_of(
    store: Backend, version_ids: list[int], entity_ids: list[str] | None = None
) -> MatchIndex:
    """The index of these list versions, or of only some of their entities (what a list
    update added or changed); the name index must be up to date."""
    marks = ", ".join("?" for _ in version_ids)
    params: list[Any] = list(version_ids)
    only = ""
    if entity_ids is not None:
        if not entity_ids:
            return MatchIndex.empty()
        store.sql("CREATE OR REPLACE TEMP TABLE _index_only (entity_id VARCHAR)")
        store.append("_index_only", pa.table({"entity_id": entity_ids}))
        only = " AND {0}.entity_id IN (SELECT entity_id FROM _index_only)"
    names = store.arrow(
        "SELECT n.entity_id, n.name, n.kind, i.features, i.blocks FROM entity_names n "
        "JOIN name_index i ON i.name = n.name AND i.features_version = ? "
        f"WHERE n.version_id IN ({marks}){only.format('n')} ORDER BY n.entity_id, n.name, n.kind",
        [features_version(), *params],
    )
    names = _with_other_companies(store, names, version_ids, only.format("entity_names"))
    entities = store.arrow(
        "SELECT e.entity_id, v.source, v.version, e.name, e.schema, e.fingerprint, "
        "e.identifiers, e.countries, e.addresses FROM entities e "
        "JOIN list_versions v ON v.version_id = e.version_id "
        f"WHERE e.version_id IN ({marks}){only.format('e')} "
        "ORDER BY e.entity_id",  # one order on every engine: ties between names are kept alike
        params,
    )
    return MatchIndex(names, entities)
