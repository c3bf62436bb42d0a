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

from paxta.screen.matcher import Matcher
from paxta.store import Backend
from paxta.trace.checks import listed_as, xinjiang_reason

MAX_TIERS = 8
SOURCES_PER_BATCH = 200


@dataclass(frozen=True)
class Exposure:
    """An importer, a risk source upstream of it, and the fewest tiers between them."""

    importer: str
    source: str
    tiers: int


def exposure(
    store: Backend,
    case_id: str,
    sources: Iterable[str],
    max_tiers: int = MAX_TIERS,
    batch: int = SOURCES_PER_BATCH,
) -> int:
    """Every importer reached from ``sources`` within ``max_tiers`` links, with the distance.

    The pairs are written to the ``exposure_results`` table (they can run to tens of millions);
    returns how many. Read them with :func:`read_exposure`. Sources are taken a batch at a
    time, so the work tables stay small whatever the number of sources.
    """
    ids = sorted(set(sources))
    _drop(store)
    store.sql(
        "CREATE TABLE exposure_edges AS SELECT DISTINCT seller_id, buyer_id "
        "FROM case_movements WHERE case_id = ?",
        [case_id],
    )
    store.sql(
        "CREATE OR REPLACE TABLE exposure_results "
        "(case_id VARCHAR, importer VARCHAR, source VARCHAR, tiers INTEGER)"
    )
    for start in range(0, len(ids), batch):
        _reach(store, case_id, ids[start : start + batch], max_tiers)
    _drop(store)
    return int(store.scalar("SELECT count(*) FROM exposure_results"))


def _reach(store: Backend, case_id: str, sources: list[str], max_tiers: int) -> None:
    store.sql("DROP TABLE IF EXISTS exposure_reached")
    store.sql("CREATE TABLE exposure_reached (party_id VARCHAR, source_id VARCHAR, tiers INTEGER)")
    store.append(
        "exposure_reached",
        pa.table(
            {
                "party_id": sources,
                "source_id": sources,
                "tiers": pa.array([0] * len(sources), pa.int32()),
            }
        ),
    )
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
    store.sql(
        "INSERT INTO exposure_results "
        "SELECT ?, r.party_id, r.source_id, min(r.tiers) FROM exposure_reached r "
        "JOIN case_parties p ON p.case_id = ? AND p.party_id = r.party_id "
        "WHERE p.role = 'importer' AND r.tiers > 0 GROUP BY ALL",
        [case_id, case_id],
    )


def read_exposure(store: Backend, limit: int | None = None) -> list[Exposure]:
    """The pairs the last :func:`exposure` run found, nearest first."""
    rows = store.sql(
        "SELECT importer, source, tiers FROM exposure_results ORDER BY tiers, importer, source"
        + (f" LIMIT {int(limit)}" if limit is not None else "")
    )
    return [Exposure(r[0], r[1], int(r[2])) for r in rows]


def _drop(store: Backend) -> None:
    store.sql("DROP TABLE IF EXISTS exposure_edges")
    store.sql("DROP TABLE IF EXISTS exposure_reached")


def risk_sources(store: Backend, case_id: str, matcher: Matcher | None = None) -> list[str]:
    """Parties whose address (or USCC) is in Xinjiang, or whose name matches a listed entity.

    The same tests the checks apply; names are screened only when a matcher is given.
    """
    parties = store.dicts("SELECT * FROM case_parties WHERE case_id = ?", [case_id])
    return [
        p["party_id"]
        for p in parties
        if xinjiang_reason(p) or (matcher is not None and listed_as(matcher, p))
    ]
