"""Fixtures of the browser tests: a real server on 127.0.0.1 and real headless Chromium."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from paxta.evidence.render import chromium
from paxta.web.app import Tokens, create_app


@pytest.fixture
def tokens() -> Tokens:
    """No tokens: an open loopback server (tests that sign in override this)."""
    return Tokens()


@pytest.fixture
def allow_private() -> bool:
    """Captures from the test's own local server are allowed only where a test opts in."""
    return False


@pytest.fixture
def site(home: Path, tokens: Tokens, allow_private: bool) -> Iterator[str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(tokens, allow_private=allow_private),
            host="127.0.0.1",
            port=port,
            log_level="warning",
        )
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


def _fits(page: object) -> None:
    """Nothing makes the page wider than the window (no zoomed-out page on a phone)."""
    from playwright.sync_api import Page

    assert isinstance(page, Page)
    wide = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert wide <= 0, f"{page.url} is {wide}px wider than the window"


def sized(page: object, width: int) -> Any:
    """The test's browser page at ``width`` CSS pixels (a desktop window, or a phone's 390)."""
    from playwright.sync_api import Page

    assert isinstance(page, Page)
    page.set_viewport_size({"width": width, "height": 900})
    return page
