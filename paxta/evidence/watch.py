"""Watch pages for removals: one event per watched page and run.

``term_removed``: a watched term was on the page and is gone (the sentences that held it are
quoted); ``gone``: 404 or 410, a redirect to the site's home page, or a "soft 404" page
(页面不存在, 该信息已删除 ...); ``blocked``: 403, 429, 451 or a challenge page, which is never
reported as a removal; ``changed``; ``unchanged``. Pages are compared sentence by sentence,
split at Chinese and Latin sentence ends. A run fetches first and keeps a new capture only when
something happened; the capture before the change stays as evidence.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import orjson

from paxta.config import utc_now
from paxta.errors import PaxtaError
from paxta.evidence.capture import Hop, fetch, keep, page_text
from paxta.evidence.records import capture_text
from paxta.store import Backend

SOFT_404 = (
    "页面不存在",
    "该信息已删除",
    "信息已删除",
    "页面已删除",
    "找不到页面",
    "您访问的页面不存在",
    "页面未找到",
    "404 not found",
    "page not found",
    "this page has been removed",
)
CHALLENGE = (
    "cf-challenge",
    "just a moment...",
    "attention required",
    "access denied",
    "安全验证",
    "请输入验证码",
    "访问被拒绝",
    "not available in your region",
)
_SENTENCE = re.compile(r"(?<=[。！？!?；;])|\n|(?<=\.)\s+")
_DURATION = re.compile(r"^\s*(\d+)\s*([smhdw])\s*$")


@dataclass
class Event:
    """What a run found on one page."""

    url: str
    event: str
    terms: dict[str, list[int]] = field(default_factory=dict)  # term -> [before, after]
    removed: list[str] = field(default_factory=list)
    status: int | None = None
    evidence_before: str | None = None
    evidence_after: str | None = None
    note: str = ""

    def as_json(self) -> dict[str, Any]:
        """The JSON line ``paxta watch run --json`` prints."""
        return {
            "url": self.url,
            "event": self.event,
            "terms": self.terms,
            "removed": self.removed,
            "status": self.status,
            "evidence_before": self.evidence_before,
            "evidence_after": self.evidence_after,
            "note": self.note,
        }


def parse_every(text: str) -> int:
    """``1d``, ``12h``, ``30m`` ... as seconds."""
    m = _DURATION.match(text)
    if m is None:
        raise PaxtaError(f"--every {text!r}: write a number and s, m, h, d or w (e.g. 1d).")
    return int(m.group(1)) * {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}[m.group(2)]


def add_watch(
    store: Backend,
    url: str,
    terms: list[str],
    every: str = "1d",
    allow_private: bool = False,
    case: str | None = None,
) -> tuple[int, str]:
    """Watch ``url`` for ``terms``; the first capture is the baseline. Returns (id, evidence)."""
    if not terms:
        raise PaxtaError("give the terms to watch with --terms, e.g. --terms 维吾尔,少数民族.")
    seconds = parse_every(every)
    hops = fetch(url, allow_private)
    baseline = keep(store, url, hops, case)
    watch_id = int(store.scalar("SELECT coalesce(max(watch_id), 0) + 1 FROM watches"))
    store.sql(
        "INSERT INTO watches VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, false)",
        [
            watch_id,
            url,
            terms,
            seconds,
            allow_private,
            case,
            utc_now(),
            utc_now(),
            baseline.evidence_id,
            page_text(hops[-1]),
        ],
    )
    return watch_id, baseline.evidence_id


def pause_watch(store: Backend, watch_id: int, paused: bool = True) -> None:
    """Pause a watch (a pass leaves it out until it is resumed) or resume it."""
    if not store.scalar("SELECT count(*) FROM watches WHERE watch_id = ?", [watch_id]):
        raise PaxtaError(f"no watch {watch_id} (see paxta watch list).")
    store.sql("UPDATE watches SET paused = ? WHERE watch_id = ?", [paused, watch_id])


def run_watches(store: Backend, everything: bool = False, only: int | None = None) -> list[Event]:
    """One pass over the watches that are due and not paused (all of them with
    ``everything``; the watch ``only``, paused or not, when given); each event is kept in
    ``watch_events``."""
    where, params = ("WHERE watch_id = ?", [only]) if only is not None else ("", [])
    rows = store.dicts(f"SELECT * FROM watches {where} ORDER BY watch_id", params)
    if only is not None and not rows:
        raise PaxtaError(f"no watch {only} (see paxta watch list).")
    now = utc_now()
    events = []
    for w in rows:
        due = w["last_run"] is None or now - w["last_run"] >= timedelta(seconds=w["every_seconds"])
        if only is not None or (not w.get("paused") and (everything or due)):
            event = _run_one(store, w)
            store.sql(
                "INSERT INTO watch_events SELECT coalesce(max(event_id), 0) + 1, "
                "?, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM watch_events",
                [
                    w["watch_id"],
                    event.url,
                    utc_now(),
                    event.event,
                    event.status,
                    orjson.dumps(event.terms).decode(),
                    event.removed,
                    event.evidence_before,
                    event.evidence_after,
                    event.note,
                ],
            )
            events.append(event)
    return events


def watch_events(
    store: Backend, limit: int = 200, event_id: int | None = None
) -> list[dict[str, Any]]:
    """Watch events, newest first (or the one with ``event_id``), as ``Event.as_json`` with the
    event and watch ids and the time."""
    where, params = ("WHERE event_id = ?", [event_id]) if event_id is not None else ("", [])
    rows = store.dicts(
        f"SELECT * FROM watch_events {where} ORDER BY happened_at DESC, event_id DESC LIMIT ?",
        [*params, limit],
    )
    for row in rows:
        row["terms"] = orjson.loads(row["terms"])
        row["happened_at"] = row["happened_at"].isoformat(timespec="seconds") + "Z"
    return rows


def event_diff(store: Backend, event_id: int) -> dict[str, Any]:
    """One event with the page's text before and after, sentence by sentence: each sentence
    ``kept``, ``removed`` or ``added`` (nothing to compare when the run kept no new capture)."""
    found = watch_events(store, 1, event_id)
    if not found:
        raise PaxtaError(f"no watch event {event_id} (see paxta watch run --json).")
    event = found[0]
    before, after = (
        capture_text(store, event[side]) if event[side] else None
        for side in ("evidence_before", "evidence_after")
    )
    lines: list[dict[str, str]] = []
    if before is not None and after is not None:
        old, new = sentences(before), sentences(after)
        for op, i1, i2, j1, j2 in difflib.SequenceMatcher(
            None, old, new, autojunk=False
        ).get_opcodes():
            if op == "equal":
                lines += [{"op": "kept", "text": t} for t in old[i1:i2]]
                continue
            lines += [{"op": "removed", "text": t} for t in old[i1:i2]]
            lines += [{"op": "added", "text": t} for t in new[j1:j2]]
    return {**event, "diff": lines}


def _run_one(store: Backend, w: dict[str, Any]) -> Event:
    terms: list[str] = list(w["terms"])
    before = w["last_text"] or ""
    try:
        hops = fetch(w["url"], w["allow_private"])
    except PaxtaError as exc:
        event = Event(w["url"], "blocked", note=f"could not fetch: {exc}")
        _record(store, w, None, None)
        return event
    final = hops[-1]
    text = page_text(final)
    event = classify(w["url"], hops, before, text, terms)
    event.evidence_before = w["last_evidence_id"]
    if event.event in ("term_removed", "gone", "changed"):
        kept = keep(store, w["url"], hops, w["case_name"])
        event.evidence_after = kept.evidence_id
        new_text = text if event.event != "gone" else before  # a gone page is no new baseline
        _record(store, w, kept.evidence_id if event.event != "gone" else None, new_text)
    else:
        _record(store, w, None, None)
    return event


def _record(store: Backend, w: dict[str, Any], evidence_id: str | None, text: str | None) -> None:
    if evidence_id is None:
        store.sql("UPDATE watches SET last_run = ? WHERE watch_id = ?", [utc_now(), w["watch_id"]])
        return
    store.sql(
        "UPDATE watches SET last_run = ?, last_evidence_id = ?, last_text = ? WHERE watch_id = ?",
        [utc_now(), evidence_id, text, w["watch_id"]],
    )


def classify(url: str, hops: list[Hop], before: str, after: str, terms: list[str]) -> Event:
    """The event for one page, from what it was and what it is now."""
    final = hops[-1]
    lowered = after.lower()
    counts = {t: [before.count(t), after.count(t)] for t in terms}
    if final.status in (403, 429, 451) or any(c in lowered for c in CHALLENGE):
        return Event(url, "blocked", counts, status=final.status, note="blocked, not removed")
    if final.status in (404, 410):
        return Event(url, "gone", counts, status=final.status, note=f"HTTP {final.status}")
    if _redirected_home(url, hops):
        return Event(url, "gone", counts, status=final.status, note="redirected to the home page")
    if any(marker in lowered for marker in SOFT_404) and not any(
        marker in before.lower() for marker in SOFT_404
    ):
        return Event(url, "gone", counts, status=final.status, note="a page saying it was removed")
    removed_terms = [t for t, (b, a) in counts.items() if b > 0 and a == 0]
    if removed_terms:
        quoted = [s for s in sentences(before) if any(t in s for t in removed_terms)]
        return Event(url, "term_removed", counts, quoted, final.status)
    if _normal(before) != _normal(after):
        return Event(url, "changed", counts, status=final.status)
    return Event(url, "unchanged", counts, status=final.status)


def _redirected_home(url: str, hops: list[Hop]) -> bool:
    start, end = urlsplit(url), urlsplit(hops[-1].url)
    return len(hops) > 1 and end.path in ("", "/") and start.path not in ("", "/")


def sentences(text: str) -> list[str]:
    """Sentences split at Chinese and Latin sentence ends."""
    return [s.strip() for s in _SENTENCE.split(text) if s and s.strip()]


def _normal(text: str) -> list[str]:
    return sentences(" ".join(text.split()))
