"""The screening index saved in paxta's home: built once per set of list versions, mapped by
every later process, rebuilt when damaged; and the typo search bounded by what can match."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import orjson
import pytest

from paxta.lists.importer import import_list
from paxta.names.features import name_features
from paxta.screen.index import (
    KEEP_SAVED,
    Blocks,
    block_keys,
    index_of,
    load_index,
    update_index,
)
from paxta.screen.matcher import Match, Matcher, Query, best_match, map_queries
from paxta.store import Backend

NAMES = [
    "Zhongtian Textile Co., Ltd.",
    "Zhongtai Chemical Co., Ltd.",
    "Zhongguancun Electronics Co., Ltd.",
    "Zhongxing Garment Co., Ltd.",
    "新疆华孚色纺有限公司",
    "Hotan Huafu Cotton Co., Ltd.",
]
QUERIES = [
    "ZHONGTIAM TEXTILE CO LTD",  # a slip
    "Zhongtian Textile",
    "新疆华孚色纺",
    "HOTAN HUAFU COTTON",
    "Shenzhen Nowhere Trading Co., Ltd.",
]


@pytest.fixture
def home(empty_home: Path) -> Path:
    """These tests build indexes in a home that holds none yet."""
    return empty_home


def _list(tmp_path: Path, names: list[str], tag: str = "a") -> Path:
    path = tmp_path / f"list-{tag}.ftm.json"
    with path.open("wb") as f:
        for i, name in enumerate(names):
            entity = {"id": f"t-{i}", "schema": "Company", "properties": {"name": [name]}}
            f.write(orjson.dumps(entity) + b"\n")
    return path


def _answers(m: Matcher) -> list[list[tuple[str, str, float]]]:
    return [[(x.entity.entity_id, x.decision, x.score) for x in m.match(q)] for q in QUERIES]


def test_the_saved_index_is_mapped_and_answers_as_the_built_one(
    store: Backend, home: Path, tmp_path: Path
) -> None:
    import_list(store, str(_list(tmp_path, NAMES)), source="test", fmt="ftm")
    first = load_index(store, ["test"])
    saved = [p for p in (home / "index").iterdir() if (p / "meta.json").is_file()]
    assert len(saved) == 1
    again = load_index(store, ["test"])
    assert isinstance(again.blocks.members.base, np.memmap)  # mapped, not built
    assert len(again) == len(first) == len(NAMES)
    version = store.sql("SELECT max(version_id) FROM list_versions WHERE source = 'test'")[0][0]
    built = index_of(store, [version])  # in memory, never saved
    assert _answers(Matcher(again)) == _answers(Matcher(built))
    found = _answers(Matcher(again))
    assert found[0] and found[0][0][0] == "t-0"  # the slip is still found
    assert found[4] == []


def test_a_home_copied_or_moved_keeps_its_index(
    tmp_path: Path, seeded_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The home's own store is named by its place in the home: a copy of a home (a backup
    restored, a home moved) maps the index it holds instead of building it again."""
    import shutil

    from paxta.store import open_store

    moved = tmp_path / "moved"
    shutil.copytree(seeded_home, moved)
    monkeypatch.setenv("PAXTA_HOME", str(moved))
    held = sorted(p.name for p in (moved / "index").iterdir())
    store = open_store()
    try:
        index = load_index(store)
    finally:
        store.close()
    assert isinstance(index.blocks.members.base, np.memmap)  # mapped, not built
    assert sorted(p.name for p in (moved / "index").iterdir()) == held


def test_an_index_reads_its_integers_as_saved_or_calls_them_damaged() -> None:
    """The entity column is read without a copy (and without pandas), a slice at its offset;
    anything but int32 without nulls is a damaged index (built again), never misread."""
    import pyarrow as pa

    from paxta.screen.index import _int32s

    values = pa.array(list(range(10)), pa.int32())
    assert _int32s(values.slice(3, 4)).tolist() == [3, 4, 5, 6]
    for bad in (pa.array([1, None, 3], pa.int32()), pa.array([1, 2, 3], pa.int64())):
        with pytest.raises(ValueError):
            _int32s(bad)


