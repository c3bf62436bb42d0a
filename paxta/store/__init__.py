"""The store: the only package that imports a database engine.

``open_store()`` opens the DuckDB file under paxta's home; everything else talks to the
:class:`Backend` contract.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from paxta.config import store_path
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
    """Open (creating and migrating if needed) the store at ``path`` or in paxta's home,
    waiting up to ``lock_wait`` seconds (default ``$PAXTA_LOCK_WAIT``, 10) for another
    process that holds it."""
    return DuckDBStore(path if path is not None else store_path(), lock_wait=lock_wait)


@contextmanager
def session(path: str | Path | None = None) -> Iterator[Backend]:
    """The store, open for a ``with`` block and closed after it, whatever happens."""
    store = open_store(path)
    try:
        yield store
    finally:
        store.close()
