"""Analysts' decisions on results, and re-screening saved runs against newer lists.

A decision says a query name is (or is not) a listed entity. It is stored with the entity's
fingerprint and applies to later screens until the entry changes on the list. A confirmed
Chinese name against an English listed name also teaches the alias table its trade names.
``rescreen`` runs a saved screening again and reports only the rows whose result changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from paxta.config import utc_now
from paxta.errors import PaxtaError
from paxta.lists.repository import find_entity
from paxta.screen.aliases import ANALYST, learn
from paxta.screen.batch import (
    ROW_SCHEMA,
    cell_countries,
    cell_ids,
    match_fields,
    region_of,
    result_columns,
)
from paxta.screen.comparison import CLEAR
from paxta.screen.matcher import NEWEST_DECISIONS, STANDING, Matcher, query_key
from paxta.screen.model import model
from paxta.store import Backend


@dataclass(frozen=True)
class Change:
    """A saved row whose result differs now."""

    row_no: int
    query: str
    before: str
    after: str
    before_entity: str
    after_entity: str
    explanation: str

    def as_json(self) -> dict[str, Any]:
        """Plain data."""
        return {
            "row": self.row_no,
            "query": self.query,
            "before": self.before,
            "after": self.after,
            "before_entity": self.before_entity,
            "after_entity": self.after_entity,
            "explanation": self.explanation,
        }


def record_decision(
    store: Backend,
    query: str,
    entity_id: str,
    verdict: bool,
    note: str = "",
    analyst: str = "",
) -> str:
    """Store a verdict on ``query`` against ``entity_id``; return what was learned, if anything."""
    found = find_entity(store, entity_id)
    if found is None:
        raise PaxtaError(f"no listed entity {entity_id!r} (see paxta lists show).")
    _, entity = found
    fingerprint = str(
        store.scalar(
            "SELECT fingerprint FROM entities WHERE entity_id = ? ORDER BY version_id DESC LIMIT 1",
            [entity_id],
        )
    )
    now = utc_now()  # the alias learned carries the decision's time: an undo finds it by it
    store.sql(
        f"INSERT INTO decisions ({DECISION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, false)",
        [query_key(query), query, entity_id, fingerprint, verdict, note, analyst, now],
    )
    if not verdict:
        return ""
    learned = learn([(query, n.value) for n in entity.names], ANALYST)[:1]
    for alias in learned:
        store.sql("INSERT INTO aliases VALUES (?, ?, ?, ?)", [alias.han, alias.latin, ANALYST, now])
    return f"alias learned: {learned[0].han} = {learned[0].latin}" if learned else ""


DECISION_COLUMNS = (
    "query_key, query, entity_id, fingerprint, verdict, note, analyst, decided_at, withdrawn"
)


def withdraw_decision(store: Backend, query: str, entity_id: str, analyst: str = "") -> str:
    """Undo the standing decision on ``query`` against ``entity_id``: a newer row says it is
    withdrawn (the decision stays on record), and an alias it taught is forgotten. Returns
    what was withdrawn, in words."""
    key = query_key(query)
    standing = store.sql(
        f"SELECT verdict, fingerprint, decided_at FROM {NEWEST_DECISIONS} AS d "
        f"WHERE query_key = ? AND entity_id = ? AND {STANDING}",
        [key, entity_id],
    )
    if not standing:
        raise PaxtaError(f"no decision on {query!r} against {entity_id!r} to undo.")
    verdict, fingerprint, decided_at = standing[0]
    store.sql(
        f"INSERT INTO decisions ({DECISION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, true)",
        [key, query, entity_id, fingerprint, verdict, "withdrawn", analyst, utc_now()],
    )
    if verdict:
        store.sql("DELETE FROM aliases WHERE source = ? AND added_at = ?", [ANALYST, decided_at])
    said = "confirmation" if verdict else "dismissal"
    return f"the {said} of {decided_at:%Y-%m-%d %H:%M} is withdrawn"


def saved_rows(
    store: Backend, screening_id: int, decision: str | None = None
) -> list[dict[str, Any]]:
    """The saved rows of a screening (only those with ``decision`` when given)."""
    where = "screening_id = ?" + (" AND decision = ?" if decision else "")
    params: list[Any] = [screening_id] + ([decision] if decision else [])
    rows = store.dicts(f"SELECT * FROM screening_rows WHERE {where} ORDER BY row_no", params)
    if not rows and not store.scalar(
        "SELECT count(*) FROM screenings WHERE screening_id = ?", [screening_id]
    ):
        raise PaxtaError(f"no screening {screening_id} (see paxta screenings).")
    return rows


def rescreen(store: Backend, matcher: Matcher, screening_id: int) -> tuple[int, list[Change]]:
    """Run a saved screening again; save it as a new screening and return what changed
    (:func:`algorithm_change` says whether the screening algorithm changed too)."""
    rows = saved_rows(store, screening_id)
    source = store.dicts("SELECT * FROM screenings WHERE screening_id = ?", [screening_id])[0]
    new_id = int(store.scalar("SELECT max(screening_id) + 1 FROM screenings"))
    versions = [f"{s} {v}" for s, v in matcher.index.versions]
    store.sql(
        "INSERT INTO screenings VALUES (?, ?, NULL, ?, ?, ?, ?, true, ?)",
        [
            new_id,
            source["input"],
            source["options"],
            str(versions),
            utc_now(),
            len(rows),
            model().algorithm,
        ],
    )
    changes: list[Change] = []
    fresh: list[dict[str, Any]] = []
    for row in rows:
        ids, countries = cell_ids(row["registry_id"] or ""), cell_countries(row["country"] or "")
        address = row.get("address") or ""
        found = (
            matcher.match(row["query"], ids, countries, limit=1, address=address)
            if row["query"]
            else []
        )
        best = found[0] if found else None
        result = result_columns(best)
        after, after_entity = str(result["paxta_decision"]), str(result["paxta_entity_id"])
        before_entity = row["entity_id"] or ""
        if (row["decision"], before_entity) != (after, after_entity) and not (
            row["decision"] == after == CLEAR
        ):
            changes.append(
                Change(
                    row["row_no"],
                    row["query"],
                    row["decision"],
                    after,
                    before_entity,
                    after_entity,
                    str(result["paxta_explanation"]),
                )
            )
        region = region_of(row["query"], address, ids)
        fresh.append(
            {
                **row,
                "screening_id": new_id,
                **match_fields(best, row["query"]),
                "region": region.region,
                "region_why": region.why,
            }
        )
    if fresh:
        store.append("screening_rows", pa.Table.from_pylist(fresh, schema=ROW_SCHEMA))
    return new_id, changes


def algorithm_change(store: Backend, screening_id: int) -> str:
    """A sentence when ``screening_id`` was screened by another algorithm than today's ("" when
    it was the same; an old run without a record says so)."""
    was = store.scalar("SELECT algorithm FROM screenings WHERE screening_id = ?", [screening_id])
    now = model().algorithm
    if was == now:
        return ""
    return (
        f"The screening algorithm changed since screening {screening_id} "
        f"({was or 'not recorded'} -> {now}): some changes below come from it, not the lists."
    )


def screenings(store: Backend) -> list[dict[str, Any]]:
    """Every saved screening, newest first."""
    return store.dicts(
        "SELECT s.screening_id, s.input, s.created_at, s.row_count, s.finished, s.versions, "
        "count(*) FILTER (WHERE r.decision = 'match') AS matches, "
        "count(*) FILTER (WHERE r.decision = 'review') AS reviews "
        "FROM screenings s LEFT JOIN screening_rows r USING (screening_id) "
        "GROUP BY ALL ORDER BY s.screening_id DESC"
    )
