"""Capturing pages from a real HTTP server on 127.0.0.1: WARC, text, manifest, custody, verify."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from click.testing import CliRunner
from warcio.archiveiterator import ArchiveIterator

from paxta.cli import cli
from paxta.evidence.render import chromium
from paxta.store import open_store
from tests.conftest import local_server

REPORT = (
    "<html><head><meta charset='gb2312'><title>劳动力转移就业工作报告</title>"
    "<script>alert('x')</script></head><body><h1>劳动力转移</h1>"
    "<p>全年共转移维吾尔族等少数民族富余劳动力3.5万人次。</p></body></html>"
)


def _pdf(text: str) -> bytes:
    """A one-page PDF holding ``text`` in a Chinese font."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.setFont("STSong-Light", 12)
    page.drawString(72, 720, text)
    page.save()
    return out.getvalue()


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/report":
            self.send_response(302)
            self.send_header("Location", "/report.html")
            self.end_headers()
        elif self.path == "/report.html":
            body = REPORT.encode("gb2312")
            self._send(200, "text/html; charset=gb2312", body)
        elif self.path == "/report.pdf":
            body = _pdf("全年共转移维吾尔族等少数民族富余劳动力3.5万人次。")
            self._send(200, "application/pdf", body)
        elif self.path == "/broken.pdf":
            body = b"%PDF-1.4 this is not really a pdf"
            self._send(200, "application/pdf", body)
        elif self.path == "/supplier":
            body = "<html><body><p>供货方：新疆中泰化学股份有限公司。</p></body></html>".encode()
            self._send(200, "text/html; charset=utf-8", body)
        elif self.path == "/big":
            body = b"x" * 200_000
            self._send(200, "text/plain", body)
        else:
            self.send_response(404)
            self.end_headers()

    def _send(self, status: int, kind: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    with local_server(Handler) as url:
        yield url


def _capture(runner: CliRunner, url: str, *extra: str) -> dict[str, object]:
    result = runner.invoke(cli, ["capture", url, "--allow-private", "--json", *extra])
    assert result.exit_code == 0, result.output
    data: dict[str, object] = json.loads(result.output)
    return data


def test_loopback_is_refused_without_allow_private(
    runner: CliRunner, server: str, home: Path
) -> None:
    result = runner.invoke(cli, ["capture", f"{server}/report"])
    assert result.exit_code == 1
    assert "loopback" in result.output and "--allow-private" in result.output
    assert not (home / "evidence").exists() or not any((home / "evidence").iterdir())


def test_capture_keeps_every_hop_text_and_hashes(runner: CliRunner, server: str) -> None:
    data = _capture(runner, f"{server}/report", "--case", "labour-transfer")
    assert data["status"] == 200 and str(data["final_url"]).endswith("/report.html")
    assert [r["status"] for r in data["redirects"]] == [302, 200]  # type: ignore[attr-defined]
    folder = Path(str(data["folder"]))
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["case"] == "labour-transfer"
    files = {a["file"] for a in manifest["artefacts"]}
    assert {"capture.warc.gz", "page.html", "text.txt"} <= files
    if chromium() is not None:  # the page as rendered, from the saved copy, scripts off
        assert (folder / "screenshot.png").read_bytes().startswith(b"\x89PNG")
        assert (folder / "rendered.pdf").read_bytes().startswith(b"%PDF")
        assert manifest["rendered"] is True
    text = (folder / "text.txt").read_text(encoding="utf-8")
    assert "维吾尔族" in text and "3.5万人次" in text and "alert" not in text
    with (folder / "capture.warc.gz").open("rb") as f:
        records = [
            (r.rec_type, r.rec_headers.get_header("WARC-Target-URI")) for r in ArchiveIterator(f)
        ]
    # each hop: the response, then the request that asked for it (warcio's order)
    assert [t for t, _ in records] == ["response", "request", "response", "request"]
    assert records[0][1] == f"{server}/report" and records[2][1] == f"{server}/report.html"


def test_verify_finds_tampering_with_files_and_the_log(runner: CliRunner, server: str) -> None:
    data = _capture(runner, f"{server}/report")
    evidence_id = str(data["evidence_id"])
    ok = runner.invoke(cli, ["evidence", "verify", evidence_id, "--json"])
    assert ok.exit_code == 0 and json.loads(ok.output)["intact"] is True
    text = Path(str(data["folder"])) / "text.txt"
    text.write_text(text.read_text(encoding="utf-8").replace("3.5", "0.5"), encoding="utf-8")
    bad = runner.invoke(cli, ["evidence", "verify", evidence_id, "--json"])
    assert bad.exit_code == 1
    assert any("text.txt" in p for p in json.loads(bad.output)["problems"])
    store = open_store()
    try:
        store.sql("UPDATE evidence_custody SET actor = 'someone else' WHERE seq = 1")
    finally:
        store.close()
    chain = json.loads(runner.invoke(cli, ["evidence", "verify", evidence_id, "--json"]).output)
    assert any("entry 1" in p and "changed" in p for p in chain["problems"])


def test_size_limit_and_errors_leave_nothing_half_written(
    runner: CliRunner, server: str, home: Path
) -> None:
    result = runner.invoke(
        cli, ["capture", f"{server}/big", "--allow-private", "--max-bytes", "1000"]
    )
    assert result.exit_code == 1 and "larger than 1,000 bytes" in result.output
    evidence = home / "evidence"
    assert not evidence.exists() or not list(evidence.iterdir())
    other = runner.invoke(cli, ["capture", "file:///etc/passwd"])
    assert other.exit_code == 1 and "only http and https" in other.output
    listed = json.loads(runner.invoke(cli, ["evidence", "list", "--json"]).output)
    assert listed == []


def test_export_is_checkable_without_paxta(runner: CliRunner, server: str, tmp_path: Path) -> None:
    data = _capture(runner, f"{server}/report")
    evidence_id = str(data["evidence_id"])
    result = runner.invoke(cli, ["evidence", "export", evidence_id, "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    package = tmp_path / evidence_id
    for line in (package / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        digest, name = line.split("  ")
        assert hashlib.sha256((package / name).read_bytes()).hexdigest() == digest
    with zipfile.ZipFile(package / f"{evidence_id}.wacz") as z:
        names = set(z.namelist())
        assert {"archive/data.warc.gz", "indexes/index.cdx", "pages/pages.jsonl"} <= names
        datapackage = json.loads(z.read("datapackage.json"))
        for resource in datapackage["resources"]:
            assert (
                resource["hash"] == "sha256:" + hashlib.sha256(z.read(resource["path"])).hexdigest()
            )
        cdx = z.read("indexes/index.cdx").decode()
        assert cdx.startswith("127.0.0.1:") and "/report" in cdx
    log = [json.loads(x) for x in (package / "custody.jsonl").read_text().splitlines()]
    assert [e["action"] for e in log] == ["capture"]
    again = runner.invoke(cli, ["evidence", "export", evidence_id, "-o", str(tmp_path)])
    assert again.exit_code == 1 and "exists" in again.output


def test_pdfs_are_kept_with_their_chinese_text(runner: CliRunner, server: str) -> None:
    data = _capture(runner, f"{server}/report.pdf")
    folder = Path(str(data["folder"]))
    assert (folder / "document.pdf").read_bytes().startswith(b"%PDF")
    assert "少数民族富余劳动力3.5万人次" in (folder / "text.txt").read_text(encoding="utf-8")
    broken = _capture(runner, f"{server}/broken.pdf")  # kept as evidence, no text, no crash
    assert (Path(str(broken["folder"])) / "text.txt").read_text(encoding="utf-8") == ""


def test_the_rendered_copy_holds_nothing_that_runs() -> None:
    from paxta.evidence.render import _inert

    page = (
        "<html><head><meta http-equiv=refresh content='0;url=http://10.0.0.1/'>"
        "<script>fetch('http://10.0.0.1/')</script></head><body onload='x()'>"
        "<a href='javascript:bad()'>a</a><img src=x onerror=y><iframe src=z></iframe>"
        "<object data=o></object><p>正文 kept</p></body></html>"
    )
    inert = _inert(page.encode())
    for gone in ("<script", "onload", "onerror", "javascript:", "<iframe", "<object", "refresh"):
        assert gone not in inert.lower()
    assert "正文 kept" in inert
