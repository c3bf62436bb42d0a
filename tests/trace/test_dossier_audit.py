"""What an auditor needs of a dossier (issue: the dossier a customs reviewer accepts): parties
beside the goods flow screened and located, a movement reached twice listed once, possible
list matches kept apart from findings, exhibits hashed from their files, captured evidence and
a sign-off, the EU view counting only parties in the region, the same bytes for the same case."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from paxta.cli import cli
from paxta.lists.shipped import ensure_lists
from paxta.screen.matcher import Matcher
from paxta.store import Backend
from paxta.trace.case import import_case, read_case
from paxta.trace.dossier import build_dossier, dossier_json, dossier_sha256, render_html


def _write(folder: Path, name: str, text: str) -> None:
    (folder / name).write_text(text, encoding="utf-8")


@pytest.fixture
def case(tmp_path: Path) -> Path:
    """A yarn shipment whose payee is a listed company and whose bill of lading was issued by a
    forwarder in Urumqi; one cotton purchase feeds two spinning runs reached at two tiers."""
    folder = tmp_path / "yarn-case"
    (folder / "docs").mkdir(parents=True)
    (folder / "docs" / "bl.pdf").write_bytes(b"%PDF-1.4 a bill of lading\n")
    _write(
        folder,
        "parties.csv",
        "party_id,name,address,country,role\n"
        "IMP,Example Importer Inc.,Boston,US,importer\n"
        "SPN,Hanoi Example Yarn Co.,Hanoi,VN,spinner\n"
        "GIN,Example Cotton Supply Co.,Karachi,PK,ginner\n"
        "PAY,Xinjiang Zhongtai Chemical Co. Ltd.,,CN,trader\n"
        "FWD,Example Freight Forwarding Co.,乌鲁木齐市天山区,CN,agent\n"
        "GRP,Example Holding Group,Korla,CN,holding\n",
    )
    _write(folder, "ownership.csv", "parent_id,child_id,share,source\nGRP,GIN,60,registry\n")
    _write(
        folder,
        "documents.csv",
        "document_id,type,date,issuer,recipient,file,sha256,supports\n"
        f"BL1,bill_of_lading,2026-03-01,FWD,IMP,docs/bl.pdf,{'0' * 64},S1\n"
        "INV1,commercial_invoice,2026-02-25,SPN,IMP,,,S1\n",
    )
    _write(
        folder,
        "movements.csv",
        "movement_id,seller,buyer,payee,product,quantity,unit,lots,date,document_id\n"
        "S1,SPN,IMP,PAY,cotton yarn,180,kg,Y1|Z1,2026-03-01,BL1\n"
        "M1,GIN,SPN,,raw cotton,240,kg,C1|C2,2026-01-05,\n",
    )
    _write(
        folder,
        "production.csv",
        "record_id,facility,process,inputs,outputs,unit,start_date,end_date\n"
        "P1,SPN,spinning,C1:120,Y1:100,kg,2026-01-10,2026-01-20\n"
        "P2,SPN,spinning,C2:120,Y0:90,kg,2026-01-10,2026-01-20\n"
        "P3,SPN,spinning,Y0:90,Z1:80,kg,2026-01-21,2026-01-30\n",
    )
    return folder


@pytest.fixture
def content(store: Backend, case: Path) -> dict[str, Any]:
    ensure_lists(store)
    import_case(store, read_case(case))
    return build_dossier(store, "yarn-case", "S1", Matcher.from_store(store), prepared_by="ana")


def _findings(content: dict[str, Any], code: str, party: str) -> list[dict[str, Any]]:
    return [f for f in content["findings"] if f["code"] == code and f["party"] == party]


def test_parties_beside_the_goods_flow_are_screened_and_located(
    content: dict[str, Any],
) -> None:
    beside = {p["id"]: p["how"] for p in content["beside_the_chain"]}
    assert beside == {
        "PAY": "paid for movement S1",
        "FWD": "issued BL1 (bill_of_lading)",
        "GRP": "owns Example Cotton Supply Co. (60%)",
    }
    listed = _findings(content, "listed_entity", "PAY")
    assert len(listed) == 1 and "paid for movement S1" in listed[0]["message"]
    assert _findings(content, "xinjiang_location", "FWD")  # its address is in Urumqi
    assert _findings(content, "xinjiang_location", "GRP")  # Korla
    assert listed[0]["party_name"] == "Xinjiang Zhongtai Chemical Co. Ltd."


def test_a_movement_reached_twice_is_one_link(content: dict[str, Any]) -> None:
    ids = [link["id"] for link in content["chain"]]
    assert sorted(ids) == ["M1", "P1", "P2", "P3", "S1"]
    messages = [f["message"] for f in content["findings"]]
    assert len(messages) == len(set(messages))


def test_exhibits_are_hashed_from_their_files(content: dict[str, Any]) -> None:
    exhibits = {x["document"]: x for x in content["exhibits"]}
    bl = exhibits["BL1"]
    assert bl["sha256"] == hashlib.sha256(b"%PDF-1.4 a bill of lading\n").hexdigest()
    assert bl["integrity"] == "the file differs from the SHA-256 the case states"
    assert bl["issuer_name"] == "Example Freight Forwarding Co."
    assert (
        exhibits["INV1"]["integrity"] == "no file supplied" and exhibits["INV1"]["sha256"] is None
    )


def test_the_eu_view_counts_only_parties_in_the_region(content: dict[str, Any]) -> None:
    # No party of the chain itself is in Xinjiang: the forwarder and the owner beside it are
    # findings, not places the goods were made.
    assert content["eu_forced_labour_regulation"]["parties_in_risk_areas"] == []


def test_sign_off_and_the_same_bytes_for_the_same_case(
    store: Backend, content: dict[str, Any]
) -> None:
    assert content["sign_off"] == {"prepared_by": "ana", "reviewed_by": None, "date": None}
    assert content["algorithm"]["screening"].startswith("paxta-fs-")
    page = render_html(content)
    assert dossier_sha256(content) in page and "Sign-off" in page
    again = build_dossier(store, "yarn-case", "S1", Matcher.from_store(store), prepared_by="ana")
    again["generated_at"] = content["generated_at"]
    assert dossier_json(again) == dossier_json(content)


def test_possible_matches_are_to_check_not_findings(
    runner: CliRunner, case: Path, tmp_path: Path
) -> None:
    """A party a little like a listed entity (screening's review) is listed "to check" with the
    explanation, and raises no listed_entity finding."""
    parties = case / "parties.csv"
    parties.write_text(
        parties.read_text("utf-8").replace(
            "Example Cotton Supply Co.,Karachi,PK", "Ningbo Chenguang Biotechnology Co.,Ningbo,CN"
        ),
        "utf-8",
    )
    assert runner.invoke(cli, ["case", "import", str(case)]).exit_code == 0
    out = tmp_path / "dossier"
    made = runner.invoke(cli, ["dossier", "S1", "-o", str(out), "--prepared-by", "ana"])
    assert made.exit_code == 0, made.output
    content = json.loads((out / "dossier.json").read_text("utf-8"))
    check = [x for x in content["to_check"] if x["party"] == "GIN"]
    assert check and check[0]["listed_name"].startswith("Chenguang") and check[0]["explanation"]
    assert not _findings(content, "listed_entity", "GIN")
    assert "To check" in (out / "dossier.html").read_text("utf-8")
    assert (out / "dossier.pdf").read_bytes().startswith(b"%PDF")


def test_the_pdf_has_page_numbers_and_linked_exhibits(
    content: dict[str, Any], tmp_path: Path
) -> None:
    from pypdf import PdfReader

    from paxta.trace.pdf import write_pdf

    path = write_pdf(content, tmp_path / "dossier.pdf")
    reader = PdfReader(str(path))
    texts = [page.extract_text() for page in reader.pages]
    assert all(f"page {n}" in text for n, text in enumerate(texts, 1))
    links = [
        a.get_object()
        for page in reader.pages
        for a in page.get("/Annots") or []
        if a.get_object().get("/Subtype") == "/Link"
    ]
    assert any(content["findings"][i]["exhibits"] for i in range(len(content["findings"])))
    assert links  # a finding's exhibit number leads to the exhibit index


def test_the_pdf_embeds_its_font_and_prints_chinese(
    content: dict[str, Any], tmp_path: Path
) -> None:
    from pypdf import PdfReader

    from paxta.trace.pdf import pdf_font, write_pdf

    if not pdf_font()[1]:
        pytest.skip("no TrueType font with Chinese glyphs here (make installs fonts-wqy-microhei)")
    reader = PdfReader(str(write_pdf(content, tmp_path / "dossier.pdf")))
    fonts = {
        str(f["/BaseFont"]): f
        for page in reader.pages
        for f in (page["/Resources"].get("/Font") or {}).values()
        for f in [f.get_object()]
    }
    assert fonts
    for name, font in fonts.items():  # every font a subset carried in the file, none the reader's
        descriptor = font.get("/FontDescriptor") or font["/DescendantFonts"][0]["/FontDescriptor"]
        assert "/FontFile2" in descriptor.get_object(), name
        assert "+" in name, name  # a subset's name: ABCDEF+font
    text = "".join(page.extract_text() for page in reader.pages)
    assert "乌鲁木齐市天山区" in text


def test_chart_names_wrap_whole_or_end_in_an_ellipsis() -> None:
    from reportlab.pdfbase import pdfmetrics

    from paxta.trace.pdf import pdf_font, wrap

    font = pdf_font()[0]
    name = "Xinjiang Example Cotton Textile Import and Export Trading Co., Ltd."
    lines = wrap(name, font, 6, 89, 3)
    assert " ".join(lines) == name and len(lines) > 1
    assert all(pdfmetrics.stringWidth(line, font, 6) <= 89 for line in lines)
    chinese = (
        "新疆生产建设兵团第一师阿拉尔市塔里木河流域棉花加工与纺织品及服装进出口贸易集团有限责任公司"
    )
    cut = wrap(chinese, font, 6, 89, 3)
    assert len(cut) == 3 and cut[-1].endswith("…") and "".join(cut)[:-1] in chinese


def test_table_columns_are_sized_to_their_content() -> None:
    from paxta.trace.pdf import column_widths, pdf_font

    font = pdf_font()[0]
    finding = "wafering at Jiangsu Jingyuan Wafer Co. Ltd. made 8,100 kg from 10,000: " * 3
    rows = [["severity", "code", "finding"], ["high", "mass_balance", finding]]
    severity, code, text = column_widths(rows, font, 8, 600)
    assert severity < code < text and round(severity + code + text) == 600  # the long one wraps
    narrow = column_widths([["tier", "name"], ["1", "Hanoi Example Yarn Co."]], font, 8, 600)
    assert sum(narrow) < 200  # a small table is as wide as its content, not the page
