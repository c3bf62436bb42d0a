"""Searching captured text: Chinese substrings never missed, words ranked, snippets, cases."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from paxta.cli import cli
from paxta.evidence.search import SearchIndex, grams, words
from tests.evidence.test_capture import server  # noqa: F401 (the page server fixture)

DOCS = [
    ("E1", "全年共转移维吾尔族等少数民族富余劳动力3.5万人次，组织拾花工1.2万人赴北疆。", "xj"),
    (
        "E2",
        "The vendor removed the Uyghur attribute from its face analysis documentation.",
        "cloud",
    ),
    ("E3", "花工具与拾取设备的说明书。", "xj"),
    ("E4", "棉花加工企业名录，包括轧花厂和纺纱厂。", None),
]


def _index(tmp_path: Path) -> SearchIndex:
    index = SearchIndex(tmp_path / "search.sqlite")
    index.add_many((e, f"http://example.org/{e}", c, t) for e, t, c in DOCS)
    return index


def test_every_chinese_substring_is_found_and_words_rank_first(tmp_path: Path) -> None:
    index = _index(tmp_path)
    assert [h.evidence_id for h in index.search("拾花工")] == ["E1"]  # not E3's 花工具 ... 拾取
    assert [h.evidence_id for h in index.search("族富")] == ["E1"]  # across jieba's word ends
    assert [h.evidence_id for h in index.search("uyghur")] == ["E2"]
    assert {h.evidence_id for h in index.search("花")} == set()  # one character: too short
    assert [h.evidence_id for h in index.search("轧花厂")] == ["E4"]
    hit = index.search("劳动力转移")
    assert hit == []  # the words are there but not in that order
    assert index.search("转移维吾尔族")[0].snippet.startswith("全年共转移")
    index.close()


def test_case_filter_and_reindexing_replaces(tmp_path: Path) -> None:
    index = _index(tmp_path)
    assert [h.evidence_id for h in index.search("少数民族", case="cloud")] == []
    index.add("E1", "http://example.org/E1", "xj", "页面已更新。")
    assert index.search("少数民族") == []
    index.close()


def test_domain_words_stay_whole() -> None:
    assert "劳动力转移" in words("开展劳动力转移工作")
    assert grams("拾花工") == ["拾花", "花工"]


def test_captures_are_searchable_from_the_cli(runner: CliRunner, server: str) -> None:  # noqa: F811
    captured = runner.invoke(
        cli, ["capture", f"{server}/report", "--allow-private", "--case", "xj"]
    )
    assert captured.exit_code == 0, captured.output
    result = runner.invoke(cli, ["evidence", "search", "少数民族富余劳动力", "--json"])
    assert result.exit_code == 0, result.output
    hits = json.loads(result.output)
    assert len(hits) == 1 and hits[0]["case"] == "xj" and "3.5万人次" in hits[0]["snippet"]
    none = json.loads(runner.invoke(cli, ["evidence", "search", "棉花", "--json"]).output)
    assert none == []
