"""The Xinjiang locator: the traps from DOMAIN.md, every script, codes, and junk."""

from __future__ import annotations

import csv
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from paxta.cli import cli
from paxta.places import locate_address
from paxta.places.locator import forget_decisions
from paxta.places.uscc import check_character, parse_uscc
from tests.conftest import FIXTURES

TRAPS = list(csv.DictReader((FIXTURES / "places" / "traps.csv").open(encoding="utf-8")))


@pytest.mark.parametrize("case", TRAPS, ids=[c["why"] for c in TRAPS])
def test_traps_and_scripts(case: dict[str, str]) -> None:
    found = locate_address(case["address"])
    assert found.xinjiang is (case["xinjiang"] == "true"), found.why
    assert found.why


def test_place_is_the_most_specific_division_with_parents() -> None:
    found = locate_address("新疆喀什地区莎车县阿热勒乡")
    assert found.place is not None
    assert (found.place["level"], found.place["code"]) == ("township", "653125201")
    assert found.place["county"]["name_zh"] == "莎车县"
    assert found.place["prefecture"]["code"] == "653100"


@pytest.mark.parametrize(
    ("address", "name", "xpcc"),
    [
        ("新疆石河子市经济技术开发区纬五路", "石河子市", True),  # not Aksu's zone of that name
        ("新疆阿克苏市经济技术开发区", "经济技术开发区", False),
        ("新疆生产建设兵团第一师阿拉尔市十团", "阿拉尔市", True),
        ("No. 8 Tarim Avenue, Alar City, Xinjiang", "阿拉尔市", True),  # (paxta's own variant)
    ],
)
def test_a_common_division_name_lies_in_the_places_named_with_it(
    address: str, name: str, xpcc: bool
) -> None:
    found = locate_address(address)
    assert found.xinjiang and found.place is not None
    assert (found.place["name_zh"], found.place["xpcc"]) == (name, xpcc)


def test_evidence_spans_point_into_the_original_text() -> None:
    text = "Room 5, ÜRÜMQI, China"
    found = locate_address(text)
    assert found.xinjiang
    for e in found.evidence:
        assert text[e.start : e.end] == e.text


def _valid_uscc(region: str) -> str:
    body = f"91{region}MA77XY123"
    return body + check_character(body)


def test_uscc_check_and_region() -> None:
    code = _valid_uscc("650100")
    assert parse_uscc(code) is not None and parse_uscc(code).valid  # type: ignore[union-attr]
    assert locate_address(f"统一社会信用代码 {code}").xinjiang
    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")
    assert not locate_address(f"USCC {wrong}").xinjiang
    assert not locate_address(f"USCC {_valid_uscc('440300')}").xinjiang


def test_postal_code_alone_only_supports() -> None:
    assert not locate_address("Zip 830000").xinjiang
    supported = locate_address("莎车 邮编 844700")
    assert any(e.kind == "postal_code" for e in supported.evidence)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
def test_junk_never_crashes(text: str) -> None:
    found = locate_address(text)
    assert 0.5 <= found.confidence <= 0.99


def test_enormous_and_empty_inputs() -> None:
    assert not locate_address("").xinjiang
    assert not locate_address(None).xinjiang
    assert locate_address("乌鲁木齐市" + "x" * 1_000_000).xinjiang


def test_cli_json_shape(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["locate", "Kashgar, China", "--json"])
    assert result.exit_code == 0
    data = orjson.loads(result.stdout)
    assert set(data) >= {"xinjiang", "confidence", "place", "evidence", "why"}
    assert data["xinjiang"] is True
    assert {"text", "start", "end", "kind", "script"} <= set(data["evidence"][0])


def test_cli_batch_keeps_columns_and_adds_four(runner: CliRunner, tmp_path: Path) -> None:
    src = tmp_path / "suppliers.csv"
    src.write_bytes("供应商,地址\n甲,新疆阿克苏市\n乙,上海市乌鲁木齐中路\n".encode("gb18030"))
    out = tmp_path / "out.csv"
    result = runner.invoke(cli, ["locate", str(src), "--column", "地址", "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["paxta_xinjiang"] for r in rows] == ["true", "false"]
    assert rows[0]["供应商"] == "甲" and "阿克苏市" in rows[0]["paxta_place"]


def test_cli_batch_wrong_column_is_named(runner: CliRunner, tmp_path: Path) -> None:
    src = tmp_path / "s.csv"
    src.write_text("name,addr\nA,Urumqi\n", encoding="utf-8")
    result = runner.invoke(cli, ["locate", str(src), "--column", "address"])
    assert result.exit_code == 1
    assert "no column 'address' (columns: name, addr)" in result.stderr


@pytest.mark.parametrize(
    ("address", "province"),
    [("河北省路北区解放路154号", "河北省"), ("浙江省路桥区建设路22号", "浙江省")],
)
def test_a_province_before_a_district_beginning_with_road_is_no_street(
    address: str, province: str
) -> None:
    """路北区 begins with 路 (road); the province before it is still the province."""
    found = locate_address(address)
    counted = [e for e in found.evidence if e.used and e.text == province]
    assert counted and counted[0].kind == "china_other", found.evidence


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("臺北市大同區迪化街一段100號", "臺北市大同區 is in Taiwan"),  # not Datong, Shanxi
        ("台北市大同区迪化街", "迪化街 is in Taiwan"),  # 迪化 is an old name of Urumqi
        ("Dihua Street, Datong District, Taipei City, Taiwan", "Taipei City is in Taiwan"),
        ("香港九龍觀塘", "九龍 is in Hong Kong"),
        ("Aksu, Pavlodar Region", "Pavlodar = Kazakhstan"),  # the Kazakh town, not 阿克苏
    ],
)
def test_places_outside_the_mainland_are_what_they_are(address: str, reason: str) -> None:
    found = locate_address(address)
    assert not found.xinjiang
    assert reason in found.why


