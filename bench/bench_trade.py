"""Benchmark: trade records at growing size: import, party resolution, screening, exposure.

Generates the seeded data set (paxta/trade/generate.py) at each size, imports the AMS files and
the third-country declarations into a fresh DuckDB store, resolves the parties, and reports the
exposure; prints the time of each step, the peak memory, the pairwise precision and recall of
party resolution against the generator's truth, and whether every planted path was found with
nothing else at high severity.

    python bench/bench_trade.py                 # 20,000 and 100,000 bills of lading
    python bench/bench_trade.py --sizes 1000000
    python bench/bench_trade.py --quick         # 5,000: a smoke run

Not yet compared with Splink (the issue names it as the peer for party resolution); the figures
here are paxta's alone.
"""

from __future__ import annotations

import argparse
import itertools
import resource
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any


def _pairs(assign: dict[Any, Any]) -> set[tuple[Any, ...]]:
    groups: dict[Any, list[Any]] = defaultdict(list)
    for key, group in assign.items():
        groups[group].append(key)
    return {tuple(sorted(p)) for m in groups.values() for p in itertools.combinations(m, 2)}


def _majority(found: dict[Any, Any], truth: dict[Any, Any]) -> dict[Any, Any]:
    votes: dict[Any, dict[Any, int]] = defaultdict(lambda: defaultdict(int))
    for key, org in found.items():
        if key in truth:
            votes[org][truth[key]] += 1
    return {org: max(v, key=lambda t: v[t]) for org, v in votes.items()}


def run(size: int, workdir: Path) -> dict[str, Any]:
    from paxta.lists.shipped import ensure_lists
    from paxta.store import open_store
    from paxta.trade.exposure import find_exposure
    from paxta.trade.generate import generate
    from paxta.trade.parties import resolve_parties
    from paxta.trade.records import import_records

    data = workdir / f"data-{size}"
    t = time.perf_counter()
    truth = generate(data, records=size, customs=size // 3, seed=7, gzip_files=True)
    generated = time.perf_counter() - t
    store = open_store(workdir / f"store-{size}.duckdb")
    ensure_lists(store)
    t = time.perf_counter()
    import_records(store, data / "ams")
    import_records(store, data / "customs")
    imported = time.perf_counter() - t
    t = time.perf_counter()
    r = resolve_parties(store)
    resolved = time.perf_counter() - t
    t = time.perf_counter()
    paths = find_exposure(store)
    exposed = time.perf_counter() - t
    parties = {(k.split("\t")[0].strip(), k.split("\t")[1]): v for k, v in truth["parties"].items()}
    found = {(n, c): o for n, c, o in store.sql("SELECT name, country, org_id FROM trade_parties")}
    predicted, true = _pairs(found), _pairs({k: parties[k] for k in found if k in parties})
    both = len(predicted & true)
    truth_of = _majority(found, parties)  # predicted organisation -> the company it mostly is
    planted = {p["source"] for p in truth["paths"]}
    sources = {truth_of.get(x["source"]["org_id"]) for x in paths}
    missed = [p for p in truth["paths"] if p["source"] not in sources]
    stray = [
        x
        for x in paths
        if x["severity"] == "high" and truth_of.get(x["source"]["org_id"]) not in planted
    ]
    store.close()
    return {
        "bills": truth["records"],
        "declarations": truth["customs_records"],
        "generate_s": generated,
        "import_s": imported,
        "resolve_s": resolved,
        "exposure_s": exposed,
        "spellings": r.spellings,
        "organisations": r.organisations,
        "precision": both / len(predicted) if predicted else 1.0,
        "recall": both / len(true) if true else 1.0,
        "paths": len(paths),
        "planted_missed": len(missed),
        "high_not_planted": len(stray),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="20000,100000", help="bills of lading per run")
    parser.add_argument("--quick", action="store_true", help="one small run (5,000 bills)")
    args = parser.parse_args()
    sizes = [5_000] if args.quick else [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            f = run(size, Path(tmp))
            print(
                f"{f['bills']:>10,} bills + {f['declarations']:,} declarations: "
                f"import {f['import_s']:.1f} s, resolve+screen {f['resolve_s']:.1f} s "
                f"({f['spellings']:,} spellings -> {f['organisations']:,} organisations), "
                f"exposure {f['exposure_s']:.1f} s; precision {f['precision']:.4f}, "
                f"recall {f['recall']:.4f}; {f['paths']} paths, planted missed "
                f"{f['planted_missed']}, high not planted {f['high_not_planted']}; "
                f"peak RSS {f['peak_rss_mb']:.0f} MB"
            )


if __name__ == "__main__":
    main()
