"""Benchmark: screening accuracy against nomenklatura's logic-v2 and rapidfuzz, in one run.

Goals (issue: screening): precision >= 0.98 and recall >= 0.95 at ``match``; Chinese-to-English
recall >= 0.90 where the trade name is pinyin or known to the alias table; no sister subsidiary
at ``match``; at least 10x logic-v2's pairs per second on the same candidate pairs.

The labelled set is built from the shipped lists and names (see screen_set.py). The index holds
only each entity's primary name, so aliases and former names must be linked by the matcher;
with ``--as-deployed`` it holds every listed name, as ``paxta screen`` does, and aliases and
former names are queried in bill-of-lading form instead.
Every method decides on the same candidates: paxta's blocks plus rapidfuzz's ten nearest
names. logic-v2 says ``match`` at >= 0.70 (yente's default) and ``review`` at >= 0.50;
token_set_ratio at >= 90 and >= 80.

    python bench/bench_screen.py [--seed 2026] [--ofac-sample 400]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import LogicV2, machine
from screen_set import (
    Case,
    Groups,
    as_deployed,
    background_cases,
    held_out,
    labelled_set,
    person_cases,
    press_rows,
    probe_cases,
    typo_cases,
)

METHODS = ("paxta", "logic-v2", "token_set_ratio")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--ofac-sample", type=int, default=400)
    parser.add_argument("--no-seed-aliases", action="store_true", help="Alias table off.")
    parser.add_argument(
        "--as-deployed",
        action="store_true",
        help="Index every listed name (as paxta screen does); aliases and former names are "
        "queried in bill-of-lading form.",
    )
    parser.add_argument(
        "--quick", action="store_true", help="600 sampled cases, OFAC sample of 50 (bench-quick)"
    )
    args = parser.parse_args()
    if args.quick:
        args.ofac_sample = 50
    os.environ["PAXTA_HOME"] = tempfile.mkdtemp(prefix="paxta-bench-screen-")

    from paxta.lists.shipped import ensure_lists
    from paxta.store import open_store

    store = open_store()
    ensure_lists(store)
    groups = Groups(store)
    cases = labelled_set(store, args.seed, args.ofac_sample) + probe_cases(groups)
    cases += typo_cases(groups, args.seed) + person_cases(groups, args.seed) + background_cases()
    if args.quick:  # a sample of every kind of case, for make bench-quick
        cases = random.Random(args.seed).sample(cases, min(len(cases), 600))
    if args.as_deployed:
        cases = as_deployed(cases, args.seed)
    else:
        store.sql("DELETE FROM entity_names WHERE kind <> 'primary'")
    run(store, groups, cases, args.no_seed_aliases)


def run(store: object, groups: Groups, cases: list[Case], no_seed: bool) -> None:
    from rapidfuzz import fuzz, process, utils

    from paxta.screen.aliases import AliasTable, learn, load_aliases
    from paxta.screen.compare import compare
    from paxta.screen.index import block_keys, load_index
    from paxta.screen.matcher import Matcher

    dev_pairs = [
        (r["name_zh_as_stated"], r["matched_list_name"])
        for r in press_rows()
        if not held_out(r["name_zh_as_stated"])
    ]
    aliases = load_aliases(None, pairs=dev_pairs)
    if no_seed:
        aliases = AliasTable()
        for a in learn(dev_pairs, "shipped-names"):
            aliases.add(a)
    t0 = time.perf_counter()
    index = load_index(store)  # type: ignore[arg-type]
    load_s = time.perf_counter() - t0
    matcher = Matcher(index, aliases)
    names = [(e, n) for e, n in _indexed_names(store)]
    choices = [n for _, n in names]

    results: dict[str, list[tuple[str, str | None]]] = {m: [] for m in METHODS}
    pairs: list[tuple[int, list[int]]] = []
    t_paxta = 0.0
    for i, case in enumerate(cases):
        t = time.perf_counter()
        found = matcher.match(case.query, limit=1)
        t_paxta += time.perf_counter() - t
        best = found[0] if found else None
        results["paxta"].append(
            (best.decision, groups.group(best.entity.entity_id)) if best else ("clear", None)
        )
        near = process.extract(
            case.query,
            choices,
            scorer=fuzz.token_set_ratio,
            processor=utils.default_process,
            limit=10,
        )
        q = matcher_features(case.query)
        blocked = {
            names_index(names, e.entity.entity_id, e.name)
            for e in index.candidates(block_keys(q, (), sorted(aliases.expand(q))))
        }
        candidates = sorted({j for _, _, j in near} | (blocked - {-1}))
        pairs.append((i, candidates))
        top = near[0] if near else None
        if top is None:
            results["token_set_ratio"].append(("clear", None))
        else:
            decision = "match" if top[1] >= 90 else "review" if top[1] >= 80 else "clear"
            results["token_set_ratio"].append((decision, groups.group(names[top[2]][0])))

    v2_scores, v2_s, n_pairs = _logic_v2(cases, pairs, names)
    for i in range(len(cases)):
        scored = v2_scores[i]
        if not scored:
            results["logic-v2"].append(("clear", None))
            continue
        score, j = max(scored)
        decision = "match" if score >= 0.70 else "review" if score >= 0.50 else "clear"
        results["logic-v2"].append((decision, groups.group(names[j][0])))

    _dump(cases, results, matcher)
    paxta_pairs_s = _paxta_pairs(cases, pairs, names, index, aliases, compare)
    _report(cases, results, groups, aliases)
    print()
    print(
        f"index load {load_s:.2f} s for {len(index):,} names; paxta match() "
        f"{len(cases) / t_paxta:,.0f} names/s (whole query: features, blocks, compare)"
    )
    print(
        f"pairs/s on the same {n_pairs:,} candidate pairs: paxta compare {paxta_pairs_s:,.0f}, "
        f"logic-v2 {n_pairs / v2_s:,.0f} ({paxta_pairs_s / (n_pairs / v2_s):.1f}x)"
    )
    print(f"machine: {machine()}")


def _dump(
    cases: list[Case], results: dict[str, list[tuple[str, str | None]]], matcher: object
) -> None:
    """Every case but the held-out ones, with each method's answer: bench/out/screen_cases.csv."""
    import csv

    from _common import OUT

    OUT.mkdir(exist_ok=True)
    with (OUT / "screen_cases.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["category", "query", "expected", *METHODS, "paxta_explanation"])
        for i, c in enumerate(cases):
            if c.held_out:
                continue
            found = matcher.match(c.query, limit=1)  # type: ignore[attr-defined]
            why = f"{found[0].entity.name} | {found[0].explanation}" if found else ""
            w.writerow(
                [
                    c.category,
                    c.query,
                    c.expected or "",
                    *(f"{results[m][i][0]}:{results[m][i][1] or ''}" for m in METHODS),
                    why,
                ]
            )


def matcher_features(name: str) -> object:
    from paxta.names.features import name_features

    return name_features(name)


_NAME_POS: dict[tuple[str, str], int] = {}


def names_index(names: list[tuple[str, str]], entity_id: str, name: str) -> int:
    if not _NAME_POS:
        _NAME_POS.update({(e, n): i for i, (e, n) in enumerate(names)})
    return _NAME_POS.get((entity_id, name), -1)


def _indexed_names(store: object) -> list[tuple[str, str]]:
    rows = store.sql(  # type: ignore[attr-defined]
        "SELECT entity_id, name FROM entity_names WHERE "
        "version_id IN (SELECT max(version_id) FROM list_versions GROUP BY source) "
        "ORDER BY entity_id"
    )
    return [(e, n) for e, n in rows]


def _logic_v2(
    cases: list[Case], pairs: list[tuple[int, list[int]]], names: list[tuple[str, str]]
) -> tuple[dict[int, list[tuple[float, int]]], float, int]:
    v2 = LogicV2()
    listed = {j: v2.company(names[j][1]) for _, cs in pairs for j in cs}
    queries = {i: v2.company(cases[i].query) for i, _ in pairs}
    scores: dict[int, list[tuple[float, int]]] = defaultdict(list)
    n = 0
    t = time.perf_counter()
    for i, cs in pairs:
        for j in cs:
            scores[i].append((v2.score(queries[i], listed[j]), j))
            n += 1
    return scores, time.perf_counter() - t, n


def _paxta_pairs(
    cases: list[Case],
    pairs: list[tuple[int, list[int]]],
    names: list[tuple[str, str]],
    index: object,
    aliases: object,
    compare: Callable[..., object],
) -> float:
    from paxta.names.features import name_features

    listed = {j: name_features(names[j][1]) for _, cs in pairs for j in cs}
    queries = {i: name_features(cases[i].query) for i, _ in pairs}
    expanded = {i: aliases.expand(q) for i, q in queries.items()}  # type: ignore[attr-defined]
    n = 0
    t = time.perf_counter()
    for i, cs in pairs:
        for j in cs:
            compare(queries[i], listed[j], expanded[i])
            n += 1
    return n / (time.perf_counter() - t)


def _report(
    cases: list[Case],
    results: dict[str, list[tuple[str, str | None]]],
    groups: Groups,
    aliases: object,
) -> None:
    from paxta.names.features import name_features

    print(
        f"{len(cases):,} cases: "
        + ", ".join(f"{k} {v}" for k, v in sorted(Counter(c.category for c in cases).items()))
    )
    print("(precision, recall, F1 and review leave out the developers' probe sets)")
    print(f"{'method':<16}{'precision':>10}{'recall':>8}{'F1':>7}{'review':>8}{'sister@match':>14}")
    scored = [
        i
        for i, c in enumerate(cases)
        if not c.category.startswith("probe-") and c.category != "background"
    ]
    for method in METHODS:
        tp = fp = 0
        positives = sum(1 for i in scored if cases[i].expected)
        review = sister = 0
        for case, (decision, group) in ((cases[i], results[method][i]) for i in scored):
            review += decision == "review"
            if decision != "match":
                continue
            if case.expected and group == case.expected:
                tp += 1
            else:
                fp += 1
                sister += case.category == "sister"
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / positives if positives else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        print(f"{method:<16}{p:>10.3f}{r:>8.3f}{f1:>7.3f}{review / len(scored):>8.3f}{sister:>14}")
    background = [i for i, c in enumerate(cases) if c.category == "background"]
    if background:
        print()
        print(
            f"real unlisted names, the half of background_companies.csv not fitted on "
            f"({len(background):,} names; goals: review <= 3%, match <= 0.1%):"
        )
        for method in METHODS:
            decided = Counter(results[method][i][0] for i in background)
            print(
                f"  {method:<16} review {decided['review'] / len(background):.2%}, "
                f"match {decided['match'] / len(background):.2%}"
            )
    print()
    print("recall at match by category (positives) / share at match (negatives):")
    cats = sorted({(c.category, c.held_out) for c in cases})
    print(f"{'category':<24}" + "".join(f"{m:>16}" for m in METHODS) + f"{'n':>6}")
    for cat, hold in cats:
        label = cat + (" (held out)" if hold else " (dev)" if cat.startswith("p") else "")
        row = f"{label:<24}"
        idx = [i for i, c in enumerate(cases) if c.category == cat and c.held_out == hold]
        for method in METHODS:
            hits = 0
            for i in idx:
                decision, group = results[method][i]
                if cases[i].expected:
                    hits += decision == "match" and group == cases[i].expected
                else:
                    hits += decision == "match"
            row += f"{hits / len(idx):>16.3f}"
        print(row + f"{len(idx):>6}")
    # Chinese to English where the trade name is pinyin or in the alias table
    eligible = []
    for i, c in enumerate(cases):
        if c.category != "press-zh":
            continue
        q = name_features(c.query)
        english = [
            n
            for e, grp in groups.parent.items()
            if groups.group(e) == c.expected
            for n, _ in groups.names[e]
        ]
        keys = {k for n in english for k in name_features(n).keys}
        if set(q.keys) & keys or aliases.expand(q) & keys:  # type: ignore[attr-defined]
            eligible.append(i)
    for hold in (False, True):
        idx = [i for i in eligible if cases[i].held_out == hold]
        if idx:
            hits = sum(results["paxta"][i] == ("match", cases[i].expected) for i in idx)
            print(
                "Chinese-to-English recall, trade name pinyin or aliased "
                f"({'held out' if hold else 'dev'}): "
                f"paxta {hits}/{len(idx)} = {hits / len(idx):.3f}"
            )


if __name__ == "__main__":
    main()
