"""Benchmark: the Xinjiang locator against jionlp and cpca, on the labelled address set.

Goals (issue: locate): recall >= 0.98 on Xinjiang addresses, false alarms <= 0.5% elsewhere;
>= 20,000 addresses/s on one core; memory under 200 MB. jionlp and cpca read Chinese only, so
their figures are given over all rows and over the rows written in Chinese characters.

    python bench/bench_locate.py [--seed 2026]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
import warnings
from collections import Counter
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import machine, run_child
from locate_set import labelled_set

from paxta.places import locate_address
from paxta.scripts import has_han

XJ_PROVINCE = "新疆维吾尔自治区"
SPEED_CODE = """
import sys, time
sys.path.insert(0, sys.argv[1])
from locate_set import labelled_set
from paxta.places import locate_address
rows = [a for a, _, _ in labelled_set(int(sys.argv[2]))]
locate_address(rows[0])
batch = (rows * (1 + 60_000 // len(rows)))[:60_000]
t = time.perf_counter()
for a in batch:
    locate_address(a)
import resource
rate = len(batch) / (time.perf_counter() - t)
print(rate, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def paxta_says(address: str) -> bool:
    return locate_address(address).xinjiang


def jionlp_says() -> Callable[[str], bool]:
    import jionlp

    def says(address: str) -> bool:
        try:
            return jionlp.parse_location(address).get("province") == XJ_PROVINCE
        except Exception:  # jionlp raises on some inputs; count as "not found"
            return False

    return says


def cpca_says() -> Callable[[str], bool]:
    import cpca

    def says(address: str) -> bool:
        frame = cpca.transform([address])
        return frame.iloc[0]["省"] == XJ_PROVINCE

    return says


def score(rows: list[tuple[str, bool, str]], says: Callable[[str], bool]) -> dict[str, float]:
    tp = fp = fn = tn = 0
    start = time.perf_counter()
    for address, truth, _ in rows:
        said = says(address)
        tp += said and truth
        fp += said and not truth
        fn += truth and not said
        tn += not said and not truth
    seconds = time.perf_counter() - start
    return {
        "recall": tp / max(1, tp + fn),
        "false_alarms": fp / max(1, fp + tn),
        "per_s": len(rows) / seconds,
        "fn": fn,
        "fp": fp,
    }


def unique_addresses(seed: int, n: int) -> list[str]:
    """``n`` distinct addresses from the labelled set's templates (more seeds as needed)."""
    out: dict[str, None] = {}
    k = seed
    while len(out) < n:
        out.update(dict.fromkeys(a for a, _, _ in labelled_set(k)))
        k += 1
    return list(out)[:n]


def whole_list(seed: int, n: int, rounds: int = 5) -> None:
    """The batch paths on ``n`` distinct addresses, as their authors mean them to be called:
    cpca's ``transform`` on the whole list; paxta's ``locate_many`` (each distinct address
    once) and, for reference, one call per address. Each tool runs in a process of its own
    (one tool's tables slow every sweep of Python's collector in the other's), on one core,
    warmed on other addresses first; the two are taken in turn ``rounds`` times (the machine's
    speed drifts) and the medians reported."""
    rates: dict[str, list[float]] = {"batch": [], "single": [], "cpca": []}
    said: dict[str, int] = {}
    compiled = False
    for _ in range(rounds):
        for tool in ("paxta", "cpca"):
            child = subprocess.run(
                [sys.executable, __file__, "--seed", str(seed), "--tool", tool, "--size", str(n)],
                capture_output=True,
                text=True,
                check=True,
            )
            figures = child.stdout.split()
            if tool == "cpca" and not figures:
                continue  # not installed
            if tool == "paxta":
                rates["batch"].append(float(figures[0]))
                rates["single"].append(float(figures[1]))
                compiled = figures[2] == "1"
            else:
                rates["cpca"].append(float(figures[0]))
            said[tool] = int(figures[-1])
    batch, one = statistics.median(rates["batch"]), statistics.median(rates["single"])
    how = "compiled by mypyc" if compiled else "as Python: no compiled build"
    line = (
        f"{n:,} distinct addresses, median of {rounds} rounds: paxta locate_many "
        f"{batch:,.0f}/s, one call each {one:,.0f}/s (one core each; the locator {how})"
    )
    if not rates["cpca"]:
        print(line + "; cpca not installed")
        return
    cpca_rate = statistics.median(rates["cpca"])
    print(
        f"{line}; cpca transform on the whole list {cpca_rate:,.0f}/s (one core; its own "
        f"batch path); paxta/cpca {batch / cpca_rate:.2f}; Xinjiang said: paxta "
        f"{said['paxta']:,}, cpca {said['cpca']:,}"
    )
    print(
        "  each round (paxta locate_many / cpca, each in a process of its own): "
        + ", ".join(
            f"{p:,.0f}/{c:,.0f}" for p, c in zip(rates["batch"], rates["cpca"], strict=True)
        )
    )


def one_tool(tool: str, seed: int, n: int) -> None:
    """Print one tool's rate on ``n`` distinct addresses (and, for paxta, one call each), then
    how many it said are in Xinjiang: a child process of :func:`whole_list`."""
    addresses = unique_addresses(seed, n)
    warm = unique_addresses(seed + 1_000, 2_000)
    if tool == "cpca":
        try:
            import cpca
        except ImportError:
            return
        cpca.transform(warm)
        t = time.perf_counter()
        frame = cpca.transform(addresses)
        rate = len(addresses) / (time.perf_counter() - t)
        print(rate, int(sum(frame["省"] == XJ_PROVINCE)))
        return
    from paxta.native import is_compiled
    from paxta.places import locator
    from paxta.places.batch import locate_many
    from paxta.places.locator import forget_decisions

    for address in warm:
        locate_address(address)
    forget_decisions()
    t = time.perf_counter()
    ours = [loc.xinjiang for loc in locate_many(addresses)]
    batch = len(addresses) / (time.perf_counter() - t)
    forget_decisions()
    t = time.perf_counter()
    single = [locate_address(a).xinjiang for a in addresses]
    one = len(addresses) / (time.perf_counter() - t)
    assert ours == single
    print(batch, one, int(is_compiled(locator)), sum(ours))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--quick", action="store_true", help="2,000 rows (make bench-quick)")
    parser.add_argument("--whole-list", action="store_true", help="only the batch paths")
    parser.add_argument("--tool", choices=("paxta", "cpca"), help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, default=60_000, help=argparse.SUPPRESS)
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    if args.tool:
        one_tool(args.tool, args.seed, args.size)
        return
    if args.whole_list:
        whole_list(args.seed, 6_000 if args.quick else 60_000)
        return
    rows = labelled_set(args.seed)[: 2_000 if args.quick else None]
    han = [r for r in rows if has_han(r[0])]
    counts = Counter(r[1] for r in rows)
    print(f"machine: {machine()}")
    print(
        f"labelled set (seed {args.seed}): {counts[True]} Xinjiang, {counts[False]} elsewhere; "
        f"{len(han)} rows in Chinese characters"
    )
    tools: list[tuple[str, Callable[[str], bool]]] = [("paxta", paxta_says)]
    for name, make in (("jionlp", jionlp_says), ("cpca", cpca_says)):
        try:
            tools.append((name, make()))
        except ImportError:
            print(f"{name}: not installed (pip install -e '.[bench]')")
    print(f"{'tool':8} {'rows':>8} {'recall':>8} {'false alarms':>13} {'addr/s':>9}")
    for name, says in tools:
        for label, subset in (("all", rows), ("Chinese", han)):
            s = score(subset, says)
            print(
                f"{name:8} {label:>8} {s['recall']:8.4f} {s['false_alarms']:13.4%} "
                f"{s['per_s']:9,.0f}   (missed {s['fn']}, false {s['fp']})"
            )
    # In a process of its own, holding only paxta and cpca: the tables jionlp loaded above make
    # every sweep of Python's collector slower, and would slow whichever tool collects more.
    whole = subprocess.run(
        [sys.executable, __file__, "--seed", str(args.seed), "--whole-list"]
        + (["--quick"] if args.quick else []),
        capture_output=True,
        text=True,
        check=True,
    )
    print(whole.stdout, end="")
    _, _, out = run_child(SPEED_CODE, str(Path(__file__).resolve().parent), str(args.seed))
    rate, peak = (float(v) for v in out.split())
    print(
        f"paxta one core: {rate:,.0f} addresses/s over 60,000 addresses; "
        f"process peak RSS {peak:.0f} MB (whole Python process); goals >= 20,000/s, < 200 MB"
    )


if __name__ == "__main__":
    main()
