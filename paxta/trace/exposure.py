"""Exposure: which importers receive goods, within N tiers, from which risk sources.

Risk sources are parties the checks flag (listed, in Xinjiang, XPCC). Exposure runs downstream
over the case's trade links as iterative SQL steps: each step joins the frontier of (party,
source) pairs with the distinct seller-to-buyer links and keeps the pairs not reached before.
The work tables live in the store, so DuckDB can spill to disk and a Spark backend can run the
same statements.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pyarrow as pa

from paxta.store import Backend

MAX_TIERS = 8


@dataclass(frozen=True)
class Exposure:
    """An importer, a risk source upstream of it, and the fewest tiers between them."""

    importer: str
    source: str
    tiers: int


def exposure(
    store: Backend, case_id: str, sources: Iterable[str], max_tiers: int = MAX_TIERS
) -> list[Exposure]:
    """Every importer reached from ``sources`` within ``max_tiers`` links, with the distance."""
    _prepare(store, case_id, sources)
    for depth in range(1, max_tiers + 1):
        store.sql(
            "INSERT INTO exposure_reached "
            "SELECT DISTINCT e.buyer_id, f.source_id, ? FROM exposure_reached f "
            "JOIN exposure_edges e ON e.seller_id = f.party_id "
            "WHERE f.tiers = ? AND NOT EXISTS (SELECT 1 FROM exposure_reached r "
            "WHERE r.party_id = e.buyer_id AND r.source_id = f.source_id)",
            [depth, depth - 1],
        )
        if not store.scalar("SELECT count(*) FROM exposure_reached WHERE tiers = ?", [depth]):
            break
    rows = store.sql(
        "SELECT r.party_id, r.source_id, min(r.tiers) FROM exposure_reached r "
        "JOIN case_parties p ON p.case_id = ? AND p.party_id = r.party_id "
        "WHERE p.role = 'importer' AND r.tiers > 0 GROUP BY ALL ORDER BY 1, 3, 2",
        [case_id],
    )
    _drop(store)
    return [Exposure(r[0], r[1], int(r[2])) for r in rows]


def _prepare(store: Backend, case_id: str, sources: Iterable[str]) -> None:
    _drop(store)
    store.sql(
        "CREATE TABLE exposure_edges AS SELECT DISTINCT seller_id, buyer_id "
        "FROM case_movements WHERE case_id = ?",
        [case_id],
    )
    store.sql("CREATE TABLE exposure_reached (party_id VARCHAR, source_id VARCHAR, tiers INTEGER)")
    ids = sorted(set(sources))
    if ids:
        store.append(
            "exposure_reached",
            pa.table(
                {"party_id": ids, "source_id": ids, "tiers": pa.array([0] * len(ids), pa.int32())}
            ),
        )


def _drop(store: Backend) -> None:
    store.sql("DROP TABLE IF EXISTS exposure_edges")
    store.sql("DROP TABLE IF EXISTS exposure_reached")
