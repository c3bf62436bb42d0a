"""Rebuild a shipment's supply chain upstream, tier by tier, as iterative SQL steps.

Each step takes the frontier (lot, holder) pairs and asks the store which production records at
the holder made the lot (their input lots become the frontier) and which movements brought the
lot to the holder (their sellers become the holders). No recursive Python walk: each tier is a
few set-based queries over the whole frontier, so a Spark backend can run the same steps on data
too large for one machine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

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
    first = _movements(store, case_id, shipment)
    if not first:
        return out
    m = first[0]
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
        made, bought = _step(store, case_id, frontier)
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


def _lots_of(store: Backend, case_id: str, column: str, values: list[str]) -> list[dict[str, Any]]:
    """Rows of case_lots whose ``column`` (lot or owner) is one of ``values``: one scan."""
    if not values:
        return []
    return store.dicts(
        f"SELECT owner, kind, lot FROM case_lots WHERE case_id = ? AND {column} IN "
        f"({_marks(values)}) ORDER BY owner, lot",
        [case_id, *values],
    )


def _step(
    store: Backend, case_id: str, frontier: set[tuple[str, str]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The production records that made, and the movements that brought, the frontier lots.

    Three set-based queries a tier: the lots' rows (which records and movements hold them),
    those owners' records, and all their lots.
    """
    lots = sorted({lot for lot, _ in frontier})
    hits = _lots_of(store, case_id, "lot", lots)
    owners = sorted({h["owner"] for h in hits if h["kind"] in ("out", "moved")})
    if not owners:
        return [], []
    made = store.dicts(
        f"SELECT * FROM case_production WHERE case_id = ? AND record_id IN ({_marks(owners)}) "
        "ORDER BY record_id",
        [case_id, *owners],
    )
    bought = store.dicts(
        f"SELECT * FROM case_movements WHERE case_id = ? AND movement_id IN ({_marks(owners)}) "
        "ORDER BY movement_id",
        [case_id, *owners],
    )
    by_owner: dict[tuple[str, str], list[str]] = {}
    for row in _lots_of(store, case_id, "owner", owners):
        by_owner.setdefault((row["owner"], row["kind"]), []).append(row["lot"])
    for p in made:
        p["inputs"] = by_owner.get((p["record_id"], "in"), [])
        p["outputs"] = by_owner.get((p["record_id"], "out"), [])
    for m in bought:
        m["lots"] = by_owner.get((m["movement_id"], "moved"), [])
    made = [p for p in made if any((lot, p["facility_id"]) in frontier for lot in p["outputs"])]
    bought = [m for m in bought if any((lot, m["buyer_id"]) in frontier for lot in m["lots"])]
    return made, bought


def _movements(store: Backend, case_id: str, movement_id: str) -> list[dict[str, Any]]:
    rows = store.dicts(
        "SELECT * FROM case_movements WHERE case_id = ? AND movement_id = ?",
        [case_id, movement_id],
    )
    for m in rows:
        m["lots"] = [r["lot"] for r in _lots_of(store, case_id, "owner", [movement_id])]
    return rows


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
