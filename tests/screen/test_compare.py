"""Comparing two names part by part: decisions and the words that explain them."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paxta.names.features import name_features
from paxta.screen.compare import compare
from paxta.screen.comparison import CLEAR, MATCH, REVIEW, Context

# query, listed name, decision, phrases the explanation must hold
CASES = [
    (
        "新疆中泰化学股份有限公司",
        "Xinjiang Zhongtai Chemical Co. Ltd.",
        MATCH,
        [
            "新疆 = Xinjiang (region)",
            "中泰 = Zhongtai (trade name, across scripts, pinyin)",
            "化学 = Chemical",
            "股份有限公司 ~ Co. Ltd. (legal form)",
        ],
    ),
    (
        "XINJIANG ZHONGTAI CHEM IND CO LTD",
        "Xinjiang Zhongtai Chemical Co. Ltd.",
        MATCH,
        ["Zhongtai = Zhongtai"],
    ),
    ("新疆生产建设兵团", "Xinjiang Production and Construction Corps", MATCH, ["XPCC rule"]),
    ("新疆生產建設兵團", "Bingtuan", MATCH, ["XPCC rule"]),
    ("新疆兵团", "Xinjiang Production and Construction Corps", MATCH, ["XPCC rule"]),
    (
        "新疆生产建设兵团公安局",
        "Xinjiang Production and Construction Corps (XPCC) Public Security Bureau",
        MATCH,
        ["the same unit of the XPCC"],
    ),
    (
        "兵团第一师棉麻公司",
        "Xinjiang Production and Construction Corps (XPCC) Public Security Bureau",
        CLEAR,
        [],
    ),
    ("Kashgar PSB", "Kashgar Prefecture Public Security Bureau", MATCH, ["Kashgar"]),
    (
        "Daqo New Energy Corp.",
        "Xinjiang Daqo New Energy, Co. Ltd",
        REVIEW,
        ["A COMPANY ABROAD OF THE LISTED NAME"],
    ),
    ("XINJIANG DAQO NEW ENERGY CORP", "Xinjiang Daqo New Energy, Co. Ltd", MATCH, []),
    ("兵团第一师棉麻公司", "XPCC", MATCH, ["belongs to the XPCC"]),
    (
        "合盛硅业(泸州)有限公司",
        "Hesheng Silicon Industry (Shanshan) Co.",
        REVIEW,
        ["SAME GROUP, DIFFERENT SUBSIDIARY", "泸州"],
    ),
    ("合盛硅業（鄯善）有限公司", "Hesheng Silicon Industry (Shanshan) Co.", MATCH, ["鄯善"]),
    (
        "新疆中泰集团有限公司",
        "Xinjiang Zhongtai Chemical Co. Ltd.",
        REVIEW,
        ["GROUP PARENT OF THE LISTED COMPANY"],
    ),
    ("Khotan Haolin Hair Accessories Co", "Hetian Haolin Hair Accessories Co. Ltd.", MATCH, []),
    ("Awati Huafu Textile Co., Ltd.", "Ninghai Huafu Textile Co., Ltd.", REVIEW, []),
    (
        "Xinjiang Huafu Textile Co., Ltd.",
        "Awati Huafu Textile Co., Ltd.",
        REVIEW,
        ["DIFFERENT PLACE"],
    ),
    ("Beijing Chengxing Pharmaceutical Co.", "Beijing Chengxing Trading Co. Ltd.", REVIEW, []),
    # the same trade name in another line of business: to check, never a match
    (
        "中泰证券股份有限公司",
        "Xinjiang Zhongtai Chemical Co. Ltd.",
        REVIEW,
        ["ANOTHER LINE OF BUSINESS"],
    ),
    ("Guangdong Baiyi Textile Technology Co.", "Xinjiang Zhongtai Chemical Co. Ltd.", CLEAR, []),
    (
        "HOSHINE SILICON IND (SHANSHAN) CO",
        "Hoshine Silicon Industry (Shanshan) Co., Ltd",
        MATCH,
        [],
    ),
    ("XIAMEN MEIYA PICO INFORMATION CO LT", "Xiamen Meiya Pico Information Co. Ltd.", MATCH, []),
    # A 35-character field cut the name off: the listed name goes on where it stops ...
    (
        "CHENGDU XIWU SECURITY SYSTEM ALLIAN",
        "Chengdu Xiwu Security System Alliance Co., Ltd.",
        MATCH,
        ["the start of", "cut at 35 characters"],
    ),
    # ... but not when what was cut off is the listed company's place.
    (
        "CHINA COTTON GRP HENAN LOGISTICS PA",
        "China Cotton Group Henan Logistics Park Xinye Branch",
        REVIEW,
        ["CUT BEFORE THE LISTED COMPANY'S PLACE OR BRANCH"],
    ),
    # A name that ends in a whole legal form is not cut: compared part by part.
    (
        "CHENGDU XIWU SECURITY SYSTEM CO",  # a word short, its place and trade agreeing
        "Chengdu Xiwu Security System Alliance Co., Ltd.",
        MATCH,
        ["one contains the other"],
    ),
    (
        "XINJIANG UYGHUR AUTONOMOUS REGION XUAR",
        "Xinjiang Uyghur Autonomous Region (XUAR)",
        MATCH,
        ["same name"],
    ),
    (
        "RARE EARTH MAGNESIUM TECHNOLOGY GRP",
        "Rare Earth Magnesium Technology Group Holdings",
        MATCH,
        ["legal form aside"],
    ),
    (
        "CHINA NATIONAL PRECISION MACHINERY I/E CORP.",
        "CHINA NATIONAL PRECISION MACHINERY IMPORT/EXPORT CORPORATION",
        MATCH,
        [],
    ),
    (
        "DANDONG KEHUA ECONOMY & TRADE CO., LTD.",
        "DANDONG KEHUA ECONOMIC AND TRADE CO. LTD.",
        MATCH,
        [],
    ),
    # A place that is the trade name agrees across scripts by its division code.
    (
        "喀什建工集团有限责任公司",
        "Kashgar Construction Engineering (Group) Co., Ltd.",
        MATCH,
        ["喀什 = Kashgar (trade name, across scripts, the same place)"],
    ),
    ("喀什纺织有限公司", "Kashgar Construction Engineering (Group) Co., Ltd.", CLEAR, []),
    # Bill-of-lading party fields: an address after the legal form, "TO ORDER OF", XJ.
    (
        "XINJIANG ZHONGTAI CHEMICAL CO LTD NO 78 BEIJING SOUTH ROAD URUMQI",
        "Xinjiang Zhongtai Chemical Co. Ltd.",
        MATCH,
        ["Zhongtai = Zhongtai"],
    ),
    (
        "TO ORDER OF XINJIANG ZHONGTAI CHEMICAL CO LTD",
        "Xinjiang Zhongtai Chemical Co. Ltd.",
        MATCH,
        [],
    ),
    ("XJ ZHONGTAI CHEMICAL CO LTD", "Xinjiang Zhongtai Chemical Co. Ltd.", MATCH, ["Xinjiang"]),
    (
        "HOSHINE SILICON INDUSTRY (LUZHOU) CO LTD NO 1 JIANGYANG ROAD LUZHOU",
        "Hoshine Silicon Industry (Shanshan) Co., Ltd",
        REVIEW,
        ["SAME GROUP"],
    ),
    # A Chinese name with its address after it; a branch (分公司) of the listed company.
    (
        "新疆中泰化学股份有限公司 乌鲁木齐市经济技术开发区阳澄湖路39号",
        "Xinjiang Zhongtai Chemical Co. Ltd.",
        MATCH,
        ["中泰 = Zhongtai"],
    ),
    (
        "晨光生物科技集团焉耆有限公司",
        "Chenguang Biotechnology Group Yanqi Co. Ltd.",
        MATCH,
        ["焉耆 = Yanqi (region)"],
    ),
    (
        "宝武集团新疆八一钢铁有限公司",
        "Baowu Group Xinjiang Bayi Iron and Steel Co., Ltd.",
        MATCH,
        ["宝武八一 = Baowu Bayi", "钢铁 = Iron and Steel"],
    ),
    (
        "新疆哈巴河阿舍勒铜业股份有限公司",
        "Xinjiang Habahe Ashele Copper Co., Ltd.",
        MATCH,
        ["阿舍勒 = Ashele", "铜业 = Copper"],
    ),
    ("新疆腾翔镁制品有限公司", "Xinjiang Tengxiang Magnesium Products Co., Ltd.", MATCH, []),
    ("包头美科硅能源有限公司", "Baotou Meike Silicon Energy Co., Ltd.", MATCH, []),
    (
        "喀什建工责任有限公司",
        "Kashgar Construction Engineering (Group) Co., Ltd.",
        MATCH,
        ["only the listed name says group"],
    ),
    ("中国新疆建设兵团", "Xinjiang Production and Construction Corps", MATCH, ["XPCC rule"]),
    ("昌吉溢达纺织有限公司（新疆）", "Changji Esquel Textile Co., Ltd.", CLEAR, []),  # no alias
    (
        "新疆中泰化学(阜康)能源有限公司",
        "Xinjiang Zhongtai Chemical Co. Ltd.",
        REVIEW,
        ["SUBSIDIARY OR BRANCH"],
    ),
    ("XI AN AEROSPACE AUTOMATION CO LTD", "Xi'an Aerospace Automation Co., Ltd.", MATCH, []),
    (
        "XINJIANG EAST HOPE NON-FERROUS METALS CO LTD",
        "Xinjiang East Hope Nonferrous Metals Co., Ltd.",
        MATCH,
        [],
    ),
    (
        "XINJIANG UYGHUR AUTONOMOUS REGION PEOPLE S GOVERNMENT PUBLIC SECURITY BUREAU",
        "Xinjiang Uyghur Autonomous Region People's Government Public Security Bureau",
        MATCH,
        [],
    ),
    (
        "新疆中泰化学股份有限公司阜康能源分公司",
        "Xinjiang Zhongtai Chemical Co. Ltd.",
        REVIEW,
        ["BRANCH", "阜康 = Fukang"],
    ),
]


@pytest.mark.parametrize(("query", "listed", "decision", "phrases"), CASES)
def test_decisions_and_explanations(
    query: str, listed: str, decision: str, phrases: list[str]
) -> None:
    result = compare(name_features(query), name_features(listed))
    assert result.decision == decision, result.explanation
    for phrase in phrases:
        assert phrase in result.explanation
    if decision == REVIEW:
        assert result.score < 0.8


def test_coined_trade_name_needs_the_alias() -> None:
    q, c = (
        name_features("合盛硅业(鄯善)有限公司"),
        name_features("Hoshine Silicon Industry (Shanshan)"),
    )
    assert compare(q, c).decision == CLEAR
    with_alias = compare(q, c, frozenset({"hoshine"}))
    assert with_alias.decision == MATCH
    assert "alias table" in with_alias.explanation


def test_trade_name_of_common_words_is_translated() -> None:
    from paxta.screen.aliases import translations

    q, c = (
        name_features("世纪阳光集团控股有限公司"),
        name_features("Century Sunshine Group Holdings"),
    )
    assert compare(q, c).decision == CLEAR  # no pinyin reading of 世纪阳光 is "Century Sunshine"
    found = compare(q, c, translations("世纪阳光"))
    assert found.decision == MATCH and "translated word by word" in found.explanation
    assert translations("中泰") == frozenset()  # not all common words: no translation
    assert "easthope" in translations("东方希望")


def test_a_trade_name_of_a_common_word_and_a_coined_name() -> None:
    from paxta.screen.aliases import SEED, Alias, AliasTable

    table = AliasTable()
    q = name_features("新疆丝路华大基因科技有限公司")
    assert "silkroadbgi" not in table.expand(q)
    table.add(Alias("华大", "BGI", SEED))
    assert "silkroadbgi" in table.expand(q)  # 丝路 Silk Road, 华大 BGI


def test_common_words_are_translated_and_the_rest_read_in_pinyin() -> None:
    from paxta.screen.aliases import translations

    assert "hongyuangreen" in translations("弘元绿色")  # 弘元 in pinyin, 绿色 = Green
    q, c = name_features("弘元绿色科技股份有限公司"), name_features("Hongyuan Green Technology Co.")
    found = compare(q, c, translations("弘元绿色"))
    assert found.decision == MATCH and "translated word by word" in found.explanation
    # a single common character inside a pinyin name is not translated: 中 is not "China"
    assert translations("中泰") == frozenset()
    # a translated common word alone is not a coined name of the listed company
    west = compare(
        name_features("西部黄金股份有限公司"), name_features("West Alborz Steel Complex")
    )
    assert west.decision == CLEAR


def test_transliterations_agree_but_pinyin_vowels_tell_names_apart() -> None:
    same = compare(
        name_features("AL-HARAMAYN ISLAMIC FOUNDATION"),
        name_features("AL-HARAMAIN ISLAMIC FOUNDATION"),
    )
    assert same.decision == MATCH and "spelled another way" in same.explanation
    other = compare(name_features("Haifu Textile Co., Ltd."), name_features("Huafu Textile Co."))
    assert "spelled another way" not in other.explanation and other.decision != MATCH


def test_registry_id_decides_and_a_different_one_needs_review() -> None:
    q, c = name_features("Some Trading Co"), name_features("Xinjiang Zhongtai Chemical Co. Ltd.")
    uscc = "91650000710886410P"
    same = compare(q, c, q_context=Context(frozenset({uscc})), c_context=Context(frozenset({uscc})))
    assert same.decision == MATCH and uscc in same.explanation
    a = name_features("Xinjiang Zhongtai Chemical Co. Ltd.")
    other = compare(
        a, a, q_context=Context(frozenset({"X1"})), c_context=Context(frozenset({"X2"}))
    )
    assert other.decision == REVIEW and "registry ID" in other.explanation


def test_different_country_is_review() -> None:
    a = name_features("Golden Star Trading Co")
    result = compare(
        a,
        a,
        q_context=Context(countries=frozenset({"vietnam"})),
        c_context=Context(countries=frozenset({"iran"})),
    )
    assert result.decision == REVIEW and "country" in result.explanation


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80), st.text(max_size=80))
def test_never_crashes_and_scores_in_range(a: str, b: str) -> None:
    result = compare(name_features(a), name_features(b))
    assert 0.0 <= result.score <= 1.0
    assert result.decision in (MATCH, REVIEW, CLEAR)


def test_the_listed_address_says_where_a_name_without_a_place_is() -> None:
    listed = name_features("Dahua Technology")
    at = Context(addresses=("1199 Bin'an Road, Binjiang High-tech Zone, Hangzhou, China",))
    same = compare(name_features("浙江大华技术股份有限公司"), listed, c_context=at)
    assert same.decision == MATCH and "the listed address" in same.explanation
    # 大华 is a common trade name: elsewhere, or placed nowhere, it is another company
    other = compare(name_features("上海大华技术有限公司"), listed, c_context=at)
    assert other.decision != MATCH and "DIFFERENT PLACE" in other.explanation.upper()
    unknown = compare(name_features("浙江大华技术股份有限公司"), listed)
    assert unknown.score < same.score and unknown.decision != MATCH
    # a street named after a city is not where the company is
    street = Context(addresses=("No. 506, Beijing South Road, Urumqi, Xinjiang, China",))
    assert (
        compare(name_features("北京大华技术有限公司"), listed, c_context=street).decision != MATCH
    )


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        ("阿克苏地区公安局", "Aksu District Public Security Bureau"),
        (
            "巴音郭楞蒙古自治州公安局",
            "Bayingolin Mongolian Autonomous Prefecture Public Security Bureau",
        ),
        (
            "新疆维吾尔自治区人民政府公安厅",
            "Xinjiang Uyghur Autonomous Region (XUAR) People's Government Public Security Bureau",
        ),
        ("新疆丝路华大", "Xinjiang Silk Road BGI"),  # Silk Road is a name, not a silk trade
    ],
)
def test_government_bodies_and_names_of_places(query: str, listed: str) -> None:
    from paxta.screen.aliases import translations

    keys = translations(name_features(query).trade) | frozenset({"silkroadbgi"})
    assert compare(name_features(query), name_features(listed), keys).decision == MATCH


def test_a_bracket_holding_the_names_place_is_no_subsidiary() -> None:
    found = compare(
        name_features("昌吉溢达纺织有限公司（新疆）"),
        name_features("Changji Esquel Textile Co., Ltd."),
        frozenset({"esquel"}),
    )
    assert found.decision == MATCH and "Changji" in found.explanation


def test_a_group_marker_alone_does_not_make_another_company() -> None:
    # the list writes CloudWalk without any legal form: the registered name's 集团 says nothing
    found = compare(
        name_features("云从科技集团股份有限公司"),
        name_features("CloudWalk Technology"),
        frozenset({"cloudwalk"}),
    )
    assert found.decision != CLEAR  # a coined name found; the group may be its parent
    parent = compare(
        name_features("新疆中泰集团有限公司"), name_features("Xinjiang Zhongtai Co. Ltd.")
    )
    assert parent.decision == REVIEW  # a listed name with a legal form: the group is another


@pytest.mark.parametrize(
    ("query", "listed", "aliases"),
    [
        (
            "上海赛立特安全用品有限公司",
            "Shanghai Select Safety Products Company, Limited and its two subsidiaries from "
            "China, Select (Nantong) Safety Products Co. Limited and Select Protective "
            "Technology (HK) Limited.",
            frozenset({"select"}),
        ),
        (
            "HOSHINE SILICON INDUSTRY CO LTD",
            "Hoshine Silicon Industry Co. Ltd. and Subsidiaries",
            frozenset(),
        ),
        (
            "ZHEJIANG SANMEI TEA CO LTD",
            "Nanhu Tree Farm, Zhejiang Sanmei Tea Co., Ltd.; Imaizumi Tea Manufacturing & "
            "Trading Co., Ltd. (of Nagoya, Japan)",
            frozenset(),
        ),
        (
            "内蒙古恒正集团保安沼农工贸有限公司",
            "Inner Mongolia Hengzheng Group Baoanzhao Agriculture, Industry, and Trade Co., Ltd.",
            frozenset(),
        ),
    ],
)
def test_list_entries_naming_several_companies(
    query: str, listed: str, aliases: frozenset[str]
) -> None:
    found = compare(name_features(query), name_features(listed), aliases)
    assert found.decision in (MATCH, REVIEW), found.explanation
    assert found.decision == MATCH or "Nanhu" in listed  # the tea farm comes first there


@pytest.mark.parametrize(
    ("query", "listed", "said"),
    [
        (
            "Xinjiang Zhongtai Huaxue Gufen Youxian Gongsi",
            "Xinjiang Zhongtai Chemical Co. Ltd.",
            "Huaxue = Chemical",
        ),
        (
            "XINJIANG TIANSHAN MAOFANGZHI GUFEN YOUXIAN GONGSI",
            "Xinjiang Tianshan Wool Textile Co. Ltd.",
            "MAOFANGZHI = Wool Textile",
        ),
        (
            "Xinjiang Dongfang Xiwang Youse Jinshu Youxian Gongsi",
            "Xinjiang East Hope Nonferrous Metals Co., Ltd.",
            "pinyin translated word by word",
        ),
        (
            "Xinjiang Tengxiang Meizhipin Youxian Gongsi",  # two terms written as one word
            "Xinjiang Tengxiang Magnesium Products Co., Ltd.",
            "Meizhipin = Magnesium Products",
        ),
    ],
)
def test_chinese_names_written_in_pinyin(query: str, listed: str, said: str) -> None:
    found = compare(name_features(query), name_features(listed))
    assert found.decision == MATCH, found.explanation
    assert said in found.explanation
    # the same words with another industry are another company of that trade name
    other = compare(
        name_features("Xinjiang Zhongtai Fangzhi Youxian Gongsi"),
        name_features("Xinjiang Zhongtai Chemical Co. Ltd."),
    )
    assert other.decision != MATCH


def test_an_english_name_is_not_read_as_pinyin() -> None:
    from paxta.names.romanised import is_romanised

    assert is_romanised("Hetian Haolin Fashi Youxian Gongsi")
    assert is_romanised("Kashi Jiangong (Jituan) Youxian Zeren Gongsi")
    assert not is_romanised("Xinjiang Zhongtai Chemical Co. Ltd.")
    assert not is_romanised("Shanshan Guiye")  # no pinyin legal form: a trade name, kept as is
    assert name_features("Shanshan Guiye").industry == ()


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        # the group named by its region only: its company's own name is the place after it
        (
            "新疆棉业集团伽师棉业有限公司",
            "Xinjiang Cotton Industry Group Jiashi Cotton Industry Co., Ltd.",
        ),
        # Yuepu Lake is 岳普湖 with the lake translated
        (
            "新疆棉业集团岳普湖棉业有限公司",
            "Xinjiang Cotton Industry Group Yuepu Lake Cotton Industry Co., Ltd.",
        ),
        # a company's name and industry, then a place and the unit's own name
        ("西部黄金克拉玛依哈图金矿有限责任公司", "Western Gold Karamay Hatu Gold Mine Co., Ltd."),
        # a county outside Xinjiang, known when "County" follows it
        (
            "林西县方培棉花购销有限公司",
            "Linxi County Fangpei Cotton Buying and Selling Co., Ltd.",
        ),
        # "New Life" is a name (新生), not the industry word New
        ("沈阳新生橡胶厂", "Shenyang New Life Rubber Factory"),
        # a name without a trade name: place, trade words and 厂
        ("天津可锻铸铁厂", "Tianjin Malleable Iron Factory"),
    ],
)
def test_group_unit_and_place_structures(query: str, listed: str) -> None:
    from paxta.screen.aliases import translations

    q = name_features(query)
    found = compare(q, name_features(listed), translations(q.trade))
    assert found.decision == MATCH, found.explanation


def test_china_group_and_its_branch_at_a_county() -> None:
    q = name_features("中棉集团河南物流园有限公司新野分公司")
    c = name_features("China Cotton Group Henan Logistics Park Co., Ltd., Xinye Branch")
    assert c.trade == "China Cotton" and c.bracket == q.bracket == ("cn:xinye",)
    assert compare(q, c, frozenset({"chinacotton"})).decision == MATCH
    other = name_features("中棉集团河南物流园有限公司南阳分公司")
    assert compare(other, c, frozenset({"chinacotton"})).decision != MATCH


def test_a_trade_name_that_is_only_a_city_needs_the_same_trade() -> None:
    found = compare(
        name_features("菏泽纺织有限公司"), name_features("Heze Cotton and Linen Co., Ltd.")
    )
    assert found.decision != MATCH and "the same place" in found.explanation
    assert [p.level for p in found.parts if p.comparison == "trade"] == ["place_name"]
    same = compare(
        name_features("菏泽棉麻有限公司"), name_features("Heze Cotton and Linen Co., Ltd.")
    )
    assert same.decision == MATCH


def test_another_trade_of_the_same_sector_or_an_everyday_trade_name_is_review() -> None:
    listed = name_features("Zijin Mining Group Co., Ltd.")
    assert compare(name_features("ZIJIN COPPER CO LTD"), listed).decision == REVIEW
    assert compare(name_features("紫金矿业集团股份有限公司"), listed).decision == MATCH
    western = name_features("Western Gold Co., Ltd.")
    found = compare(name_features("WESTERN GOLD RESOURCES LTD"), western)  # a word more
    assert found.decision == REVIEW
    assert [p.level for p in found.parts if p.comparison == "industry"] == ["same_more"]
    assert compare(name_features("WESTERN GOLD CO LTD"), western).decision == MATCH
    # one word's forms are one trade: biological and biotechnology
    bio = compare(
        name_features("晨光生物科技集团股份有限公司"),
        name_features("Chenguang Biotech Group Co., Ltd."),
    )
    assert bio.decision == MATCH, bio.explanation


@pytest.mark.parametrize(
    "query",
    [
        "XINJAING ZHONGTAI CHEMICAL CO LTD",  # a place with two letters swapped
        "XINJIANGZHONGTAI CHEMICAL CO.LTD",  # a place written together with the name
        "XINJIANG ZHONGTAI CHEMICAL COLTD",  # CO.,LTD without its space
        "XINJIANGZHONGTAICHEMICALCOLTD",  # every word written together
        "M/S XINJIANG ZHONGTAI CHEMICAL CO LTD",  # how Indian papers address a firm
        "X1NJIANG ZHONGTAI CHEMICAL CO LIMTED",  # a digit for a letter, a slip in the form
        "XINJIANG ZHONGTAI CHEMICAL CO., LTD., P.R. CHINA",  # the country after it
        "XINJIANG ZHONGTAI CHEMICAL CO LTD CHINA",
        '"Xinjiang Zhongtai Chemical Co. Ltd."',  # quoted
        "THE XINJIANG ZHONGTAI CHEMICAL CO LTD",
    ],
)
def test_bill_of_lading_slips(query: str) -> None:
    found = compare(name_features(query), name_features("Xinjiang Zhongtai Chemical Co. Ltd."))
    assert found.decision == MATCH, found.explanation


def test_words_written_together_and_coined_names() -> None:
    assert name_features("XINJIANG DAQO NEWENERGY CO LTD").industry == ("new", "energy")
    assert name_features("FiberHome Technologies Group").industry == ("technology",)
    assert name_features("AKSU HUAFU COLOURED SPINNING CO LTD").trade == "Huafu"
    typo = compare(name_features("HOSHNIE SILICON CO"), name_features("Hoshine Silicon Co."))
    assert typo.decision == MATCH and "a typing slip" in typo.explanation
    # pinyin names one swap apart may be two companies: review, unless place and trade agree
    tian = compare(name_features("Tianhei Textile Co."), name_features("Tianhie Textile Co."))
    assert tian.decision == REVIEW and "or another name" in tian.explanation


def test_a_coined_name_of_three_characters_or_more_carries_the_registered_industry() -> None:
    listed = name_features("Beijing Liuhe BGI")
    found = compare(name_features("北京六合华大基因科技有限公司"), listed, frozenset({"liuhebgi"}))
    assert found.decision == MATCH, found.explanation
    # a two-character coined name is an everyday word too: 骆驼 apparel is not Camel Group
    camel = compare(
        name_features("骆驼服饰有限公司"),
        name_features("Camel Group Co., Ltd."),
        frozenset({"camel"}),
    )
    assert camel.decision != MATCH


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        ("湖北银丰纺织有限公司", "Hubei Yinfeng Cotton Co., Ltd."),
        (
            "SHIHEZI HUAFU HONGFENG TEXTILE CO LTD",
            "Shihezi Huafu Hongfeng Cotton Industry Co., Ltd.",
        ),
        ("包头美科硅材料有限公司", "Baotou Meike Silicon Energy Co., Ltd."),
        ("新疆紫金铜业有限公司", "Xinjiang Zijin Nonferrous Metals Co., Ltd."),
    ],
)
def test_a_sister_company_at_the_same_place_in_another_trade_is_review(
    query: str, listed: str
) -> None:
    found = compare(name_features(query), name_features(listed))
    assert found.decision == REVIEW, found.explanation


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        ("HETIAN TAIDA GARMENT CO LTD", "Hetian Taida Apparel Co., Ltd"),  # one trade, two words
        ("江苏银海农家乐仓储有限公司", "Jiangsu Yinhai Nongjiale Storage Co., Ltd."),
        ("天山毛紡织股份有限公司", "Xinjiang Tianshan Wool Textile Co. Ltd."),
    ],
)
def test_two_words_for_one_trade_still_match(query: str, listed: str) -> None:
    found = compare(name_features(query), name_features(listed))
    assert found.decision == MATCH, found.explanation


def test_a_holding_is_a_parent_and_a_place_name_needs_the_same_trades() -> None:
    listed = name_features("Xinjiang GCL New Energy Material Technology, Co. Ltd.")
    holding = compare(name_features("协鑫科技控股有限公司"), listed, frozenset({"gcl"}))
    assert holding.decision == REVIEW, holding.explanation
    energy = name_features("Xinjiang Energy (Group) Co., Ltd.")
    assert compare(name_features("XINJIANG ENERGY INVESTMENT CO LTD"), energy).decision == REVIEW
    assert compare(name_features("新疆能源集团有限公司"), energy).decision == MATCH


@pytest.mark.parametrize(
    "query",
    [
        "1. 新疆中泰化学股份有限公司",
        "供应商：新疆中泰化学股份有限公司",
        "Supplier: Xinjiang Zhongtai Chemical Co., Ltd.",
        "XINJIANG ZHONGTAI CHEMICAL CO., LTD. C/O ABC LOGISTICS",
        "XINJIANG ZHONGTAI CHEMICAL CO., LTD. TEL:0991-8751690",
    ],
)
def test_what_a_cell_puts_around_a_name(query: str) -> None:
    found = compare(name_features(query), name_features("Xinjiang Zhongtai Chemical Co. Ltd."))
    assert found.decision == MATCH, found.explanation


def test_green_energy_is_a_line_of_business_and_green_land_a_name() -> None:
    listed = name_features("Hongyuan Green Energy Co., Ltd.")
    assert listed.trade == "Hongyuan" and listed.industry == ("green", "energy")
    found = compare(name_features("弘元綠能"), listed)  # 绿能, short for 绿色能源
    assert found.decision == MATCH, found.explanation
    assert name_features("Green Land Trading Co.").trade == "Green Land"


def test_a_county_the_english_name_keeps_in_its_trade_name() -> None:
    listed = name_features("Huangmei Xiaochi Yinfeng Cotton")  # 黄梅县, written without County
    found = compare(name_features("黄梅县小池银丰棉业有限公司"), listed)
    assert (
        found.decision == MATCH and "黄梅县小池银丰 = Huangmei Xiaochi Yinfeng" in found.explanation
    )
    other = compare(name_features("武穴市小池银丰棉业有限公司"), listed)  # another place
    assert other.decision != MATCH, other.explanation


@pytest.mark.parametrize(
    "query",
    ["XINJIANG ZHONGTAI CHEMICAL VIETNAM CO LTD", "XINJIANG ZHONGTAI CHEMICAL CO LTD, VIETNAM"],
)
def test_a_listed_name_in_another_country_is_review(query: str) -> None:
    found = compare(name_features(query), name_features("Xinjiang Zhongtai Chemical Co. Ltd."))
    assert found.decision == REVIEW and "ANOTHER COUNTRY" in found.explanation


def test_a_letter_off() -> None:
    esquel = name_features("Guangdong Esquel Textile Co., Ltd.")
    slip = compare(name_features("GUANGDONG ESQUL TEXTILE CO LTD"), esquel)
    assert slip.decision == MATCH and "a typing slip" in slip.explanation
    # nothing else to confirm it: another company may be called that
    alone = compare(name_features("Chamtex Limited"), name_features("CHATEX"))
    assert alone.decision == REVIEW, alone.explanation
    # a pinyin name a letter off is another name as often as a slip: the place and the trade
    # must both agree
    listed = name_features("Awati Huafu Textile")
    huafu = compare(name_features("AWATI HAFU TEXTILE CO LTD"), listed)
    assert huafu.decision == MATCH and "or another name" in huafu.explanation
    assert compare(name_features("HAFU TEXTILE CO LTD"), listed).decision == REVIEW
    assert (
        compare(name_features("GUANGDONG BAIYI TEXTILE CO"), name_features("Bayi Steel")).decision
        == CLEAR
    )


def test_a_letter_off_is_found(store: object) -> None:
    from paxta.lists.shipped import ensure_lists
    from paxta.screen.matcher import Matcher

    ensure_lists(store)  # type: ignore[arg-type]
    found = Matcher.from_store(store).match("GUANGDONG ESQUL TEXTILE CO LTD")  # type: ignore[arg-type]
    assert found and found[0].entity.name == "Guangdong Esquel Textile Co., Ltd."


_RELATED_NAMES = [
    "Xinjiang Zhongtai Chemical Co., Ltd.",
    "新疆中泰化学股份有限公司",
    "ZHONGTAI CHEMICAL",
    "Zhongtai Textile Co Ltd",
    "Shandong Liancheng Precision Manufacturing Co., Ltd",
    "HIGH PRECISION WEAPONS JOINT STOCK COMPANY",
    "Precision Co., Ltd.",
    "Hotan Huafu Cotton",
    "新疆华孚色纺",
    "Huafu Fashion Co., Ltd.",
    "Hafu Trading",
    "XINJIANG PRODUCTION AND CONSTRUCTION CORPS",
    "新疆生产建设兵团第一师",
    "MOMO",
    "LOMO LAZER",
    "Daqo New Energy Corp.",
    "Xinjiang Daqo New Energy Co., Ltd.",
    "ZHONGTIAM TEXTILE CO LTD",
    "CHEN, Quanguo",
]


@pytest.mark.parametrize("query", _RELATED_NAMES)
def test_a_comparison_left_out_is_one_that_shares_nothing(query: str) -> None:
    """What ranks matches skips pairs whose trade names share nothing: each skipped pair is
    ``clear`` by its trade name alone, and every other comparison is the same either way."""
    from paxta.screen.compare import compare_related

    q = name_features(query)
    for listed in _RELATED_NAMES:
        c = name_features(listed)
        full = compare(q, c)
        kept = compare_related(q, c)
        if kept is None:
            assert full.decision == CLEAR
            assert [p.comparison for p in full.parts] == ["trade"]
            assert full.parts[0].level in ("none", "fuzzy_low")
        else:
            assert (kept.decision, kept.score, kept.explanation) == (
                full.decision,
                full.score,
                full.explanation,
            )
