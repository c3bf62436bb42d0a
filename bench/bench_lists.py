"""Benchmark: importing the official lists.

Goals (issue: foundation): the OFAC trio imports in under 10 s; FollowTheMoney lines stream at
>= 20,000 entities/s with memory under 1 GB for a 1M-entity file (generated here).

    python bench/bench_lists.py [--entities 1000000]
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import OUT, machine, run_child

IMPORT_CODE = """
import sys, time
from paxta.store import open_store
from paxta.lists.importer import import_list
store = open_store(sys.argv[1])
t = time.perf_counter()
r = import_list(store, sys.argv[2], source=sys.argv[3])
print(r.version.entity_count, time.perf_counter() - t)
"""

SYLLABLES = [
    "hua",
    "fu",
    "zhong",
    "tai",
    "he",
    "sheng",
    "xin",
    "da",
    "quan",
    "tian",
    "shan",
    "jin",
    "long",
    "kang",
    "yuan",
    "feng",
    "hong",
    "xiang",
    "mei",
    "li",
    "an",
    "bao",
]
INDUSTRY = ["Textile", "Cotton", "Chemical", "Silicon", "Trading", "Garment", "Energy", "Food"]


def generate_ftm(path: Path, n: int, seed: int = 7) -> None:
    """Write ``n`` FtM Company/Person entities plus one Sanction link per ten, as JSON lines."""
    rnd = random.Random(seed)
    with path.open("wb") as f:
        for i in range(n):
            trade = "".join(rnd.choice(SYLLABLES) for _ in range(2)).capitalize()
            schema = "Company" if i % 4 else "Person"
            props = {
                "name": [f"{trade} {rnd.choice(INDUSTRY)} Co., Ltd."],
                "alias": [f"{trade} {rnd.choice(INDUSTRY)}"],
                "country": [rnd.choice(["cn", "hk", "vn", "bd", "us"])],
                "address": [f"No. {rnd.randint(1, 999)} {trade} Road"],
            }
            if i % 3 == 0:
                props["registrationNumber"] = [f"9165{rnd.randint(10**13, 10**14 - 1)}"]
            record = {
                "id": f"gen-{i}",
                "schema": schema,
                "properties": props,
                "datasets": ["generated"],
                "last_change": "2026-11-01T00:00:00",
            }
            f.write(orjson.dumps(record) + b"\n")
            if i % 10 == 0:
                link = {
                    "id": f"san-{i}",
                    "schema": "Sanction",
                    "properties": {"entity": [f"gen-{i}"]},
                }
                f.write(orjson.dumps(link) + b"\n")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entities", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true", help="20,000 entities (make bench-quick)")
    args = parser.parse_args()
    if args.quick:
        args.entities = 20_000
    OUT.mkdir(exist_ok=True)
    work = OUT / "lists"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    print(f"machine: {machine()}")

    from paxta.data import data_path

    seconds, peak, out = run_child(
        IMPORT_CODE,
        str(work / "ofac.duckdb"),
        str(data_path("lists", "ofac", "sdn_2024-05-03.csv")),
        "ofac-sdn",
    )
    count, inner = out.split()
    print(
        f"OFAC trio: {int(count):,} entities imported in {float(inner):.2f} s "
        f"(process {seconds:.2f} s, peak RSS {peak:.0f} MB); goal < 10 s"
    )

    ftm = work / "entities.ftm.json"
    generate_ftm(ftm, args.entities)
    size = ftm.stat().st_size / 2**20
    seconds, peak, out = run_child(IMPORT_CODE, str(work / "ftm.duckdb"), str(ftm), "generated")
    count, inner = out.split()
    rate = int(count) / float(inner)
    print(
        f"FtM lines: {int(count):,} entities ({size:.0f} MB file) in {float(inner):.1f} s = "
        f"{rate:,.0f} entities/s, peak RSS {peak:.0f} MB; goal >= 20,000/s and < 1024 MB"
    )
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
