"""What a list update means for what the user holds.

After a new version of a source is imported, the parties the user holds are screened again,
but only against what changed: the entities the version added or changed (new side) and the
ones it removed or changed (old side). A held party whose result differs is one impact line:
"Supplier 1,204 Anhui X Textile is now listed: UFLPA (...), added 2026-11-20". Held are the
supplier files registered with ``paxta watchlist add``, saved screenings, case parties and
trade-record organisations. Analysts' dismissals apply, as in every screening.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import httpx
import orjson

from paxta.config import utc_now
from paxta.errors import PaxtaError
from paxta.lists.diff import changed_ids
from paxta.lists.repository import ListVersion
from paxta.screen.aliases import load_aliases
from paxta.screen.batch import cell_countries, cell_ids
from paxta.screen.comparison import CLEAR
from paxta.screen.index import index_of, update_index
from paxta.screen.matcher import Match, Matcher, load_decisions
from paxta.store import Backend

LIST_LABELS = {
    "uflpa": "UFLPA Entity List",
    "ofac-sdn": "OFAC SDN",
    "bis-entity-list": "BIS Entity List",
    "cbp-wro": "CBP Withhold Release Orders",
}
LISTED, DELISTED, CHANGED = "listed", "delisted", "changed"


@dataclass(frozen=True)
class Held:
    """A party the user holds, where it is held, and what it is screened with."""

    kind: str  # watchlist | screening | case | trade
    ref: str
    label: str  # how a line names it: "Supplier 1,204 Anhui X Textile"
    name: str
    address: str = ""
    country: str = ""
    registry_id: str = ""

    @property
    def query(self) -> tuple[str, str, str, str]:
        """What the party is screened with (parties held twice are screened once)."""
        return (self.name, self.address, self.country, self.registry_id)


@dataclass(frozen=True)
class Impact:
    """One held party whose result changed with a list update."""

    held: Held
    change: str  # listed | delisted | changed
    decision: str  # match | review
    entity_id: str
    listed_name: str
    programs: str
    line: str

    def as_json(self) -> dict[str, Any]:
        """The JSON line ``paxta lists fetch --impact --json`` prints."""
        return {
            "held": self.held.kind,
            "ref": self.held.ref,
            "name": self.held.name,
            "change": self.change,
            "decision": self.decision,
            "entity_id": self.entity_id,
            "listed_name": self.listed_name,
            "programs": self.programs,
            "line": self.line,
        }


def held_parties(store: Backend) -> list[Held]:
    """Every party the user holds: watched supplier files, saved screenings (their latest run
    of each input), case parties, trade-record organisations."""
    out: list[Held] = []
    for wl, row_no, ref, party, address, country, rid in store.sql(
        "SELECT w.name, r.row_no, r.ref, r.name, r.address, r.country, r.registry_id "
        "FROM watchlist_rows r JOIN watchlists w USING (watchlist_id) "
        "ORDER BY w.watchlist_id, r.row_no"
    ):
        shown = ref or f"{row_no:,}"
        out.append(
            Held(
                "watchlist",
                f"{wl} row {row_no}",
                f"Supplier {shown} {party}",
                party,
                address or "",
                country or "",
                rid or "",
            )
        )
    for sid, row_no, query, address, country, rid in store.sql(
        "SELECT r.screening_id, r.row_no, r.query, r.address, r.country, r.registry_id "
        "FROM screening_rows r WHERE r.screening_id IN "
        "(SELECT max(screening_id) FROM screenings GROUP BY input) AND r.query <> '' "
        "ORDER BY r.screening_id, r.row_no"
    ):
        out.append(
            Held(
                "screening",
                f"screening {sid} row {row_no}",
                f"Screening {sid} row {row_no:,} {query}",
                query,
                address or "",
                country or "",
                rid or "",
            )
        )
    for case_id, party_id, name, address, country in store.sql(
        "SELECT case_id, party_id, name, address, country FROM case_parties "
        "ORDER BY case_id, party_id"
    ):
        out.append(
            Held(
                "case",
                f"{case_id}/{party_id}",
                f"Case {case_id} party {name}",
                name,
                address or "",
                country or "",
            )
        )
    for org_id, name, address, country in store.sql(
        "SELECT org_id, name, address, country FROM trade_orgs ORDER BY org_id"
    ):
        out.append(
            Held(
                "trade",
                str(org_id),
                f"Trade organisation {org_id} {name}",
                name,
                address or "",
                country or "",
            )
        )
    return out


def assess(store: Backend, old: ListVersion | None, new: ListVersion) -> list[Impact]:
    """The held parties whose screening result changed from ``old`` to ``new``."""
    held = held_parties(store)
    if not held:
        return []
    added, removed, changed = _changes(store, old, new)
    if not (added or removed or changed):
        return []
    update_index(store, version_ids=[new.version_id, *([old.version_id] if old else [])])
    aliases, decisions = load_aliases(store), load_decisions(store)
    after = Matcher(index_of(store, [new.version_id], sorted(added | changed)), aliases, decisions)
    before = (
        Matcher(index_of(store, [old.version_id], sorted(removed | changed)), aliases, decisions)
        if old is not None
        else None
    )
    listing = _listing(store, new, added | changed)
    if old is not None:
        listing = {**_listing(store, old, removed), **listing}
    by_query: dict[tuple[str, str, str, str], list[Held]] = defaultdict(list)
    for h in held:
        by_query[h.query].append(h)
    out: list[Impact] = []
    for query, holders in by_query.items():
        now = _results(after, query)
        then = _results(before, query) if before is not None else {}
        for entity_id, m in now.items():
            if entity_id not in then:
                out += [_line(h, LISTED, m, new, listing) for h in holders]
            elif entity_id in changed:
                out += [_line(h, CHANGED, m, new, listing) for h in holders]
        for entity_id, m in then.items():
            if entity_id not in now:
                out += [_line(h, DELISTED, m, new, listing) for h in holders]
    return out


def _changes(
    store: Backend, old: ListVersion | None, new: ListVersion
) -> tuple[set[str], set[str], set[str]]:
    """Entity ids added, removed and changed (another fingerprint) from ``old`` to ``new``."""
    added, removed, changed = changed_ids(store, old.version_id if old else -1, new.version_id)
    return set(added), set(removed), set(changed)


def _results(matcher: Matcher, query: tuple[str, str, str, str]) -> dict[str, Match]:
    name, address, country, rid = query
    found = matcher.match(name, cell_ids(rid), cell_countries(country), limit=5, address=address)
    return {m.entity.entity_id: m for m in found if m.decision != CLEAR}


def _listing(store: Backend, version: ListVersion, ids: set[str]) -> dict[str, tuple[str, str]]:
    """Each entity's programmes and listing date (or the version's date), for the lines."""
    if not ids:
        return {}
    marks = ", ".join("?" for _ in ids)
    rows = store.sql(
        "SELECT entity_id, programs, effective_date FROM entities "
        f"WHERE version_id = ? AND entity_id IN ({marks})",
        [version.version_id, *sorted(ids)],
    )
    out = {}
    for entity_id, programs, effective in rows:
        codes = "; ".join(dict.fromkeys(p["code"] for p in programs or [] if p["code"]))
        dates = [p["effective_date"] for p in programs or [] if p["effective_date"]]
        out[entity_id] = (codes, max(dates) if dates else effective or version.version)
    return out


def _line(
    held: Held, change: str, m: Match, new: ListVersion, listing: dict[str, tuple[str, str]]
) -> Impact:
    listed = LIST_LABELS.get(m.entity.list, m.entity.list)
    programs, listed_on = listing.get(m.entity.entity_id, ("", new.version))
    if change == LISTED:
        what = "may now be listed (to review)" if m.decision != "match" else "is now listed"
        line = f"{held.label} {what}: {listed} ({m.entity.name}), added {listed_on}"
    elif change == DELISTED:
        line = f"{held.label} is no longer on the {listed}: {m.entity.name} is not in {new.version}"
    else:
        line = f"{held.label}: its {listed} entry ({m.entity.name}) changed in {new.version}"
    return Impact(held, change, m.decision, m.entity.entity_id, m.entity.name, programs, line)


def record(
    store: Backend, old: ListVersion | None, new: ListVersion, impacts: list[Impact]
) -> None:
    """Keep the impact lines (the web app's home page shows them)."""
    if not impacts:
        return
    with store.transaction():
        first = int(store.scalar("SELECT coalesce(max(impact_id), 0) FROM list_impacts")) + 1
        now = utc_now().replace(microsecond=0)
        for i, x in enumerate(impacts):
            store.sql(
                "INSERT INTO list_impacts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    first + i,
                    new.source,
                    old.version_id if old else None,
                    new.version_id,
                    now,
                    x.held.kind,
                    x.held.ref,
                    x.held.name,
                    x.change,
                    x.decision,
                    x.entity_id,
                    x.listed_name,
                    x.programs,
                    x.line,
                ],
            )


