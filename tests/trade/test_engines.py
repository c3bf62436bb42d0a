"""The same answers on both engines: the whole trade pipeline (import, resolve, screen, locate,
exposure) on a small generated world, on DuckDB and on Spark in local mode, row for row."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from paxta.lists.shipped import ensure_lists
from paxta.store import Backend, open_store
from paxta.trade.exposure import find_exposure
from paxta.trade.generate import generate
from paxta.trade.parties import resolve_parties
from paxta.trade.records import import_records

pytest.importorskip("pyspark", reason="the Spark engine is the spark extra: pip install .[spark]")
if shutil.which("java") is None:
    pytest.skip("Spark needs Java (make installs Debian's openjdk-17)", allow_module_level=True)


def _pipeline(store: Backend, world: Path) -> dict[str, Any]:
    ensure_lists(store)
    import_records(store, world / "ams")
    import_records(store, world / "customs")
    resolution = resolve_parties(store, workers=1)
    return {
        "resolution": resolution,
        "parties": store.sql(
            "SELECT name, country, org_id, records, reason FROM trade_parties ORDER BY name, country"
        ),
        "orgs": store.dicts("SELECT * FROM trade_orgs ORDER BY org_id"),
        "records": store.scalar("SELECT count(*) FROM trade_records"),
        "paths": find_exposure(store),
    }


def test_duckdb_and_spark_give_the_same_answers(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = tmp_path / "world"
    generate(world, records=1_500, customs=500, seed=13)
    duck = open_store(f"duckdb:{tmp_path / 'duck.duckdb'}")
    try:
        expected = _pipeline(duck, world)
    finally:
        duck.close()
    monkeypatch.setenv("PAXTA_WAREHOUSE", str(tmp_path / "warehouse"))
    spark = open_store("spark:local[2]")
    try:
        assert not spark.capabilities.transactions and not spark.capabilities.local_file
        got = _pipeline(spark, world)
    finally:
        spark.close()
    assert got["records"] == expected["records"] == 2_000
    assert got["resolution"] == expected["resolution"]
    assert got["parties"] == expected["parties"]
    assert got["orgs"] == expected["orgs"]
    assert any(p["severity"] == "high" for p in expected["paths"])
    assert got["paths"] == expected["paths"]
    assert list((tmp_path / "warehouse" / "trade_records").glob("*.parquet"))
