"""OFAC's legacy trio: sdn.csv joined with alt.csv and add.csv."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from paxta.errors import InputError
from paxta.lists.sources import ReadOptions, detect_format
from paxta.lists.sources.ofac import OfacSdn
from tests.conftest import FIXTURES, OFAC_DIR

XJ = FIXTURES / "lists" / "ofac_sdn_xinjiang_related.csv"


@pytest.fixture(scope="module")
def entities() -> dict[str, object]:
    read = OfacSdn().read(OFAC_DIR / "sdn_2024-05-03.csv", ReadOptions())
    return {e.id: e for e in read.entities}


def test_whole_sdn_list_is_read(entities: dict[str, object]) -> None:
    assert len(entities) == 14965


@pytest.mark.parametrize(
    "row", list(csv.DictReader(XJ.open(encoding="utf-8"))), ids=lambda r: r["ent_num"]
)
def test_xinjiang_records_match_the_curated_table(entities: dict, row: dict[str, str]) -> None:
    entity = entities[f"ofac-{row['ent_num']}"]
    assert entity.name == row["sdn_name"]
    expected_aliases = {a.split(" ", 1)[1] for a in row["alt_names"].split(" | ") if a}
    assert expected_aliases <= {n.value for n in entity.names}
    assert entity.schema == ("Person" if row["sdn_type"] == "individual" else "Organization")
    for address in filter(None, row["addresses"].split(" | ")):
        assert address in entity.addresses


def test_folder_is_detected_as_the_trio() -> None:
    assert detect_format(OFAC_DIR).name == "ofac-sdn"
    read = OfacSdn().read(OFAC_DIR, ReadOptions())
    assert len(read.files) == 3


def test_broken_row_names_file_and_line(tmp_path: Path) -> None:
    for p in OFAC_DIR.glob("*.csv"):
        shutil.copy(p, tmp_path / p.name)
    sdn = tmp_path / "sdn_2024-05-03.csv"
    lines = sdn.read_bytes().split(b"\n")
    lines[99] = b'99999,"BROKEN ENTRY",-0- ,"CUBA"'
    sdn.write_bytes(b"\n".join(lines))
    with pytest.raises(
        InputError, match=r"sdn_2024-05-03\.csv, line 100: expected 12 fields, found 4"
    ):
        list(OfacSdn().read(sdn, ReadOptions()).entities)
