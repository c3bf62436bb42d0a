"""A list older than three months is named on every screening, with its age."""

from __future__ import annotations

from datetime import date, datetime

from paxta.lists.repository import ListVersion, stale_versions, staleness_warning


def _version(source: str, version: str) -> ListVersion:
    return ListVersion(1, source, version, "csv", "0" * 64, "f.csv", None, 10, datetime(2026, 1, 1))


def test_old_lists_are_named_with_their_age() -> None:
    today = date(2026, 12, 5)
    versions = [
        _version("uflpa", "2025-01-14"),
        _version("bis-entity-list", "2026-07"),
        _version("ofac-sdn", "2026-11-30"),
        _version("custom", "march"),
    ]
    stale = stale_versions(versions, today)
    assert [(v.source, age) for v, age in stale] == [("uflpa", 690), ("bis-entity-list", 157)]
    warning = staleness_warning(versions, today)
    assert "uflpa 2025-01-14 (690 days old)" in warning and "ofac-sdn" not in warning
    assert staleness_warning([_version("ofac-sdn", "2026-11-30")], today) == ""
