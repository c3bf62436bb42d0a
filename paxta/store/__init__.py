"""The store: the only package that imports a database engine.

``open_store()`` opens the engine an URL names, or ``$PAXTA_ENGINE``'s, or the DuckDB file under
paxta's home; everything else talks to the :class:`Backend` contract and asks its
:class:`Capabilities`. URLs: ``duckdb:PATH`` (or a plain path), ``spark:local[N]`` (Spark on this
machine), ``spark:spark://HOST:PORT`` / ``spark:k8s://...`` (any Spark master); a Spark store's
tables are Parquet folders in ``$PAXTA_WAREHOUSE`` (default: ``warehouse`` in paxta's home).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from paxta.config import paxta_home, store_path
from paxta.errors import PaxtaError
from paxta.store.backend import Backend, Capabilities, InvalidInput
from paxta.store.duck import DuckDBStore
from paxta.store.migrations import SCHEMA_VERSION

__all__ = [
    "SCHEMA_VERSION",
    "Backend",
    "Capabilities",
    "DuckDBStore",
    "InvalidInput",
    "open_store",
    "session",
]


def open_store(path: str | Path | None = None, lock_wait: float | None = None) -> Backend:
    """Open (creating and migrating if needed) the store ``path`` names (a DuckDB file or an
    engine URL), else ``$PAXTA_ENGINE``'s, else the DuckDB file in paxta's home; a DuckDB file
    held by another process is waited for up to ``lock_wait`` seconds (default
    ``$PAXTA_LOCK_WAIT``, 10)."""
    target = str(path) if path is not None else os.environ.get("PAXTA_ENGINE", "")
    engine, _, rest = target.partition(":")
    if engine == "spark" and rest:
        from paxta.store.spark import SparkStore

        warehouse = os.environ.get("PAXTA_WAREHOUSE") or str(paxta_home() / "warehouse")
        return SparkStore(rest, warehouse)
    if engine == "spark":
        raise PaxtaError(f"{target!r}: name the Spark master, e.g. spark:local[2].")
    if engine == "duckdb":
        target = rest
    return DuckDBStore(target or store_path(), lock_wait=lock_wait)


@contextmanager
def session(path: str | Path | None = None) -> Iterator[Backend]:
    """The store, open for a ``with`` block and closed after it, whatever happens."""
    store = open_store(path)
    try:
        yield store
    finally:
        store.close()
