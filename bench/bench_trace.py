"""Benchmark: tracing and exposure on a generated trade graph of 1M parties and 10M movements.

Goals (issue: trace and dossier): ``paxta trace`` of one shipment <= 2 s; the exposure of every
importer to every listed or XUAR source within 8 tiers <= 5 min and <= 8 GB, compared with
networkx on a 1% sample in the same run.

The graph is generated in the store by SQL (seeded by DuckDB's hash of row numbers): seven tiers
(500,000 farms, 100,000 gins, traders, spinners and fabric mills, 80,000 garment makers, 20,000
importers); 1,670,000 lot chains, each lot moved farm -> gin -> trader -> spinner -> fabric
mill -> garment maker -> importer (10,020,000 movements). Parties sit in 1,000 regional clusters
and 95% of movements stay in their cluster. One farm or gin in 500 has an address in Xinjiang;
sources are found by locating every distinct address with paxta's locator.

    python bench/bench_trace.py [--chains 1670000] [--quick]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import machine, run_child

TIERS = [  # (role, parties)
    ("importer", 20_000),
    ("garment_maker", 80_000),
    ("fabric_mill", 100_000),
    ("spinner", 100_000),
    ("trader", 100_000),
    ("ginner", 100_000),
    ("farm", 500_000),
]
CLUSTERS = 1_000

STEP_CODE = """
import sys, time, os
sys.path.insert(0, sys.argv[1])
os.environ["PAXTA_HOME"] = sys.argv[2]
from paxta.store import open_store
from paxta.trace.exposure import exposure
store = open_store()
sources = [r[0] for r in store.sql("SELECT party_id FROM bench_sources")]
t = time.perf_counter()
pairs = exposure(store, sys.argv[3], sources)
importers = store.scalar("SELECT count(DISTINCT importer) FROM exposure_results")
print(f"pairs={pairs} importers={importers} sources={len(sources)} "
      f"seconds={time.perf_counter() - t:.1f}")
