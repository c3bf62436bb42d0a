"""The blocking and scoring index: every listed name's comparable parts, kept in the store.

Features depend only on a name's text, so the store keeps one row per distinct name
(``name_index``). When a list version is imported only names not yet in the index are
computed; nothing is rebuilt on every run. Loading joins the current list versions with the
index and builds the in-memory blocks (trade keys, trade words, key prefixes, registry IDs).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import zlib
from bisect import bisect_left
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import suppress
from dataclasses import dataclass
from functools import cache, lru_cache
from hashlib import blake2b
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pyarrow as pa
import pyarrow.compute as pc
from rapidfuzz.distance import Indel

from paxta.config import inside_home, paxta_home
from paxta.data import data_path
from paxta.lists.repository import ListVersion, current_versions, resolve_sources
from paxta.memory import remember
from paxta.names.features import FEATURES_ALGORITHM, NameFeatures, name_features
from paxta.names.party import other_companies
from paxta.native import picklable
from paxta.screen.comparison import Context
from paxta.screen.tradename import could_be_alike, name_words, plain_words
from paxta.store import Backend
from paxta.workers import batch_worker

PARALLEL_ABOVE = 50_000  # names; below this one process is quicker than starting workers
CHUNK = 20_000
SHARE_OF_TRADE_BLOCK = 20  # names of the trade name at other places, when the query has one
TYPO_MEMORY = 50_000  # typo searches kept per index (forgotten whole when full)
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


def update_index(
    store: Backend,
    progress: Callable[[int, int], None] | None = None,
    version_ids: list[int] | None = None,
) -> int:
    """Compute the features of listed names not yet indexed (of the current list versions, or
    of ``version_ids``); return how many were added."""
    current = version_ids or [v.version_id for v in current_versions(store)]
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


class Blocks:
    """A map from text keys to lists of positions as three flat arrays, which a file can hold
    and every process can map: the keys' sorted 64-bit hashes, where each key's positions
    start, and the positions. (Two keys of one hash share a block; candidates are compared
    anyway, and at 64 bits it does not happen in practice.)"""

    def __init__(self, hashes: np.ndarray, starts: np.ndarray, members: np.ndarray) -> None:
        # (plain arrays over a mapped file's memory: numpy's memmap costs on every slice)
        self.hashes, self.starts, self.members = (
            a.view(np.ndarray) if isinstance(a, np.memmap) else a for a in (hashes, starts, members)
        )
        # Looked up a few keys at a time: binary search over the arrays' memory from Python
        # costs less than numpy's calls do for so few (~1 us a key against ~25 us a call).
        self._hash_at, self._start_at, self._member_at = (
            np.ascontiguousarray(a).data for a in (self.hashes, self.starts, self.members)
        )
        # where the hashes of each top 16 bits begin: a search looks among a few, not all
        tops = np.arange(_TOPS, dtype=np.uint64) << np.uint64(64 - _TOP_BITS)
        at = np.searchsorted(self.hashes, tops)
        self._top_at = np.append(at, len(self.hashes)).astype(np.int64).data

    def __reduce__(self) -> tuple[type[Blocks], tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """Pickled as its arrays (views are made again)."""
        return Blocks, (self.hashes, self.starts, self.members)

    @classmethod
    def build(cls, keys: list[str], key_of: np.ndarray, members: np.ndarray) -> Blocks:
        """The blocks of pairs (``keys[key_of[n]]``, ``members[n]``)."""
        hashed = _hashes(keys)[key_of] if len(key_of) else np.zeros(0, np.uint64)
        order = np.lexsort((members, hashed))
        hashed, held = hashed[order], np.asarray(members, np.int32)[order]
        hashes, first = np.unique(hashed, return_index=True)
        return cls(hashes, np.append(first, len(hashed)).astype(np.int64), held)

    def get(self, key: str) -> memoryview:
        """The positions in block ``key`` (none when there is no such block)."""
        return self.get_many([key])[0]

    def get_many(self, keys: list[str]) -> list[memoryview]:
        """The positions in each of ``keys``' blocks."""
        hashes, starts, members = self._hash_at, self._start_at, self._member_at
        n = len(hashes)
        out = []
        top = self._top_at
        for key in keys:
            wanted = _hash(key)
            t = wanted >> (64 - _TOP_BITS)
            at = bisect_left(hashes, wanted, top[t], top[t + 1])
            out.append(members[starts[at] : starts[at + 1]] if at < n and hashes[at] == wanted
                       else _NONE)  # fmt: skip
        return out

    def arrays(self, prefix: str) -> dict[str, np.ndarray]:
        """The three arrays, named for saving."""
        return {f"{prefix}_hashes": self.hashes, f"{prefix}_starts": self.starts,
                f"{prefix}_members": self.members}  # fmt: skip


