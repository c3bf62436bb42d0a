"""Locating a whole file: every row keeps its columns and gains the locator's answer."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterable, Iterator
from multiprocessing import get_all_start_methods, get_context
from pathlib import Path
from typing import Any

from paxta.errors import InputError
from paxta.files import open_table
from paxta.places.locator import Location, locate_address
from paxta.workers import die_with_parent

PARALLEL_ABOVE = 2_000  # distinct addresses in a batch; below, one process is quicker
BATCH = 5_000  # addresses read at a time (each distinct one located once)

OUTPUT_COLUMNS = ("paxta_xinjiang", "paxta_confidence", "paxta_place", "paxta_evidence")


def locate_rows(path: Path, column: str, encoding: str | None = None) -> Iterator[dict[str, Any]]:
    """Yield each row of ``path`` with the four ``paxta_*`` columns added."""
    table = open_table(path, encoding=encoding)
    if column not in table.columns:
        raise InputError(
            path, f"no column {column!r} (columns: {', '.join(table.columns)})", line=1
        )
    rows, texts = itertools.tee(table.rows)
    located = locate_many(row.values.get(column, "") for row in texts)
    for row, found in zip(rows, located, strict=True):
        place = found.place or {}
        label = (
            f"{place.get('name_zh', '')} ({place.get('code') or place.get('key')})" if place else ""
        )
        evidence = "; ".join(e.text for e in found.evidence if e.used)
        yield {
            **row.values,
            "paxta_xinjiang": str(found.xinjiang).lower(),
            "paxta_confidence": f"{found.confidence:.2f}",
            "paxta_place": label,
            "paxta_evidence": evidence,
        }


def locate_many(addresses: Iterable[str], workers: int = 0) -> Iterator[Location]:
    """Each address located, in order: a batch at a time, each distinct address once, the
    distinct ones spread over ``workers`` processes (all cores when 0) when a batch is large."""
    workers = workers or min(os.cpu_count() or 1, 4)
    it = iter(addresses)
    pool = None
    try:
        while batch := list(itertools.islice(it, BATCH)):
            distinct = list(dict.fromkeys(batch))
            if pool is None and workers > 1 and len(distinct) >= PARALLEL_ABOVE and _forks():
                pool = get_context("fork").Pool(workers, initializer=die_with_parent)
            if pool is not None:
                size = -(-len(distinct) // workers)
                parts = [distinct[i : i + size] for i in range(0, len(distinct), size)]
                found = [loc for part in pool.map(_locate_all, parts) for loc in part]
            else:
                found = _locate_all(distinct)
            by_text = dict(zip(distinct, found, strict=True))
            yield from (by_text[a] for a in batch)
    finally:
        if pool is not None:
            pool.terminate()


def _locate_all(addresses: list[str]) -> list[Location]:
    return [locate_address(a) for a in addresses]


def _forks() -> bool:
    return "fork" in get_all_start_methods()
