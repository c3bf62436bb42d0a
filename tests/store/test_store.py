"""The DuckDB store: migrations, persistence, all-or-nothing transactions, Arrow in and out."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from paxta.store import SCHEMA_VERSION, DuckDBStore


def test_new_store_is_migrated_and_reopens(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    s = DuckDBStore(path)
    assert s.schema_version() == SCHEMA_VERSION
    s.sql("INSERT INTO entity_names VALUES (1, 'e', 'n', 'primary', 'Latn')")
    s.close()
    again = DuckDBStore(path)
    assert again.scalar("SELECT count(*) FROM entity_names") == 1
    assert again.schema_version() == SCHEMA_VERSION
    again.close()


def test_the_file_is_a_real_duckdb_database(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    DuckDBStore(path).close()
    con = duckdb.connect(str(path))
    tables = {
        r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    }
    con.close()
    assert {"meta", "list_versions", "entities", "entity_names"} <= tables


def test_transaction_rolls_back_on_error(tmp_path: Path) -> None:
    s = DuckDBStore(tmp_path / "s.duckdb")
    with pytest.raises(RuntimeError), s.transaction():
        s.append(
            "entity_names",
            pa.table(
                {
                    "version_id": [1],
                    "entity_id": ["e"],
                    "name": ["n"],
                    "kind": ["primary"],
                    "script": ["Latn"],
                }
            ),
        )
        raise RuntimeError("boom")
    assert s.scalar("SELECT count(*) FROM entity_names") == 0


def test_batches_stream_in_order(tmp_path: Path) -> None:
    s = DuckDBStore(tmp_path / "s.duckdb")
    sizes = [b.num_rows for b in s.iter_batches("SELECT * FROM range(25)", size=10)]
    assert sum(sizes) == 25 and max(sizes) <= 10


def test_the_engine_is_named_by_an_url_or_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from paxta.errors import PaxtaError
    from paxta.store import open_store

    named = open_store(f"duckdb:{tmp_path / 'a.duckdb'}")
    assert isinstance(named, DuckDBStore) and named.capabilities.transactions
    named.close()
    assert (tmp_path / "a.duckdb").exists()
    monkeypatch.setenv("PAXTA_ENGINE", f"duckdb:{tmp_path / 'b.duckdb'}")
    open_store().close()
    assert (tmp_path / "b.duckdb").exists()
    with pytest.raises(PaxtaError, match="name the Spark master"):
        open_store("spark:")


def test_duckdb_sql_is_translated_for_spark() -> None:
    pytest.importorskip("sqlglot")
    from paxta.store.dialect import to_spark

    made = to_spark("CREATE TABLE t (id INTEGER PRIMARY KEY, tags VARCHAR[] NOT NULL)").sql
    assert made == "CREATE TABLE t (id INT, tags ARRAY<STRING>) USING parquet"
    temp = to_spark("CREATE OR REPLACE TEMP TABLE x AS SELECT list(a ORDER BY b) FROM t")
    assert temp.temp == "x" and "COLLECT_LIST" in temp.sql.upper()
    assert to_spark("DROP TABLE IF EXISTS x").drop == "x"
    exploded = to_spark("SELECT h FROM t, unnest(t.tags) AS u(h) WHERE starts_with(h, '52')")
    assert "EXPLODE" in exploded.sql.upper() and "STARTSWITH" in exploded.sql.upper()


def test_an_ordered_join_comes_back_in_its_order(tmp_path: Path) -> None:
    # DuckDB 1.5 with preserve_insertion_order off (as paxta runs it) handed an ORDER BY join's
    # Arrow batches over in the order its threads finished them: the screening index's entity
    # rows then differed from one build to the next.
    s = DuckDBStore(tmp_path / "s.duckdb")
    s.sql("SET threads = 2")
    s.sql("CREATE TABLE a AS SELECT i, md5(i::VARCHAR) AS k FROM range(60000) t(i)")
    s.sql("CREATE TABLE b AS SELECT i, i % 7 AS v FROM range(60000) t(i)")
    query = "SELECT a.k FROM a JOIN b ON a.i = b.i WHERE b.v IN (?, ?, ?, ?) ORDER BY a.k"
    for _ in range(8):
        got = s.arrow(query, [1, 2, 3, 4]).column("k").to_pylist()
        assert got == sorted(got)
        streamed = [
            k for b in s.iter_batches(query, [1, 2, 3, 4], 2000) for k in b["k"].to_pylist()
        ]
        assert streamed == sorted(streamed)
    s.close()