def recent(store: Backend, limit: int = 50) -> list[dict[str, Any]]:
    """The newest impact lines, newest first."""
    cols = [
        "happened_at",
        "source",
        "held",
        "held_ref",
        "name",
        "change",
        "decision",
        "entity_id",
        "line",
    ]
    rows = store.sql(
        f"SELECT {', '.join(cols)} FROM list_impacts ORDER BY impact_id DESC LIMIT ?", [limit]
    )
    return [dict(zip(cols, r, strict=True)) for r in rows]


def signature(secret: str, body: bytes) -> str:
    """The ``X-Paxta-Signature`` header of a webhook body: ``sha256=`` HMAC-SHA256 in hex."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def post_webhook(
    url: str, payload: dict[str, Any], secret: str | None = None, timeout: float = 15.0
) -> None:
    """POST ``payload`` as JSON to ``url``, signed with ``secret`` (or
    ``$PAXTA_WEBHOOK_SECRET``) when there is one; an error naming the URL when it fails."""
    body = orjson.dumps(payload)
    headers = {"Content-Type": "application/json", "User-Agent": "paxta-webhook"}
    key = secret if secret is not None else os.environ.get("PAXTA_WEBHOOK_SECRET", "")
    if key:
        headers["X-Paxta-Signature"] = signature(key, body)
    try:
        response = httpx.post(url, content=body, headers=headers, timeout=timeout)
    except httpx.HTTPError as exc:
        raise PaxtaError(f"webhook {url}: the POST failed ({exc}).") from None
    if response.status_code >= 300:
        raise PaxtaError(f"webhook {url}: answered {response.status_code}.")


def after_update(
    store: Backend, old: ListVersion | None, new: ListVersion, webhook: str | None = None
) -> tuple[list[Impact], str | None]:
    """Assess and keep a new version's impact, and POST it to ``webhook`` when it touched
    anything: the lines, and why the POST failed (None when it did not)."""
    lines = assess(store, old, new)
    record(store, old, new, lines)
    if not (lines and webhook):
        return lines, None
    payload = {
        "source": new.source,
        "old_version": old.version if old else None,
        "new_version": new.version,
        "changes": [x.as_json() for x in lines],
    }
    try:
        post_webhook(webhook, payload)
    except PaxtaError as exc:
        return lines, str(exc)
    return lines, None
