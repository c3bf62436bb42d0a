"""The pages in real headless Chromium (Debian's chromium through Playwright), against a server."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from fastapi.testclient import TestClient

from paxta.evidence.render import chromium
from paxta.web.app import create_app

pytestmark = pytest.mark.skipif(chromium() is None, reason="needs Debian's chromium")


@pytest.fixture
def site(home: Path) -> Iterator[str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def page(site: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium(), args=["--no-sandbox"])
        yield browser.new_page()
        browser.close()


def test_upload_a_file_and_read_the_results(site: str, page: object, tmp_path: Path) -> None:
    from playwright.sync_api import Page, expect

    assert isinstance(page, Page)
    suppliers = tmp_path / "suppliers.csv"
    suppliers.write_text(
        "供应商名称,城市\n新疆中泰化学股份有限公司,乌鲁木齐\n<b>Guangdong Baiyi</b> Textile,佛山\n",
        encoding="utf-8",
    )
    page.goto(f"{site}/ui/screen")
    page.get_by_label("Supplier file (CSV, XLSX or JSON lines)").set_input_files(str(suppliers))
    page.keyboard.press("Tab")  # the form is reachable by keyboard
    page.get_by_role("button", name="Screen").click()
    expect(page.get_by_role("status")).to_contain_text("done", timeout=30_000)
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_have_class(re.compile("match"))
    expect(rows.nth(0)).to_contain_text("Xinjiang Zhongtai Chemical Co. Ltd.")
    expect(rows.nth(0)).to_contain_text("中泰 = Zhongtai")
    expect(rows.nth(1)).to_contain_text("<b>Guangdong Baiyi</b>")  # shown as text, not markup
    page.get_by_role("button", name="Dismiss row 1").click()
    expect(page.get_by_role("alert")).to_contain_text("dismissed")
    client = TestClient(create_app())
    body = {"queries": {"q": {"properties": {"name": ["新疆中泰化学股份有限公司"]}}}}
    results = client.post("/match/default", json=body).json()["responses"]["q"]["results"]
    decided = [r for r in results if r["id"] == "uflpa-xinjiang-zhongtai-chemical"]
    assert decided == [] or decided[0]["decision"] == "clear"  # the analyst's word stands


def test_forms_need_their_csrf_token(site: str, page: object) -> None:
    import httpx

    reply = httpx.post(
        f"{site}/ui/screen", files={"file": ("a.csv", b"name\nx\n")}, data={"csrf": "forged"}
    )
    assert reply.status_code == 403
