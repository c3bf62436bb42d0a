"""The entity, shipment, dossier and evidence endpoints and pages, and signing in with a token."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from fastapi.testclient import TestClient

from paxta.cli import cli
from paxta.lists.importer import import_list
from paxta.store import session
from paxta.web.app import Tokens, create_app
from tests.conftest import UFLPA_PAGE
from tests.evidence.test_watch import DOCS_V1, PAGES, site  # noqa: F401 (fixture)
from tests.lists.test_diff import _expected, _page_before_update

CASES = Path(__file__).resolve().parents[2] / "examples" / "cases"
ZHONGTAI = "uflpa-xinjiang-zhongtai-chemical"


def _import(runner: CliRunner, *names: str) -> None:
    for name in names:
        result = runner.invoke(cli, ["case", "import", str(CASES / name)])
        assert result.exit_code == 0, result.output


def test_entity_profile_links_cases_chinese_names_and_history(
    runner: CliRunner, tmp_path: Path, empty_home: Path
) -> None:
    with session() as store:
        import_list(store, _page_before_update(tmp_path), source="uflpa")
        import_list(store, UFLPA_PAGE, source="uflpa")
    _import(runner, "pvc-flooring", "cotton-tshirt")
    client = TestClient(create_app())
    e = client.get(f"/entities/{ZHONGTAI}").json()
    assert e["name"] == "Xinjiang Zhongtai Chemical Co. Ltd." and e["list"] == "uflpa"
    linked = {(p["case"], p["party_id"]): p for p in e["linked_parties"]}
    native = next(p for p in linked.values() if p["case"] == "pvc-flooring")
    assert native["decision"] == "match" and native["name_native"] == "新疆中泰化学股份有限公司"
    # The trader whose alias is "Xinjiang Zhongtai Cotton Trading" is linked for review only,
    # through that alias, with its owner.
    trader = linked[("cotton-tshirt", "TRD")]
    assert trader["decision"] == "review"
    assert trader["matched_name"] == "Xinjiang Zhongtai Cotton Trading Co."
    assert [o["party_id"] for o in trader["owners"]] == ["PAR"]
    assert "新疆中泰化学股份有限公司" in [n["name"] for n in e["chinese_names"]]
    assert [h["version"] for h in e["history"]] == ["2024-11-25", "2025-01-14"]
    assert e["history"][0]["event"] == "listed"

    # An entity first listed in January 2025 is "not listed", then "added"; one listed before
    # and given a new section then is "changed", with the section named.
    new_keys, changed_keys = _expected()
    new = f"uflpa-{sorted(new_keys)[0].replace(' ', '-')}"
    assert [h["event"] for h in client.get(f"/entities/{new}").json()["history"]] == [
        "not listed",
        "added",
    ]
    changed = f"uflpa-{sorted(changed_keys)[0].replace(' ', '-')}"
    history = client.get(f"/entities/{changed}").json()["history"]
    assert [h["event"] for h in history] == ["listed", "changed"]
    assert history[1]["changes"][0]["field"] == "programs"
    assert client.get("/entities/no-such-entity").status_code == 404
    assert client.get("/entities", params={"q": ""}).status_code == 422


def test_shipments_and_dossier_downloads(home: Path, runner: CliRunner) -> None:
    _import(runner, "pvc-flooring")
    client = TestClient(create_app())
    shipments = client.get("/shipments").json()
    assert [s["shipment"] for s in shipments] == ["SHP-P1"]
    assert client.get("/shipments", params={"case": "pvc-flooring"}).json() == shipments
    assert client.get("/shipments", params={"case": "other"}).json() == []
    assert "SHP-P1" in client.get("/ui/shipments", params={"case": "pvc-flooring"}).text
    pdf = client.get("/dossier/SHP-P1/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert "dossier-SHP-P1.pdf" in pdf.headers["content-disposition"]
    assert list((home / "web" / "dossiers").iterdir()) == []  # nothing left behind
    page = client.get("/dossier/SHP-P1/html")
    assert page.status_code == 200 and "Supply-chain dossier" in page.text
    assert client.get("/dossier/NOPE/pdf").status_code == 404
    shown = client.get("/ui/shipments/SHP-P1").text
    assert "data-party=" in shown and "listed_entity" in shown
    assert client.get("/ui/shipments/NOPE").status_code == 404
    home_page = client.get("/").text  # what needs attention: the shipment and its findings
    assert "Shipments with high findings" in home_page and "/ui/shipments/SHP-P1?case=" in home_page
    _import(runner, "cotton-clean")
    again = client.get("/").text  # a new case is checked too; the clean one is not listed
    assert "SHP-P1" in again and "cotton-clean" not in again.split("Shipments with high")[1]


def test_evidence_records_files_and_watch_diffs(home: Path, runner: CliRunner, site: str) -> None:  # noqa: F811
    hostile = DOCS_V1.replace("<h1>", "<h1><script>alert(1)</script>&lt;img src=x onerror=1&gt;")
    PAGES["/docs"] = (200, hostile, {})
    added = runner.invoke(
        cli, ["watch", "add", f"{site}/docs", "--terms", "维吾尔", "--allow-private"]
    )
    assert added.exit_code == 0, added.output
    PAGES["/docs"] = (200, hostile.replace("<p>民族属性：汉族、少数民族（维吾尔族）。</p>", ""), {})
    assert runner.invoke(cli, ["watch", "run", "--all"]).exit_code == 0
    client = TestClient(create_app())
    captures = client.get("/evidence").json()
    assert len(captures) == 2
    first = captures[-1]["evidence_id"]
    record = client.get(f"/evidence/{first}").json()
    assert record["problems"] == [] and "folder" not in record
    assert record["custody"][0]["action"] == "capture"
    files = {a["file"] for a in record["manifest"]["artefacts"]}
    raw = next(f for f in files if f.endswith(".html"))
    served = client.get(f"/evidence/{first}/files/{raw}")
    assert served.headers["content-type"] == "application/octet-stream"  # never rendered here
    assert "attachment" in served.headers["content-disposition"]
    assert client.get(f"/evidence/{first}/files/..%2F..%2Fpaxta.duckdb").status_code == 404
    assert client.get(f"/evidence/{first}/files/paxta.duckdb").status_code == 404

    events = client.get("/watch/events").json()
    assert [e["event"] for e in events] == ["term_removed"]
    diff = client.get(f"/watch/events/{events[0]['event_id']}").json()
    removed = [d["text"] for d in diff["diff"] if d["op"] == "removed"]
    assert removed == ["民族属性：汉族、少数民族（维吾尔族）。"]
    assert any(d["op"] == "kept" for d in diff["diff"])
    assert client.get("/watch/events/999").status_code == 404

    page = client.get(f"/ui/evidence/{first}").text
    assert "<script>alert(1)" not in page and "&lt;img src=x" in page  # text, escaped
    event_page = client.get(f"/ui/watch/events/{events[0]['event_id']}").text
    assert "<del>民族属性：汉族、少数民族（维吾尔族）。</del>" in event_page
    search = client.get("/ui/evidence", params={"q": "少数民族"}).text
    assert "<mark>少数民族</mark>" in search


def test_pages_sign_in_with_a_token(home: Path) -> None:
    client = TestClient(
        create_app(Tokens.parse("analyst:aaaaaaaaaaaaaaaa,viewer:vvvvvvvvvvvvvvvv"))
    )
    first = client.get("/ui/entities", follow_redirects=False)
    assert first.status_code == 303 and first.headers["location"] == "/ui/login?next=/ui/entities"
    assert client.get("/lists").status_code == 401  # the API still answers 401
    form = client.get("/ui/login", params={"next": "//evil.example/"})
    csrf = client.cookies["paxta_csrf"]
    assert 'value="/"' in form.text  # another site is never where sign-in leads
    wrong = client.post("/ui/login", data={"token": "nope", "csrf": csrf, "next": "/ui/entities"})
    assert "not valid" in wrong.text and "paxta_token" not in client.cookies
    forged = client.post("/ui/login", data={"token": "vvvvvvvvvvvvvvvv", "csrf": "x"})
    assert forged.status_code == 403
    csrf = client.cookies["paxta_csrf"]  # the error page's form token
    ok = client.post(
        "/ui/login",
        data={"token": "vvvvvvvvvvvvvvvv", "csrf": csrf, "next": "/ui/entities"},
        follow_redirects=False,
    )
    assert ok.status_code == 303 and ok.headers["location"] == "/ui/entities"
    assert "samesite=strict" in ok.headers["set-cookie"].lower()
    cookie = client.cookies["paxta_token"]
    assert "vvvvvvvvvvvvvvvv" not in cookie  # the cookie is no bearer token
    bearer = {"Authorization": f"Bearer {cookie}"}
    assert TestClient(client.app).get("/lists", headers=bearer).status_code == 401
    assert client.get("/ui/entities").status_code == 200
    assert client.get("/lists").status_code == 200  # reads work with the cookie
    assert client.get("/ui/screen").status_code == 403  # a viewer may not screen
    # Writes through the API need the header, never just the cookie.
    decision = {"query": "x", "entity_id": ZHONGTAI, "verdict": True}
    assert client.post("/decisions", json=decision).status_code == 401


def test_the_capture_form_refuses_private_addresses(home: Path) -> None:
    client = TestClient(create_app())
    client.get("/ui/evidence")
    reply = client.post(
        "/ui/evidence/capture",
        data={"url": "http://127.0.0.1:9/x", "csrf": client.cookies["paxta_csrf"]},
    )
    assert reply.status_code == 400 and "private" in reply.text
    forged = client.post("/ui/evidence/capture", data={"url": "http://example.org/", "csrf": "x"})
    assert forged.status_code == 403


def test_one_entity_page_for_an_entity_on_several_lists(home: Path) -> None:
    client = TestClient(create_app())
    e = client.get("/entities/ofac-29299").json()
    lists = {x["list"] for x in e["same_entity"]}
    assert lists == {"uflpa", "bis-entity-list", "cbp-wro"} and all(
        x["why"] for x in e["same_entity"]
    )
    page = client.get("/ui/entities/ofac-29299").text
    assert (
        "On 4 lists" in page
        and "/ui/entities/uflpa-xinjiang-production-and-construction-corps" in page
    )