def test_a_damaged_saved_index_is_built_again(store: Backend, home: Path, tmp_path: Path) -> None:
    import_list(store, str(_list(tmp_path, NAMES)), source="test", fmt="ftm")
    load_index(store, ["test"])
    folder = next(p for p in (home / "index").iterdir() if not p.name.startswith("."))
    (folder / "names.arrow").write_bytes(b"not arrow")
    index = load_index(store, ["test"])
    assert len(index) == len(NAMES)
    assert Matcher(index).match("Zhongtian Textile")[0].entity.entity_id == "t-0"


def test_each_list_version_has_its_own_index_and_old_ones_go(
    store: Backend, home: Path, tmp_path: Path
) -> None:
    for n, word in enumerate(["Alpha", "Bravo", "Charlie", "Delta", "Echo"][: KEEP_SAVED + 2]):
        names = [*NAMES, f"Newly Listed {word} Textile Co., Ltd."]
        import_list(store, str(_list(tmp_path, names, str(n))), source="test", fmt="ftm")
        index = load_index(store, ["test"])  # (the same day's versions: the newest is used)
        found = Matcher(index).match(f"NEWLY LISTED {word.upper()} TEXTILE")
        assert [m.decision for m in found] == ["match"]
    kept = [p for p in (home / "index").iterdir() if not p.name.startswith(".")]
    assert len(kept) == KEEP_SAVED


def test_the_typo_search_compares_only_names_that_can_be_alike(
    store: Backend, tmp_path: Path
) -> None:
    import_list(store, str(_list(tmp_path, NAMES)), source="test", fmt="ftm")
    update_index(store)
    version = store.sql("SELECT max(version_id) FROM list_versions WHERE source = 'test'")[0][0]
    index = index_of(store, [version])
    # ZHONGTIAM shares its first four letters with every Zhong- name; only Zhongtian (a slip)
    # can compare above fuzzy_low: Zhongtai is 0.82 alike, but two pinyin names other than a
    # slip are two names.
    q = name_features("ZHONGTIAM TEXTILE CO LTD")
    found = {e.name for e in index.candidates(block_keys(q))}
    assert found == {"Zhongtian Textile Co., Ltd."}
    # a second query with the same trade name is answered from the search kept: told that
    # search found no word, it finds nothing (the compiled index's methods cannot be replaced)
    again = {e.name for e in index.candidates(block_keys(name_features("Zhongtiam Textiles")))}
    assert again == found and len(index._typos) == 1
    (kept,) = index._typos
    index._typos[kept] = []
    assert not index.candidates(block_keys(name_features("Zhongtiam Textiles")))


def test_a_query_asked_again_in_a_run_is_answered_once(store: Backend, tmp_path: Path) -> None:
    import_list(store, str(_list(tmp_path, NAMES)), source="test", fmt="ftm")
    m = Matcher(load_index(store, ["test"]))
    asked: list[str] = []

    def each(matcher: Matcher, q: Query) -> Match | None:
        asked.append(q[0])
        return best_match(matcher, q)

    queries = [(n, frozenset[str](), frozenset[str](), "") for n in QUERIES * 2]
    answers = list(map_queries(m, queries, each, workers=1))
    assert asked == QUERIES
    assert answers[: len(QUERIES)] == answers[len(QUERIES) :]
    assert answers[0] is not None and answers[0].entity.entity_id == "t-0"
    list(map_queries(m, queries, each, workers=1))  # a new run asks again
    assert asked == QUERIES * 2


_ASKED_LOG: list[Path] = []  # where the workers below say what they were asked


def _logged_match(matcher: Matcher, q: Query) -> Match | None:
    """:func:`best_match`, noting the query in the log file (a worker appends a line)."""
    with _ASKED_LOG[0].open("a", encoding="utf-8") as log:
        log.write(q[0] + "\n")
    return best_match(matcher, q)