_NONE = np.zeros(0, np.int32).data
_TOP_BITS = 16
_TOPS = 1 << _TOP_BITS


def _hashes(keys: Iterable[str]) -> np.ndarray:
    """Each key's stable 64-bit hash (the same in every process and on every machine)."""
    digest = b"".join(blake2b(k.encode(), digest_size=8).digest() for k in keys)
    return np.frombuffer(digest, dtype="<u8")


@lru_cache(maxsize=1 << 18)  # (block keys recur: nearly half of those looked up)
def _hash(key: str) -> int:
    """One key's hash, as :func:`_hashes` makes it."""
    return int.from_bytes(blake2b(key.encode(), digest_size=8).digest(), "little")


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


@dataclass
class IndexParts:
    """What a :class:`MatchIndex` is made of: Arrow tables and flat arrays, built from the store
    once and saved in paxta's home, where every later process maps them instead of building."""

    names: pa.Table  # name, kind, features (JSON), entity (row in entities); by entity
    entities: pa.Table  # entity_id, source, version, name, schema, fingerprint, ids, ...
    arrays: dict[str, np.ndarray]  # blocks_*, near_*, slips_*, entity_starts, cut_at
    words: pa.Array  # trade words a typo search looks among
    cut_text: pa.Array  # every name's words, sorted (names a 35-character field cut off)
    versions: list[tuple[str, str]]


