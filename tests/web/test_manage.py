"""Managed in the browser, not the command line: a newer list uploaded and its changes shown, a
case folder imported as a zip, pages watched, paused and run now; at desktop and phone widths."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from paxta.evidence.render import chromium
from paxta.lists.importer import import_list
from paxta.store import session
from tests.conftest import UFLPA_PAGE, HtmlPage, local_server
from tests.lists.test_diff import _expected, _page_before_update
from tests.web.conftest import _fits, sized

pytestmark = pytest.mark.skipif(chromium() is None, reason="needs Debian's chromium")
CASES = Path(__file__).resolve().parents[2] / "examples" / "cases"
WIDTHS = [1280, 390]


@pytest.fixture
def home(empty_home: Path, tmp_path: Path) -> Path:
    """A home that holds the UFLPA list as it was before its January 2025 update."""
    with session() as store:
        import_list(store, _page_before_update(tmp_path), source="uflpa")
    return empty_home


@pytest.mark.parametrize("width", WIDTHS)
def test_a_newer_list_uploaded_shows_what_changed(site: str, page: object, width: int) -> None:
    from playwright.sync_api import expect

    page = sized(page, width)
    page.goto(f"{site}/ui/lists")
    expect(page.get_by_role("table").first).to_contain_text("2024-11-25")
    page.get_by_label("The list as its publisher gives it").set_input_files(str(UFLPA_PAGE))
    page.get_by_label("Which list").select_option("uflpa")
    page.get_by_role("button", name="Import and compare").click()
    expect(page.locator("h1")).to_have_text("uflpa: 2024-11-25 → 2025-01-14")
    added, _ = _expected()
    expect(page.locator("#diff-summary")).to_contain_text(f"{len(added)} added, 0 removed")
    _fits(page)
    page.goto(f"{site}/ui/lists")  # the same file again changes nothing, and says so
    page.get_by_label("The list as its publisher gives it").set_input_files(str(UFLPA_PAGE))
    page.get_by_role("button", name="Import and compare").click()
    expect(page.get_by_role("alert")).to_contain_text("already imported")


@pytest.mark.parametrize("width", WIDTHS)
def test_a_case_folder_uploaded_as_a_zip(
    site: str, page: object, width: int, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    page = sized(page, width)
    folder = CASES / "cotton-tshirt"
    archive = tmp_path / "cotton-tshirt.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for f in sorted(folder.rglob("*")):
            if f.is_file():
                z.write(f, f"cotton-tshirt/{f.relative_to(folder)}")
    page.goto(f"{site}/ui/cases")
    page.get_by_label("A case folder as a zip").set_input_files(str(archive))
    page.get_by_role("button", name="Import").click()
    expect(page.locator("h1")).to_have_text("Shipments of case cotton-tshirt")
    expect(page.get_by_role("link", name="SHP-1")).to_be_visible()
    _fits(page)
    hostile = tmp_path / "hostile.zip"
    with zipfile.ZipFile(hostile, "w") as z:
        z.writestr("../../escape.csv", "x")
    page.goto(f"{site}/ui/cases")
    page.get_by_label("A case folder as a zip").set_input_files(str(hostile))
    page.get_by_role("button", name="Import").click()
    expect(page.locator("main")).to_contain_text("would be written outside it")
    assert not (tmp_path.parent / "escape.csv").exists()


class Page(HtmlPage):
    body = "<html><body><p>拾花工 维吾尔族 转移就业。</p></body></html>"


@pytest.mark.parametrize("allow_private", [True])
@pytest.mark.parametrize("width", WIDTHS)
def test_watch_a_page_pause_it_and_run_it_now(site: str, page: object, width: int) -> None:
    from playwright.sync_api import expect

    page = sized(page, width)
    with local_server(Page) as origin:
        page.goto(f"{site}/ui/evidence")
        page.get_by_label("Page to watch").fill(f"{origin}/report.html")
        page.get_by_label("Terms whose removal").fill("维吾尔族, 拾花工")
        page.get_by_role("button", name="Watch", exact=True).click()
        expect(page.get_by_role("alert")).to_contain_text("watch 1 added")
        page.get_by_role("button", name="Pause watch 1").click()
        expect(page.get_by_role("alert")).to_contain_text("watch 1 paused")
        expect(page.locator("#watches + div table")).to_contain_text("paused")
        Page.body = "<html><body><p>拾花工 转移就业。</p></body></html>"  # a term removed
        try:
            page.get_by_role("button", name="Run watch 1 now").click()
            expect(page.get_by_role("alert")).to_contain_text("term_removed")
        finally:
            Page.body = "<html><body><p>拾花工 维吾尔族 转移就业。</p></body></html>"
        page.get_by_role("button", name="Resume watch 1").click()
        expect(page.locator("#watches + div table")).to_contain_text("active")
        _fits(page)


@pytest.mark.parametrize("width", WIDTHS)
def test_a_screening_run_on_the_command_line_is_worked_in_the_browser(
    site: str, page: object, width: int, tmp_path: Path
) -> None:
    from click.testing import CliRunner
    from playwright.sync_api import expect

    from paxta.cli import cli

    page = sized(page, width)
    source = tmp_path / "suppliers.csv"
    source.write_text("supplier\n新疆中泰化学股份有限公司\nGuangdong Baiyi Textile\n", "utf-8")
    done = CliRunner().invoke(cli, ["screen", str(source), "-o", str(tmp_path / "out.csv")])
    assert done.exit_code == 0, done.output
    page.goto(f"{site}/ui/screen")
    page.get_by_role("link", name="1", exact=True).click()
    expect(page.locator("#job-state")).to_contain_text("suppliers.csv: done, 2 rows")
    page.locator("#note-1").fill("checked the registry")
    page.get_by_role("button", name="Confirm row 1").click()
    expect(page.get_by_role("alert")).to_contain_text("confirmed")
    expect(page.locator("#row-1")).to_contain_text("confirmed by web")
    assert "/ui/screenings/1" in page.url
    import json

    said = CliRunner().invoke(cli, ["match", "新疆中泰化学股份有限公司", "--json"])
    best = json.loads(said.output)["matches"][0]
    assert best["explanation"].startswith("analyst confirmed") and "registry" in best["explanation"]
    _fits(page)
