"""Benchmark: trade records at growing size: import, party resolution, screening, exposure.

Generates the seeded data set (paxta/trade/generate.py) at each size, imports the AMS files and
the third-country declarations into a fresh DuckDB store, resolves the parties, and reports the
exposure; prints the time of each step, the peak memory, the pairwise precision and recall of
party resolution against the generator's truth, and whether every planted path was found with
nothing else at high severity.

    python bench/bench_trade.py                 # 20,000 and 100,000 bills of lading
    python bench/bench_trade.py --sizes 1000000
    python bench/bench_trade.py --quick         # 5,000: a smoke run

The peer for party resolution is Splink (DuckDB backend), run on the same distinct party
spellings (name, country, address) the way its documentation sets up a deduplication: cleaned
names compared with Jaro-Winkler levels, addresses with Levenshtein levels, country exact;
blocking on country with the name's start and on the address; λ from deterministic rules, u
by random sampling, m by expectation maximisation; pairs at match probability >= 0.9,
clusters by connected components at 0.95. Both are scored against the same truth.
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


_LEGAL = (
    r"\b(co|ltd|limited|company|inc|incorporated|corp|corporation|llc|group|"
    r"industrial|industry)\b"
)


def splink_resolution(parties: list[tuple[str, str, str]]) -> tuple[dict[Any, Any], float]:
    """Splink's clusters of the party spellings (name, country, address), and its seconds."""
    import pandas as pd
    import splink.comparison_library as cl
    from splink import Linker, SettingsCreator, block_on
    from splink.backends.duckdb import DuckDBAPI

    t = time.perf_counter()
    frame = pd.DataFrame(
        [
            {"unique_id": i, "name": n, "country": c, "address": a or None}
            for i, (n, c, a) in enumerate(parties)
        ]
    )
    frame["name_clean"] = (
        frame["name"]
        .str.lower()
        .str.replace(r"[^a-z0-9 ]", " ", regex=True)
        .str.replace(_LEGAL, " ", regex=True)
        .str.split()
        .str.join(" ")
    )
    frame["address"] = frame["address"].str.lower()
    db_api = DuckDBAPI()
    df = db_api.register(frame)
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.JaroWinklerAtThresholds("name_clean", [0.97, 0.92, 0.85]),
            cl.LevenshteinAtThresholds("address", [1, 3]),
            cl.ExactMatch("country"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("country", "substr(name_clean, 1, 4)"),
            block_on("country", "address"),
        ],
    )
    linker = Linker(df, settings, log_level=None)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("name_clean", "country")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("country", "substr(name_clean, 1, 4)")
    )
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("country", "address")
    )
    predictions = linker.inference.predict(threshold_match_probability=0.9)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, 0.95)
    table = clusters.as_pandas_dataframe()
    assign = {
        (parties[int(r.unique_id)][0], parties[int(r.unique_id)][1]): r.cluster_id
        for r in table.itertuples()
    }
    return assign, time.perf_counter() - t


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
    # (each spelling with the address it is most written with)
    spellings = store.sql(
        """SELECT name, country, arg_max(address, n) FROM (
            SELECT exporter AS name, coalesce(exporter_country, '') AS country,
                exporter_address AS address, count(*) AS n FROM trade_records GROUP BY ALL
            UNION ALL SELECT importer, coalesce(importer_country, ''), importer_address, count(*)
            FROM trade_records GROUP BY ALL) GROUP BY name, country"""
    )
    peer, peer_s = splink_resolution(spellings)
    peer_pairs = _pairs(peer)
    peer_true = _pairs({k: parties[k] for k in peer if k in parties})
    peer_both = len(peer_pairs & peer_true)
    store.close()
    return {
        "splink_s": peer_s,
        "splink_precision": peer_both / len(peer_pairs) if peer_pairs else 1.0,
        "splink_recall": peer_both / len(peer_true) if peer_true else 1.0,
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
            print(
                f"{'':>10} Splink (DuckDB) on the same spellings: {f['splink_s']:.1f} s, "
                f"precision {f['splink_precision']:.4f}, recall {f['splink_recall']:.4f}"
            )


if __name__ == "__main__":
    main()