class MatchIndex:
    """The names of the current list versions, blocked for candidate search.

    Everything stays in flat columns and arrays (memory-mapped when loaded from paxta's home);
    an entry's features and its entity are built only when it is a candidate.
    """

    def __init__(self, parts: IndexParts) -> None:
        self.parts = parts
        self.versions = parts.versions
        names = parts.names
        self._names = _column(names, "name")
        self._kinds = _column(names, "kind")
        self._features = _column(names, "features")
        self._entity_of = _int32s(_column(names, "entity"))
        entities = parts.entities
        self._entity = {c: _column(entities, c) for c in entities.column_names}
        a = parts.arrays
        self.blocks, self.near, self.slips = (
            Blocks(a[f"{p}_hashes"], a[f"{p}_starts"], a[f"{p}_members"])
            for p in ("blocks", "near", "slips")
        )
        self._entity_starts = a["entity_starts"]
        self._cut_at = a["cut_at"]
        self._cut_text = _Strings(parts.cut_text)
        self._words = parts.words
        self._word_list: list[str] | None = None
        self._typos: dict[tuple[tuple[str, ...], tuple[str, ...]], list[str]] = {}
        self._parsed: dict[int, NameFeatures] = {}
        self._listed: dict[int, Listed] = {}
        self._entries: dict[int, Entry] = {}

    def __reduce__(self) -> tuple[type[MatchIndex], tuple[IndexParts]]:
        """Pickled as its parts (an engine sends the index to its workers), made again there;
        what a process builds as it screens stays behind."""
        return MatchIndex, (self.parts,)

    @classmethod
    def empty(cls) -> MatchIndex:
        """An index with no names."""
        return cls(_parts(_EMPTY_NAMES, _EMPTY_ENTITIES))

    def features(self, i: int) -> NameFeatures:
        """Name ``i``'s features."""
        f = self._parsed.get(i)
        if f is None:
            f = self._parsed[i] = NameFeatures.from_row(orjson.loads(self._features[i].as_py()))
        return f

    def entry(self, i: int) -> Entry:
        """Name ``i`` with its features and entity."""
        held = self._entries.get(i)
        if held is None:
            entity = self.listed(int(self._entity_of[i]))
            held = self._entries[i] = Entry(
                entity, self._names[i].as_py(), self._kinds[i].as_py(), self.features(i)
            )
        return held

    def listed(self, row: int) -> Listed:
        """The listed entity in row ``row``."""
        held = self._listed.get(row)
        if held is None:
            e = {k: col[row].as_py() for k, col in self._entity.items()}
            ids = frozenset(x["value"] for x in e["identifiers"] or () if x["value"])
            countries = frozenset(x.casefold() for x in e["countries"] or ())
            places, industry = self._profile(row)
            company = e["schema"] not in ("Person", "Vessel", "Airplane")
            context = Context(
                ids, countries, tuple(e["addresses"] or ()), company, places, industry
            )
            held = self._listed[row] = Listed(
                e["entity_id"], e["source"] or "", e["version"] or "", e["name"] or "",
                e["schema"] or "", e["fingerprint"] or "", context,
            )  # fmt: skip
        return held

    def _profile(self, row: int) -> tuple[frozenset[str], tuple[str, ...]]:
        """The place keys and industry words of all of an entity's names: where an alias
        without a place is, and what trade an alias without one is in."""
        places: set[str] = set()
        industry: dict[str, None] = {}
        for i in range(int(self._entity_starts[row]), int(self._entity_starts[row + 1])):
            f = self.features(i)
            places.update(k for p in (*f.places, f.bracket) for k in p)
            industry.update(dict.fromkeys(f.industry))
        return frozenset(places), tuple(industry)

    def candidates(self, keys: Iterable[str], limit: int = 300) -> list[Entry]:
        """Entries sharing a block with ``keys``, the most telling blocks first.

        Registry IDs and the XPCC first; then trade name and place together, and the trade
        name without any place (a common trade name's block can hold thousands, and only
        these can be a match for a query that names a place); then a few of the trade name
        at other places, for review (all of them when the query names no place). Only when
        no exact block found anything, the listed trade names a typo away (those sharing the
        first or last four letters or a slip with the query's, kept only when they can compare
        above ``fuzzy_low``: :func:`could_be_alike`), the closest first, in the same order: at
        the query's places or none, then a few elsewhere.
        """
        stages: dict[int, list[str]] = {0: [], 1: [], 2: [], 3: [], 4: []}
        for key in set(keys):
            stage = {"i": 0, "x": 0, "n": 0, "c": 1, "k": 2}.get(key[0], 3)
            stages[stage].append(key)
        seen: dict[int, None] = {}
        places = sorted({k.rsplit("|", 1)[1] for k in stages[1]} - {"-"})
        if places:  # names of that trade name without a place may be the query too
            stages[1] += [k.rsplit("|", 1)[0] + "|-" for k in stages[1]]
        for stage in (0, 1, 2):
            stages[stage] = sorted(set(stages[stage]))
        exact = [*stages[0], *stages[1], *stages[2]]
        blocks = dict(zip(exact, self.blocks.get_many(exact), strict=True))  # looked up at once
        for stage in (0, 1, 2, 3, 4):
            if stage == 3:
                if seen:
                    break
                # a typo: the listed trade names a typo away, at the query's places first
                words = self._typo_words(stages[2], stages[3])
                stages[3] = [f"c:{w}|{p}" for w in words for p in (*places, "-")]
                stages[4] = [f"k:{w}" for w in words]
                typo = [*stages[3], *stages[4]]
                blocks.update(zip(typo, self.blocks.get_many(typo), strict=True))
            room = limit - len(seen)
            if stage in (2, 4) and places:
                room = min(room, SHARE_OF_TRADE_BLOCK)  # elsewhere: a few, for review
            taken = 0
            for key in stages[stage]:
                if taken >= room:
                    break
                # (a block may hold thousands: its first members suffice, as many as are
                # still wanted and as many more as may be taken already)
                for i in blocks[key][: room - taken + len(seen)].tolist():
                    if i not in seen:
                        seen[i] = None
                        taken += 1
                        if taken >= room:
                            break
        return [self.entry(j) for j in seen]

    def _typo_words(self, trade: list[str], near: list[str]) -> list[str]:
        """The listed trade words a typo away from the query's trade words ``trade`` (``k:``
        keys): words sharing a block in ``near`` (first or last four letters), and words a slip
        away (a letter left out, added or changed, or two neighbours swapped), found through
        the table of each word with one letter deleted (SymSpell's idea); those that can
        compare above ``fuzzy_low``, the closest first. Kept for the next query with the same
        trade words (a supplier file names the same trade names again and again); read it,
        never change it."""
        key = (tuple(trade), tuple(near))
        held = self._typos.get(key)
        if held is None:
            held = remember(self._typos, key, self._typo_search(trade, near), TYPO_MEMORY)
        return held

    def _typo_search(self, trade: list[str], near: list[str]) -> list[str]:
        mine = [k[2:] for k in trade]
        found: set[int] = set()
        for held in self.near.get_many(near):
            found.update(held.tolist())
        variants = {
            v
            for word in mine
            if len(word) >= 4 and word.isalpha() and word.isascii()
            for v in (word, *_deleted(word))
        }
        for held in self.slips.get_many(sorted(variants)):
            found.update(held.tolist())
        if not found:
            return []
        if self._word_list is None:  # (Python strings once per process: the typo search reads many)
            self._word_list = self._words.to_pylist()
        listed = self._word_list
        words = [listed[j] for j in sorted(found)]
        close = []
        for w in words:
            alike = [Indel.normalized_similarity(w, m) for m in mine if could_be_alike(m, w)]
            if alike and w not in mine:
                close.append((-max(alike), w))
        return [w for _, w in sorted(close)]

    def starting_with(self, words: tuple[str, ...], limit: int = 50) -> list[Entry]:
        """Names whose words begin with ``words`` (for names a 35-character field cut off)."""
        prefix = " ".join(words) + " "
        out: list[Entry] = []
        cut = self._cut_text  # (bisected by position: compiled, it is not a sequence to bisect)
        at = bisect_left(range(len(cut)), prefix, key=lambda i: cut[i])
        while at < len(cut) and len(out) < limit:
            if not cut[at].startswith(prefix):
                break
            out.append(self.entry(int(self._cut_at[at])))
            at += 1
        return out

    def __len__(self) -> int:
        return len(self._names)


