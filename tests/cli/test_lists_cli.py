"""``paxta lists`` as a user runs it: JSON keys, tables, bad input, all-or-nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import orjson
from click.testing import CliRunner

from paxta.cli import cli
from paxta.data import data_path
from tests.conftest import UFLPA_PAGE


def _json(runner: CliRunner, *args: str) -> object:
    result = runner.invoke(cli, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return orjson.loads(result.stdout)


def test_lists_json_seeds_shipped_lists_with_required_keys(runner: CliRunner) -> None:
    data = _json(runner, "lists")
    assert isinstance(data, list)
    by_source = {d["source"]: d for d in data}
    assert set(by_source) == {"uflpa", "ofac-sdn", "bis-entity-list", "cbp-wro"}
    for d in data:
        assert {"source", "version", "entities", "sha256", "imported_at"} <= set(d)
        assert len(d["sha256"]) == 64
    assert by_source["uflpa"]["entities"] == 144
    assert by_source["uflpa"]["version"] == "2025-01-14"


def test_lists_table_for_people(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["lists"])
    assert result.exit_code == 0
    assert "uflpa" in result.output and "2025-01-14" in result.output


def test_import_same_file_twice_is_a_no_op(runner: CliRunner) -> None:
    _json(runner, "lists")
    again = _json(runner, "lists", "import", str(UFLPA_PAGE))
    assert again["already_imported"] is True


def test_bad_import_is_one_sentence_and_keeps_previous_version(
    runner: CliRunner, tmp_path: Path
) -> None:
    before = _json(runner, "lists")
    broken = tmp_path / "uflpa.html"
    broken.write_text(UFLPA_PAGE.read_text(encoding="utf-8")[:50_000], encoding="utf-8")
    result = runner.invoke(cli, ["lists", "import", str(broken), "--source", "uflpa"])
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert str(broken) in result.stderr and "line" in result.stderr
    assert "Traceback" not in result.output
    assert _json(runner, "lists") == before


def test_unknown_file_kind_is_refused(runner: CliRunner, tmp_path: Path) -> None:
    f = tmp_path / "notes.md"
    f.write_text("# not a list\n", encoding="utf-8")
    result = runner.invoke(cli, ["lists", "import", str(f)])
    assert result.exit_code == 1
    assert "not a list format paxta recognises" in result.stderr


def test_show_entity_and_unknown_id(runner: CliRunner) -> None:
    data = _json(runner, "lists", "show", "uflpa-xinjiang-production-and-construction-corps")
    assert data["scope"] == "and its subordinate and affiliated entities"
    assert {"name": "Bingtuan", "kind": "alias", "script": "Latn"} in data["names"]
    missing = runner.invoke(cli, ["lists", "show", "no-such-id"])
    assert missing.exit_code == 1 and "no listed entity" in missing.stderr


def test_update_reports_the_diff(runner: CliRunner, tmp_path: Path) -> None:
    _json(runner, "lists")
    bis = tmp_path / "bis_entity_list_2026-09.csv"
    shutil.copy(data_path("lists", "bis", "bis_entity_list_xinjiang_related_2026-07.csv"), bis)
    with bis.open("a", encoding="utf-8") as f:
        f.write(
            '"Example Xinjiang Cotton Co., Ltd.",,China,"Aksu, Xinjiang, China",'
            '"91 FR 1, 9/1/26",For all items,yes,test\n'
        )
    data = _json(runner, "lists", "update", str(bis), "--source", "bis-entity-list")
    assert data["version"] == "2026-09"
    assert [e["name"] for e in data["diff"]["added"]] == ["Example Xinjiang Cotton Co., Ltd."]
    diff = _json(runner, "lists", "diff", "bis-entity-list")
    assert len(diff["added"]) == 1 and diff["removed"] == [] and diff["changed"] == []


def test_diff_of_a_single_version_explains(runner: CliRunner) -> None:
    _json(runner, "lists")
    result = runner.invoke(cli, ["lists", "diff", "uflpa"])
    assert result.exit_code == 1
    assert "only one version" in result.stderr
