"""BIS and CBP tables, and any CSV list with a column mapping."""

from __future__ import annotations

from pathlib import Path

import pytest

from paxta.data import data_path
from paxta.errors import InputError
from paxta.lists.sources import ReadOptions, detect_format
from paxta.lists.sources.tabular import BisEntityList, CbpOrders, MappedCsv

BIS = data_path("lists", "bis", "bis_entity_list_xinjiang_related_2026-07.csv")
CBP = data_path("lists", "cbp", "cbp_wro_findings_china_2026-06-23.csv")


def test_bis_rows_of_one_entity_are_merged() -> None:
    assert detect_format(BIS).name == "bis-csv"
    entities = {e.name: e for e in BisEntityList().read(BIS, ReadOptions()).entities}
    assert len(entities) == 73
    keda = entities["Suzhou Keda Technology Co., Ltd."]
    assert len(keda.countries) > 1
    altay = entities["Altay Municipality Public Security Bureau"]
    assert altay.effective_date == "2019-10-09"
    assert "North West Rd., Altay City, XUAR, China." in altay.addresses


def test_cbp_orders_split_scope_and_joint_orders() -> None:
    assert detect_format(CBP).name == "cbp-csv"
    entities = {e.name: e for e in CbpOrders().read(CBP, ReadOptions()).entities}
    assert "Yili Zhuowan Garment Manufacturing Co., Ltd." in entities
    assert "Baoding LYSZD Trade and Business Co., Ltd." in entities
    hoshine = entities["Hoshine Silicon Industry Co. Ltd."]
    assert hoshine.scope == "and Subsidiaries"
    assert hoshine.programs[0].effective_date == "2021-06-23"


def test_mapped_csv_reads_gb18030_with_encoding(tmp_path: Path) -> None:
    f = tmp_path / "my_list.csv"
    f.write_bytes("编号,Company,别名\nA1,新疆某某棉业有限公司,某某棉业\n".encode("gb18030"))
    options = ReadOptions(
        encoding="gb18030", mapping={"id": "编号", "name": "Company", "aliases": "别名"}
    )
    [e] = list(MappedCsv().read(f, options).entities)
    assert e.id == "my-list-a1"
    assert [n.value for n in e.names] == ["新疆某某棉业有限公司", "某某棉业"]
    assert e.names[0].script == "Hani"


def test_mapped_csv_without_name_column_says_which_columns_exist(tmp_path: Path) -> None:
    f = tmp_path / "l.csv"
    f.write_text("foo,bar\n1,2\n", encoding="utf-8")
    with pytest.raises(
        InputError, match=r"l\.csv, line 1: no name column found: .*columns: foo, bar"
    ):
        MappedCsv().read(f, ReadOptions())


def test_mapped_csv_wrong_encoding_names_the_line(tmp_path: Path) -> None:
    f = tmp_path / "l.csv"
    f.write_bytes(b"name\nAcme\n" + "新疆棉业\n".encode("gb18030"))
    with pytest.raises(InputError, match=r"line 3: this line is not valid utf-8 text .*GB18030"):
        list(MappedCsv().read(f, ReadOptions(encoding="utf-8")).entities)


def test_bis_missing_column_is_named(tmp_path: Path) -> None:
    f = tmp_path / "bis.csv"
    f.write_text("name,aliases,country,address,federal_register_citations\n", encoding="utf-8")
    f.write_text("name,aliases,country\nAcme,,China\n", encoding="utf-8")
    with pytest.raises(InputError, match="missing column"):
        list(BisEntityList().read(f, ReadOptions()).entities)
