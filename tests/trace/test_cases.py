"""The three example cases: planted defects found with the right codes, nothing on the clean one."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from paxta.cli import cli
from paxta.store import open_store

CASES = Path(__file__).resolve().parents[2] / "examples" / "cases"


def _findings(runner: CliRunner, case: str, shipment: str) -> list[dict[str, object]]:
    imported = runner.invoke(cli, ["case", "import", str(CASES / case), "--json"])
    assert imported.exit_code == 0, imported.output
    assert shipment in [s["shipment"] for s in json.loads(imported.output)]
    traced = runner.invoke(cli, ["trace", shipment, "--json"])
    assert traced.exit_code == 0, traced.output
    findings: list[dict[str, object]] = json.loads(traced.output)["findings"]
    return findings


def _has(findings: list[dict[str, object]], code: str, party: str | None, *words: str) -> bool:
    return any(
        f["code"] == code
        and (party is None or f["party"] == party)
        and all(w in str(f["message"]) for w in words)
        for f in findings
    )


def test_a_member_of_a_listed_group_is_to_check_not_a_finding(runner: CliRunner) -> None:
    """Xinjiang Zhongtai Cotton Trading is not itself listed; its group is (UFLPA): screening
    says review, so the trace lists it to check, with the explanation, and no listed_entity."""
    imported = runner.invoke(cli, ["case", "import", str(CASES / "cotton-tshirt")])
    assert imported.exit_code == 0, imported.output
    traced = json.loads(runner.invoke(cli, ["trace", "SHP-1", "--json"]).output)
    check = [x for x in traced["to_check"] if x["party"] == "TRD"]
    assert check and "Zhongtai" in check[0]["listed_name"] and check[0]["explanation"]
    assert not _has(traced["findings"], "listed_entity", "TRD")


@pytest.fixture(scope="module")
def tshirt(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, object]]:
    home = tmp_path_factory.mktemp("home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PAXTA_HOME", str(home))
        return _findings(CliRunner(), "cotton-tshirt", "SHP-1")


@pytest.mark.parametrize(
    ("code", "party", "words"),
    [
        ("xinjiang_location", "GIN", ["Xinjiang"]),
        ("xinjiang_origin", "GIN", ["ginning", "B-TR-1"]),
        ("xinjiang_affiliate", "TRD", ["Aksu Hengrun Cotton Ginning"]),
        ("xinjiang_affiliate", "ZJS", ["Korla Lanxi Spinning"]),
        ("mass_balance", "FAB", ["Y-SPN-1", "18%"]),
        ("payee_mismatch", "SPN", ["Victory Link Trading"]),
        ("date_order", "SPN", ["B-TR-1", "2026-03-10"]),
        ("hidden_party", None, ["TO ORDER"]),
        ("hidden_party", None, ["REDACTED"]),
        ("unknown_recycled_origin", "SPN", ["5%"]),
        ("missing_document", "TRD", ["B-TR-2", "30%"]),
        ("untranslated_document", "GIN", ["CT-G1"]),
        ("unlisted_party", "PRN-01", []),
    ],
)
def test_every_planted_defect_is_found(
    tshirt: list[dict[str, object]], code: str, party: str | None, words: list[str]
) -> None:
    assert _has(tshirt, code, party, *words), [f for f in tshirt if f["code"] == code]


def test_third_country_hops_are_info(tshirt: list[dict[str, object]]) -> None:
    hops = {f["party"] for f in tshirt if f["code"] == "third_country_hop"}
    assert hops == {"GMT", "FAB", "SPN"}  # not the recycler, whose input is not from China
    assert {f["severity"] for f in tshirt if f["code"] == "third_country_hop"} == {"info"}


def test_wrong_map_point_raises_no_xinjiang_finding(tshirt: list[dict[str, object]]) -> None:
    assert not [f for f in tshirt if f["party"] == "GDF" and str(f["code"]).startswith("xinjiang")]


def test_findings_have_the_dossier_shape(tshirt: list[dict[str, object]]) -> None:
    for f in tshirt:
        assert set(f) == {"code", "severity", "tier", "party", "documents", "message"}
        assert f["severity"] in ("high", "medium", "low", "info")


def test_clean_chain_has_no_finding_above_info(runner: CliRunner) -> None:
    findings = _findings(runner, "cotton-clean", "SHP-9")
    assert [f for f in findings if f["severity"] != "info"] == []


def test_pvc_resin_from_a_listed_xinjiang_producer(runner: CliRunner) -> None:
    findings = _findings(runner, "pvc-flooring", "SHP-P1")
    assert _has(findings, "listed_entity", "ZTC", "Xinjiang Zhongtai Chemical")
    assert next(f for f in findings if f["code"] == "listed_entity")["severity"] == "high"
    assert _has(findings, "xinjiang_location", "ZTC")
    assert _has(findings, "xinjiang_origin", "ZTC", "RZ-1")


@pytest.fixture(scope="module")
def other_industries(
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, list[dict[str, object]]]:
    """The polysilicon and tomato cases, traced in one home."""
    home = tmp_path_factory.mktemp("home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PAXTA_HOME", str(home))
        runner = CliRunner()
        return {
            "SHP-S1": _findings(runner, "polysilicon-modules", "SHP-S1"),
            "SHP-T1": _findings(runner, "tomato-paste", "SHP-T1"),
        }


@pytest.mark.parametrize(
    ("shipment", "code", "party", "words"),
    [
        ("SHP-S1", "listed_entity", "POL", ["Daqo"]),
        ("SHP-S1", "xinjiang_location", "POL", []),
        ("SHP-S1", "xpcc_affiliation", "POL", ["石河子市"]),
        ("SHP-S1", "xinjiang_origin", "POL", ["polysilicon_refining", "PS-1"]),
        ("SHP-S1", "mass_balance", "WAF", ["8,100", "75%"]),
        ("SHP-S1", "date_order", "CEL", ["CL-1", "2026-05-12", "2026-05-20"]),
        ("SHP-S1", "payee_mismatch", "CEL", ["Golden Ray Trading"]),
        ("SHP-S1", "missing_document", "WAF", ["M-WC", "bill_of_lading"]),
        ("SHP-S1", "untranslated_document", "WAF", ["PR-W1"]),
        ("SHP-S1", "hidden_party", None, ["TO ORDER"]),
        ("SHP-S1", "unlisted_party", "LAM-3", []),
        ("SHP-T1", "xpcc_affiliation", "PRC", ["第六师"]),
        ("SHP-T1", "xinjiang_location", "PRC", []),
        ("SHP-T1", "xinjiang_origin", "PRC", ["tomato_processing", "DR-1"]),
        ("SHP-T1", "mass_balance", "PRC", ["25,000", "18%"]),
        ("SHP-T1", "owned_by_risk_entity", "ITP", ["Hongshan Tomato Holdings", "40%"]),
        ("SHP-T1", "payee_mismatch", "TRD", ["Dihua Trading"]),
        ("SHP-T1", "date_order", "ITP", ["DR-1", "2026-03-15", "2026-03-01"]),
        ("SHP-T1", "missing_document", "BYN", ["M-BT", "commercial_invoice"]),
        ("SHP-T1", "untranslated_document", "PRC", ["PR-P1"]),
        ("SHP-T1", "hidden_party", None, ["REDACTED"]),
    ],
)
def test_planted_defects_in_other_industries_are_found(
    other_industries: dict[str, list[dict[str, object]]],
    shipment: str,
    code: str,
    party: str | None,
    words: list[str],
) -> None:
    findings = other_industries[shipment]
    assert _has(findings, code, party, *words), [f for f in findings if f["code"] == code]


@pytest.mark.parametrize(
    ("shipment", "party", "trap"),
    [
        ("SHP-S1", "WAF", "无锡市新吴区新华路: 新 is 'new'"),
        ("SHP-S1", "XXP", "新乡市红旗区, Henan"),
        ("SHP-S1", "MGS", "乌鲁木齐北路, a street in Shanghai"),
        ("SHP-T1", "TRD", "新疆路, a street in Qingdao"),
        ("SHP-T1", "DHT", "迪化街, Taipei"),
        ("SHP-T1", "BYN", "Bayannur, Inner Mongolia"),
    ],
)
def test_traps_in_other_industries_raise_no_xinjiang_finding(
    other_industries: dict[str, list[dict[str, object]]], shipment: str, party: str, trap: str
) -> None:
    flagged = [
        f
        for f in other_industries[shipment]
        if f["party"] == party
        and f["code"]
        in ("xinjiang_location", "xinjiang_origin", "xpcc_affiliation", "listed_entity")
    ]
    assert flagged == [], trap


def test_trace_marks_links_observed_or_inferred(runner: CliRunner) -> None:
    runner.invoke(cli, ["case", "import", str(CASES / "cotton-tshirt")])
    data = json.loads(runner.invoke(cli, ["trace", "SHP-1", "--json"]).output)
    links = {link["id"]: link for link in data["links"]}
    assert links["SHP-1"]["tier"] == 0 and links["SHP-1"]["basis"] == "observed"
    assert links["M-RS"]["basis"] == "inferred" and "declaration" in links["M-RS"]["source"]
    assert data["tiers"]["GIN"] > data["tiers"]["TRD"] > data["tiers"]["SPN"] > data["tiers"]["GMT"]
    assert links["P-FXJ"]["process"] == "farming"
    assert links["M-GT"]["from"] == "GIN" and links["M-GT"]["basis"] == "inferred"
    assert "阿克苏恒润轧花有限公司" in links["M-GT"]["source"]
    assert "resolved to GIN" in links["M-GT"]["source"]


def test_dossier_json_and_escaped_html(runner: CliRunner, tmp_path: Path) -> None:
    case = tmp_path / "hostile"
    shutil.copytree(CASES / "cotton-clean", case)
    parties = (case / "parties.csv").read_text(encoding="utf-8")
    (case / "parties.csv").write_text(
        parties.replace("Padma Knitwear Ltd.", "<script>alert(1)</script> Knitwear"),
        encoding="utf-8",
    )
    assert runner.invoke(cli, ["case", "import", str(case)]).exit_code == 0
    out = tmp_path / "dossier"
    result = runner.invoke(cli, ["dossier", "SHP-9", "-o", str(out)])
    assert result.exit_code == 0, result.output
    content = json.loads((out / "dossier.json").read_text(encoding="utf-8"))
    assert content["shipment"] == "SHP-9" and content["findings"] == []
    assert [x["number"] for x in content["exhibits"]] == list(
        range(1, len(content["exhibits"]) + 1)
    )
    assert {m["process"] for m in content["mass_balance"]} >= {"spinning", "ginning"}
    page = (out / "dossier.html").read_text(encoding="utf-8")
    assert "<svg" in page and "Executive summary" in page
    pdf = (out / "dossier.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-") and b"(Dossier SHP-9)" in pdf
    assert "<script>alert" not in page and "&lt;script&gt;" in page


def test_broken_record_is_one_sentence_and_nothing_is_stored(
    runner: CliRunner, tmp_path: Path
) -> None:
    case = tmp_path / "cotton-clean"
    shutil.copytree(CASES / "cotton-clean", case)
    assert runner.invoke(cli, ["case", "import", str(case)]).exit_code == 0
    movements = (case / "movements.csv").read_text(encoding="utf-8")
    (case / "movements.csv").write_text(
        movements.replace("2026-03-27", "27/03/2026"), encoding="utf-8"
    )
    (case / "parties.csv").write_text(
        (case / "parties.csv").read_text(encoding="utf-8") + "NEW,New Party,,,,US,,agent\n",
        encoding="utf-8",
    )
    result = runner.invoke(cli, ["case", "import", str(case)])
    assert result.exit_code == 1
    assert (
        "movements.csv" in result.output and "line 4" in result.output and "date" in result.output
    )
    store = open_store()
    try:
        parties = store.scalar("SELECT count(*) FROM case_parties WHERE case_id = 'cotton-clean'")
        new = store.scalar("SELECT count(*) FROM case_parties WHERE party_id = 'NEW'")
    finally:
        store.close()
    assert (parties, new) == (6, 0)  # the earlier import stands, nothing of the broken one


def test_unknown_shipment_and_missing_folder(runner: CliRunner, tmp_path: Path) -> None:
    assert "no shipment" in runner.invoke(cli, ["trace", "NOPE"]).output
    result = runner.invoke(cli, ["case", "import", str(tmp_path / "none")])
    assert result.exit_code == 1 and "no such case folder" in result.output


def test_exposure_of_the_importer_to_xinjiang_sources(runner: CliRunner) -> None:
    assert runner.invoke(cli, ["case", "import", str(CASES / "cotton-tshirt")]).exit_code == 0
    result = runner.invoke(cli, ["exposure", "cotton-tshirt", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert {"GIN", "FXJ"} <= set(data["sources"]) and "GDF" not in data["sources"]
    pairs = {(e["importer"], e["source"]): e["tiers"] for e in data["exposure"]}
    # FXJ -> GIN -> TRD -> SPN -> FAB -> PRN-01 -> GMT -> IMP
    assert pairs[("IMP", "GIN")] == 6 and pairs[("IMP", "FXJ")] == 7
    short = json.loads(
        runner.invoke(cli, ["exposure", "cotton-tshirt", "--tiers", "6", "--json"]).output
    )
    assert {e["source"] for e in short["exposure"]} == {"GIN"}


def test_xpcc_affiliation_and_ownership_by_a_listed_entity(
    runner: CliRunner, tmp_path: Path
) -> None:
    case = tmp_path / "xpcc-case"
    case.mkdir()
    (case / "parties.csv").write_text(
        "party_id,name,address,country,role\n"
        "IMP,Example Importer Inc.,Boston,US,importer\n"
        "SPN,Example Yarn Co.,Hanoi,VN,spinner\n"
        "XPC,新疆生产建设兵团第一师棉麻有限责任公司,阿拉尔市,CN,trader\n"
        "HLD,Xinjiang Zhongtai Chemical Co. Ltd.,,CN,holding\n",
        encoding="utf-8",
    )
    (case / "ownership.csv").write_text(
        "parent_id,child_id,share,source\nHLD,SPN,51,registry extract\n", encoding="utf-8"
    )
    (case / "movements.csv").write_text(
        "movement_id,seller,buyer,product,quantity,unit,lots,date\n"
        "S1,SPN,IMP,yarn,100,kg,Y1,2026-02-01\n"
        "M1,XPC,SPN,cotton,120,kg,C1,2026-01-01\n",
        encoding="utf-8",
    )
    (case / "production.csv").write_text(
        "record_id,facility,process,inputs,outputs,unit\nP1,SPN,spinning,C1:120,Y1:100,kg\n",
        encoding="utf-8",
    )
    imported = runner.invoke(cli, ["case", "import", str(case)])
    assert imported.exit_code == 0, imported.output
    findings = json.loads(runner.invoke(cli, ["trace", "S1", "--json"]).output)["findings"]
    assert _has(findings, "xpcc_affiliation", "XPC", "XPCC")
    assert _has(findings, "owned_by_risk_entity", "SPN", "51%", "Xinjiang Zhongtai Chemical")


@pytest.mark.parametrize(
    ("address", "xpcc"),
    [
        ("新疆生产建设兵团第一师十团", True),
        ("石河子市北四路", True),
        ("No. 5 Road, Korla, Xinjiang", False),  # in Xinjiang, not of the Corps
        ("浙江省杭州市西湖区", False),
    ],
)
def test_an_xpcc_place_in_the_address_alone_is_an_affiliation(address: str, xpcc: bool) -> None:
    from paxta.trace.checks import _address_xpcc

    assert bool(_address_xpcc(address)) is xpcc


def test_a_lot_shipped_before_the_production_that_made_it(
    runner: CliRunner, tmp_path: Path
) -> None:
    case = tmp_path / "early"
    shutil.copytree(CASES / "cotton-clean", case)
    movements = case / "movements.csv"
    # the yarn leaves the spinner on 2026-03-10; spinning it ended on 2026-03-18
    text = movements.read_text(encoding="utf-8").replace(
        "Chittagong,2026-03-27", "Chittagong,2026-03-10"
    )
    movements.write_text(text, encoding="utf-8")
    imported = runner.invoke(cli, ["case", "import", str(case), "--json"])
    assert imported.exit_code == 0, imported.output
    traced = runner.invoke(cli, ["trace", "SHP-9", "--json"])
    findings = json.loads(traced.output)["findings"]
    early = [
        f for f in findings if f["code"] == "date_order" and "before the spinning" in f["message"]
    ]
    assert len(early) == 1 and "2026-03-18" in early[0]["message"]


@pytest.mark.parametrize("case", ["cotton-tshirt", "cotton-clean", "pvc-flooring"])
def test_the_recursive_walk_gives_the_tier_by_tier_trace(
    runner: CliRunner, case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DuckDB walks the lots in one recursive query; the same trace as the tier-by-tier
    queries an engine without recursive SQL runs (every shipment of the case)."""
    from dataclasses import replace

    from paxta.trace.graph import trace

    assert runner.invoke(cli, ["case", "import", str(CASES / case)]).exit_code == 0
    store = open_store()
    try:
        case_id = store.scalar("SELECT max(case_id) FROM case_movements")
        shipments = [r[0] for r in store.sql(
            "SELECT movement_id FROM case_movements WHERE case_id = ? ORDER BY 1", [case_id]
        )]  # fmt: skip
        walked = [trace(store, case_id, s) for s in shipments]
        assert store.capabilities.recursive
        monkeypatch.setattr(store, "capabilities", replace(store.capabilities, recursive=False))
        stepped = [trace(store, case_id, s) for s in shipments]
    finally:
        store.close()
    assert walked == stepped
    assert sum(len(t.links) for t in walked) > 2 * len(shipments)