class _Strings:
    """An Arrow string array as a sequence of Python strings."""

    def __init__(self, array: pa.Array) -> None:
        self.array = array

    def __getitem__(self, i: int) -> str:
        return str(self.array[i].as_py())

    def __len__(self) -> int:
        return len(self.array)


def _column(table: pa.Table, name: str) -> pa.Array:
    """One column as one array (a saved index holds one chunk; a built one is combined)."""
    column = table.column(name)
    return column.chunk(0) if column.num_chunks == 1 else column.combine_chunks()


def _int32s(array: pa.Array) -> np.ndarray:
    """A null-free int32 array's values, without a copy (``Array.to_numpy`` imports pandas when
    it is installed: ~0.2 s of every command's start went to that)."""
    if array.type != pa.int32() or array.null_count:  # (a damaged index: built again)
        raise ValueError(f"expected int32 values without nulls, not {array.type}")
    return np.frombuffer(array.buffers()[1], np.int32, len(array), array.offset * 4)


def _deleted(word: str) -> set[str]:
    """``word`` with each one of its letters left out."""
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


_ENTITY_COLUMNS = ("entity_id", "source", "version", "name", "schema", "fingerprint")
# (``pa.array`` of a Python list, and ``Schema.empty_table``, import pandas when installed, to
# ask whether the list is one of its arrays: ~0.2 s of every command's start went to that)
_EMPTY_NAMES = pa.Table.from_batches(
    [],
    pa.schema(
        [(c, pa.string()) for c in ("entity_id", "name", "kind", "features")]
        + [("blocks", pa.list_(pa.string()))]
    ),
)
_EMPTY_ENTITIES = pa.Table.from_batches(
    [],
    pa.schema(
        [(c, pa.string()) for c in _ENTITY_COLUMNS]
        + [("identifiers", pa.list_(pa.struct([("kind", pa.string()), ("value", pa.string())])))]
        + [(c, pa.list_(pa.string())) for c in ("countries", "addresses")]
    ),
)
_NAMES_SCHEMA = pa.schema(
    [("name", pa.large_string()), ("kind", pa.large_string()),
     ("features", pa.large_string()), ("entity", pa.int32())]
)  # fmt: skip


