"""Benchmark: the trade pipeline on Spark (local mode) beside DuckDB: same data, same answers.

For each size the seeded generator's data (seed 7, as ``bench_trade.py``) is imported, its
parties resolved, screened and located, and the exposure reported, first on a DuckDB file, then
on Spark in local mode with a Parquet warehouse. Printed: each step's time on both engines,
whether the organisations and the exposure paths are the same, and for each Spark step (named
by ``Backend.step``) its stages, tasks, executor time, input and shuffle bytes, read from
Spark's own REST API. Then a projection for 150 million records on a 16-node cluster from those
measurements, naming the stage that limits it.

    python bench/bench_engines.py --quick           # 5,000 bills: a smoke run
    python bench/bench_engines.py --sizes 1000000,5000000 --data DIR
"""

from __future__ import annotations

import argparse
import math
import os
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import httpx
import orjson

TARGET_RECORDS = 150_000_000
YEARS = 10  # ten years of bills, as CBP publishes them: one set of files a year
NODES, CORES_PER_NODE = 16, 8
NETWORK_BYTES_S = 1.25e9  # 10 Gbit/s per node, the usual cloud instance's
SPARK_MASTER = "local[2]"
SPARK_MEMORY = "6g"


def pipeline(store: Any, data: Path) -> tuple[dict[str, float], dict[str, Any]]:
    """Run the trade pipeline; its steps' seconds and what it found."""
    from paxta.lists.shipped import ensure_lists
    from paxta.trade.exposure import find_exposure
    from paxta.trade.parties import resolve_parties
    from paxta.trade.records import import_records

    ensure_lists(store)
    seconds = {}
    t = time.perf_counter()
    import_records(store, data / "ams")
    import_records(store, data / "customs")
    seconds["import"] = time.perf_counter() - t
    t = time.perf_counter()
    resolution = resolve_parties(store)
    seconds["resolve"] = time.perf_counter() - t
    t = time.perf_counter()
    paths = find_exposure(store)
    seconds["exposure"] = time.perf_counter() - t
    found = {
        "records": store.scalar("SELECT count(*) FROM trade_records"),
        "resolution": resolution,
        "parties": store.sql("SELECT name, country, org_id FROM trade_parties ORDER BY 1, 2"),
        "orgs": store.sql("SELECT org_id, name, decision, region FROM trade_orgs ORDER BY org_id"),
        "paths": orjson.dumps(paths, option=orjson.OPT_SORT_KEYS),
        "path_count": len(paths),
    }
    return seconds, found


def spark_steps(store: Any) -> dict[str, dict[str, float]]:
    """Per step (job group): stages, tasks, executor seconds, input and shuffle bytes."""
    context = store.spark.sparkContext
    base = f"{context.uiWebUrl}/api/v1/applications/{context.applicationId}"
    jobs = httpx.get(f"{base}/jobs", timeout=30).json()
    stages = {s["stageId"]: s for s in httpx.get(f"{base}/stages", timeout=30).json()}
    out: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for job in jobs:
        step = job.get("jobGroup") or "(other)"
        for sid in job["stageIds"]:
            s = stages.get(sid)
            if s is None or s.get("status") != "COMPLETE":
                continue
            row = out[step]
            row["stages"] += 1
            row["tasks"] += s["numTasks"]
            row["executor_s"] += s["executorRunTime"] / 1000
            row["input_mb"] += s["inputBytes"] / 1e6
            row["shuffle_read_mb"] += s["shuffleReadBytes"] / 1e6
            row["shuffle_write_mb"] += s["shuffleWriteBytes"] / 1e6
    return {k: dict(v) for k, v in out.items()}


def _minus(
    after: dict[str, dict[str, float]], before: dict[str, dict[str, float]]
) -> dict[str, dict[str, float]]:
    return {
        step: {k: v - before.get(step, {}).get(k, 0.0) for k, v in m.items()}
        for step, m in after.items()
        if m.get("stages", 0) > before.get(step, {}).get("stages", 0)
    }


