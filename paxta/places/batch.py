"""Locating a whole file: every row keeps its columns and gains the locator's answer."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from paxta.errors import InputError
from paxta.files import open_table
from paxta.places.locator import locate_address

OUTPUT_COLUMNS = ("paxta_xinjiang", "paxta_confidence", "paxta_place", "paxta_evidence")


def locate_rows(path: Path, column: str, encoding: str | None = None) -> Iterator[dict[str, Any]]:
    """Yield each row of ``path`` with the four ``paxta_*`` columns added."""
    table = open_table(path, encoding=encoding)
    if column not in table.columns:
        raise InputError(
            path, f"no column {column!r} (columns: {', '.join(table.columns)})", line=1
        )
    for row in table.rows:
        found = locate_address(row.values.get(column, ""))
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
