"""The lists shipped inside the package, so a fresh install screens without a network."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from paxta.data import data_path
from paxta.lists import repository as repo
from paxta.lists.importer import ImportResult, import_list
from paxta.store import Backend


@dataclass(frozen=True)
class ShippedList:
    """One list file in ``paxta/data/lists`` and the source it feeds."""

    source: str
    format: str
    path: Path


SHIPPED = [
    ShippedList(
        "uflpa",
        "uflpa-html",
        data_path("lists", "uflpa", "dhs_uflpa_entity_list_page_lastupdated-2025-01-14.html"),
    ),
    ShippedList("ofac-sdn", "ofac-sdn", data_path("lists", "ofac", "sdn_2024-05-03.csv")),
    ShippedList(
        "bis-entity-list",
        "bis-csv",
        data_path("lists", "bis", "bis_entity_list_xinjiang_related_2026-07.csv"),
    ),
    ShippedList(
        "cbp-wro", "cbp-csv", data_path("lists", "cbp", "cbp_wro_findings_china_2026-06-23.csv")
    ),
]


def import_shipped(
    store: Backend, progress: Callable[[str], None] | None = None
) -> list[ImportResult]:
    """Import every shipped list not yet in the store (identical files are skipped)."""
    results = []
    for item in SHIPPED:
        if progress:
            progress(item.source)
        results.append(import_list(store, item.path, source=item.source, fmt=item.format))
    return results


def ensure_lists(store: Backend) -> None:
    """Seed a store that holds no list at all with the shipped lists."""
    if not repo.all_versions(store):
        import_shipped(store)
