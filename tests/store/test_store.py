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
