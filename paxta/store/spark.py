"""The Spark backend: paxta's tables as Parquet folders in a warehouse, its SQL run by Spark.

``open_store("spark:local[2]")`` runs Spark in this process's machine; ``spark://HOST:PORT`` (a
standalone cluster), ``k8s://...`` or any master Spark accepts works the same, with the
warehouse on storage every executor reads (``$PAXTA_WAREHOUSE``: a shared folder, ``s3a://``,
``abfss://`` ...). The catalog is Spark's own in-memory one: each table is declared again at
every start over its folder (``CREATE TABLE ... USING parquet LOCATION``), replaying the
migrations, so nothing but the folders holds state.

What differs from DuckDB, and how callers learn it (:class:`Capabilities`): there are no
transactions (each statement is one Spark job, whose output is committed whole or not at all;
an import stages its rows and appends them in one statement per table), no ``DELETE`` or
``UPDATE`` on Parquet (the table is rewritten without the rows, or with the new values).
A temporary table is a Parquet folder under ``_scratch`` in the warehouse, removed at close.
SQL arrives in DuckDB's dialect and is translated (:mod:`paxta.store.dialect`).
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import sys
import uuid
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyarrow as pa

from paxta.errors import PaxtaError
from paxta.store.backend import Backend, Capabilities, InvalidInput, Shared
from paxta.store.dialect import to_spark
from paxta.store.migrations import MIGRATIONS, SCHEMA_VERSION

log = logging.getLogger(__name__)

_TABLE = re.compile(r"^\s*CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(\w+)", re.I)
_UPDATE = re.compile(r"^\s*UPDATE\s+\w+\s+SET\b", re.I)
_DELETE = re.compile(r"^\s*DELETE\s+FROM\s+(\w+)\s*(?:WHERE\s+(.*))?$", re.I | re.S)


class SparkStore(Backend):
    """A paxta store in a warehouse folder of Parquet tables, run by Spark."""

    def __init__(self, master: str, warehouse: str | Path) -> None:
        try:
            from pyspark.sql import SparkSession
        except ImportError:
            raise PaxtaError(
                "the Spark engine needs pyspark: pip install 'paxta[spark]' (and Java 17)."
            ) from None
        self.master = master
        self.warehouse = str(warehouse)
        if "://" not in self.warehouse:
            Path(self.warehouse).mkdir(parents=True, exist_ok=True)
        cores = _local_cores(master)
        # Python workers run this interpreter (its packages), unless the cluster says otherwise.
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        builder = (
            SparkSession.builder.master(master)
            .appName("paxta")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.shuffle.partitions", str(max(2, cores * 2) if cores else 200))
            .config("spark.sql.execution.arrow.pyspark.enabled", "true")
            .config("spark.sql.legacy.allowNonEmptyLocationInCTAS", "true")
            .config("spark.driver.memory", os.environ.get("PAXTA_SPARK_DRIVER_MEMORY", "2g"))
            .config("spark.sql.warehouse.dir", self.warehouse)
        )
        for key, value in _extra_conf():  # $PAXTA_SPARK_CONF: key=value,key=value
            builder = builder.config(key, value)
        try:
            with warnings.catch_warnings():  # "does not yet fully support pandas >= 3"
                warnings.simplefilter("ignore", FutureWarning)
                self.spark = builder.getOrCreate()
        except Exception as exc:  # no Java, a master that does not answer ...
            raise PaxtaError(
                f"Spark ({master}) did not start: {str(exc).splitlines()[0]}"
            ) from None
        self.spark.sparkContext.setLogLevel("ERROR")
        self.capabilities = Capabilities(
            transactions=False,
            local_file=False,
            max_parallelism=cores or self.spark.sparkContext.defaultParallelism,
            deletes=False,
        )
        self._temps: set[str] = set()
        self._written = 0
        self._scratch = f"{self.warehouse.rstrip('/')}/_scratch/{uuid.uuid4().hex}"
        self._declare()

    # --- schema ---------------------------------------------------------------------------

    def _declare(self) -> None:
        """Every table of every migration, over its folder; then the later columns."""
        for _number, _title, statements in MIGRATIONS:
            for statement in statements:
                st = to_spark(statement).sql
                name = _TABLE.match(statement)
                if name:  # declared afresh: an earlier store in this process had its own
                    location = f"{self.warehouse.rstrip('/')}/{name.group(1)}"
                    self.spark.sql(f"DROP TABLE IF EXISTS {name.group(1)}")  # the entry only
                    self.spark.sql(f"{st} LOCATION '{location}'")
                else:
                    self.spark.sql(st)

    def schema_version(self) -> int:
        """The number of the last migration (the tables are declared from all of them)."""
        return SCHEMA_VERSION

    # --- statements -----------------------------------------------------------------------

    def _frame(self, query: str, params: Sequence[Any]) -> Any:
        st = to_spark(query)
        try:
            return self.spark.sql(st.sql, args=list(params) or None)
        except Exception as exc:
            raise _error(exc, st.sql) from None

    def sql(self, query: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        st = to_spark(query)
        if st.drop:
            self.spark.catalog.dropTempView(st.drop)
            self._temps.discard(st.drop)
            return []
        if st.temp:
            self._keep(self.spark.sql(st.sql, args=list(params) or None), st.temp)
            return []
        delete = _DELETE.match(query)
        if delete:
            self._delete(delete.group(1), delete.group(2), params)
            return []
        if _UPDATE.match(query):
            self._update(query, params)
            return []
        return [tuple(r) for r in self._frame(query, params).collect()]

    def _keep(self, frame: Any, name: str) -> None:
        """A temporary table: written as Parquet under the warehouse's scratch folder and read
        back, so its plan starts afresh with the file's true size (a checkpoint keeps the
        estimate of the plan it came from, which, squared at each round of a repeated join,
        grew until planning alone took minutes)."""
        self._written += 1
        path = f"{self._scratch}/{name}-{self._written}"
        frame.write.mode("overwrite").parquet(path)
        self.spark.read.schema(frame.schema).parquet(path).createOrReplaceTempView(name)
        self._temps.add(name)

    def _delete(self, table: str, where: str | None, params: Sequence[Any]) -> None:
        """Parquet has no DELETE: the rows kept are checkpointed, then the table rewritten."""
        kept = "SELECT * FROM {t} WHERE false" if where is None else (
            "SELECT * FROM {t} WHERE NOT coalesce(({w}), false)"
        )  # fmt: skip
        frame = self._frame(kept.format(t=table, w=where), params).localCheckpoint()
        frame.write.insertInto(table, overwrite=True)

    def _update(self, query: str, params: Sequence[Any]) -> None:
        """Parquet has no UPDATE: every row is selected again, the set columns taking their new
        value where the condition holds, then the table rewritten (parameters as literals,
        since the condition is repeated for each column)."""
        import sqlglot
        from sqlglot import exp

        tree = sqlglot.parse_one(query, read="duckdb")
        values = iter(params)
        tree = tree.transform(
            lambda node: exp.convert(next(values)) if isinstance(node, exp.Placeholder) else node
        )
        table = tree.this.name
        where = tree.args["where"].this.sql("duckdb") if tree.args.get("where") else "true"
        sets = {e.this.name: e.expression.sql("duckdb") for e in tree.expressions}
        columns = [
            f"CASE WHEN coalesce(({where}), false) THEN {sets[c]} ELSE {c} END AS {c}"
            if c in sets
            else c
            for c in self.spark.table(table).columns
        ]
        frame = self._frame(f"SELECT {', '.join(columns)} FROM {table}", ()).localCheckpoint()
        frame.write.insertInto(table, overwrite=True)

    def arrow(self, query: str, params: Sequence[Any] = ()) -> pa.Table:
        st = to_spark(query)
        try:
            table: pa.Table = self.spark.sql(st.sql, args=list(params) or None).toArrow()
        except Exception as exc:
            raise _error(exc, st.sql) from None
        return table

    def iter_batches(
        self, query: str, params: Sequence[Any] = (), size: int = 50_000
    ) -> Iterator[pa.RecordBatch]:
        yield from self.arrow(query, params).to_batches(max_chunksize=size)

    def map_batches(
        self,
        query: str,
        fn: Callable[[pa.RecordBatch], pa.Table | Iterable[pa.RecordBatch]],
        schema: pa.Schema,
        into: str,
        params: Sequence[Any] = (),
    ) -> None:
        from pyspark.sql.pandas.types import from_arrow_schema

        def each(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
            for batch in batches:
                result = fn(batch)
                parts = (
                    [result]
                    if isinstance(result, pa.Table)
                    else (pa.Table.from_batches([b]) for b in result)
                )
                for part in parts:
                    yield from part.cast(schema).to_batches()

        # spread over every core: a step before may have left one partition (a global order)
        source = self._frame(query, params).repartition(self.capabilities.max_parallelism * 4)
        frame = source.mapInArrow(each, from_arrow_schema(schema))
        self._keep(frame, into)

    def step(self, name: str) -> None:
        self.spark.sparkContext.setJobGroup(name, name)

    def share(self, value: Any) -> Shared:
        broadcast: Any = self.spark.sparkContext.broadcast(value)  # it has .value too
        return broadcast  # type: ignore[no-any-return]

    def append(self, table: str, data: pa.Table) -> None:
        if data.num_rows:
            self._insert(table, self.spark.createDataFrame(data))

    def _insert(self, table: str, frame: Any) -> None:
        """``frame``'s columns, by name, cast to ``table``'s, appended in one job."""
        from pyspark.sql import functions as F

        columns = [
            (F.col(f"`{f.name}`") if f.name in frame.columns else F.lit(None))
            .cast(f.dataType)
            .alias(f.name)
            for f in self.spark.table(table).schema.fields
        ]
        frame.select(*columns).write.insertInto(table)

    def append_parquet(self, table: str, path: Path) -> None:
        self._insert(table, self.spark.read.parquet(str(path)))

    def read_table(self, path: str, into: str) -> list[str]:
        reader = self.spark.read
        try:
            if path.lower().rstrip("/").endswith(".parquet"):
                frame = reader.parquet(path)
            else:
                frame = reader.option("header", True).option("mode", "FAILFAST").csv(path)
            frame = _numbered(frame)
        except Exception as exc:
            raise InvalidInput(str(exc).splitlines()[0] if str(exc) else repr(exc)) from None
        frame.createOrReplaceTempView(into)
        self._temps.add(into)
        return list(frame.columns)

    def export(self, query: str, path: str) -> None:
        writer = self._frame(query, ()).write.mode("errorifexists")
        if path.lower().endswith(".parquet"):
            writer.parquet(path)
        else:
            writer.option("header", True).csv(path)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        # No transactions: each statement's job commits whole or not at all (capabilities).
        yield

    def close(self) -> None:
        for name in list(self._temps):
            self.spark.catalog.dropTempView(name)
        self._temps.clear()
        if "://" not in self._scratch:  # (on object storage a lifecycle rule clears it)
            shutil.rmtree(self._scratch, ignore_errors=True)


def _numbered(frame: Any) -> Any:
    """``frame`` with ``_row``: 1, 2, 3 ... in file order, without moving the rows to one
    partition (each partition's count, then its offset; the offsets are one number a
    partition)."""
    from pyspark.sql import functions as F

    marked = (
        frame.withColumn("_pid", F.spark_partition_id())
        .withColumn("_mid", F.monotonically_increasing_id())
        .localCheckpoint()
    )
    counts = sorted(tuple(r) for r in marked.groupBy("_pid").count().collect())
    offsets, total = [], 0
    for pid, n in counts:
        offsets += [F.lit(pid), F.lit(total)]
        total += n
    offset = F.create_map(*offsets)[F.col("_pid")] if offsets else F.lit(0)
    row = offset + (F.col("_mid") - F.shiftleft(F.col("_pid").cast("long"), 33)) + 1
    return marked.select(row.alias("_row"), *[F.col(f"`{c}`") for c in frame.columns])


def _extra_conf() -> list[tuple[str, str]]:
    """Spark settings from ``$PAXTA_SPARK_CONF`` (``spark.executor.memory=8g,...``)."""
    pairs = []
    for item in os.environ.get("PAXTA_SPARK_CONF", "").split(","):
        key, sep, value = item.partition("=")
        if item.strip() and not sep:
            raise PaxtaError(f"$PAXTA_SPARK_CONF: {item!r} is not key=value.")
        if sep:
            pairs.append((key.strip(), value.strip()))
    return pairs


def _local_cores(master: str) -> int:
    """The cores of a ``local[N]`` master (``local[*]``: this machine's); 0 for a cluster."""
    found = re.fullmatch(r"local(?:\[(\*|\d+)(?:,\d+)?\])?", master)
    if not found:
        return 0
    n = found.group(1)
    return os.cpu_count() or 1 if n in (None, "*") else int(n)


def _error(exc: Exception, statement: str) -> Exception:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if "CAST" in text.upper() or "MALFORMED" in text.upper():
        return InvalidInput(text)
    log.debug("Spark statement failed: %s", statement)
    return PaxtaError(f"Spark: {text}")
