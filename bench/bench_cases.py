"""Evaluation: tracing cases paxta was never tuned on, against the findings their author planted.

Each folder in ``bench/cases_held_out/`` is a case in the documented format (docs/formats.md)
with ``expected.csv`` (code, party: every planted finding) and ``traps.csv`` (party: places that
only look like Xinjiang, which must raise no Xinjiang, XPCC or list finding). The cases were
written and committed before paxta first ran them, and paxta is not changed to make them pass:
what this prints is the figure to report, misses included. Every shipment of each case is
traced, as ``paxta trace`` does; findings are compared by code and party. Findings above
``info`` that were not planted are listed for a person to judge (some are right, such as a
group relation the author did not write down).

    python bench/bench_cases.py [--quick]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import machine

HELD_OUT = Path(__file__).resolve().parent / "cases_held_out"
ALARMS = ("xinjiang_location", "xinjiang_origin", "xpcc_affiliation", "listed_entity")


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@dataclass
class Result:
    """One case's comparison with what its author planted."""

    case: str
    error: str = ""
    found: list[tuple[str, str]] = field(default_factory=list)
    missed: list[tuple[str, str]] = field(default_factory=list)
    traps: int = 0
    sprung: list[str] = field(default_factory=list)
    others: list[str] = field(default_factory=list)


def evaluate(folder: Path) -> Result:
    """One case: planted findings found and missed, traps sprung, other findings."""
    from click.testing import CliRunner

    from paxta.cli import cli

    runner = CliRunner()
    imported = runner.invoke(cli, ["case", "import", str(folder), "--json"])
    if imported.exit_code:
        return Result(folder.name, error=imported.output.strip())
    findings: list[dict[str, str]] = []
    for shipment in json.loads(imported.output):
        traced = runner.invoke(cli, ["trace", shipment["shipment"], "--json"])
        if traced.exit_code:
            return Result(folder.name, error=traced.output.strip())
        findings += json.loads(traced.output)["findings"]
    got = {(f["code"], f["party"] or "") for f in findings}
    expected = [(r["code"], r["party"]) for r in _rows(folder / "expected.csv")]
    traps = {r["party"]: r["why"] for r in _rows(folder / "traps.csv")}
    return Result(
        folder.name,
        found=[e for e in expected if e in got],
        missed=[e for e in expected if e not in got],
        traps=len(traps),
        sprung=sorted(
            f"{f['code']} at {f['party']} ({traps[f['party']]})"
            for f in findings
            if f["party"] in traps and f["code"] in ALARMS
        ),
        others=sorted(
            {
                f"{f['code']} at {f['party'] or '-'}"
                for f in findings
                if f["severity"] != "info" and (f["code"], f["party"] or "") not in set(expected)
            }
        ),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the same run (the cases are small)")
    parser.parse_args()
    os.environ["PAXTA_HOME"] = tempfile.mkdtemp(prefix="paxta-bench-cases-")
    print(f"# Held-out cases, {date.today()}, {machine()}")
    print("| case | planted found | missed | traps sprung | other findings (to judge) |")
    print("|---|---|---|---|---|")
    results = [
        evaluate(folder)
        for folder in sorted(HELD_OUT.iterdir())
        if (folder / "expected.csv").is_file()
    ]
    for r in results:
        if r.error:
            print(f"| {r.case} | could not be traced: {r.error} | | | |")
            continue
        missed = ", ".join(f"{c} at {p or '-'}" for c, p in r.missed) or "none"
        sprung = f"{len(r.sprung)} of {r.traps}" + (f": {'; '.join(r.sprung)}" if r.sprung else "")
        print(
            f"| {r.case} | {len(r.found)} of {len(r.found) + len(r.missed)} | {missed} | "
            f"{sprung} | {', '.join(r.others) or 'none'} |"
        )
    found = sum(len(r.found) for r in results)
    planted = found + sum(len(r.missed) for r in results)
    sprung_all = sum(len(r.sprung) for r in results)
    print(
        f"planted findings found: {found} of {planted}; "
        f"traps sprung: {sprung_all} of {sum(r.traps for r in results)}"
    )
    if any(r.error for r in results):
        sys.exit(1)


if __name__ == "__main__":
    main()
