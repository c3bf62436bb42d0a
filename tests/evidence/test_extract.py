"""Facts in Chinese labour-transfer text: numbers with units and qualifiers, terms, places."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from paxta.cli import cli
from paxta.evidence.extract import chinese_number, companies, extract
from paxta.lists.shipped import ensure_lists
from paxta.screen.matcher import Matcher
from paxta.store import Backend
from tests.evidence.test_capture import server  # noqa: F401 (the page server fixture)


@pytest.mark.parametrize(
    ("text", "amount", "unit", "qualifier"),
    [
        ("3.5万人次", 35_000, "person-times", "exactly"),
        ("一万二千名", 12_000, "persons", "exactly"),
        ("近两万人", 20_000, "persons", "nearly"),
        ("3万余人", 30_000, "persons", "more than"),
        ("约1200户", 1_200, "households", "about"),
        ("超过500人以上", 500, "persons", "more than"),
        ("投资2.5万元", 25_000, "yuan", "exactly"),
    ],
)
def test_numbers_units_and_qualifiers(text: str, amount: int, unit: str, qualifier: str) -> None:
    numbers = [f for f in extract(text) if f.kind == "number"]
    assert len(numbers) == 1
    assert numbers[0].value == {"amount": amount, "unit": unit, "qualifier": qualifier}


def test_person_times_are_not_persons() -> None:
    facts = [f.value["unit"] for f in extract("转移3.5万人次，涉及1.2万人。") if f.kind == "number"]
    assert facts == ["person-times", "persons"]


def test_chinese_numerals() -> None:
    assert [chinese_number(t) for t in ("一万二千", "三百五十", "十二", "两", "二十万")] == [
        12_000,
        350,
        12,
        2,
        200_000,
    ]


def test_spans_point_into_the_text() -> None:
    text = "2019年3月5日，和田地区全年开展劳动力转移就业工作。"
    facts = extract(text)
    for f in facts:
        assert text[f.start : f.end] == f.text
    kinds = {(f.kind, f.text) for f in facts}
    assert ("date", "2019年3月5日") in kinds and ("place", "和田地区") in kinds
    assert any(k == "term" and "劳动力转移" in t for k, t in kinds)


def test_extract_from_a_capture(runner: CliRunner, server: str) -> None:  # noqa: F811
    captured = json.loads(
        runner.invoke(cli, ["capture", f"{server}/report", "--allow-private", "--json"]).output
    )
    result = runner.invoke(cli, ["evidence", "extract", captured["evidence_id"], "--json"])
    assert result.exit_code == 0, result.output
    facts = json.loads(result.output)["facts"]
    assert {"kind": "number", "text": "3.5万人次"}.items() <= next(
        f for f in facts if f["kind"] == "number"
    ).items()
    assert json.loads(runner.invoke(cli, ["evidence", "about", "uflpa-x", "--json"]).output) == []


def test_a_capture_naming_a_listed_company_links_to_it(runner: CliRunner, server: str) -> None:  # noqa: F811
    data = json.loads(
        runner.invoke(cli, ["capture", f"{server}/supplier", "--allow-private", "--json"]).output
    )
    runner.invoke(cli, ["evidence", "extract", data["evidence_id"]])
    about = json.loads(
        runner.invoke(
            cli, ["evidence", "about", "uflpa-xinjiang-zhongtai-chemical", "--json"]
        ).output
    )
    assert [(a["evidence_id"], a["name"], a["decision"]) for a in about] == [
        (data["evidence_id"], "新疆中泰化学股份有限公司", "match")
    ]


def test_companies_in_text_are_screened(store: Backend) -> None:
    ensure_lists(store)
    matcher = Matcher.from_store(store)
    text = (
        "2019年，由新疆中泰化学股份有限公司组织转移劳动力3000人，合作方包括"
        "Hoshine Silicon Industry (Shanshan) Co., Ltd.和上海恒润棉花贸易有限公司。"
    )
    found = companies(text, matcher)
    assert [(f.text, f.value["decision"]) for f in found] == [
        ("新疆中泰化学股份有限公司", "match"),
        ("Hoshine Silicon Industry (Shanshan) Co., Ltd.", "match"),
        ("上海恒润棉花贸易有限公司", "clear"),
    ]
    assert found[0].value["entity_id"] == "uflpa-xinjiang-zhongtai-chemical"
    assert all(text[f.start : f.end] == f.text for f in found)
