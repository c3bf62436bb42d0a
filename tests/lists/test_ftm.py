"""FollowTheMoney JSON lines, streamed."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from paxta.errors import InputError
from paxta.lists import repository as repo
from paxta.lists.importer import import_list
from paxta.lists.sources import detect_format
from paxta.store import Backend


@pytest.fixture
def home(empty_home: Path) -> Path:
    """These tests import lists into a store that holds none yet."""
    return empty_home


def _write(path: Path, records: list[dict]) -> Path:
    path.write_bytes(b"\n".join(orjson.dumps(r) for r in records) + b"\n")
    return path


COMPANY = {
    "id": "os-1",
    "schema": "Company",
    "datasets": ["us_ofac_sdn"],
    "last_change": "2026-10-01T00:00:00",
    "properties": {
        "name": ["Xinjiang Example Co"],
        "alias": ["新疆例子有限公司"],
        "country": ["cn"],
        "registrationNumber": ["91650100MA77XXXX0X"],
    },
}
LINK = {"id": "own-1", "schema": "Ownership", "properties": {"owner": ["os-1"]}}


def test_streams_matchable_entities_and_skips_links(tmp_path: Path, store: Backend) -> None:
    f = _write(tmp_path / "entities.ftm.json", [COMPANY, LINK])
    assert detect_format(f).name == "ftm"
    result = import_list(store, f)
    assert result.version.entity_count == 1
    assert result.version.version == "2026-10-01"
    assert any("skipped" in n for n in result.notes)
    entity = repo.load_entities(store, result.version.version_id)["os-1"]
    assert {n.script for n in entity.names} == {"Latn", "Hani"}
    assert entity.identifiers[0].value == "91650100MA77XXXX0X"


def test_broken_line_imports_nothing(tmp_path: Path, store: Backend) -> None:
    f = tmp_path / "entities.ftm.json"
    f.write_bytes(orjson.dumps(COMPANY) + b"\n" + b'{"id": "x", "schema": "Company", \n')
    with pytest.raises(InputError, match=r"entities\.ftm\.json, line 2: not valid JSON"):
        import_list(store, f)
    assert repo.all_versions(store) == []
    assert store.scalar("SELECT count(*) FROM entities") == 0


def test_parallel_path_gives_the_same_store_and_errors(
    tmp_path: Path, store: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    from paxta.lists.sources import ftm

    monkeypatch.setattr(ftm, "PARALLEL_ABOVE_BYTES", 0)
    monkeypatch.setattr(ftm, "CHUNK_LINES", 2)
    records = [{**COMPANY, "id": f"os-{i}"} for i in range(7)] + [LINK]
    result = import_list(store, _write(tmp_path / "big.ftm.json", records))
    assert result.version.entity_count == 7
    broken = tmp_path / "broken.ftm.json"
    broken.write_bytes(b"\n".join(orjson.dumps(r) for r in records) + b"\n[1, 2\n")
    with pytest.raises(InputError, match=r"broken\.ftm\.json, line 9: not valid JSON"):
        import_list(store, broken)
    assert store.scalar("SELECT count(*) FROM entities") == 7
