"""The evidence locker against an attacker who rewrites what paxta keeps (issue: trust under
attack): files, manifest and evidence row rewritten together; the timestamp token removed; the
custody log cut at its tail; a whole capture removed with its entries."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from paxta.cli import cli
from paxta.store import open_store
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


pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
