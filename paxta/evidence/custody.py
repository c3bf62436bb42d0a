"""The custody log: append-only, each entry hashed together with the one before it.

Who did what to which evidence, when, with which paxta version. Changing, removing or reordering
any entry breaks the chain from that entry on, and ``verify_chain`` says where.

A chain alone cannot show that its tail was cut (or that a whole capture was removed with its
entries): the shorter log is a valid chain. So the head of the log (the last entry's sequence
number and hash) is anchored outside the store at every capture: a file in
``PAXTA_HOME/evidence/anchors/`` holding the head, timestamped by the RFC 3161 authority when
one is configured; ``paxta evidence export`` carries the head too, and ``paxta evidence head``
prints it for the user to keep elsewhere. ``verify_chain`` checks the log against every anchor
(and against a head the user gives): a cut or rewritten log no longer holds the anchored entry.
"""

from __future__ import annotations

import getpass
import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

from paxta import __version__
from paxta.config import inside_home, utc_now
from paxta.errors import PaxtaError
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


def head(store: Backend) -> tuple[int, str]:
    """The log's head: the last entry's sequence number and hash ((0, GENESIS) when empty)."""
    last = store.sql("SELECT seq, entry_hash FROM evidence_custody ORDER BY seq DESC LIMIT 1")
    return (int(last[0][0]), str(last[0][1])) if last else (0, GENESIS)


def anchors_folder() -> Path:
    """Where the log's heads are anchored, outside the store."""
    return inside_home("evidence", "anchors")


def anchor(store: Backend, token: bytes | None = None) -> Path:
    """Write the log's current head to an anchor file (with the authority's timestamp reply
    over it, when given); the file's path."""
    seq, digest = head(store)
    folder = anchors_folder()
    folder.mkdir(parents=True, exist_ok=True)
    body = orjson.dumps(
        {"seq": seq, "entry_hash": digest, "at": utc_now().isoformat(timespec="seconds") + "Z"},
        option=orjson.OPT_SORT_KEYS,
    )
    path = folder / f"{seq:012d}.json"
    path.write_bytes(body)
    if token is not None:
        path.with_suffix(".tsr").write_bytes(token)
    return path


def head_body(store: Backend) -> bytes:
    """The bytes a timestamp over the head covers: ``seq:entry_hash``."""
    seq, digest = head(store)
    return f"{seq}:{digest}".encode()


def parse_head(text: str) -> tuple[int, str]:
    """A head the user kept, written ``SEQ:HASH``."""
    seq, _, digest = text.strip().partition(":")
    if not seq.isdigit() or len(digest) != 64:
        raise PaxtaError(f"--head {text!r}: write it as SEQ:HASH (paxta evidence head prints it).")
    return int(seq), digest.lower()


def verify_chain(store: Backend, heads: list[tuple[int, str]] | None = None) -> list[str]:
    """Problems in the whole log: a changed entry, a gap, a broken link, a cut tail (an anchored
    or given head the log no longer holds) ([] when sound)."""
    problems = []
    log = entries(store)
    by_seq = {e.seq: e.entry_hash for e in log}
    known = list(heads or [])
    folder = anchors_folder()
    if folder.is_dir():
        for path in sorted(folder.glob("*.json")):
            try:
                data = orjson.loads(path.read_bytes())
                known.append((int(data["seq"]), str(data["entry_hash"])))
            except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
                problems.append(f"{path}: the anchor file is unreadable")
    for seq, digest in sorted(set(known)):
        if seq == 0:
            continue
        if seq not in by_seq:
            problems.append(
                f"custody log: entry {seq} was anchored but is gone: the log was cut "
                f"(it ends at entry {log[-1].seq if log else 0})"
            )
        elif by_seq[seq] != digest:
            problems.append(
                f"custody log: entry {seq} differs from the head anchored or given for it: "
                "the log was rewritten"
            )
    prev = GENESIS
    for expected, e in enumerate(log, 1):
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