"""


def generate(store: object, case_id: str, chains: int, sample: int = 1) -> None:
    """Parties, movements and lots of the generated graph, by SQL."""
    sql = store.sql  # type: ignore[attr-defined]
    starts, start = [], 0
    for _, size in TIERS:
        starts.append(start)
        start += size
    cases = " ".join(f"WHEN i < {starts[t] + size} THEN {t}" for t, (_, size) in enumerate(TIERS))
    roles = " ".join(f"WHEN {t} THEN '{role}'" for t, (role, _) in enumerate(TIERS))
    sql(
        f"CREATE OR REPLACE TABLE bench_parties AS SELECT i, CASE {cases} END AS tier "
        f"FROM range({start}) r(i)"
    )
    sql(
        "INSERT INTO case_parties SELECT ?, 'P' || i, 'Party ' || i, NULL, [], "
        "CASE WHEN tier >= 5 AND hash(i) % 500 = 0 THEN '新疆阿克苏地区阿克苏市红旗坡' "
        "ELSE '江苏省南通市海门区' END, 'CN', [], "
        f"CASE tier {roles} END FROM bench_parties",
        [case_id],
    )
    picks = []
    for t in range(len(TIERS)):
        per_cluster = TIERS[t][1] // CLUSTERS
        cluster = (
            f"CASE WHEN hash(c * 7 + {t}) % 20 = 0 THEN hash(c * 13 + {t}) % {CLUSTERS} ELSE k END"
        )
        picks.append(
            f"'P' || ({starts[t]} + ({cluster}) + {CLUSTERS} * "
            f"(hash(c * 31 + {t}) % {per_cluster})) AS p{t}"
        )
    sql(
        f"CREATE OR REPLACE TABLE bench_chains AS SELECT c, {', '.join(picks)} FROM "
        f"(SELECT range AS c, hash(range) % {CLUSTERS} AS k FROM range({chains}) "
        f"WHERE range % {sample} = 0)"
    )
    for hop in range(len(TIERS) - 1):  # hop 0: garment maker -> importer
        sql(
            "INSERT INTO case_movements (case_id, movement_id, document_id, seller_id, buyer_id, "
            "payee_id, product, hs_code, quantity, unit, port_from, port_to, date, basis) "
            "SELECT ?, 'M' || c || '_' || ?, NULL, "
            f"p{hop + 1}, p{hop}, NULL, 'cotton goods', NULL, 1000, 'kg', NULL, NULL, "
            f"DATE '2026-06-01' - INTERVAL ({hop * 20}) DAY, 'documents' FROM bench_chains",
            [case_id, hop],
        )
        sql(
            "INSERT INTO case_lots SELECT ?, 'M' || c || '_' || ?, 'moved', 'L' || c, 1000 "
            "FROM bench_chains",
            [case_id, hop],
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chains", type=int, default=1_670_000)
    parser.add_argument("--quick", action="store_true", help="20,000 chains (make bench-quick)")
    args = parser.parse_args()
    if args.quick:
        args.chains = 20_000
    folder = Path(tempfile.mkdtemp(prefix="paxta-bench-trace-"))
    os.environ["PAXTA_HOME"] = str(folder / "home")

    from paxta.places.locator import locate_address
    from paxta.store import open_store
    from paxta.trace.graph import trace

    print(f"machine: {machine()}")
    store = open_store()
    t = time.perf_counter()
    generate(store, "bench", args.chains)
    generate(store, "sample", args.chains, sample=100)
    movements = store.scalar("SELECT count(*) FROM case_movements WHERE case_id = 'bench'")
    parties = store.scalar("SELECT count(*) FROM case_parties WHERE case_id = 'bench'")
    print(
        f"generated {parties:,} parties, {movements:,} movements in {time.perf_counter() - t:.0f} s"
    )

    t = time.perf_counter()
    addresses = [r[0] for r in store.sql("SELECT DISTINCT address FROM case_parties")]
    xinjiang = [a for a in addresses if locate_address(a).xinjiang]
    store.sql(
        "CREATE OR REPLACE TABLE bench_sources AS SELECT DISTINCT party_id FROM case_parties "
        "WHERE case_id = 'bench' AND list_contains(?, address)",
        [xinjiang],
    )
    sources = store.scalar("SELECT count(*) FROM bench_sources")
    print(
        f"risk sources (addresses located in Xinjiang): {sources:,} "
        f"({time.perf_counter() - t:.1f} s)"
    )

    times = []
    for c in (0, args.chains // 7, args.chains // 3, args.chains - 1):
        t = time.perf_counter()
        chain = trace(store, "bench", f"M{c}_0")
        times.append(time.perf_counter() - t)
    print(
        f"trace one shipment: {max(times):.2f} s worst of 4 ({len(chain.links)} links, "
        f"{max(chain.tiers.values())} tiers); median {sorted(times)[2]:.2f} s"
    )
    store.close()

    seconds, peak, out = run_child(
        STEP_CODE, str(Path(__file__).resolve().parent), os.environ["PAXTA_HOME"], "bench"
    )
    print(
        f"exposure, 8 tiers, whole graph: {seconds:.0f} s wall, peak {peak:,.0f} MB | {out.strip()}"
    )
    _sample(folder)


def _sample(folder: Path) -> None:
    """paxta and networkx on the 1% sample: the same answer, and their times."""
    import networkx as nx

    from paxta.store import open_store
    from paxta.trace.exposure import exposure, read_exposure

    store = open_store()
    store.sql(
        "CREATE OR REPLACE TABLE bench_sources AS SELECT DISTINCT party_id FROM case_parties "
        "WHERE case_id = 'sample' AND address LIKE '新疆%' AND party_id IN "
        "(SELECT seller_id FROM case_movements WHERE case_id = 'sample')"
    )
    sources = [r[0] for r in store.sql("SELECT party_id FROM bench_sources")]
    t = time.perf_counter()
    exposure(store, "sample", sources)
    ours = read_exposure(store)
    ours_s = time.perf_counter() - t
    importers = {
        r[0]
        for r in store.sql(
            "SELECT party_id FROM case_parties WHERE case_id = 'sample' AND role = 'importer'"
        )
    }
    t = time.perf_counter()
    edges = store.sql(
        "SELECT DISTINCT seller_id, buyer_id FROM case_movements WHERE case_id = 'sample'"
    )
    graph = nx.DiGraph(edges)
    theirs = set()
    for s in sources:
        for node, d in nx.single_source_shortest_path_length(graph, s, cutoff=8).items():
            if node in importers and d > 0:
                theirs.add((node, s, d))
    nx_s = time.perf_counter() - t
    store.close()
    same = theirs == {(e.importer, e.source, e.tiers) for e in ours}
    print(
        f"1% sample ({len(edges):,} links, {len(sources)} sources): paxta {ours_s:.2f} s, "
        f"networkx {nx_s:.2f} s (graph built from the same rows); same answer: {same} "
        f"({len(ours):,} importer-source pairs)"
    )


if __name__ == "__main__":
    main()