@pytest.mark.parametrize("held", [100_000, 3])
def test_workers_are_asked_each_distinct_query_once(
    store: Backend, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, held: int
) -> None:
    """Across the workers of a run, a query asked before is not asked again (each worker kept
    its own answers, so a repeat in the other's chunk was matched twice); answers stay in
    order, and a run whose memory of answers fills (``held``) asks again only what it forgot."""
    from paxta.screen import matcher as matching

    import_list(store, str(_list(tmp_path, NAMES)), source="test", fmt="ftm")
    m = Matcher(load_index(store, ["test"]))
    monkeypatch.setattr(matching, "ANSWERS_HELD", held)
    log = tmp_path / "asked.txt"
    _ASKED_LOG[:] = [log]
    names = [n for n in QUERIES for _ in range(480)] + QUERIES[:3]  # (chunks of 500)
    queries = [(n, frozenset[str](), frozenset[str](), "") for n in names]
    answers = list(map_queries(m, queries, _logged_match, workers=2))
    alone = {n: best_match(m, (n, frozenset(), frozenset(), "")) for n in QUERIES}
    assert [a.entity.entity_id if a else None for a in answers] == [
        a.entity.entity_id if a else None for a in (alone[n] for n in names)
    ]
    asked = sorted(log.read_text(encoding="utf-8").splitlines())
    if held >= len(QUERIES):
        assert asked == sorted(QUERIES)
    else:  # all forgotten when the fourth came, and again at the end's second: those asked again
        assert asked == sorted(QUERIES + QUERIES[:3])


def _its_name_in_a_list(matcher: Matcher, q: Query) -> list[str]:
    """An answer Python's collector tracks (a list), made in a worker."""
    return [q[0]]


def test_the_writing_process_sets_its_answers_aside_as_they_come(
    store: Backend, tmp_path: Path, nothing_set_aside: None
) -> None:
    """In a run with workers, the process writing the results sets what it holds aside from
    Python's collector as each chunk of answers comes (the answers a run keeps live for the
    run), and gives everything back when the run ends. In a process where something else had
    set objects aside (the web server sets its index aside), the run leaves them so."""
    import gc

    import_list(store, str(_list(tmp_path, NAMES)), source="test", fmt="ftm")
    m = Matcher(load_index(store, ["test"]))
    names = [f"name {k}" for k in range(1_200)]  # distinct: three chunks
    queries = [(n, frozenset[str](), frozenset[str](), "") for n in names]
    answers: list[list[str]] = []
    for answer in map_queries(m, queries, _its_name_in_a_list, workers=2):
        answers.append(answer)
        if len(answers) == 1_000:  # (the second chunk has come)
            swept = {id(o) for o in gc.get_objects()}  # (what is set aside is not listed)
            assert id(answers[0]) not in swept and id(answers[999]) not in swept
    assert gc.get_freeze_count() == 0
    assert [a[0] for a in answers] == names

    gc.freeze()  # something else's
    again = list(map_queries(m, queries, _its_name_in_a_list, workers=2))
    assert all(o is not answers for o in gc.get_objects())  # not given back by the run
    assert again == answers


def test_an_index_travels_to_an_engines_workers(store: Backend, tmp_path: Path) -> None:
    """Spark sends the matcher to its workers pickled: the index's lookups survive the trip."""
    import pickle

    import_list(store, str(_list(tmp_path, NAMES)), source="test", fmt="ftm")
    m = Matcher(load_index(store, ["test"]))
    assert _answers(pickle.loads(pickle.dumps(m))) == _answers(m)


def test_blocks_find_every_key_they_hold_and_no_other() -> None:
    keys = [f"k:{i}" for i in range(20_000)]
    blocks = Blocks.build(keys, np.arange(len(keys)), np.arange(len(keys)))
    assert all(blocks.get(k).tolist() == [i] for i, k in enumerate(keys))
    assert blocks.get("k:nope").tolist() == []
    empty = Blocks.build([], np.zeros(0, np.int64), np.zeros(0, np.int32))
    assert empty.get("k:1").tolist() == []


def test_an_answer_that_cannot_be_rebuilt_stops_the_run(tmp_path: Path) -> None:
    """A worker's answer that pickles but cannot be unpickled ends the run with its error (in
    the pool's result thread it left the run waiting for ever, its process at full CPU)."""
    import subprocess
    import sys

    code = """
from paxta.screen.index import MatchIndex
from paxta.screen.matcher import Matcher, map_queries

def _refuse():
    raise ValueError("this answer cannot be rebuilt")

class Refused:
    def __reduce__(self):
        return _refuse, ()

def each(matcher, query):
    return Refused()

queries = [(f"name {i}", frozenset(), frozenset(), "") for i in range(1_200)]
try:
    list(map_queries(Matcher(MatchIndex.empty()), queries, each, workers=2))
except ValueError as exc:
    print("stopped:", exc)
"""
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=tmp_path
    )
    assert done.stdout.strip() == "stopped: this answer cannot be rebuilt", done.stderr
