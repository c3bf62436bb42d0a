"""Reference data shipped with paxta; every file has a ``.PROVENANCE.md`` beside it."""

from __future__ import annotations

from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent


def data_path(*parts: str) -> Path:
    """The path of a shipped data file, e.g. ``data_path("places", "xinjiang_gazetteer.csv")``."""
    return DATA_DIR.joinpath(*parts)
