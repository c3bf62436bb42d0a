"""A saved screening as an analyst works through it: filtered, sorted, counted, a page at a time,
each result with the analyst's standing decision on it; and its export with those decisions.

Everything is one query on ``screening_rows`` joined to the newest decision per (query, entity),
so a 100,000-row result pages and filters in the store, never in Python. A decision applies to
a row as the matcher applies it: same query (as decisions are keyed), same entity, and the entry
unchanged since (else the row says the decision no longer applies).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from paxta.errors import PaxtaError
from paxta.files.writers import RowWriter
from paxta.screen.matcher import NEWEST_DECISIONS, query_key
from paxta.store import Backend

DECISIONS = ("match", "review", "clear")
STATES = ("open", "confirmed", "dismissed", "changed")
REGIONS = ("xinjiang", "xpcc")
SORTS = {
    "row": "row_no",
    "score": "score DESC, row_no",
    "decision": "rank DESC, score DESC, row_no",
}
PER_PAGE = 100
MAX_PER_PAGE = 500
_STATE = """CASE WHEN r.entity_id IS NULL THEN ''
    WHEN d.verdict IS NULL OR coalesce(d.withdrawn, false) THEN 'open'
    WHEN d.fingerprint IS DISTINCT FROM r.fingerprint THEN 'changed'
    WHEN d.verdict THEN 'confirmed' ELSE 'dismissed' END"""
_ROWS = f"""(SELECT r.*, {_STATE} AS state,
    CASE r.decision WHEN 'match' THEN 2 WHEN 'review' THEN 1 ELSE 0 END AS rank,
    CASE WHEN coalesce(d.withdrawn, false) THEN NULL ELSE d.analyst END AS decided_by,
    CASE WHEN coalesce(d.withdrawn, false) THEN NULL ELSE d.decided_at END AS decided_at,
    CASE WHEN coalesce(d.withdrawn, false) THEN NULL ELSE d.note END AS decision_note
    FROM screening_rows r LEFT JOIN {NEWEST_DECISIONS} d
    ON d.query_key = r.query_key AND d.entity_id = r.entity_id
    WHERE r.screening_id = ?) AS rows"""


@dataclass(frozen=True)
class View:
    """Which rows of a screening to show, in what order, which page."""

    decision: str = ""  # match, review, clear; "" for all
    state: str = ""  # open, confirmed, dismissed, changed; "" for all
    source: str = ""  # the list a result is on (ofac_sdn ...); "" for all
    region: str = ""  # xinjiang, xpcc, any; "" for all
    min_score: float = 0.0
    text: str = ""  # in the name or the listed name
    sort: str = "row"
    page: int = 1
    per_page: int = PER_PAGE

    def checked(self) -> View:
        """The view with every value one paxta knows (an unknown one is refused in words)."""
        for label, value, allowed in (
            ("decision", self.decision, DECISIONS),
            ("state", self.state, STATES),
            ("region", self.region, (*REGIONS, "any")),
            ("sort", self.sort, tuple(SORTS)),
        ):
            if value and value not in allowed:
                raise PaxtaError(f"{label} {value!r}: use one of {', '.join(allowed)}.")
        if not 0.0 <= self.min_score <= 1.0:
            raise PaxtaError(f"score {self.min_score}: use a number from 0 to 1.")
        return replace(
            self,
            sort=self.sort or "row",
            text=self.text.strip()[:200],
            page=max(1, self.page),
            per_page=min(max(1, self.per_page), MAX_PER_PAGE),
        )

    def where(self) -> tuple[str, list[Any]]:
        """The filter as SQL on the rows with their state, and its parameters."""
        terms: list[str] = ["true"]
        params: list[Any] = []
        for column, value in (("decision", self.decision), ("state", self.state)):
            if value:
                terms.append(f"{column} = ?")
                params.append(value)
        if self.source:
            terms.append("list = ?")
            params.append(self.source)
        if self.region == "any":
            terms.append("coalesce(region, '') <> ''")
        elif self.region:
            terms.append("region = ?")
            params.append(self.region)
        if self.min_score > 0:
            terms.append("score >= ?")
            params.append(self.min_score)
        if self.text:  # (a plain substring, case aside: no pattern characters to escape)
            terms.append(
                "(contains(lower(query), ?) OR contains(lower(coalesce(listed_name, '')), ?))"
            )
            params += [self.text.lower(), self.text.lower()]
        return " AND ".join(terms), params


@dataclass
class Page:
    """One page of a screening's rows, with the counts an analyst triages by."""

    rows: list[dict[str, Any]]
    total: int  # rows the view selects
    pages: int
    view: View
    decisions: dict[str, int]  # whole screening: rows per decision
    states: dict[str, int]  # whole screening: results (match or review) per analyst state
    lists: list[str]  # the lists its results are on


