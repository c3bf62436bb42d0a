"""Rebuild a shipment's supply chain upstream, tier by tier.

Each step takes the frontier (lot, holder) pairs and finds which production records at the
holder made the lot (their input lots become the frontier) and which movements brought the lot
to the holder (their sellers become the holders). Where the engine has recursive SQL (DuckDB),
one recursive query walks the lots first and the rows it reached are read at once (four
queries in all, however many tiers); elsewhere (Spark) each tier is a few set-based queries over
the whole frontier. The steps are the same code either way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from paxta.store import Backend

MAX_TIERS = 12


@dataclass(frozen=True)
class Link:
    """One step of the chain: goods moved between parties, or made at a facility."""

    tier: int
    kind: str  # movement or production
    link_id: str
    seller: str  # the facility, for production
    buyer: str
    product: str | None
    quantity: float | None
    unit: str | None
    lots_in: tuple[str, ...]
    lots_out: tuple[str, ...]
    date: str | None
    basis: str  # observed (documents) or inferred (a declaration, no document)
    source: str  # the document, or what the link rests on
    process: str | None = None

    def as_json(self) -> dict[str, Any]:
        """Plain data."""
        return {
            "tier": self.tier,
            "kind": self.kind,
            "id": self.link_id,
            "from": self.seller,
            "to": self.buyer,
            "product": self.product,
            "process": self.process,
            "quantity": self.quantity,
            "unit": self.unit,
            "lots_in": list(self.lots_in),
            "lots_out": list(self.lots_out),
            "date": self.date,
            "basis": self.basis,
            "source": self.source,
        }


@dataclass
class Trace:
    """A shipment's upstream chain."""

    case_id: str
    shipment: str
    links: list[Link] = field(default_factory=list)
    tiers: dict[str, int] = field(default_factory=dict)  # party -> its lowest tier
    untraced: list[tuple[str, str]] = field(default_factory=list)  # (lot, holder): records end

    def parties(self) -> list[str]:
        """Every party on the chain, by tier."""
        return sorted(self.tiers, key=lambda p: (self.tiers[p], p))


def trace(store: Backend, case_id: str, shipment: str) -> Trace:
    """The upstream chain of ``shipment`` down to raw material (or where records end)."""
    out = Trace(case_id, shipment)
    docs = _documents(store, case_id)
    rows: _Rows = _StoreRows(store, case_id)
    first = rows.movements([shipment])
    if not first:
        return out
    m = first[0]
    m["lots"] = [r["lot"] for r in rows.by_owner([shipment])]
    if store.capabilities.recursive:
        rows = _Walked(store, case_id, shipment)
    out.links.append(_movement_link(0, m, docs))
    out.tiers[m["buyer_id"]] = 0
    out.tiers[m["seller_id"]] = 1
    frontier = {(lot, m["seller_id"]) for lot in m["lots"]}
    seen: set[tuple[str, str]] = set()
    # A movement (or production record) reached again from another record it feeds is one
    # link of the chain, listed and checked once.
    added = {("movement", m["movement_id"])}
    for _ in range(MAX_TIERS):
        frontier -= seen
        if not frontier:
            break
        seen |= frontier
        made, bought = _step(rows, frontier)
        nxt: set[tuple[str, str]] = set()
        for p in made:
            tier = out.tiers.get(p["facility_id"], 1)
            if ("production", p["record_id"]) not in added:
                added.add(("production", p["record_id"]))
                out.links.append(_production_link(tier, p, docs))
            nxt |= {(lot, p["facility_id"]) for lot in p["inputs"] or ()}
        for mv in bought:
            tier = out.tiers.get(mv["buyer_id"], 1) + 1
            out.tiers[mv["seller_id"]] = min(out.tiers.get(mv["seller_id"], tier), tier)
            if ("movement", mv["movement_id"]) not in added:
                added.add(("movement", mv["movement_id"]))
                out.links.append(_movement_link(tier, mv, docs))
            nxt |= {(lot, mv["seller_id"]) for lot in mv["lots"] or ()}
        found = {(lot, p["facility_id"]) for p in made for lot in p["outputs"] or ()} | {
            (lot, mv["buyer_id"]) for mv in bought for lot in mv["lots"] or ()
        }
        out.untraced += sorted(frontier - found)
        frontier = nxt
    return out


