"""The compiled name, screening and locating code (``paxta.native``): used only while it was
built from these sources for this interpreter, and answering exactly as the Python does."""

from __future__ import annotations

import csv
import importlib.util
import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

import paxta.native as native
from paxta.screen.batch import _screened
from paxta.screen.matcher import Matcher
from paxta.store import Backend
from tests.conftest import FIXTURES
from tests.places.test_locator import TRAPS

BUILT = native.is_compiled(importlib.import_module("paxta.screen.matcher"))
needs_build = pytest.mark.skipif(
    not BUILT, reason="the compiled modules are not built here (no C compiler, or not by make)"
)


def _names() -> list[dict[str, str]]:
    """Real names in every form paxta meets: exhibitors' English and Chinese names, listed
    names as the press wrote them, and both cut and upper-cased as a bill of lading does, each
    beside an address that is or is not in Xinjiang."""
    fair = FIXTURES / "names" / "textile_fair_exhibitors_en_zh.csv"
    press = FIXTURES / "names" / "uflpa_chinese_names_from_press.csv"
    names: list[str] = []
    for row in csv.DictReader(fair.open(encoding="utf-8")):
        names += [row["name_en"], row["name_zh"]]
    for row in csv.DictReader(press.open(encoding="utf-8")):
        latin = row["name_en_as_stated_in_source"]
        names += [row["name_zh_as_stated"], latin, latin.upper()[:35], row["matched_list_name"]]
    addresses = [case["address"] for case in TRAPS]
    return [
        {"supplier": name, "address": addresses[i % len(addresses)]}
        for i, name in enumerate(n for n in names if n)
    ]


@needs_build
def test_a_screening_answers_as_the_python_one(home: Path, tmp_path: Path) -> None:
    """The same file screened by the compiled code and by the Python (``PAXTA_PURE=1``) gives
    the same file: decisions, scores, explanations and the located addresses."""
    rows = _names()
    source = tmp_path / "suppliers.csv"
    with source.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, ["supplier", "address"])
        writer.writeheader()
        writer.writerows(rows)
    said = []
    for pure in ("", "1"):
        out = tmp_path / f"screened{pure}.jsonl"
        env = {**os.environ, "PAXTA_HOME": str(home), "PAXTA_PURE": pure}
        command = ["screen", str(source), "--address-column", "address", "-o", str(out)]
        done = subprocess.run(
            [sys.executable, "-m", "paxta", *command], env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        said.append([json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()])
    compiled, python = said
    assert len(compiled) == len(rows)
    assert {r["paxta_decision"] for r in compiled} == {"match", "review", "clear"}
    assert compiled == python


@needs_build
def test_the_compiled_locator_answers_as_the_python_one() -> None:
    """Answers, evidence and its places, and why, for every trap, joined and upper-cased, each
    twice (the second time from what each has kept)."""
    from paxta.places import locator

    spec = importlib.util.spec_from_file_location(
        "paxta_locator_as_python", native.source_of("paxta.places.locator")
    )
    assert spec is not None and spec.loader is not None
    python = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = python  # (dataclasses look their module up)
    try:
        spec.loader.exec_module(python)
    finally:
        del sys.modules[spec.name]
    assert native.is_compiled(locator) and not native.is_compiled(python)
    addresses = [c["address"] for c in TRAPS]
    addresses += [f"{a}; {b}" for a, b in zip(addresses, reversed(addresses), strict=True)]
    addresses += [a.upper() for a in addresses] + ["", "   ", "91650100MA77XXXX3X 830000"]

    def said(found: locator.Location) -> tuple[object, ...]:
        evidence = [tuple(e) for e in found.evidence]
        return found.xinjiang, found.confidence, found.place, evidence, found.why

    for address in addresses * 2:
        assert said(locator.locate_address(address)) == said(python.locate_address(address))


@needs_build
def test_a_build_is_used_only_while_it_fits() -> None:
    """An edited source (one of those compiled, or one they were compiled against), another
    interpreter, or a missing file each send paxta back to the Python."""
    manifest = json.loads(native.MANIFEST.read_text(encoding="utf-8"))
    assert native.usable(manifest)
    assert "names/wordtables.py" in manifest["sources"]  # (imported by features: checked too)
    for source in ("names/features.py", "names/wordtables.py"):
        edited = {**manifest, "sources": {**manifest["sources"], source: "0" * 64}}
        assert not native.usable(edited)
    assert not native.usable({**manifest, "suffix": ".cpython-399-x86_64-linux-gnu.so"})
    gone = {**manifest["modules"], "paxta.screen.index": "screen/gone.native.so"}
    assert not native.usable({**manifest, "modules": gone})
    assert not native.usable({})


def test_pure_runs_the_python(tmp_path: Path) -> None:
    """``PAXTA_PURE=1`` runs every module as Python, built or not."""
    code = "import paxta.screen.index as m, paxta.native as n; print(n.is_compiled(m))"
    env = {**os.environ, "PAXTA_PURE": "1"}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert done.stdout.strip() == "False", done.stderr


def test_results_cross_between_processes_whole(store: Backend) -> None:
    """What a worker sends back (pickled) is rebuilt equal, compiled frozen classes too."""
    matcher = Matcher.from_store(store)
    queries = ["Xinjiang Zhongtai Chemical Co Ltd", "新疆中泰化学股份有限公司", "Acme Widgets Ltd"]
    for name in queries:
        screened = _screened(matcher, (name, frozenset(), frozenset(), ""))
        assert pickle.loads(pickle.dumps(screened)) == screened
    entries = [matcher.index.entry(i) for i in range(0, len(matcher.index), 997)]
    assert pickle.loads(pickle.dumps(entries)) == entries
