"""Shared fixtures: a private paxta home per test, the store, the shipped and fixture files."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from paxta.data import data_path
from paxta.store import Backend, open_store

FIXTURES = Path(__file__).parent / "fixtures"
UFLPA_PAGE = data_path("lists", "uflpa", "dhs_uflpa_entity_list_page_lastupdated-2025-01-14.html")
UFLPA_TABLE = FIXTURES / "lists" / "uflpa_entity_list_2025-01-14.csv"
OFAC_DIR = data_path("lists", "ofac")


@pytest.fixture(autouse=True)
def test_client_host(monkeypatch: pytest.MonkeyPatch) -> None:
    """Starlette's test client calls itself "testserver": let the API answer it."""
    monkeypatch.setenv("PAXTA_ALLOWED_HOSTS", "testserver")


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh PAXTA_HOME for one test."""
    path = tmp_path / "home"
    monkeypatch.setenv("PAXTA_HOME", str(path))
    return path


@pytest.fixture
def store(home: Path) -> Iterator[Backend]:
    """The store in the test's home."""
    s = open_store()
    yield s
    s.close()


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