def _marks(values: list[str]) -> str:
    return ", ".join("?" for _ in values)


class _Rows:
    """Where a step reads the case's rows: lots by lot or by owner, production records and
    movements by id (each in a stable order)."""

    def by_lot(self, lots: list[str]) -> list[dict[str, Any]]:
        raise NotImplementedError

    def by_owner(self, owners: list[str]) -> list[dict[str, Any]]:
        raise NotImplementedError

    def production(self, ids: list[str]) -> list[dict[str, Any]]:
        raise NotImplementedError

    def movements(self, ids: list[str]) -> list[dict[str, Any]]:
        raise NotImplementedError


class _StoreRows(_Rows):
    """Each request a set-based query on the store."""

    def __init__(self, store: Backend, case_id: str) -> None:
        self.store, self.case_id = store, case_id

    def _lots(self, column: str, values: list[str]) -> list[dict[str, Any]]:
        if not values:
            return []
        return self.store.dicts(
            f"SELECT owner, kind, lot FROM case_lots WHERE case_id = ? AND {column} IN "
            f"({_marks(values)}) ORDER BY owner, lot",
            [self.case_id, *values],
        )

    def by_lot(self, lots: list[str]) -> list[dict[str, Any]]:
        return self._lots("lot", lots)

    def by_owner(self, owners: list[str]) -> list[dict[str, Any]]:
        return self._lots("owner", owners)

    def _records(self, table: str, column: str, ids: list[str]) -> list[dict[str, Any]]:
        if not ids:
            return []
        return self.store.dicts(
            f"SELECT * FROM {table} WHERE case_id = ? AND {column} IN ({_marks(ids)}) "
            f"ORDER BY {column}",
            [self.case_id, *ids],
        )

    def production(self, ids: list[str]) -> list[dict[str, Any]]:
        return self._records("case_production", "record_id", ids)

    def movements(self, ids: list[str]) -> list[dict[str, Any]]:
        return self._records("case_movements", "movement_id", ids)


class _Walked(_Rows):
    """Every row the shipment's lots can reach, found by one recursive query over the lots
    alone (a record holding a lot leads to its other lots, whoever holds them: a superset of
    what the steps follow, which check holders themselves) and read in three more; the steps
    then look them up in memory."""

    def __init__(self, store: Backend, case_id: str, shipment: str) -> None:
        store.sql(
            """CREATE OR REPLACE TEMP TABLE _trace_lots AS
            WITH RECURSIVE walk(lot) AS (
                SELECT lot FROM case_lots WHERE case_id = $1 AND owner = $2 AND kind = 'moved'
                UNION
                SELECT used.lot FROM walk w
                JOIN case_lots hit ON hit.case_id = $1 AND hit.lot = w.lot
                    AND hit.kind IN ('out', 'moved')
                JOIN case_lots used ON used.case_id = $1 AND used.owner = hit.owner
                    AND used.kind IN ('moved', 'in')
            )
            SELECT lot FROM walk""",
            [case_id, shipment],
        )
        lots = store.dicts(
            "SELECT owner, kind, lot FROM case_lots WHERE case_id = ? "
            "AND lot IN (SELECT lot FROM _trace_lots) ORDER BY owner, lot",
            [case_id],
        )
        store.sql("CREATE OR REPLACE TEMP TABLE _trace_owners (owner VARCHAR)")
        store.append("_trace_owners", pa.table({"owner": sorted({r["owner"] for r in lots})}))
        owned = store.dicts(
            "SELECT owner, kind, lot FROM case_lots WHERE case_id = ? "
            "AND owner IN (SELECT owner FROM _trace_owners) ORDER BY owner, lot",
            [case_id],
        )
        self._by_lot: dict[str, list[dict[str, Any]]] = {}
        for r in lots:
            self._by_lot.setdefault(r["lot"], []).append(r)
        self._by_owner: dict[str, list[dict[str, Any]]] = {}
        for r in owned:
            self._by_owner.setdefault(r["owner"], []).append(r)
        self._records = {
            (table, r[column]): r
            for table, column in (
                ("case_production", "record_id"),
                ("case_movements", "movement_id"),
            )
            for r in store.dicts(
                f"SELECT * FROM {table} WHERE case_id = ? "
                f"AND {column} IN (SELECT owner FROM _trace_owners)",
                [case_id],
            )
        }
        for name in ("_trace_lots", "_trace_owners"):
            store.sql(f"DROP TABLE IF EXISTS {name}")

    def by_lot(self, lots: list[str]) -> list[dict[str, Any]]:
        rows = [r for lot in lots for r in self._by_lot.get(lot, ())]
        return sorted(rows, key=lambda r: (r["owner"], r["lot"]))

    def by_owner(self, owners: list[str]) -> list[dict[str, Any]]:
        return [r for owner in sorted(owners) for r in self._by_owner.get(owner, ())]

    def production(self, ids: list[str]) -> list[dict[str, Any]]:
        return [dict(r) for i in sorted(ids) if (r := self._records.get(("case_production", i)))]

    def movements(self, ids: list[str]) -> list[dict[str, Any]]:
        return [dict(r) for i in sorted(ids) if (r := self._records.get(("case_movements", i)))]