def _parts(names: pa.Table, entities: pa.Table) -> IndexParts:
    """Build an index's parts from the store's names (with their blocks) and entities."""
    entity = pc.index_in(names.column("entity_id"), value_set=entities.column("entity_id"))
    names = (
        names.append_column("entity", entity.cast(pa.int32()))
        .filter(pc.is_valid(entity))
        .sort_by([("entity", "ascending"), ("name", "ascending"), ("kind", "ascending")])
    )
    blocks = _column(names, "blocks")
    flat, parent = pc.list_flatten(blocks), pc.list_parent_indices(blocks)
    typo = pc.or_(pc.starts_with(flat, "p:"), pc.starts_with(flat, "s:"))
    named = flat.filter(pc.invert(typo)).dictionary_encode()
    keys: list[str] = named.dictionary.to_pylist()
    key_of = [named.indices.to_numpy(zero_copy_only=False)]
    members = [parent.filter(pc.invert(typo)).to_numpy(zero_copy_only=False)]
    entity_of = _column(names, "entity").to_numpy(zero_copy_only=False)
    entity_starts = np.searchsorted(entity_of, np.arange(entities.num_rows + 1)).astype(np.int64)
    extra: dict[str, list[int]] = {}  # registry IDs: the block of the entity's first name
    for row, values in enumerate(entities.column("identifiers").to_pylist()):
        for x in values or ():
            if x["value"] and entity_starts[row] < entity_starts[row + 1]:
                extra.setdefault(f"i:{x['value']}", []).append(int(entity_starts[row]))
    for key, held in extra.items():
        key_of.append(np.full(len(held), len(keys), np.int64))
        members.append(np.asarray(held, np.int64))
        keys.append(key)
    # Typo search: the distinct first trade keys by their first and last four letters, and the
    # trade words with one letter deleted.
    first_keys = {  # (each name's first trade key has its place blocks: c:KEY|PLACE)
        w for k in keys if k.startswith("c:") and len(w := k[2:].rsplit("|", 1)[0]) >= 6
    }
    slip_words = {
        w for k in keys if k.startswith("k:") and len(w := k[2:]) >= 4 and w.isalpha()
        and w.isascii()
    }  # fmt: skip
    words = sorted(first_keys | slip_words)
    near = [(f"p:{w[:4]}", j) for j, w in enumerate(words) if w in first_keys]
    near += [(f"s:{w[-4:]}", j) for j, w in enumerate(words) if w in first_keys]
    slips = [(v, j) for j, w in enumerate(words) if w in slip_words for v in {w, *_deleted(w)}]
    # Names a cut-off (Latin) query can start: any with letters other than Chinese characters.
    latin = pc.match_substring_regex(_column(names, "name"), r"[^\p{Han}\s\p{P}\p{S}\d]")
    cut = sorted(
        (" ".join(name_words(n)), i)
        for i, (n, ok) in enumerate(
            zip(_column(names, "name").to_pylist(), latin.to_pylist(), strict=True)
        )
        if ok
    )
    arrays = {
        **Blocks.build(keys, np.concatenate(key_of), np.concatenate(members)).arrays("blocks"),
        **_pairs(near).arrays("near"),
        **_pairs(slips).arrays("slips"),
        "entity_starts": entity_starts,
        "cut_at": np.asarray([i for _, i in cut], np.int32),
    }
    sources = entities.column("source").to_pylist()
    versions = entities.column("version").to_pylist()
    return IndexParts(
        names.select(["name", "kind", "features", "entity"]).cast(_NAMES_SCHEMA),
        entities,
        arrays,
        pa.array(words, pa.large_string()),
        pa.array([t for t, _ in cut], pa.large_string()),
        sorted(set(zip(sources, versions, strict=True))),
    )


def _pairs(pairs: list[tuple[str, int]]) -> Blocks:
    keys = sorted({k for k, _ in pairs})
    at = {k: n for n, k in enumerate(keys)}
    return Blocks.build(
        keys,
        np.asarray([at[k] for k, _ in pairs], np.int64),
        np.asarray([j for _, j in pairs], np.int64),
    )


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
    """The current list versions (or only ``lists``) with their indexed features: mapped from
    paxta's home when an index of exactly these versions was saved there (in milliseconds,
    shared by every process), else built from the store, saved, and mapped."""
    wanted = None if lists is None else set(resolve_sources(store, lists))
    chosen = [v for v in current_versions(store) if wanted is None or v.source in wanted]
    if not chosen:  # (a store without lists: the commands load the shipped ones first)
        return MatchIndex.empty()
    folder = inside_home("index", _digest(store, chosen))
    if (folder / "meta.json").is_file():
        with suppress(OSError):  # (in use: kept when older indexes are cleared)
            os.utime(folder)
        try:
            return MatchIndex(_load(folder))
        except (OSError, ValueError, pa.ArrowException):
            shutil.rmtree(folder, ignore_errors=True)  # damaged: built again
    update_index(store)
    parts = _build(store, [v.version_id for v in chosen])
    try:
        _save(parts, folder)
        parts = _load(folder)
    except OSError:
        pass  # (a home that cannot be written: the index lives in this process only)
    return MatchIndex(parts)


