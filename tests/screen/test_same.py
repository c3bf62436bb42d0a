"""One entity across the lists: entries joined by a shared identifier or by names the model
scores as the same, never by a relation (a unit of the XPCC, one trade name inside another),
and a person's entries only by an identifier."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from paxta.lists.importer import import_list
from paxta.screen.matcher import Matcher
from paxta.screen.same import same_entity
from paxta.store import Backend

XPCC = (
    "uflpa-xinjiang-production-and-construction-corps",
    "bis-xinjiang-production-and-construction-corps-xpcc",
    "cbp-xinjiang-production-and-construction-corporation-xpcc",
    "ofac-29299",
)


@pytest.fixture
def matcher(store: Backend) -> Matcher:
    return Matcher.from_store(store)


def _group(store: Backend, matcher: Matcher, entity_id: str) -> list[str]:
    return [e.entity.id for e in same_entity(store, entity_id, matcher)]


@pytest.mark.parametrize("start", XPCC)
def test_the_xpcc_is_one_entity_on_four_lists_from_any_entry(
    store: Backend, matcher: Matcher, start: str
) -> None:
    group = same_entity(store, start, matcher)
    assert group[0].entity.id == start
    assert sorted(e.entity.id for e in group) == sorted(XPCC)
    assert all(e.why for e in group) and "matches" in group[1].why


def test_related_is_not_the_same(store: Backend, matcher: Matcher) -> None:
    bureau = "bis-xinjiang-production-and-construction-corps-xpcc-public-security-bureau"
    assert _group(store, matcher, bureau) == [bureau]  # a unit of the XPCC, not the XPCC
    # an alias with one trade name inside another's (Light Duty Lifting ~ Light)
    assert _group(store, matcher, "cbp-wuyi-machinery-plant") == ["cbp-wuyi-machinery-plant"]
    parent = "cbp-hoshine-silicon-industry-co-ltd"
    assert _group(store, matcher, parent) == [parent]  # the parent, not its Shanshan company


def test_a_listed_name_in_another_spelling_is_joined(store: Backend, matcher: Matcher) -> None:
    group = _group(store, matcher, "bis-hoshine-silicon-industry-shanshan-co-ltd")
    assert group == [
        "bis-hoshine-silicon-industry-shanshan-co-ltd",
        "uflpa-hoshine-silicon-industry-shanshan",
    ]


def _ftm(path: Path, records: list[dict[str, object]]) -> str:
    path.write_bytes(b"\n".join(orjson.dumps(r) for r in records) + b"\n")
    return str(path)


def test_people_are_joined_by_an_identifier_only(
    store: Backend, matcher: Matcher, tmp_path: Path
) -> None:
    person = {"schema": "Person", "properties": {"name": ["Wang Jianxin"], "country": ["cn"]}}
    records = [
        {"id": "p-1", **person},
        {"id": "c-1", "schema": "Company", "properties": {"name": ["Kashgar Example Textile Co"],
         "registrationNumber": ["91653100MA775XYZ12"]}},
    ]  # fmt: skip
    import_list(store, _ftm(tmp_path / "a.json", records), source="list-a", fmt="ftm")
    others = [
        {"id": "p-2", **person},
        {"id": "c-2", "schema": "Company", "properties": {"name": ["KEKE TEXTILE"],
         "registrationNumber": ["91653100MA775XYZ12"]}},
    ]  # fmt: skip
    import_list(store, _ftm(tmp_path / "b.json", others), source="list-b", fmt="ftm")
    fresh = Matcher.from_store(store)
    assert _group(store, fresh, "p-1") == ["p-1"]  # the same name, maybe not the same person
    joined = same_entity(store, "c-1", fresh)
    assert [e.entity.id for e in joined] == ["c-1", "c-2"]
    assert "91653100MA775XYZ12" in joined[1].why