def _step(
    rows: _Rows, frontier: set[tuple[str, str]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The production records that made, and the movements that brought, the frontier lots:
    the lots' rows (which records and movements hold them), those owners' records, and all
    their lots."""
    hits = rows.by_lot(sorted({lot for lot, _ in frontier}))
    owners = sorted({h["owner"] for h in hits if h["kind"] in ("out", "moved")})
    if not owners:
        return [], []
    made = rows.production(owners)
    bought = rows.movements(owners)
    by_owner: dict[tuple[str, str], list[str]] = {}
    for row in rows.by_owner(owners):
        by_owner.setdefault((row["owner"], row["kind"]), []).append(row["lot"])
    for p in made:
        p["inputs"] = by_owner.get((p["record_id"], "in"), [])
        p["outputs"] = by_owner.get((p["record_id"], "out"), [])
    for m in bought:
        m["lots"] = by_owner.get((m["movement_id"], "moved"), [])
    made = [p for p in made if any((lot, p["facility_id"]) in frontier for lot in p["outputs"])]
    bought = [m for m in bought if any((lot, m["buyer_id"]) in frontier for lot in m["lots"])]
    return made, bought


def _documents(store: Backend, case_id: str) -> dict[str, str]:
    rows = store.sql("SELECT document_id, type FROM case_documents WHERE case_id = ?", [case_id])
    return {r[0]: r[1] for r in rows}


def _basis(document_id: str | None, declared: bool, docs: dict[str, str]) -> tuple[str, str]:
    if declared:
        return "inferred", f"supplier declaration{f' {document_id}' if document_id else ''}"
    if document_id and document_id in docs:
        return "observed", f"{document_id} ({docs[document_id]})"
    if document_id:
        return "inferred", f"{document_id} (named but not among the case's documents)"
    return "inferred", "no document"


def _movement_link(tier: int, m: dict[str, Any], docs: dict[str, str]) -> Link:
    basis, source = _basis(m["document_id"], m["basis"] == "declaration", docs)
    if m.get("resolution"):
        basis, source = "inferred", f"{source}; {m['resolution']}"
    lots = tuple(m["lots"] or ())
    return Link(
        tier,
        "movement",
        m["movement_id"],
        m["seller_id"],
        m["buyer_id"],
        m["product"],
        m["quantity"],
        m["unit"],
        lots,
        lots,
        m["date"].isoformat() if m["date"] else None,
        basis,
        source,
    )


def _production_link(tier: int, p: dict[str, Any], docs: dict[str, str]) -> Link:
    basis, source = _basis(p["document_id"], False, docs)
    return Link(
        tier,
        "production",
        p["record_id"],
        p["facility_id"],
        p["facility_id"],
        None,
        None,
        p["unit"],
        tuple(p["inputs"] or ()),
        tuple(p["outputs"] or ()),
        p["end_date"].isoformat() if p["end_date"] else None,
        basis,
        source,
        p["process"],
    )
