"""Shared fixtures: a private paxta home per test, the store, the shipped and fixture files."""

from __future__ import annotations

import gc
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from paxta.data import data_path
from paxta.lists.shipped import ensure_lists
from paxta.screen.matcher import Matcher
from paxta.store import Backend, open_store

FIXTURES = Path(__file__).parent / "fixtures"
UFLPA_PAGE = data_path("lists", "uflpa", "dhs_uflpa_entity_list_page_lastupdated-2025-01-14.html")
UFLPA_TABLE = FIXTURES / "lists" / "uflpa_entity_list_2025-01-14.csv"
OFAC_DIR = data_path("lists", "ofac")


@pytest.fixture(autouse=True)
def test_client_host(monkeypatch: pytest.MonkeyPatch) -> None:
    """Starlette's test client calls itself "testserver": let the API answer it."""
    monkeypatch.setenv("PAXTA_ALLOWED_HOSTS", "testserver")


@pytest.fixture(scope="session")
def seeded_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home with the shipped lists imported and their screening index built, made once per
    test process (about ten seconds) for every test's home to start from."""
    path = tmp_path_factory.mktemp("seeded") / "home"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PAXTA_HOME", str(path))
        store = open_store()
        try:
            ensure_lists(store)
            Matcher.from_store(store)
        finally:
            store.close()
    return path


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seeded_home: Path) -> Path:
    """A PAXTA_HOME of one test's own, holding the shipped lists and their built index (a copy
    of the seeded home: what a user's home holds after the first command)."""
    path = tmp_path / "home"
    shutil.copytree(seeded_home, path)
    monkeypatch.setenv("PAXTA_HOME", str(path))
    return path


@pytest.fixture
def empty_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A PAXTA_HOME that holds nothing yet (a new user's, before any command)."""
    path = tmp_path / "empty-home"
    monkeypatch.setenv("PAXTA_HOME", str(path))
    return path


@pytest.fixture
def store(home: Path) -> Iterator[Backend]:
    """The store in the test's home."""
    s = open_store()
    yield s
    s.close()


@pytest.fixture
def nothing_set_aside() -> Iterator[None]:
    """A process in which nothing is set aside from Python's collector (a web test earlier in
    the same test process sets its index aside, as the server does), and nothing left so."""
    gc.unfreeze()
    yield
    gc.unfreeze()


@pytest.fixture
def runner(home: Path) -> CliRunner:
    """A CLI runner whose commands use the test's home."""
    return CliRunner()


@contextmanager
def local_server(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """A real HTTP server on 127.0.0.1 (a free port) answering with ``handler``: its base URL."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()


class HtmlPage(BaseHTTPRequestHandler):
    """Answers every GET with ``body`` as UTF-8 HTML (a test subclasses it with its own body,
    and may change the body between requests)."""

    body = ""

    def do_GET(self) -> None:
        data = self.body.encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass
