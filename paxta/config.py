"""Where paxta keeps its files: everything it writes lives under ``PAXTA_HOME``."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from paxta.errors import PaxtaError

DEFAULT_HOME = Path("~/.local/share/paxta")


def paxta_home() -> Path:
    """Return paxta's home folder (``$PAXTA_HOME`` or ``~/.local/share/paxta``), created."""
    home = Path(os.environ.get("PAXTA_HOME") or DEFAULT_HOME).expanduser().resolve()
    home.mkdir(parents=True, exist_ok=True)
    return home


def store_path() -> Path:
    """Return the path of the DuckDB store file inside paxta's home."""
    return paxta_home() / "paxta.duckdb"


def inside_home(*parts: str) -> Path:
    """Join ``parts`` under paxta's home, refusing any path that would leave it."""
    home = paxta_home()
    target = home.joinpath(*parts).resolve()
    if target != home and home not in target.parents:
        raise PaxtaError(f"Refusing to write outside paxta's home ({home}): {target}")
    return target


def utc_now() -> datetime:
    """Now in UTC, as the naive timestamp the store keeps."""
    return datetime.now(UTC).replace(tzinfo=None)


def plain_row(row: dict[str, Any]) -> dict[str, Any]:
    """A database row as JSON data: dates and times as ISO text (seconds)."""
    return {
        k: (v.isoformat(timespec="seconds") if isinstance(v, datetime) else v)
        for k, v in row.items()
    }
