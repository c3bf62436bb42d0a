"""The same answers on both engines: the whole trade pipeline (import, resolve, screen, locate,
exposure) on a small generated world, on DuckDB and on Spark in local mode, row for row."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from paxta.errors import PaxtaError
from paxta.lists.shipped import ensure_lists
from paxta.store import Backend, open_store
from paxta.trade import records
from paxta.trade.exposure import find_exposure
from paxta.trade.generate import generate, split_ams
from paxta.trade.parties import resolve_parties
from paxta.trade.records import import_records, import_units

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
            "SELECT name, country, org_id, records, reason FROM trade_parties "
            "ORDER BY name, country"
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
    split_ams(world / "ams", 2)  # two parts: Spark reads them on two workers
    assert len(import_units(sorted((world / "ams").glob("*.csv")), "ams")) == 2
    duck = open_store(f"duckdb:{tmp_path / 'duck.duckdb'}")
    try:
        expected = _pipeline(duck, world)
    finally:
        duck.close()
    monkeypatch.setenv("PAXTA_WAREHOUSE", str(tmp_path / "warehouse"))
    on_workers: list[int] = []
    real = records._import_on_workers

    def spy(store: Backend, import_id: int, units: list[list[Path]], *args: Any) -> int:
        on_workers.append(len(units))
        return real(store, import_id, units, *args)

    monkeypatch.setattr(records, "_import_on_workers", spy)
    spark = open_store("spark:local[2]")
    try:
        assert not spark.capabilities.transactions and not spark.capabilities.local_file
        got = _pipeline(spark, world)
        assert on_workers == [2]  # the AMS years on two workers; the one customs file alone
        # A part that is broken stops the whole import with its one sentence; nothing appended.
        broken = tmp_path / "broken"
        shutil.copytree(world / "ams", broken)
        header = next(broken.glob("ams__header_2024__*.csv"))
        header.write_text(header.read_text("utf-8") + '"unclosed,quote\n', "utf-8")
        with pytest.raises(PaxtaError, match=header.name):
            import_records(spark, broken)
        assert spark.scalar("SELECT count(*) FROM trade_records") == 2_000
    finally:
        spark.close()
    assert got["records"] == expected["records"] == 2_000
    assert got["resolution"] == expected["resolution"]
    assert got["parties"] == expected["parties"]
    assert got["orgs"] == expected["orgs"]
    assert any(p["severity"] == "high" for p in expected["paths"])
    assert got["paths"] == expected["paths"]
    assert list((tmp_path / "warehouse" / "trade_records").glob("*.parquet"))


ROWS = [
    ("Xinjiang Zhongtai Chemical Co., Ltd.", "Urumqi, Xinjiang"),
    ("新疆中泰化学股份有限公司", ""),
    ("HOSHINE SILICON INDUSTRY (SHANSHAN) CO LTD", "Shanshan County, Turpan"),
    ("Bluebird Maple Imports LLC", "513 Commerce Street, Atlanta, GA"),
    ("Zhejiang Fukang Garment Co", "Shaoxing, Zhejiang"),
    ("Aksu Huafu Textiles Co.", ""),
    ("Shanta Karim Knit Composite Ltd.", "Gazipur, Bangladesh"),
    ("第八师石河子市天富纺织有限公司", "新疆石河子市北四路"),
    ("Nguyen Hoang Garment Company", "Binh Duong, Vietnam"),
    ("Camel Group Co., Ltd.", "Xiangyang, Hubei"),
]


def _read_csv(path: Path) -> list[dict[str, Any]]:
    """A CSV file, or a folder of CSV part files (Spark's), as rows of text."""
    from pyarrow import csv

    rows: list[dict[str, Any]] = []
    for part in sorted(path.glob("*.csv")) if path.is_dir() else [path]:
        table = csv.read_csv(part, convert_options=csv.ConvertOptions(strings_can_be_null=False))
        rows += table.cast(pa.schema([(c, pa.string()) for c in table.column_names])).to_pylist()
    return rows


def test_a_file_screened_in_the_engine_as_on_one_machine(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:

    from paxta.screen.batch import Columns, screen_file
    from paxta.screen.matcher import Matcher
    from paxta.screen.scale import screen_in_engine

    source = tmp_path / "suppliers.csv"
    with source.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["Supplier name", "Address"])
        w.writerows(ROWS)
    columns = Columns("Supplier name", "Address")
    duck = open_store(f"duckdb:{tmp_path / 'duck.duckdb'}")
    try:
        ensure_lists(duck)
        matcher = Matcher.from_store(duck)
        screen_file(duck, matcher, source, tmp_path / "one.csv", columns)
        local = screen_in_engine(duck, matcher, str(source), str(tmp_path / "duck.csv"), columns)
        saved = duck.sql("SELECT row_no, query, decision FROM screening_rows ORDER BY 1, 2")
    finally:
        duck.close()
    monkeypatch.setenv("PAXTA_WAREHOUSE", str(tmp_path / "warehouse"))
    spark = open_store("spark:local[2]")
    try:
        ensure_lists(spark)
        far = screen_in_engine(
            spark, Matcher.from_store(spark), str(source), str(tmp_path / "spark.csv"), columns
        )
    finally:
        spark.close()
    one = _read_csv(tmp_path / "one.csv")
    kept = ("Supplier name", "paxta_decision", "paxta_entity_id", "paxta_region")
    expected = [{k: r[k] or "" for k in kept} for r in one]
    for out in (tmp_path / "duck.csv", tmp_path / "spark.csv"):
        got = [{k: r[k] or "" for k in kept} for r in _read_csv(out)]
        assert sorted(got, key=str) == sorted(expected, key=str), out
    assert local.decisions == far.decisions and local.rows == far.rows == len(ROWS)
    assert local.decisions.get("match", 0) >= 2 and local.regions
    assert [r[0] for r in saved] == sorted([*range(1, len(ROWS) + 1)] * 2)  # both runs saved