def index_of(
    store: Backend, version_ids: list[int], entity_ids: list[str] | None = None
) -> MatchIndex:
    """The index of these list versions, or of only some of their entities (what a list
    update added or changed), built in memory; the name index must be up to date."""
    if entity_ids is not None and not entity_ids:
        return MatchIndex.empty()
    return MatchIndex(_build(store, version_ids, entity_ids))


def _build(
    store: Backend, version_ids: list[int], entity_ids: list[str] | None = None
) -> IndexParts:
    marks = ", ".join("?" for _ in version_ids)
    params: list[Any] = list(version_ids)
    only = ""
    if entity_ids is not None:
        store.sql("CREATE OR REPLACE TEMP TABLE _index_only (entity_id VARCHAR)")
        store.append("_index_only", pa.table({"entity_id": entity_ids}))
        only = " AND {0}.entity_id IN (SELECT entity_id FROM _index_only)"
    names = store.arrow(
        "SELECT n.entity_id, n.name, n.kind, i.features, i.blocks FROM entity_names n "
        "JOIN name_index i ON i.name = n.name AND i.features_version = ? "
        f"WHERE n.version_id IN ({marks}){only.format('n')}",
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
    return _parts(names, entities)


INDEX_FORMAT = 2  # the saved files' layout and what goes in them; raised when either changes
KEEP_SAVED = 3  # indexes kept in paxta's home (the newest used); older ones are removed


def _digest(store: Backend, versions: list[ListVersion]) -> str:
    """The saved index's name: the store, the list versions, the features' version. The
    home's own store is named by its place in the home, so a home copied or moved keeps its
    index (building it again took ~3 s for the shipped lists)."""
    where = str(getattr(store, "path", ""))
    if where and (full := Path(where).resolve()).is_relative_to(home := paxta_home()):
        where = full.relative_to(home).as_posix()
    h = hashlib.sha256(f"{INDEX_FORMAT}|{features_version()}|{where}".encode())
    for v in versions:
        h.update(
            f"|{v.version_id}|{v.source}|{v.version}|{v.sha256}|{v.entity_count}|"
            f"{v.imported_at.isoformat()}".encode()
        )
    return h.hexdigest()[:32]


def _save(parts: IndexParts, folder: Path) -> None:
    """Write ``parts`` into ``folder`` whole or not at all (a new folder renamed into place);
    remove all but the newest few other indexes."""
    tmp = folder.with_name(f".{folder.name}.{os.getpid()}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    tables = {
        "names": parts.names,
        "entities": parts.entities,
        "words": pa.table({"word": parts.words}),
        "cut": pa.table({"text": parts.cut_text}),
    }
    for name, table in tables.items():
        path = str(tmp / f"{name}.arrow")
        with pa.OSFile(path, "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
            writer.write_table(table.combine_chunks())
    for name, array in parts.arrays.items():
        np.save(tmp / f"{name}.npy", np.ascontiguousarray(array))
    meta = {"format": INDEX_FORMAT, "versions": parts.versions}
    (tmp / "meta.json").write_bytes(orjson.dumps(meta))
    try:
        tmp.rename(folder)
    except OSError:  # another process saved it first
        shutil.rmtree(tmp, ignore_errors=True)
    others = [p for p in folder.parent.iterdir() if p.is_dir() and p != folder]
    others.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    for old in others[KEEP_SAVED - 1 :]:
        if not old.name.startswith("."):
            shutil.rmtree(old, ignore_errors=True)  # (a process mapping it keeps its pages)


def _load(folder: Path) -> IndexParts:
    """The parts saved in ``folder``, memory-mapped."""
    tables = {
        name: pa.ipc.open_file(pa.memory_map(str(folder / f"{name}.arrow"))).read_all()
        for name in ("names", "entities", "words", "cut")
    }
    arrays = {}
    for path in folder.glob("*.npy"):
        try:
            arrays[path.stem] = np.load(path, mmap_mode="r")
        except ValueError:  # (an empty array cannot be mapped)
            arrays[path.stem] = np.load(path)
    meta = orjson.loads((folder / "meta.json").read_bytes())
    return IndexParts(
        tables["names"],
        tables["entities"],
        arrays,
        _column(tables["words"], "word"),
        _column(tables["cut"], "text"),
        [tuple(v) for v in meta["versions"]],
    )


picklable(Listed, Entry)  # (frozen: see paxta.native)
