"""Locating a whole file: every row keeps its columns and gains the locator's answer."""

from __future__ import annotations

import contextlib
import gc
import itertools
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from paxta.errors import InputError
from paxta.files import open_table
from paxta.memory import set_aside_for_the_run
from paxta.places.locator import Location, locate_address

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


def locate_many(addresses: Iterable[str]) -> Iterator[Location]:
    """Each address located, in order, a batch at a time, each distinct address of a batch once
    (a file names the same few addresses again and again). Spreading the batch over processes
    was measured slower here: a located address costs less to make than to send back."""
    it = iter(addresses)
    # What a batch keeps (the answers for its kinds of address) lives for the run: set aside
    # from the collector, not swept young and again older (a sweep cost ~7% of a 6,000-address
    # run).
    with set_aside_for_the_run() as aside:
        while batch := list(itertools.islice(it, BATCH)):
            distinct = list(dict.fromkeys(batch))
            with _collector_paused():  # (a batch makes no cycles; sweeping it cost ~10% to 25%)
                found = [locate_address(a) for a in distinct]
                aside()
            if len(distinct) == len(batch):
                yield from found
            else:
                by_address = dict(zip(distinct, found, strict=True))
                yield from (by_address[a] for a in batch)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector held off while the batch is located (and the caller's code
    never runs with it off): the collector sweeps the whole heap as a batch's answers pile up,
    and in a process holding large tables that costs more than the locating."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
