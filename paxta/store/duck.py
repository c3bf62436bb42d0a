"""The default backend: one DuckDB file under paxta's home."""

from __future__ import annotations

import logging
import os
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from paxta.errors import PaxtaError
from paxta.store.backend import Backend, Capabilities, InvalidInput
from paxta.store.migrations import MIGRATIONS

log = logging.getLogger(__name__)


ROW_GROUP = 122_880  # DuckDB's row group: a transaction's appends this large go to the file
_ORDER_BY = re.compile(r"\bORDER\s+BY\b", re.IGNORECASE)


class DuckDBStore(Backend):
    """A paxta store in one DuckDB file (or in memory with ``":memory:"``)."""

    capabilities = Capabilities(
        transactions=True, local_file=True, max_parallelism=1, recursive=True
    )

    def __init__(
        self, path: str | Path, memory_limit: str | None = None, lock_wait: float | None = None
    ) -> None:
        self.path = str(path)
        # DuckDB caches up to 80% of RAM by default; paxta shares the machine, so it asks less.
        config: dict[str, str | bool | int | float | list[str]] = {
            "memory_limit": memory_limit or os.environ.get("PAXTA_MEMORY_LIMIT", "2GB"),
            "preserve_insertion_order": False,
        }
        # Another process (a second server worker, a CLI run) may hold the file for a moment:
        # wait for it a little before giving up.
        wait = (
            lock_wait if lock_wait is not None else float(os.environ.get("PAXTA_LOCK_WAIT", "10"))
        )
        deadline = time.monotonic() + wait
        while True:
            try:
                self._con = duckdb.connect(self.path, config=config)
                self._con.execute("SET enable_progress_bar = false").fetchall()
                break
            except duckdb.Error as exc:
                if "lock" in str(exc).lower() and time.monotonic() < deadline:
                    time.sleep(0.05)
                    continue
                if "lock" in str(exc).lower():
                    raise PaxtaError(
                        f"{self.path}: the paxta store is in use by another paxta process; "
                        f"try again when it has finished (waited {wait:g} s)."
                    ) from None
                raise PaxtaError(f"{self.path}: cannot open the paxta store ({exc}).") from None
        self._lock = threading.RLock()
        self._depth = 0
        self._migrate()

    def _migrate(self) -> None:
        self._con.execute(
            "CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)"
        )
        # fetchall, not fetchone: DuckDB 2 refuses new work while a result is half read.
        rows = self._con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall()
        current = int(rows[0][0]) if rows else 0
        for number, title, statements in MIGRATIONS:
            if number <= current:
                continue
            log.info("store migration %d: %s", number, title)
            with self.transaction():
                for statement in statements:
                    self._con.execute(statement)
                self._con.execute(
                    "INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(number)]
                )

    def schema_version(self) -> int:
        """The number of the last migration applied to this store."""
        return int(self.scalar("SELECT value FROM meta WHERE key = 'schema_version'"))

    def sql(self, query: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            try:
                cursor = self._con.execute(query, list(params))
                return cursor.fetchall() if cursor.description else []
            except (duckdb.InvalidInputException, duckdb.ConversionException) as exc:
                raise InvalidInput(str(exc)) from exc

    def arrow(self, query: str, params: Sequence[Any] = ()) -> pa.Table:
        with self._lock, self._in_order(query):
            return self._con.sql(query, params=list(params) or None).to_arrow_table()

    def iter_batches(
        self, query: str, params: Sequence[Any] = (), size: int = 50_000
    ) -> Iterator[pa.RecordBatch]:
        with self._lock, self._in_order(query):
            reader = self._con.sql(query, params=list(params) or None).to_arrow_reader(size)
            yield from reader

    @contextmanager
    def _in_order(self, query: str) -> Iterator[None]:
        """An ordered query's Arrow result in its order: with ``preserve_insertion_order``
        off (as paxta runs DuckDB, to spare memory), DuckDB 1.5 hands an ORDER BY query's
        batches to Arrow in the order its threads finish them (a join's, in particular)."""
        ordered = _ORDER_BY.search(query) is not None
        if ordered:
            self._con.execute("SET preserve_insertion_order = true")
        try:
            yield
        finally:
            if ordered:
                self._con.execute("SET preserve_insertion_order = false")

    def map_batches(
        self,
        query: str,
        fn: Callable[[pa.RecordBatch], pa.Table | Iterable[pa.RecordBatch]],
        schema: pa.Schema,
        into: str,
        params: Sequence[Any] = (),
    ) -> None:
        # One process: the results are gathered, then stored (DuckDB refuses new statements on
        # a connection while a result is half read).
        out = []
        for batch in self.iter_batches(query, params):
            result = fn(batch)
            if not isinstance(result, pa.Table):
                result = pa.Table.from_batches(list(result), schema)
            out.append(result.cast(schema))
        result = pa.concat_tables(out) if out else schema.empty_table()
        with self._lock:
            self._con.register("_paxta_mapped", result)
            try:
                self._con.execute(
                    f'CREATE OR REPLACE TEMP TABLE "{into}" AS SELECT * FROM _paxta_mapped'
                )
            finally:
                self._con.unregister("_paxta_mapped")

    def append(self, table: str, data: pa.Table) -> None:
        columns = ", ".join(f'"{c}"' for c in data.column_names)
        large = data.num_rows >= ROW_GROUP
        with self._lock:
            self._con.register("_paxta_append", data)
            try:
                if large:  # an ordered insert writes whole row groups to the file at once
                    self._con.execute("SET preserve_insertion_order = true")
                self._con.execute(
                    f'INSERT INTO "{table}" ({columns}) SELECT {columns} FROM _paxta_append'
                )
            finally:
                self._con.unregister("_paxta_append")
                if large:
                    self._con.execute("SET preserve_insertion_order = false")

    def append_parquet(self, table: str, path: Path) -> None:
        where = str(path).replace("'", "''")
        self.sql(f"INSERT INTO \"{table}\" BY NAME SELECT * FROM read_parquet('{where}')")

    def read_table(self, path: str, into: str) -> list[str]:
        where = path.replace("'", "''")
        reader = (
            f"read_parquet('{where}')"
            if path.lower().endswith(".parquet")
            else f"read_csv('{where}', header = true, all_varchar = true)"
        )
        try:  # numbered in file order (_row: 1 for the first row after the header)
            self.sql("SET preserve_insertion_order = true")
            self.sql(
                f'CREATE OR REPLACE TEMP TABLE "{into}" AS '
                f"SELECT row_number() OVER () AS _row, * FROM {reader}"
            )
        except (duckdb.Error, InvalidInput) as exc:
            raise InvalidInput(str(exc)) from exc
        finally:
            self.sql("SET preserve_insertion_order = false")
        return [r[0] for r in self.sql(f'SELECT column_name FROM (DESCRIBE "{into}")')]

    def export(self, query: str, path: str) -> None:
        where = path.replace("'", "''")
        form = "parquet" if path.lower().endswith(".parquet") else "csv, header true"
        with self._lock, self._in_order(query):
            self.sql(f"COPY ({query}) TO '{where}' (FORMAT {form})")

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self._lock:
            if self._depth:  # nested: the outer block decides
                self._depth += 1
                try:
                    yield
                finally:
                    self._depth -= 1
                return
            self._con.execute("BEGIN TRANSACTION")
            self._depth = 1
            try:
                yield
            except BaseException:
                self._con.execute("ROLLBACK")
                raise
            else:
                self._con.execute("COMMIT")
            finally:
                self._depth = 0

    def close(self) -> None:
        with self._lock:
            self._con.close()