def run(size: int, workdir: Path, data_root: Path | None, parts: int = 1) -> dict[str, Any]:
    from paxta.store import open_store
    from paxta.trade.generate import generate, split_ams

    data = (data_root or workdir) / f"data-{size}-{parts}"
    if not (data / "truth.json").exists():
        generate(data, records=size, customs=size // 3, seed=7, gzip_files=True)
        split_ams(data / "ams", parts)
    duck = open_store(f"duckdb:{workdir / f'duck-{size}.duckdb'}")
    try:
        duck_s, duck_found = pipeline(duck, data)
    finally:
        duck.close()
    os.environ["PAXTA_WAREHOUSE"] = str(workdir / f"warehouse-{size}")
    os.environ["PAXTA_SPARK_CONF"] = ",".join(
        [
            "spark.ui.enabled=true",  # its REST API reports each step's stages and shuffle
            "spark.ui.retainedJobs=100000",
            "spark.ui.retainedStages=100000",
            f"spark.driver.memory={SPARK_MEMORY}",  # local mode: the executors live in it
        ]
    )
    t = time.perf_counter()
    spark = open_store(f"spark:{SPARK_MASTER}")
    started = time.perf_counter() - t
    try:
        before = spark_steps(spark)  # (one Spark application serves every size of the run)
        spark_s, spark_found = pipeline(spark, data)
        steps = _minus(spark_steps(spark), before)
    finally:
        spark.close()
    same = {k: duck_found[k] == spark_found[k] for k in ("parties", "orgs", "paths", "records")}
    return {
        "size": size,
        "records": duck_found["records"],
        "spellings": duck_found["resolution"].spellings,
        "pairs": duck_found["resolution"].pairs_compared,
        "organisations": duck_found["resolution"].organisations,
        "paths": duck_found["path_count"],
        "duckdb": duck_s,
        "spark": spark_s,
        "spark_start_s": started,
        "same": same,
        "steps": steps,
    }


def projection(runs: list[dict[str, Any]]) -> list[tuple[str, float, float, float]]:
    """Each step's time on the target cluster: executor time grown with the data (the growth
    between the two largest runs, as a power of the records), spread over the cluster's cores,
    plus its shuffle sent once over the network. (step, exponent, seconds, shuffle GB)."""
    small, big = runs[-2], runs[-1]
    scale_records = TARGET_RECORDS / big["records"]
    out = []
    for step, m in big["steps"].items():
        m0 = small["steps"].get(step, {})
        if m0.get("executor_s") and m["executor_s"] and big["records"] != small["records"]:
            exponent = math.log(m["executor_s"] / m0["executor_s"]) / math.log(
                big["records"] / small["records"]
            )
            exponent = min(max(exponent, 0.0), 1.5)
        else:
            exponent = 1.0
        work = m["executor_s"] * scale_records**exponent
        shuffle = (m["shuffle_read_mb"] + m["shuffle_write_mb"]) * 1e6 * scale_records
        seconds = work / (NODES * CORES_PER_NODE) + shuffle / (NODES * NETWORK_BYTES_S)
        out.append((step, exponent, seconds, shuffle / 1e9))
    return sorted(out, key=lambda x: -x[2])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="20000,100000", help="bills of lading per run")
    parser.add_argument("--quick", action="store_true", help="one small run (5,000 bills)")
    parser.add_argument("--data", type=Path, help="keep (and reuse) the generated files here")
    parser.add_argument(
        "--parts",
        type=int,
        default=2,
        help="AMS files in this many yearly sets (Spark reads each on a worker)",
    )
    args = parser.parse_args()
    sizes = [5_000] if args.quick else [int(s) for s in args.sizes.split(",")]
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            r = run(size, Path(tmp), args.data, args.parts)
            runs.append(r)
            d, s = r["duckdb"], r["spark"]
            print(
                f"{r['records']:>10,} records ({r['spellings']:,} spellings, {r['pairs']:,} "
                f"pairs, {r['organisations']:,} organisations, {r['paths']:,} paths): "
                f"same answers {all(r['same'].values())} {r['same']}"
            )
            for step in ("import", "resolve", "exposure"):
                print(
                    f"{'':>10} {step:<9} DuckDB {d[step]:7.1f} s   Spark {SPARK_MASTER} "
                    f"{s[step]:7.1f} s   ({s[step] / d[step]:.1f}x)"
                )
            print(f"{'':>10} (Spark's own start: {r['spark_start_s']:.1f} s, not counted)")
            for step, m in sorted(r["steps"].items()):
                print(
                    f"{'':>12} {step:<42} {m['stages']:4.0f} stages {m['tasks']:6.0f} tasks "
                    f"{m['executor_s']:8.1f} executor-s  in {m['input_mb']:9.1f} MB  "
                    f"shuffle {m['shuffle_read_mb'] + m['shuffle_write_mb']:9.1f} MB"
                )
    if len(runs) >= 2:
        print(
            f"Projection: {TARGET_RECORDS:,} records on {NODES} nodes x {CORES_PER_NODE} cores "
            f"(executor time grown as measured between the two largest runs; shuffle at "
            f"{NETWORK_BYTES_S / 1e9:.2f} GB/s a node):"
        )
        for step, exponent, seconds, shuffle in projection(runs):
            print(f"  {step:<44} x^{exponent:.2f}  {seconds:8.1f} s  shuffle {shuffle:8.1f} GB")
        big = runs[-1]
        one_machine = big["duckdb"]["import"] * TARGET_RECORDS / big["records"]
        per_year = one_machine / YEARS
        print(
            f"  import: each yearly part read by one worker's DuckDB (measured here: "
            f"{big['duckdb']['import']:.1f} s for {big['records']:,} records on 2 cores); "
            f"{YEARS} years of {TARGET_RECORDS // YEARS:,} records on {YEARS} of the {NODES} "
            f"nodes at once: {per_year:,.0f} s at this machine's rate, the largest year "
            f"limiting it (one machine alone: {one_machine:,.0f} s)"
        )


if __name__ == "__main__":
    main()
