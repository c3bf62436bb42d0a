"""Supplier files a user watches: re-screened at every list update (``paxta watchlist``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from paxta.config import utc_now
from paxta.errors import PaxtaError
from paxta.files import open_table
from paxta.lists.importer import sha256_files
from paxta.screen.batch import Columns, clean_cell, resolve_columns
from paxta.store import Backend


@dataclass(frozen=True)
class Watchlist:
    """A registered supplier file."""

    watchlist_id: int
    name: str
    path: str
    sha256: str
    added_at: object
    row_count: int


def add_watchlist(
    store: Backend,
    path: Path,
    columns: Columns | None = None,
    ref_column: str | None = None,
    name: str | None = None,
    encoding: str | None = None,
) -> Watchlist:
    """Register a supplier file (CSV, TSV, XLSX, JSON lines): its rows are copied into the
    store, all or nothing; registering a file under a name already used replaces that one."""
    table = open_table(path, encoding=encoding)
    cols = resolve_columns(path, table.columns, columns, (("reference", ref_column),))
    label = name or path.stem
    rows: dict[str, list[object]] = {
        k: [] for k in ("row_no", "line", "name", "address", "country", "registry_id", "ref")
    }
    for number, row in enumerate(table.rows, start=1):
        value = clean_cell(row.values.get(cols.name, ""))
        if not value:
            continue
        rows["row_no"].append(number)
        rows["line"].append(row.line)
        rows["name"].append(value)
        for key, column in (
            ("address", cols.address),
            ("country", cols.country),
            ("registry_id", cols.registry_id),
            ("ref", ref_column),
        ):
            rows[key].append(clean_cell(row.values.get(column, "")) or None if column else None)
    if not rows["name"]:
        raise PaxtaError(f"{path}: no row has a name in column {cols.name!r}; nothing watched.")
    digest, _ = sha256_files([path])
    with store.transaction():
        old = store.sql("SELECT watchlist_id FROM watchlists WHERE name = ?", [label])
        for (wid,) in old:
            store.sql("DELETE FROM watchlist_rows WHERE watchlist_id = ?", [wid])
            store.sql("DELETE FROM watchlists WHERE watchlist_id = ?", [wid])
        wid = int(store.scalar("SELECT coalesce(max(watchlist_id), 0) + 1 FROM watchlists"))
        data = pa.table(
            {
                "watchlist_id": pa.array([wid] * len(rows["name"]), pa.int32()),
                **{k: pa.array(v) for k, v in rows.items()},
            }
        )
        store.append("watchlist_rows", data)
        store.sql(
            "INSERT INTO watchlists VALUES (?, ?, ?, ?, ?, ?)",
            [
                wid,
                label,
                str(path.resolve()),
                digest,
                utc_now().replace(microsecond=0),
                len(rows["name"]),
            ],
        )
    return Watchlist(wid, label, str(path.resolve()), digest, None, len(rows["name"]))


def watchlists(store: Backend) -> list[Watchlist]:
    """The registered supplier files."""
    return [
        Watchlist(*r)
        for r in store.sql(
            "SELECT watchlist_id, name, path, sha256, added_at, row_count FROM watchlists "
            "ORDER BY watchlist_id"
        )
    ]


def remove_watchlist(store: Backend, name: str) -> None:
    """Stop watching a supplier file (by its name)."""
    found = store.sql("SELECT watchlist_id FROM watchlists WHERE name = ?", [name])
    if not found:
        names = ", ".join(w.name for w in watchlists(store)) or "none"
        raise PaxtaError(f"no watched file named {name!r} (watched: {names}).")
    with store.transaction():
        store.sql("DELETE FROM watchlist_rows WHERE watchlist_id = ?", [found[0][0]])
        store.sql("DELETE FROM watchlists WHERE watchlist_id = ?", [found[0][0]])
