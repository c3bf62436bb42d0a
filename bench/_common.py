"""Helpers shared by the benchmarks: machine description, peak memory of a child, timing."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent / "out"


def machine() -> str:
    """One line describing this machine."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores, {mem:.0f} GiB, {cpu}, Python {platform.python_version()}"


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    """Run ``fn`` once and return (seconds, result)."""
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def run_child(code: str, *args: str) -> tuple[float, float, str]:
    """Run Python ``code`` in a child; return (seconds, peak RSS in MB, its stdout).

    The peak is the largest sum of memory over the child and all its descendants (worker
    processes included), sampled every 50 ms, or less often when a sample itself takes long
    (reading the PSS of gigabytes of mappings does: the sampler keeps under a tenth of a core
    for itself instead of taking it from the benchmark). Memory is the proportional set size (PSS)
    where the system gives it, so pages forked workers share are counted once, not per
    process; otherwise the resident set size.
    """
    import psutil

    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", code, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    parent = psutil.Process(proc.pid)
    peak = 0
    while proc.poll() is None:
        took = time.perf_counter()
        try:
            tree = [parent, *parent.children(recursive=True)]
            peak = max(peak, sum(_resident(p) for p in tree))
        except psutil.Error:
            pass
        time.sleep(max(0.05, 10 * (time.perf_counter() - took)))
    out, err = proc.communicate()
    if proc.returncode:
        raise RuntimeError(f"benchmark child failed: {err}")
    return time.perf_counter() - start, peak / 2**20, out


def _resident(process: Any) -> int:
    """A process's proportional set size (PSS), or its RSS where PSS is unknown."""
    try:
        pss: int = process.memory_full_info().pss
        return pss
    except (AttributeError, OSError):
        rss: int = process.memory_info().rss
        return rss


class LogicV2:
    """nomenklatura's logic-v2, called in this process on two FtM Company entities."""

    def __init__(self) -> None:
        import itertools
        import logging

        from nomenklatura.matching import get_algorithm

        logging.getLogger("nomenklatura").setLevel(logging.ERROR)
        algo = get_algorithm("logic-v2")
        assert algo is not None
        self.algo = algo
        self.config = algo.default_config()
        self._ids = itertools.count()

    def company(self, name: str) -> Any:
        """A Company entity; each gets its own id, since compare() caches results by id."""
        from followthemoney import model

        e = model.make_entity("Company")
        e.id = f"e{next(self._ids)}"
        e.add("name", name)
        return e

    def score(self, query: Any, candidate: Any) -> float:
        """logic-v2's score for two entities made by :meth:`company`."""
        return float(self.algo.compare(query, candidate, self.config).score)
