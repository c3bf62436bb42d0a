"""The fitted screening model: levels, weights, term frequencies, and what a user sees of them.

The cases from the screening issue are kept here as tests of the design: real unlisted names
that shared one everyday word with a listed one went to review; look-alike letters, a misspelt
region and an unknown list name went unnoticed.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from paxta.cli import cli
from paxta.names.confusables import fold_confusables
from paxta.names.features import name_features
from paxta.screen.compare import compare
from paxta.screen.comparison import COMPARISON_VERSION, MATCH
from paxta.screen.model import LEVELS, NULL_LEVELS, TF_LEVELS, load_model, model, shipped_model


def _best(runner: CliRunner, name: str, *extra: str) -> dict[str, object] | None:
    out = runner.invoke(cli, ["match", name, "--json", *extra])
    assert out.exit_code == 0, out.output
    matches = json.loads(out.output)["matches"]
    return matches[0] if matches else None


def test_the_shipped_model_is_fitted_and_complete() -> None:
    m = shipped_model()
    assert m.algorithm.startswith(f"paxta-fs-{COMPARISON_VERSION}-")
    assert 0.0 < m.review < m.match <= 1.0
    for comparison, levels in LEVELS.items():
        for level in levels:
            assert comparison in m.weights and level in m.weights[comparison], (comparison, level)
    for comparison, level in NULL_LEVELS:  # nothing known: no evidence either way
        assert m.weight(comparison, level) == 0.0
    assert (
        m.weight("trade", "exact") > m.weight("trade", "fuzzy_mid") > m.weight("trade", "fuzzy_low")
    )
    assert m.weight("place", "same") > 0 > m.weight("place", "differ")
    assert set(m.tf_reference) >= {"exact", "pinyin"} and {"exact", "pinyin"} <= TF_LEVELS


def test_a_rare_trade_name_agreeing_weighs_more_than_a_common_one() -> None:
    m = model()
    rare = m.tf_adjustment("trade", "exact", ("hoshine",))
    common = m.tf_adjustment("trade", "exact", ("future",))
    assert rare > 0 > common
    assert m.tf_adjustment("trade", "fuzzy_mid", ("hoshine",)) == 0.0  # only agreement is adjusted
    listed = name_features("Hoshine Trading Co., Ltd.")
    everyday = name_features("Future Trading Co., Ltd.")
    a = compare(name_features("HOSHINE TRADING CO LTD"), listed)
    b = compare(name_features("FUTURE TRADING CO LTD"), everyday)
    assert a.weight > b.weight


def test_a_model_is_read_from_its_json() -> None:
    raw = {
        "algorithm": "test",
        "prior": -3.0,
        "levels": {"trade": {"exact": {"weight": 5.0}}},
        "tf_reference": {},
        "tf_unknown": 1e-4,
        "thresholds": {"match": 0.9, "review": 0.1},
    }
    m = load_model(raw)
    assert m.weight("trade", "exact") == 5.0 and m.weight("trade", "none") == 0.0
    assert m.probability(0.0) == 0.5 and m.probability(10) > 0.99


def test_every_part_of_a_comparison_is_explained_with_its_level_and_weight() -> None:
    found = compare(
        name_features("新疆中泰化学股份有限公司"),
        name_features("Xinjiang Zhongtai Chemical Co. Ltd."),
    )
    assert found.decision == MATCH
    vector = found.as_json()
    parts = {p["comparison"]: p for p in vector["parts"]}
    assert parts["trade"]["level"] == "pinyin" and "中泰 = Zhongtai" in parts["trade"]["reason"]
    assert parts["place"]["level"] == "same" and parts["place"]["weight"] > 0
    assert parts["industry"]["level"] == "same"
    assert vector["probability"] == found.score and vector["match_weight"] == round(found.weight, 2)


@pytest.mark.parametrize(
    "name",
    [
        "Pioneer Overseas Garments Ltd",  # "Overseas", as IRAN OVERSEAS INVESTMENT CORPORATION
        "Galaxy Space Knitwear Ltd",  # "Space", as IRAN SPACE AGENCY
        "Today Fashion Wear Ltd",  # "Today", as ECONOMY TODAY LLC
        "China Resources Textile Co",  # "China", as China Cotton Group ...
        "广州市天虹服装有限公司",  # 天虹, as Xinjiang Tianhong Xinba Cotton Industry
        "佛山新材料科技有限公司",  # 佛山 Foshan, the city, is not ROSHAN MONEY EXCHANGE
    ],
)
def test_an_everyday_word_shared_with_a_listed_name_is_clear(runner: CliRunner, name: str) -> None:
    assert _best(runner, name) is None


def test_look_alike_letters_are_read_as_latin_and_said(runner: CliRunner) -> None:
    text, replaced = fold_confusables("XINJIANG ZHОNGTАI CHEMICAL")  # Cyrillic О and А
    assert text == "XINJIANG ZHONGTAI CHEMICAL" and replaced == "АО"
    assert fold_confusables("ООО РОСНЕФТЬ") == ("ООО РОСНЕФТЬ", "")  # a Cyrillic name stays
    assert fold_confusables("Ürümqi Textile") == ("Ürümqi Textile", "")  # Latin accents stay
    found = _best(runner, "XINJIANG ZHОNGTАI CHEMICAL CO LTD")
    assert found is not None and found["decision"] == "match"
    assert "letters from another alphabet read as Latin" in str(found["explanation"])


def test_a_misspelt_region_is_read_as_the_region() -> None:
    assert name_features("Xingjang Zhongtai Chemical Co Ltd").places == (("650000",),)
    assert name_features("Shanghui Trading Co").places == ()  # a pinyin name, not Shanghai


def test_results_record_the_algorithm(runner: CliRunner) -> None:
    found = _best(runner, "XINJIANG ZHONGTAI CHEM IND CO LTD")
    assert found is not None and found["algorithm"] == model().algorithm
    assert {p["comparison"] for p in found["parts"]} >= {"trade", "place", "industry"}  # type: ignore[union-attr]


@pytest.mark.parametrize("lists", ["uflpaa", "sdn-list,uflpa"])
def test_an_unknown_list_name_is_an_error(runner: CliRunner, lists: str) -> None:
    out = runner.invoke(cli, ["match", "Xinjiang Zhongtai Chemical", "--lists", lists])
    assert out.exit_code != 0
    assert "the lists there are" in out.output and "uflpa" in out.output


@pytest.mark.parametrize("lists", ["UFLPA", "ofac,uflpa", "Bis"])
def test_list_names_are_read_case_aside_and_short(runner: CliRunner, lists: str) -> None:
    out = runner.invoke(cli, ["match", "Xinjiang Zhongtai Chemical Co Ltd", "--lists", lists])
    assert out.exit_code == 0, out.output


def test_every_screened_row_is_located(runner: CliRunner, tmp_path: Path) -> None:
    src = tmp_path / "suppliers.csv"
    with src.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["name", "address"])
        w.writerow(["Xinjiang Lop Nur Cotton Industry", "Korla, Xinjiang"])  # on no list
        w.writerow(["Anhui Sunrise Garments Co", "Hefei, Anhui"])
        w.writerow(["Shihezi Tianyu Textile", "新疆生产建设兵团第八师石河子市"])
    out = tmp_path / "out.csv"
    result = runner.invoke(cli, ["screen", str(src), "--address-column", "address", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "in Xinjiang by name, address or registry ID" in result.output
    with out.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [r["paxta_region"] for r in rows] == ["xinjiang", "", "xpcc"]
    assert "Korla" in rows[0]["paxta_region_why"] or "Xinjiang" in rows[0]["paxta_region_why"]
    assert all(r["paxta_algorithm"] == model().algorithm for r in rows)


@pytest.mark.parametrize(
    ("name", "region"),
    [
        ("Zhejiang Tianshan Textile Co., Ltd.", ""),  # 天山 is its trade name: it is in Zhejiang
        ("Zhejiang Fukang Garment Co., Ltd.", ""),
        ("Tianshan Textile (Zhejiang) Co., Ltd.", ""),
        ("Xinjiang Tianshan Wool Textile Co., Ltd.", "xinjiang"),
        ("Korla Xingfa Cotton Co., Ltd.", "xinjiang"),
        ("新疆天山毛纺织股份有限公司", "xinjiang"),
    ],
)
def test_a_xinjiang_place_word_as_trade_name_of_a_firm_elsewhere(name: str, region: str) -> None:
    from paxta.screen.batch import region_of

    assert region_of(name).region == region
