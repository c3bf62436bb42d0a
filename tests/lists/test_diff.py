"""Version-to-version diffs, tested on the real UFLPA page before and after January 2025."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from paxta.lists.diff import diff_versions
from paxta.lists.importer import import_list
from paxta.lists.sources.uflpa import entity_key
from paxta.store import Backend
from tests.conftest import UFLPA_PAGE, UFLPA_TABLE

NEW_DATE = "January 15, 2025"


@pytest.fixture
def home(empty_home: Path) -> Path:
    """These tests import lists into a store that holds none yet."""
    return empty_home


def _page_before_update(tmp_path: Path) -> Path:
    html = UFLPA_PAGE.read_text(encoding="utf-8")
    rows = re.findall(r"<tr><td>(?:(?!</tr>).)*</td></tr>", html)
    for row in rows:
        if NEW_DATE in row:
            html = html.replace(row, "", 1)
    html = html.replace("Last Updated:</span> 01/14/2025", "Last Updated:</span> 11/25/2024")
    page = tmp_path / "uflpa_2024-11-25.html"
    page.write_text(html, encoding="utf-8")
    return page


def _expected() -> tuple[set[str], set[str]]:
    rows = list(csv.DictReader(UFLPA_TABLE.open(encoding="utf-8")))
    new_keys = {entity_key(r["primary_name"]) for r in rows if r["effective_date"] == "2025-01-15"}
    old_keys = {entity_key(r["primary_name"]) for r in rows if r["effective_date"] != "2025-01-15"}
    return new_keys - old_keys, new_keys & old_keys


def test_diff_reports_exactly_the_january_2025_additions(tmp_path: Path, store: Backend) -> None:
    old = import_list(store, _page_before_update(tmp_path), source="uflpa")
    new = import_list(store, UFLPA_PAGE, source="uflpa")
    assert (old.version.version, new.version.version) == ("2024-11-25", "2025-01-14")
    added_keys, changed_keys = _expected()
    assert added_keys and changed_keys

    diff = diff_versions(store, "uflpa")
    assert {e.id for e in diff.added} == {f"uflpa-{k.replace(' ', '-')}" for k in added_keys}
    assert {c.entity_id for c in diff.changed} == {
        f"uflpa-{k.replace(' ', '-')}" for k in changed_keys
    }
    assert diff.removed == []
    for change in diff.changed:
        programs = next(f for f in change.changes if f.field == "programs")
        assert all(p.endswith("(2025-01-15)") for p in programs.added)
        assert programs.removed == []


def test_diff_between_named_versions_and_back(tmp_path: Path, store: Backend) -> None:
    import_list(store, _page_before_update(tmp_path), source="uflpa")
    import_list(store, UFLPA_PAGE, source="uflpa")
    forward = diff_versions(store, "uflpa", "2024-11-25", "2025-01-14")
    backward = diff_versions(store, "uflpa", "2025-01-14", "2024-11-25")
    assert {e.id for e in forward.added} == {e.id for e in backward.removed}
    assert {c.entity_id for c in forward.changed} == {c.entity_id for c in backward.changed}
