"""The evidence locker against an attacker who rewrites what paxta keeps (issue: trust under
attack): files, manifest and evidence row rewritten together; the timestamp token removed; the
custody log cut at its tail; a whole capture removed with its entries."""

from __future__ import annotations

import gzip
import hashlib
import ipaddress
import json
import shutil
import socket
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from paxta.cli import cli
from paxta.store import open_store
from tests.conftest import local_server
from tests.evidence.test_capture import _capture, server  # noqa: F401 (the page server fixture)
from tests.evidence.test_timestamp import tsa  # noqa: F401 (the timestamp authority fixture)


def _verify(runner: CliRunner, evidence_id: str, *extra: str) -> dict[str, object]:
    result = runner.invoke(cli, ["evidence", "verify", evidence_id, "--json", *extra])
    data: dict[str, object] = json.loads(result.output)
    assert result.exit_code == (0 if data["intact"] else 1)
    return data


def test_files_manifest_and_row_rewritten_together_are_caught(
    runner: CliRunner,
    server: str,  # noqa: F811
) -> None:
    data = _capture(runner, f"{server}/report")
    evidence_id = str(data["evidence_id"])
    folder = Path(str(data["folder"]))
    # Rewrite a file, the manifest's hash of it, and the evidence row's hash of the manifest.
    text = folder / "text.txt"
    text.write_text(text.read_text("utf-8").replace("3.5", "0.5"), "utf-8")
    manifest = orjson.loads((folder / "manifest.json").read_bytes())
    for artefact in manifest["artefacts"]:
        if artefact["file"] == "text.txt":
            artefact["sha256"] = hashlib.sha256(text.read_bytes()).hexdigest()
    body = orjson.dumps(manifest, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS)
    (folder / "manifest.json").write_bytes(body)
    store = open_store()
    try:
        store.sql(
            "UPDATE evidence SET manifest_sha256 = ? WHERE evidence_id = ?",
            [hashlib.sha256(body).hexdigest(), evidence_id],
        )
    finally:
        store.close()
    found = _verify(runner, evidence_id)
    assert found["intact"] is False
    assert any("custody log recorded another manifest" in p for p in found["problems"])


def test_a_removed_timestamp_token_is_caught(
    runner: CliRunner,
    server: str,  # noqa: F811
    tsa: tuple[str, Path],  # noqa: F811
) -> None:
    url, _ca = tsa
    data = _capture(runner, f"{server}/report", "--tsa", url)
    evidence_id = str(data["evidence_id"])
    assert _verify(runner, evidence_id)["intact"] is True
    (Path(str(data["folder"])) / "timestamp.tsr").unlink()
    found = _verify(runner, evidence_id)
    assert any("the token is gone" in p for p in found["problems"])


def test_a_cut_log_or_a_removed_capture_is_caught(
    runner: CliRunner,
    server: str,  # noqa: F811
    home: Path,
) -> None:
    first = str(_capture(runner, f"{server}/report")["evidence_id"])
    second = _capture(runner, f"{server}/report")
    kept = runner.invoke(cli, ["evidence", "head"]).output.strip()
    assert kept.startswith("2:")
    # Remove the second capture whole: its folder, its row and its custody entries, which are
    # the log's tail: what is left is a valid chain.
    store = open_store()
    try:
        store.sql("DELETE FROM evidence_custody WHERE seq >= 2")
        store.sql("DELETE FROM evidence WHERE evidence_id = ?", [second["evidence_id"]])
    finally:
        store.close()
    shutil.rmtree(str(second["folder"]))
    found = _verify(runner, first)
    assert found["intact"] is False
    assert any("entry 2 was anchored but is gone" in p for p in found["problems"])
    # Even with the anchor files removed too, a head kept elsewhere shows it (the log's entry 2
    # is now another one: the verify just recorded).
    shutil.rmtree(home / "evidence" / "anchors")
    assert _verify(runner, first)["intact"] is True  # nothing left in paxta's home to tell
    problems = _verify(runner, first, "--head", kept)["problems"]
    assert any("entry 2 differs from" in p for p in problems)


def test_export_carries_the_head(
    runner: CliRunner,
    server: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    evidence_id = str(_capture(runner, f"{server}/report")["evidence_id"])
    head = runner.invoke(cli, ["evidence", "head"]).output.strip()
    out = runner.invoke(cli, ["evidence", "export", evidence_id, "-o", str(tmp_path)])
    assert out.exit_code == 0, out.output
    exported = (tmp_path / evidence_id / "custody-head.txt").read_text().strip()
    assert exported == head
    assert "custody-head.txt" in (tmp_path / evidence_id / "SHA256SUMS").read_text()


def test_a_badly_written_head_is_one_sentence(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["evidence", "verify", "x", "--head", "12:abc"])
    assert result.exit_code == 1 and "SEQ:HASH" in result.output


class Hostile(BaseHTTPRequestHandler):
    """A server that sends a decompression bomb, or a body one byte at a time."""

    hits: list[str] = []  # noqa: RUF012 (shared on purpose: the test reads it)

    def do_GET(self) -> None:
        Hostile.hits.append(self.path)
        if self.path == "/bomb":
            body = gzip.compress(b"\0" * 5_000_000)
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif self.path == "/slow":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", "40")
            self.end_headers()
            for _ in range(40):
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(0.25)
        else:
            self.send_response(404)
            self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def hostile() -> Iterator[str]:
    Hostile.hits = []
    with local_server(Hostile) as url:
        yield url


def test_a_decompression_bomb_is_refused(runner: CliRunner, hostile: str, home: Path) -> None:
    result = runner.invoke(
        cli, ["capture", f"{hostile}/bomb", "--allow-private", "--max-bytes", "1000000"]
    )
    assert result.exit_code == 1
    assert "unpacks to more than 1,000,000 bytes" in result.output
    assert not (home / "evidence").exists() or not [
        p for p in (home / "evidence").iterdir() if p.name != "anchors"
    ]


def test_a_server_sending_slowly_meets_the_deadline(runner: CliRunner, hostile: str) -> None:
    started = time.monotonic()
    result = runner.invoke(cli, ["capture", f"{hostile}/slow", "--allow-private", "--timeout", "2"])
    assert result.exit_code == 1 and "took longer than 2 seconds" in result.output
    assert time.monotonic() - started < 8  # not the ten seconds the body takes


def test_dns_rebinding_cannot_reach_loopback(
    runner: CliRunner, hostile: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The host resolves to a public address when checked and to 127.0.0.1 afterwards: paxta
    connects to the address it checked, so the loopback server is never asked."""
    port = int(hostile.rsplit(":", 1)[1])
    real = socket.getaddrinfo
    answers = iter(["192.0.2.1", *["127.0.0.1"] * 20])  # TEST-NET-1 is not global: see below

    def rebinding(host: str, *args: object, **kwargs: object) -> list:
        if host == "rebind.example":
            address = next(answers)
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]
        return real(host, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    monkeypatch.setattr(
        ipaddress.IPv4Address, "is_global", property(lambda a: str(a) != "127.0.0.1")
    )
    result = runner.invoke(cli, ["capture", f"http://rebind.example:{port}/bomb", "--timeout", "2"])
    assert result.exit_code == 1
    assert Hostile.hits == []  # the loopback server was never reached
