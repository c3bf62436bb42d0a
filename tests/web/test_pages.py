"""The pages in real headless Chromium (Debian's chromium through Playwright), against a server."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from paxta.cli import cli
from paxta.evidence.render import chromium
from paxta.web.app import Tokens, create_app
from tests.conftest import HtmlPage, local_server
from tests.web.conftest import _fits, sized

pytestmark = pytest.mark.skipif(chromium() is None, reason="needs Debian's chromium")


@pytest.mark.parametrize("width", [1280, 390])
def test_screen_map_columns_triage_decide_undo(
    site: str, page: object, tmp_path: Path, width: int
) -> None:
    from playwright.sync_api import expect

    page = sized(page, width)
    suppliers = tmp_path / "suppliers.csv"
    suppliers.write_text(
        "供应商名称,城市,工厂地址\n"
        "新疆中泰化学股份有限公司,乌鲁木齐,\n"
        "<b>Guangdong Baiyi</b> Textile,佛山,广东省佛山市南海区\n"
        "Jade Cotton Trading Co,和田,新疆和田地区和田市北京西路\n",
        encoding="utf-8",
    )
    page.goto(f"{site}/ui/screen")
    page.get_by_label("Supplier file").set_input_files(str(suppliers))
    page.keyboard.press("Tab")  # the form is reachable by keyboard
    page.get_by_role("button", name="Upload").click()
    # the columns, chosen from the header and shown with the first rows
    expect(page.get_by_label("Party name")).to_have_value("供应商名称")
    expect(page.get_by_label("Address")).to_have_value("工厂地址")
    expect(page.get_by_role("table")).to_contain_text("新疆和田地区和田市北京西路")
    _fits(page)
    page.get_by_role("button", name="Screen").click()
    expect(page.locator("#job-state")).to_contain_text("done", timeout=30_000)
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_have_class(re.compile("match"))
    expect(rows.nth(0)).to_contain_text("Xinjiang Zhongtai Chemical Co. Ltd.")
    expect(rows.nth(0)).to_contain_text("中泰 = Zhongtai")
    expect(rows.nth(1)).to_contain_text("<b>Guangdong Baiyi</b>")  # shown as text, not markup
    expect(rows.nth(2)).to_contain_text("xinjiang")  # located by the address column
    _fits(page)
    # triage: only what was located, then back to all
    page.get_by_label("Region").select_option("any")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#shown")).to_contain_text("2 rows")
    page.get_by_role("link", name="Reset").click()
    expect(page.locator("#shown")).to_contain_text("3 rows")
    # a decision with a note, seen at once by /match, then undone
    page.locator("#note-1").fill("a namesake in another province")
    page.get_by_role("button", name="Dismiss row 1").click()
    expect(page.get_by_role("alert")).to_contain_text("dismissed")
    expect(rows.nth(0)).to_contain_text("dismissed by web")
    expect(rows.nth(0)).to_contain_text("a namesake in another province")
    assert not _listed("新疆中泰化学股份有限公司")  # the analyst's word stands
    page.get_by_label("Analyst").select_option("dismissed")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#shown")).to_contain_text("1 rows")
    page.get_by_role("button", name="Undo the decision on row 1").click()
    expect(page.get_by_role("alert")).to_contain_text("withdrawn")
    expect(page.locator("#shown")).to_contain_text("0 rows")  # the filter is kept
    assert _listed("新疆中泰化学股份有限公司")
    page.goto(f"{site}/ui/screen")
    expect(page.get_by_role("table")).to_contain_text("suppliers.csv")  # past screenings
    _fits(page)


def _listed(name: str) -> bool:
    client = TestClient(create_app())
    body = {"queries": {"q": {"properties": {"name": [name]}}}}
    results = client.post("/match/default", json=body).json()["responses"]["q"]["results"]
    return any(r["match"] for r in results)


def test_forms_need_their_csrf_token(site: str, page: object) -> None:
    import httpx

    reply = httpx.post(
        f"{site}/ui/screen", files={"file": ("a.csv", b"name\nx\n")}, data={"csrf": "forged"}
    )
    assert reply.status_code == 403


CASES = Path(__file__).resolve().parents[2] / "examples" / "cases"

# Every form control must have a label a screen reader announces (label, aria-label or
# aria-labelledby); every page must be usable without a mouse.
UNLABELLED = """() => Array.from(document.querySelectorAll(
    'input:not([type=hidden]), select, textarea, button, [role=button]'))
  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                && !el.getAttribute('aria-labelledby') && !el.textContent.trim())
  .map(el => el.outerHTML.slice(0, 120))"""


@pytest.mark.parametrize("width", [1280, 390])
def test_chain_graph_selects_a_party_by_mouse_and_keyboard(
    site: str, page: object, runner: CliRunner, width: int
) -> None:
    from playwright.sync_api import expect

    page = sized(page, width)
    blocked: list[str] = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security" in m.text else None)
    assert runner.invoke(cli, ["case", "import", str(CASES / "cotton-tshirt")]).exit_code == 0
    page.goto(f"{site}/ui/shipments")
    page.get_by_role("link", name="SHP-1").click()
    expect(page.locator("h1")).to_have_text("Shipment SHP-1")
    # drawn by the graph library: every party a node, every movement an arrow; all in view
    expect(page.locator("#chain-canvas")).to_be_visible()
    expect(page.locator("#chain-chart")).to_be_hidden()
    nodes = page.evaluate("paxtaGraph.nodes().length")
    assert nodes == page.locator("#parties button").count() > 5
    assert page.evaluate("paxtaGraph.edges().length") > 3
    assert page.evaluate("paxtaGraph.edges()[0].style('target-arrow-shape')") == "triangle"
    inside = """() => { const e = paxtaGraph.extent(), b = paxtaGraph.nodes().boundingBox();
        return b.x1 >= e.x1 - 1 && b.x2 <= e.x2 + 1 && b.y1 >= e.y1 - 1 && b.y2 <= e.y2 + 1; }"""
    assert page.evaluate(inside)  # the importer is on screen, as is everyone else
    findings = page.locator("#findings tbody tr")
    everything = findings.count()
    assert everything > 5
    # by mouse, on the canvas: the ginner's node
    at = page.evaluate("paxtaGraph.getElementById('GIN').renderedPosition()")
    box = page.locator("#chain-canvas").bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + at["x"], box["y"] + at["y"])
    expect(page.locator("#selection")).to_contain_text("Aksu Hengrun Cotton Ginning")
    visible = page.locator("#findings tbody tr:visible")
    assert 0 < visible.count() < everything
    for i in range(visible.count()):
        expect(visible.nth(i)).to_contain_text("Aksu Hengrun Cotton Ginning")
    assert page.evaluate("paxtaGraph.getElementById('GIN').connectedEdges('.chosen').length") > 0
    expect(page.locator("#parties button[data-party='GIN']")).to_have_attribute(
        "aria-pressed", "true"
    )
    page.mouse.click(box["x"] + at["x"], box["y"] + at["y"])  # again: everything
    expect(page.locator("#findings tbody tr:visible")).to_have_count(everything)
    # zoom by the buttons
    before = page.evaluate("paxtaGraph.zoom()")
    page.get_by_role("button", name="Zoom in").click()
    assert page.evaluate("paxtaGraph.zoom()") > before
    page.get_by_role("button", name="Fit to the window").click()
    # by keyboard: the list of parties; Enter selects, Escape shows all again
    page.locator("#parties button[data-party='IMP']").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#parties button[data-party='IMP']")).to_have_attribute(
        "aria-pressed", "true"
    )
    assert page.evaluate("paxtaGraph.getElementById('IMP').hasClass('chosen')")
    page.keyboard.press("Escape")
    expect(page.locator("#findings tbody tr:visible")).to_have_count(everything)
    # the listed trader links to its entity page
    expect(
        page.locator("#parties li", has_text="Shanghai Hengrun").get_by_role("link")
    ).to_have_attribute("href", re.compile("/ui/entities/"))
    assert page.evaluate(UNLABELLED) == []
    assert blocked == []
    _fits(page)


@pytest.mark.parametrize(
    "tokens", [Tokens.parse("analyst:s3cret-analyst-0001,viewer:s3cret-viewer-00001")]
)
@pytest.mark.parametrize("width", [1280, 390])
def test_sign_in_then_browse_entities_and_evidence(site: str, page: object, width: int) -> None:
    from playwright.sync_api import expect

    page = sized(page, width)
    page.goto(f"{site}/ui/entities")
    expect(page.locator("h1")).to_have_text("Sign in")
    assert page.evaluate(UNLABELLED) == []
    page.get_by_label("Token").fill("wrong")
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("not valid")
    page.get_by_label("Token").fill("s3cret-viewer-00001")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("h1")).to_have_text("Listed entities")  # back where the user was going
    page.get_by_label("Name in any script (Chinese, pinyin, English)").fill("新疆中泰化学")
    page.keyboard.press("Enter")
    page.get_by_role("link", name="Xinjiang Zhongtai Chemical Co. Ltd.").click()
    expect(page.locator("h1")).to_have_text("Xinjiang Zhongtai Chemical Co. Ltd.")
    expect(page.locator("#history + table")).to_contain_text("2025-01-14")
    assert page.evaluate(UNLABELLED) == []
    _fits(page)
    page.goto(f"{site}/ui/evidence")
    expect(page.get_by_role("heading", name="Captures")).to_be_visible()
    assert page.evaluate(UNLABELLED) == []
    _fits(page)
    page.goto(f"{site}/")
    expect(page.get_by_role("region", name="Needs attention")).to_be_visible()
    _fits(page)
    page.goto(f"{site}/ui/screen")  # a viewer may not screen
    expect(page.get_by_role("alert")).to_contain_text("analyst")
    page.get_by_role("button", name="Sign out").click()
    expect(page.locator("h1")).to_have_text("Sign in")


@pytest.mark.parametrize("allow_private", [True])
@pytest.mark.parametrize("width", [1280, 390])
def test_capture_a_page_and_read_it_back(site: str, page: object, width: int) -> None:

    from playwright.sync_api import expect

    page = sized(page, width)

    class Handler(HtmlPage):
        body = (
            "<html><body><p>拾花工 <script>alert(1)</script>转移就业 3.5万人次。</p></body></html>"
        )

    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    with local_server(Handler) as pages:
        page.goto(f"{site}/ui/evidence")
        page.get_by_label("Page to keep as evidence (analysts; public addresses only)").fill(
            f"{pages}/report"
        )
        page.get_by_label("Case of this capture (optional)").fill("xj-labour")
        page.get_by_role("button", name="Capture").click()
        expect(page.locator("p.intact")).to_contain_text("intact", timeout=60_000)
        expect(page.locator("pre.text")).to_contain_text("转移就业")
        expect(page.locator("table").filter(has_text="person-times")).to_be_visible()
        expect(page.locator("pre.text")).not_to_contain_text("alert(1)")
        assert dialogs == []  # the captured page's script never ran in paxta's pages
        _fits(page)


def test_the_api_docs_page_works_offline_under_the_policy(site: str, page: object) -> None:
    from playwright.sync_api import Page, expect

    assert isinstance(page, Page)
    blocked: list[str] = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security" in m.text else None)
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(site) else None)
    page.goto(f"{site}/docs")
    expect(page.locator(".opblock-summary-path").first).to_be_visible()  # operations drawn
    expect(page.get_by_text("/trace/{shipment}").first).to_be_visible()
    page.locator(".opblock-summary", has_text="/locate").first.click()
    expect(page.get_by_text("Whether addresses or registry codes are in Xinjiang")).to_be_visible()
    assert outside == [] and blocked == []
