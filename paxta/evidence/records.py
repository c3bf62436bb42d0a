"""Reading what was captured: the capture list, one capture whole, its files, the watches.

The CLI, the API and the evidence browser all read through these functions.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from paxta.config import plain_row
from paxta.errors import PaxtaError
from paxta.evidence import custody
from paxta.evidence.capture import verify
from paxta.evidence.extract import companies, extract, link_companies
from paxta.evidence.timestamp import TOKEN_FILE
from paxta.screen.matcher import Matcher
from paxta.store import Backend

TEXT_PREVIEW = 20_000  # characters of a capture's text shown on its page


def list_captures(
    store: Backend, limit: int = 1000, case: str | None = None
) -> list[dict[str, Any]]:
    """Captures, newest first."""
    where, params = ("WHERE case_name = ?", [case]) if case else ("", [])
    return [
        plain_row(r)
        for r in store.dicts(
            "SELECT evidence_id, url, final_url, status, case_name, captured_at FROM evidence "
            f"{where} ORDER BY captured_at DESC LIMIT ?",
            [*params, limit],
        )
    ]


def list_watches(store: Backend) -> list[dict[str, Any]]:
    """Every watch."""
    return [
        plain_row(r)
        for r in store.dicts(
            "SELECT watch_id, url, terms, every_seconds, case_name, last_run, last_evidence_id, "
            "coalesce(paused, false) AS paused FROM watches ORDER BY watch_id"
        )
    ]


def _folder(store: Backend, evidence_id: str) -> Path:
    rows = store.sql("SELECT folder FROM evidence WHERE evidence_id = ?", [evidence_id])
    if not rows:
        raise PaxtaError(f"no evidence {evidence_id!r} (see paxta evidence list).")
    return Path(rows[0][0])


def capture_text(store: Backend, evidence_id: str) -> str:
    """The text kept from a capture ('' when the page had none)."""
    path = _folder(store, evidence_id) / "text.txt"
    return path.read_text(encoding="utf-8") if path.is_file() else ""


def capture_facts(store: Backend, evidence_id: str, matcher: Matcher) -> list[dict[str, Any]]:
    """Facts in a capture's text; the company names found are screened and linked to the
    listed entities they match (what ``paxta evidence about`` reads)."""
    text = capture_text(store, evidence_id)
    named = companies(text, matcher)
    link_companies(store, evidence_id, named)
    return [f.as_json() for f in sorted(extract(text) + named, key=lambda f: (f.start, f.kind))]


def capture_record(store: Backend, evidence_id: str) -> dict[str, Any]:
    """One capture whole: its row, manifest, custody entries, integrity and text preview."""
    folder = _folder(store, evidence_id)
    row = store.dicts("SELECT * FROM evidence WHERE evidence_id = ?", [evidence_id])[0]
    manifest_path = folder / "manifest.json"
    manifest = orjson.loads(manifest_path.read_bytes()) if manifest_path.is_file() else {}
    text = capture_text(store, evidence_id)
    links = store.dicts(
        "SELECT entity_id, name, decision, start_at, end_at FROM evidence_links "
        "WHERE evidence_id = ? ORDER BY start_at",
        [evidence_id],
    )
    return {
        **plain_row({k: v for k, v in row.items() if k != "folder"}),
        "manifest": manifest,
        "custody": [
            vars(e) | {"at": e.at.isoformat(timespec="seconds")}
            for e in custody.entries(store, evidence_id)
        ],
        "problems": verify(store, evidence_id),
        "text": text[:TEXT_PREVIEW],
        "text_chars": len(text),
        "entities": links,
    }


def artefact_path(store: Backend, evidence_id: str, name: str) -> Path:
    """A file of a capture, only by a name its manifest lists (never any other path)."""
    folder = _folder(store, evidence_id)
    manifest_path = folder / "manifest.json"
    manifest = orjson.loads(manifest_path.read_bytes()) if manifest_path.is_file() else {}
    names = {a["file"] for a in manifest.get("artefacts", [])} | {"manifest.json", TOKEN_FILE}
    if name not in names:
        raise PaxtaError(f"capture {evidence_id} has no file {name!r}.")
    return folder / name
