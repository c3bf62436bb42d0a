"""RFC 3161 timestamps from a local authority run with openssl on 127.0.0.1."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from click.testing import CliRunner

from paxta.cli import cli
from tests.conftest import local_server
from tests.evidence.test_capture import server  # noqa: F401 (the page server fixture)

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl")

TSA_CONFIG = """
[ tsa ]
default_tsa = paxta_test
[ paxta_test ]
dir = {dir}
serial = {dir}/serial
crypto_device = builtin
signer_cert = {dir}/tsa.pem
signer_key = {dir}/tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256
accuracy = secs:1
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture(scope="module")
def tsa() -> Iterator[tuple[str, Path]]:
    """A timestamp authority: a test CA, a TSA certificate, openssl ts -reply behind HTTP."""
    folder = Path(tempfile.mkdtemp(prefix="paxta-tsa-"))
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out",
             "ca.pem", "-days", "30", "-subj", "/CN=paxta test CA", cwd=folder)  # fmt: skip
    _openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "tsa.key", "-out", "tsa.csr",
             "-subj", "/CN=paxta test TSA", cwd=folder)  # fmt: skip
    (folder / "ext.cnf").write_text("extendedKeyUsage = critical,timeStamping\n")
    _openssl("x509", "-req", "-in", "tsa.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
             "-CAcreateserial", "-out", "tsa.pem", "-days", "30", "-extfile", "ext.cnf",
             cwd=folder)  # fmt: skip
    (folder / "serial").write_text("01\n")
    (folder / "tsa.cnf").write_text(TSA_CONFIG.format(dir=folder))

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            query = self.rfile.read(int(self.headers["Content-Length"]))
            with tempfile.TemporaryDirectory() as work:
                (Path(work) / "q.tsq").write_bytes(query)
                subprocess.run(
                    ["openssl", "ts", "-reply", "-config", str(folder / "tsa.cnf"),
                     "-queryfile", "q.tsq", "-out", "r.tsr"],
                    cwd=work, check=True, capture_output=True,
                )  # fmt: skip
                reply = (Path(work) / "r.tsr").read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args: object) -> None:
            pass

    with local_server(Handler) as url:
        yield f"{url}/tsa", folder / "ca.pem"
    shutil.rmtree(folder, ignore_errors=True)


def test_manifest_is_timestamped_and_verified(
    runner: CliRunner,
    server: str,  # noqa: F811 (the fixture)
    tsa: tuple[str, Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url, ca = tsa
    monkeypatch.setenv("PAXTA_TSA_CA", str(ca))
    result = runner.invoke(
        cli, ["capture", f"{server}/report", "--allow-private", "--tsa", url, "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    folder = Path(data["folder"])
    assert (folder / "timestamp.tsr").is_file()
    check = subprocess.run(
        ["openssl", "ts", "-verify", "-in", "timestamp.tsr", "-data", "manifest.json",
         "-CAfile", str(ca)],
        cwd=folder, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert "Verification: OK" in check.stdout  # another party checks it without paxta
    ok = runner.invoke(cli, ["evidence", "verify", data["evidence_id"], "--json"])
    assert ok.exit_code == 0, ok.output
    manifest = folder / "manifest.json"
    manifest.write_text(manifest.read_text().replace("report", "rep0rt"))
    bad = json.loads(
        runner.invoke(cli, ["evidence", "verify", data["evidence_id"], "--json"]).output
    )
    assert any("timestamp" in p for p in bad["problems"])
    assert any("manifest was changed" in p for p in bad["problems"])


def test_unreachable_authority_leaves_no_evidence(
    runner: CliRunner,
    server: str,  # noqa: F811 (the fixture)
    home: Path,
) -> None:
    result = runner.invoke(
        cli, ["capture", f"{server}/report", "--allow-private", "--tsa", "http://127.0.0.1:9/tsa"]
    )
    assert result.exit_code == 1 and "timestamp authority" in result.output
    evidence = home / "evidence"
    assert not evidence.exists() or not list(evidence.iterdir())