@pytest.mark.parametrize(
    "addresses",
    [
        ["新疆维吾尔自治区阿克苏市解放路1号", "新疆维吾尔自治区阿克苏市人民大道200号"],
        [
            "No. 5 Jiefang Road, Aksu City, Xinjiang",
            "Building 12, Industrial Park, Aksu City, Xinjiang",
        ],
        ["上海市乌鲁木齐中路8号", "上海市徐汇区乌鲁木齐中路118号"],
        ["疏附县站敏乡, 和田地区", "和田地区疏附县站敏乡"],  # the same names in another order
        ["新疆阿拉尔市第一师十团", "新疆阿拉尔市第一师十二团"],  # XPCC units: never re-used
        ["新疆阿克苏解放路1号", "新疆阿克苏路1号"],  # the same matches; the second a street
        ["广东省平远县文化路20号", "廣東省平遠縣文化路20號", "广东省平远县 文化路"],
    ],
)
def test_addresses_alike_are_answered_as_if_each_were_the_first(addresses: list[str]) -> None:
    """Addresses with the same names are decided once; each answer still has its own evidence
    places, and is what the address alone would have been given."""
    forget_decisions()
    warm = [locate_address(a).as_json() for a in addresses]
    for address, answer in zip(addresses, warm, strict=True):
        forget_decisions()
        assert locate_address(address).as_json() == answer
    for answer, address in zip(warm, addresses, strict=True):
        for e in answer["evidence"] + answer["set_aside"]:
            assert address[e["start"] : e["end"]] == e["text"]


_PIECES = (
    "新疆", "新疆维吾尔自治区", "阿克苏地区", "阿克苏", "库车县", "库车", "乌鲁木齐", "乌鲁木齐市",
    "上海市", "中路", "路", "解放路", "1号", "第一师", "师范", "十团", "和田", "阿勒泰",
    "Xinjiang", "Aksu", "Kuqa", "Urumqi", "Road", "No. 5", "Hotan", "Altay", "Kazakhstan",
    "Shanghai", "830000", ", ", " ", "-", "(", ")",
)  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=7), min_size=2, max_size=6))
def test_what_is_kept_never_changes_an_answer(addresses: list[list[str]]) -> None:
    """Addresses made of the same names, in many orders, at many places, with and without
    what a street or a unit needs: each answer given from what the locator has kept is the
    answer the address gets alone (what is kept is keyed exactly)."""
    texts = ["".join(pieces) for pieces in addresses]
    forget_decisions()
    kept = [locate_address(t).as_json() for t in texts + texts]
    for text, answer in zip(texts + texts, kept, strict=True):
        forget_decisions()
        assert locate_address(text).as_json() == answer


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 30), st.integers(1, 8)), max_size=20, unique=True))
def test_overlapping_names_the_longest_then_the_first_stands(spans: list[tuple[int, int]]) -> None:
    """The names that stand where names overlap: whatever their number (a few are compared
    with each other, many marked on the text), the longest, then the first, never two that
    overlap."""
    from paxta.places.locator import _longest

    found = list({(-n, s, s + n, k) for k, (s, n) in enumerate(spans)})
    expected: list[tuple[int, int, int]] = []
    for _, s, e, k in sorted(found):
        if all(e <= s2 or e2 <= s for s2, e2, _ in expected):
            expected.append((s, e, k))
    assert _longest(found, 40) == expected


def test_a_batch_sets_its_answers_aside_and_gives_all_back(nothing_set_aside: None) -> None:
    """``locate_many`` sets what each batch keeps aside from Python's collector while it runs,
    and gives everything back when the run ends, finished or abandoned; what something else
    had set aside before stays so. The answers are those of one call each."""
    import gc

    from paxta.places.batch import BATCH, locate_many

    addresses = [f"新疆阿克苏地区库车县{n}号" for n in range(BATCH + 10)] + ["上海市徐汇区", ""]
    assert gc.get_freeze_count() == 0
    forget_decisions()
    run = locate_many(addresses)
    first = next(run)
    assert gc.get_freeze_count() > 0 and gc.isenabled()  # (the first batch's answers aside)
    rest = list(run)
    assert gc.get_freeze_count() == 0 and gc.isenabled()
    forget_decisions()
    assert [f.as_json() for f in [first, *rest]] == [locate_address(a).as_json() for a in addresses]

    run = locate_many(addresses)
    next(run)
    run.close()  # abandoned half way
    assert gc.get_freeze_count() == 0

    gc.freeze()  # something else's
    try:
        held = gc.get_freeze_count()
        assert held > 0
        assert len(list(locate_many(addresses[:3]))) == 3
        assert gc.get_freeze_count() >= held  # not given back by the run
    finally:
        gc.unfreeze()
