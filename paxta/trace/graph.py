"""Rebuild a shipment's supply chain upstream, tier by tier, as iterative SQL steps.

Each step takes the frontier (lot, holder) pairs and asks the store two set-based questions:
which production records at the holder made the lot (their input lots become the frontier), and
which movements brought the lot to the holder (their sellers become the holders). No recursive
Python walk: each tier is two queries over the whole frontier, so a Spark backend can run the
same steps on data too large for one machine.
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
    first = _movements(store, case_id, "m.movement_id = ?", [shipment])
    if not first:
        return out
    m = first[0]
    out.links.append(_movement_link(0, m, docs))
    out.tiers[m["buyer_id"]] = 0
    out.tiers[m["seller_id"]] = 1
    frontier = {(lot, m["seller_id"]) for lot in m["lots"]}
    seen: set[tuple[str, str]] = set()
    for _ in range(MAX_TIERS):
        frontier -= seen
        if not frontier:
            break
        seen |= frontier
        made = _made(store, case_id, frontier)
        bought = _bought(store, case_id, frontier)
        nxt: set[tuple[str, str]] = set()
        for p in made:
            tier = out.tiers.get(p["facility_id"], 1)
            out.links.append(_production_link(tier, p, docs))
            nxt |= {(lot, p["facility_id"]) for lot in p["inputs"] or ()}
        for mv in bought:
            tier = out.tiers.get(mv["buyer_id"], 1) + 1
            out.tiers[mv["seller_id"]] = min(out.tiers.get(mv["seller_id"], tier), tier)
            out.links.append(_movement_link(tier, mv, docs))
            nxt |= {(lot, mv["seller_id"]) for lot in mv["lots"] or ()}
        found = {(lot, p["facility_id"]) for p in made for lot in p["outputs"] or ()} | {
            (lot, mv["buyer_id"]) for mv in bought for lot in mv["lots"] or ()
        }
        out.untraced += sorted(frontier - found)
        frontier = nxt
    return out


def _pairs(frontier: set[tuple[str, str]]) -> tuple[str, list[str]]:
    ordered = sorted(frontier)
    marks = ", ".join("(?, ?)" for _ in ordered)
    return marks, [x for pair in ordered for x in pair]


def _made(store: Backend, case_id: str, frontier: set[tuple[str, str]]) -> list[dict[str, Any]]:
    marks, params = _pairs(frontier)
    return store.dicts(
        "SELECT p.*, "
        "(SELECT list(i.lot ORDER BY i.lot) FROM case_lots i WHERE i.case_id = p.case_id "
        " AND i.owner = p.record_id AND i.kind = 'in') AS inputs, "
        "(SELECT list(o.lot ORDER BY o.lot) FROM case_lots o WHERE o.case_id = p.case_id "
        " AND o.owner = p.record_id AND o.kind = 'out') AS outputs "
        "FROM case_production p WHERE p.case_id = ? AND p.record_id IN ("
        " SELECT l.owner FROM case_lots l JOIN case_production q "
        " ON q.case_id = l.case_id AND q.record_id = l.owner "
        f" WHERE l.case_id = ? AND l.kind = 'out' AND (l.lot, q.facility_id) IN ({marks})) "
        "ORDER BY p.record_id",
        [case_id, case_id, *params],
    )


def _bought(store: Backend, case_id: str, frontier: set[tuple[str, str]]) -> list[dict[str, Any]]:
    marks, params = _pairs(frontier)
    where = (
        "m.movement_id IN (SELECT l.owner FROM case_lots l JOIN case_movements n "
        "ON n.case_id = l.case_id AND n.movement_id = l.owner "
        f"WHERE l.case_id = ? AND l.kind = 'moved' AND (l.lot, n.buyer_id) IN ({marks}))"
    )
    return _movements(store, case_id, where, [case_id, *params])


def _movements(store: Backend, case_id: str, where: str, params: list[Any]) -> list[dict[str, Any]]:
    return store.dicts(
        "SELECT m.*, (SELECT list(l.lot ORDER BY l.lot) FROM case_lots l "
        "WHERE l.case_id = m.case_id AND l.owner = m.movement_id AND l.kind = 'moved') AS lots "
        f"FROM case_movements m WHERE m.case_id = ? AND {where} ORDER BY m.movement_id",
        [case_id, *params],
    )


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
