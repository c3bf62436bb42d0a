"""The store's contract: portable SQL in, Arrow out, Arrow batches appended.

Callers never import an engine. They write SQL that DuckDB and Spark SQL both accept, hand
Arrow tables to :meth:`Backend.append`, and read results as tuples or Arrow. The DuckDB file is
the default; a Spark backend implements the same few methods for data too large for one machine.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa


class InvalidInput(Exception):
    """The engine could not read an input file or convert a value (a broken CSV row ...); the
    message is the engine's own, for the caller to turn into one sentence."""


@dataclass(frozen=True)
class Capabilities:
    """What a backend supports, so callers ask instead of branching on its name."""

    transactions: bool  # all-or-nothing blocks; without, a failed step leaves earlier ones
    local_file: bool  # SQL reads local files (read_csv ...): imports run in the engine itself
    max_parallelism: int  # processes a set-based step may use (a cluster: its executor cores)
    deletes: bool = True  # DELETE ... WHERE; without, a table is rewritten without the rows
    recursive: bool = False  # WITH RECURSIVE: a walk over a graph in one query


class Shared:
    """A read-only value handed to every batch of :meth:`Backend.map_batches` (on Spark a
    broadcast variable: shipped to each executor once)."""

    def __init__(self, value: Any) -> None:
        self.value = value


class Backend(ABC):
    """An engine that runs paxta's SQL steps."""

    capabilities: Capabilities

    @abstractmethod
    def sql(self, query: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Run one statement and return its rows (empty for statements without a result)."""

    @abstractmethod
    def arrow(self, query: str, params: Sequence[Any] = ()) -> pa.Table:
        """Run one query and return its result as an Arrow table."""

    @abstractmethod
    def map_batches(
        self,
        query: str,
        fn: Callable[[pa.RecordBatch], pa.Table | Iterable[pa.RecordBatch]],
        schema: pa.Schema,
        into: str,
        params: Sequence[Any] = (),
    ) -> None:
        """Run ``fn`` over the query's result, a batch at a time, into the temporary table
        ``into`` (``schema``): a vectorised step in Python that the engine spreads over its
        workers. ``fn`` returns a table, or yields batches (a large result a piece at a time);
        it must pickle (a module-level function, or a partial of one)."""

    def step(self, name: str) -> None:
        """Name the statements from here on (on Spark: their jobs' group, as the UI and its
        REST API show it, so each step's stages, time and shuffle can be read back); a single
        process has nothing to name."""
        del name

    def share(self, value: Any) -> Shared:
        """``value`` for the batches of :meth:`map_batches` to read (``shared.value``)."""
        return Shared(value)

    @abstractmethod
    def append(self, table: str, data: pa.Table) -> None:
        """Append an Arrow table to ``table``; columns are matched by name."""

    @abstractmethod
    def append_parquet(self, table: str, path: Path) -> None:
        """Append a Parquet file's rows to ``table`` in one statement; columns by name."""

    @abstractmethod
    def read_table(self, path: str, into: str) -> list[str]:
        """Register a CSV file (header, every value text) or Parquet file or folder as the
        temporary table ``into``, read where it lies; its columns."""

    @abstractmethod
    def export(self, query: str, path: str) -> None:
        """Write the query's result to ``path``: Parquet when it ends .parquet, else CSV with a
        header (on Spark, a folder of part files)."""

    @abstractmethod
    def transaction(self) -> AbstractContextManager[None]:
        """All-or-nothing: commit when the block ends, roll back if it raises."""

    @abstractmethod
    def close(self) -> None:
        """Release the engine."""

    def dicts(self, query: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """Run a query and return its rows as dictionaries keyed by column name."""
        rows: list[dict[str, Any]] = self.arrow(query, params).to_pylist()
        return rows

    def scalar(self, query: str, params: Sequence[Any] = ()) -> Any:
        """Run a query and return the first column of its first row (or ``None``)."""
        rows = self.sql(query, params)
        return rows[0][0] if rows else None

    def iter_batches(
        self, query: str, params: Sequence[Any] = (), size: int = 50_000
    ) -> Iterator[pa.RecordBatch]:
        """Stream a query's result in Arrow record batches (default: all at once, split)."""
        yield from self.arrow(query, params).to_batches(max_chunksize=size)
