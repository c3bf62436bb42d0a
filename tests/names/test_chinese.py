"""Segmenting Chinese company names: a table of (name, region, trade name, industry, legal form)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from paxta.names.chinese import explain, segment
from paxta.names.transliterate import to_simplified, word_pinyin

CASES = [
    # name, regions, trade name, industries, legal form, why
    (
        "新疆中泰化学股份有限公司",
        ["新疆"],
        "中泰",
        ["化学"],
        "股份有限公司",
        "region + trade + industry + form",
    ),
    ("阿克苏华孚色纺有限公司", ["阿克苏"], "华孚", ["色纺"], "有限公司", "prefecture as region"),
    ("合盛硅业(鄯善)有限公司", [], "合盛", ["硅业"], "有限公司", "bracketed place, no region"),
    (
        "合盛硅業（瀘州）有限公司",
        [],
        "合盛",
        ["硅业"],
        "有限公司",
        "traditional, full-width brackets",
    ),
    (
        "新疆天山毛纺织股份有限公司",
        ["新疆"],
        "天山",
        ["毛纺织"],
        "股份有限公司",
        "place-like trade name kept",
    ),
    ("昌吉溢達紡織有限公司", ["昌吉"], "溢达", ["纺织"], "有限公司", "traditional characters"),
    ("苏州雅斯时装有限公司", ["苏州"], "雅斯", ["时装"], "有限公司", "region outside Xinjiang"),
    ("合盛集团有限公司", [], "合盛", [], "集团有限公司", "group parent"),
    (
        "新疆自治区泽孚棉业有限公司",
        ["新疆维吾尔自治区"],
        "泽孚",
        ["棉业"],
        "有限公司",
        "short form of the region's name",
    ),
    ("珠海艾派克微电子公司", ["珠海"], "艾派克", ["微电子"], "公司", "电子 then 公司, not 子公司"),
    ("大维化工厂", [], "大维", ["化工"], "厂", "化工 then 厂, not 工厂"),
    (
        "新疆中泰化学股份有限公司",
        ["新疆"],
        "中泰",
        ["化学"],
        "股份有限公司",
        "股份 stays in the form",
    ),
    (
        "北京格靈深瞳資訊科技股份有限公司",
        ["北京"],
        "格灵深瞳",
        ["资讯科技"],
        "股份有限公司",
        "Taiwan vocabulary",
    ),
]


@pytest.mark.parametrize(
    ("name", "regions", "trade", "industries", "legal", "why"), CASES, ids=[c[-1] for c in CASES]
)
def test_segments(
    name: str, regions: list[str], trade: str, industries: list[str], legal: str, why: str
) -> None:
    s = segment(name)
    assert [p.text for p in s.of_role("region")] == regions
    assert s.trade_name == trade
    assert [p.text for p in s.of_role("industry")] == industries
    assert [p.text for p in s.of_role("legal_form")] == [legal]


def test_bracketed_place_marks_a_xinjiang_subsidiary() -> None:
    shanshan = segment("合盛硅业(鄯善)有限公司").of_role("bracket_place")
    luzhou = segment("合盛硅业(泸州)有限公司").of_role("bracket_place")
    assert shanshan[0].xinjiang and not luzhou[0].xinjiang


def test_group_and_xpcc_flags() -> None:
    assert segment("合盛集团有限公司").is_group
    assert segment("新疆生产建设兵团第一师").xpcc


def test_explanation_names_each_part() -> None:
    phrases = explain(segment("新疆中泰化学股份有限公司"))
    assert phrases == [
        "新疆 = Xinjiang (region)",
        "中泰 = Zhongtai (trade name, pinyin)",
        "化学 = Chemical (industry)",
        "股份有限公司 = Co., Ltd. (legal form)",
    ]


@pytest.mark.parametrize(
    ("han", "pinyin"),
    [("中泰", "Zhongtai"), ("华孚", "Huafu"), ("库尔勒", "Kuerle"), ("伽师", "Jiashi")],
)
def test_word_pinyin_with_xinjiang_overrides(han: str, pinyin: str) -> None:
    assert word_pinyin(han) == pinyin


def test_traditional_to_simplified() -> None:
    assert to_simplified("合盛硅業") == "合盛硅业"


@given(st.text(max_size=60))
def test_segment_never_raises_and_keeps_every_character(text: str) -> None:
    s = segment(text)
    assert isinstance(s.parts, list)
    for p in s.parts:
        assert p.text


@pytest.mark.parametrize(
    "quoted",
    ["「新疆中泰化学股份有限公司」", "“新疆中泰化学股份有限公司”", "《新疆中泰化学股份有限公司》"],
)
def test_quotation_marks_around_a_name_are_not_part_of_it(quoted: str) -> None:
    from paxta.names.features import name_features

    bare, found = name_features("新疆中泰化学股份有限公司"), name_features(quoted)
    assert (found.keys, found.places, found.industry) == (bare.keys, bare.places, bare.industry)
    assert name_features("'Xinjiang Zhongtai'").trade == "Zhongtai"
    assert name_features("Xi'an Aerospace").keys == name_features("XI AN AEROSPACE").keys


def test_japanese_forms_of_chinese_names() -> None:
    """Japanese papers and supplier lists write Chinese names in Japanese forms (産, 団, 県)."""
    from paxta.names.features import name_features
    from paxta.names.transliterate import normalise_han

    assert normalise_han("新疆生産建設兵団") == "新疆生产建设兵团"
    assert name_features("新疆生産建設兵団").xpcc
    assert normalise_han("新疆華孚色紡集団") == "新疆华孚色纺集团"
    assert normalise_han("研究 郎 概") == "研究郎概"  # Chinese characters jp2t would change stay


@given(
    st.text(
        alphabet=st.sampled_from(
            "华泰盛鑫达恒通源隆兴宏嘉瑞长重行乐和朝传调都得地的了藏单曾沈解新疆重庆银行长沙A1-"
        ),
        min_size=1,
        max_size=6,
    )
)
def test_readings_are_pypinyins_own(han: str) -> None:
    # Read character by character where no phrase is in the text (most trade names), through
    # pypinyin where one is (重庆, 银行) or other characters are: the same readings either way.
    from pypinyin import Style, lazy_pinyin, pinyin

    from paxta.names.transliterate import readings

    expected = (
        lazy_pinyin(han, style=Style.NORMAL),
        pinyin(han, style=Style.NORMAL, heteronym=True),
    )
    assert readings(han) == expected