def screening_page(store: Backend, screening_id: int, view: View | None = None) -> Page:
    """The page of ``screening_id`` that ``view`` selects."""
    view = (view or View()).checked()
    _exists(store, screening_id)
    fill_query_keys(store, screening_id)
    where, params = view.where()
    total = int(
        store.scalar(f"SELECT count(*) FROM {_ROWS} WHERE {where}", [screening_id, *params])
    )
    pages = max(1, -(-total // view.per_page))
    view = replace(view, page=min(view.page, pages))
    rows = store.dicts(
        f"SELECT * FROM {_ROWS} WHERE {where} ORDER BY {SORTS[view.sort]} LIMIT ? OFFSET ?",
        [screening_id, *params, view.per_page, (view.page - 1) * view.per_page],
    )
    decisions = {d: 0 for d in DECISIONS}
    states = {s: 0 for s in STATES}
    lists: set[str] = set()
    for decision, state, listed, n in store.sql(
        f"SELECT decision, state, list, count(*) FROM {_ROWS} GROUP BY ALL", [screening_id]
    ):
        decisions[decision] = decisions.get(decision, 0) + n
        if decision != "clear" and state:
            states[state] += n
        if listed:
            lists.add(listed)
    return Page(rows, total, pages, view, decisions, states, sorted(lists))


def fill_query_keys(store: Backend, screening_id: int) -> None:
    """Give rows saved before paxta kept their query key (results only) one, once."""
    missing = store.sql(
        "SELECT row_no, query FROM screening_rows WHERE screening_id = ? "
        "AND query_key IS NULL AND entity_id IS NOT NULL",
        [screening_id],
    )
    if not missing:
        return
    with store.transaction():
        for row_no, query in missing:
            store.sql(
                "UPDATE screening_rows SET query_key = ? WHERE screening_id = ? AND row_no = ?",
                [query_key(query), screening_id, row_no],
            )


def row_of(store: Backend, screening_id: int, row_no: int) -> dict[str, Any]:
    """One saved row with its state (an error in words when there is no such result)."""
    fill_query_keys(store, screening_id)
    found = store.dicts(f"SELECT * FROM {_ROWS} WHERE row_no = ?", [screening_id, row_no])
    if not found or not found[0]["entity_id"]:
        raise PaxtaError(f"screening {screening_id} has no result on row {row_no} to decide.")
    return found[0]


# The columns the export adds to each row: the analyst's standing decision on its result.
DECISION_EXPORT = ("paxta_analyst_decision", "paxta_decided_by", "paxta_decided_at", "paxta_note")
NUMBER_COLUMNS = ("paxta_score",)  # written to XLSX as numbers, for sorting


def export_with_decisions(store: Backend, screening_id: int, results: Path, out: Path) -> Path:
    """The screening's results file (``results``, CSV) written to ``out`` (CSV or XLSX) with
    each row's standing decision, who made it and when; formula-safe in both."""
    _exists(store, screening_id)
    fill_query_keys(store, screening_id)
    decided = {
        int(r[0]): r[1:]
        for r in store.sql(
            f"SELECT row_no, state, decided_by, decided_at, decision_note FROM {_ROWS} "
            "WHERE state IN ('confirmed', 'dismissed', 'changed')",
            [screening_id],
        )
    }
    xlsx = out.suffix.lower() == ".xlsx"
    with RowWriter(out, "screening") as writer:
        for row_no, row in enumerate(_csv_rows(results), 1):
            state, by, at, note = decided.get(row_no, ("", "", None, ""))
            cells: dict[str, Any] = dict(row)
            if xlsx:
                cells.update((k, _number(row[k])) for k in NUMBER_COLUMNS if k in row)
            writer.write(
                {
                    **cells,
                    "paxta_analyst_decision": state,
                    "paxta_decided_by": by or "",
                    "paxta_decided_at": at.isoformat(timespec="seconds") if at else "",
                    "paxta_note": note or "",
                }
            )
    return out


def _csv_rows(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        yield from csv.DictReader(f)


def _number(text: str) -> float | str:
    try:
        return float(text)
    except ValueError:
        return text


def _exists(store: Backend, screening_id: int) -> None:
    if not store.scalar("SELECT count(*) FROM screenings WHERE screening_id = ?", [screening_id]):
        raise PaxtaError(f"no screening {screening_id} (see paxta screenings).")


def open_results(store: Backend, screening_ids: list[int]) -> dict[int, int]:
    """Per screening, its results (match or review) no analyst has decided yet."""
    if not screening_ids:
        return {}
    marks = ", ".join("?" for _ in screening_ids)
    rows = store.sql(
        f"""SELECT r.screening_id, count(*) FROM screening_rows r
        LEFT JOIN {NEWEST_DECISIONS} d ON d.query_key = r.query_key AND d.entity_id = r.entity_id
        WHERE r.screening_id IN ({marks}) AND r.decision IN ('match', 'review')
        AND (d.verdict IS NULL OR coalesce(d.withdrawn, false)) GROUP BY ALL""",
        list(screening_ids),
    )
    return {int(sid): int(n) for sid, n in rows}
