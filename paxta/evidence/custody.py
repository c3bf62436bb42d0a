"""The custody log: append-only, each entry hashed together with the one before it.

Who did what to which evidence, when, with which paxta version. Changing, removing or reordering
any entry breaks the chain from that entry on, and ``verify_chain`` says where.
"""

from __future__ import annotations

import getpass
import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson

from paxta import __version__
from paxta.config import utc_now
from paxta.store import Backend

GENESIS = "0" * 64


@dataclass(frozen=True)
class Entry:
    """One custody entry."""

    seq: int
    evidence_id: str
    action: str
    actor: str
    at: datetime
    tool_version: str
    details: str
    prev_hash: str
    entry_hash: str


def entry_hash(
    prev_hash: str,
    seq: int,
    evidence_id: str,
    action: str,
    actor: str,
    at: datetime,
    tool_version: str,
    details: str,
) -> str:
    """The SHA-256 that binds an entry to the one before it."""
    body = orjson.dumps(
        [prev_hash, seq, evidence_id, action, actor, at.isoformat(), tool_version, details]
    )
    return hashlib.sha256(body).hexdigest()


def append(store: Backend, evidence_id: str, action: str, details: dict[str, Any]) -> Entry:
    """Add an entry at the end of the log (inside the caller's transaction, if any)."""
    last = store.sql("SELECT seq, entry_hash FROM evidence_custody ORDER BY seq DESC LIMIT 1")
    seq, prev = (last[0][0] + 1, last[0][1]) if last else (1, GENESIS)
    at = utc_now()
    actor = _actor()
    text = orjson.dumps(details, option=orjson.OPT_SORT_KEYS).decode()
    digest = entry_hash(prev, seq, evidence_id, action, actor, at, __version__, text)
    store.sql(
        "INSERT INTO evidence_custody VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [seq, evidence_id, action, actor, at, __version__, text, prev, digest],
    )
    return Entry(seq, evidence_id, action, actor, at, __version__, text, prev, digest)


def entries(store: Backend, evidence_id: str | None = None) -> list[Entry]:
    """The log (for one piece of evidence, when given), in order."""
    where, params = ("WHERE evidence_id = ?", [evidence_id]) if evidence_id else ("", [])
    rows = store.sql(f"SELECT * FROM evidence_custody {where} ORDER BY seq", params)
    return [Entry(*r) for r in rows]


def verify_chain(store: Backend) -> list[str]:
    """Problems in the whole log: a changed entry, a gap, a broken link ([] when sound)."""
    problems = []
    prev = GENESIS
    for expected, e in enumerate(entries(store), 1):
        if e.seq != expected:
            problems.append(f"custody log: entry {expected} is missing (found {e.seq})")
        if e.prev_hash != prev:
            problems.append(f"custody log: entry {e.seq} does not follow the entry before it")
        digest = entry_hash(
            e.prev_hash, e.seq, e.evidence_id, e.action, e.actor, e.at, e.tool_version, e.details
        )
        if digest != e.entry_hash:
            problems.append(f"custody log: entry {e.seq} ({e.action} {e.evidence_id}) was changed")
        prev = e.entry_hash
    return problems


def _actor() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
