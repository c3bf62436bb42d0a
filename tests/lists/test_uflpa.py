"""The DHS UFLPA page parser, checked against a table split by hand from the same page."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from paxta.errors import InputError
from paxta.lists.sources import ReadOptions, detect_format
from paxta.lists.sources.uflpa import UflpaPage, entity_key, split_name_cell
from tests.conftest import UFLPA_PAGE, UFLPA_TABLE

ROWS = list(csv.DictReader(UFLPA_TABLE.open(encoding="utf-8")))


def _parts(cell: str) -> list[str]:
    return [p for p in cell.split(" | ") if p]


@pytest.mark.parametrize("row", ROWS, ids=[r["row_id"] for r in ROWS])
def test_name_cell_split_matches_hand_checked_table(row: dict[str, str]) -> None:
    split = split_name_cell(row["name_as_listed"])
    assert split.primary == row["primary_name"]
    assert split.aliases == _parts(row["aliases"])
    assert split.former == _parts(row["former_names"])
    assert split.scope == (row["scope_note"] or None)


def test_page_parses_to_144_entities_in_three_sections() -> None:
    read = UflpaPage().read(UFLPA_PAGE, ReadOptions())
    entities = list(read.entities)
    assert read.version == "2025-01-14"
    assert len(entities) == 144
    pairs = [(e.id, p.code) for e in entities for p in e.programs]
    assert len(pairs) == len(ROWS) == 160
    sections = {p.code for e in entities for p in e.programs}
    assert sections == {"2(d)(2)(B)(i)", "2(d)(2)(B)(ii)", "2(d)(2)(B)(v)"}


def test_entities_group_rows_like_the_hand_checked_keys() -> None:
    ours: dict[str, set[str]] = {}
    for row in ROWS:
        ours.setdefault(entity_key(row["primary_name"]), set()).add(row["entity_key"])
    assert all(len(theirs) == 1 for theirs in ours.values())
    assert len(ours) == len({r["entity_key"] for r in ROWS})


def test_xpcc_carries_aliases_scope_and_sections() -> None:
    entities = {e.id: e for e in UflpaPage().read(UFLPA_PAGE, ReadOptions()).entities}
    xpcc = entities["uflpa-xinjiang-production-and-construction-corps"]
    assert {"XPCC", "Bingtuan", "Xinjiang Corps"} <= {n.value for n in xpcc.names}
    assert xpcc.scope == "and its subordinate and affiliated entities"
    assert len(xpcc.programs) == 3


def test_detects_the_page_by_content(tmp_path: Path) -> None:
    renamed = tmp_path / "download.bin"
    renamed.write_bytes(UFLPA_PAGE.read_bytes())
    assert detect_format(renamed).name == "uflpa-html"


def test_truncated_page_names_file_and_line(tmp_path: Path) -> None:
    page = tmp_path / "uflpa.html"
    html = UFLPA_PAGE.read_text(encoding="utf-8")
    page.write_text(html[: len(html) // 2], encoding="utf-8")
    with pytest.raises(InputError, match=r"uflpa\.html, line \d+: no 'Last Updated' date"):
        UflpaPage().read(page, ReadOptions())


def test_bad_date_names_the_field(tmp_path: Path) -> None:
    page = tmp_path / "uflpa.html"
    html = UFLPA_PAGE.read_text(encoding="utf-8").replace("June 21, 2022", "Juny 21, 2022", 1)
    page.write_text(html, encoding="utf-8")
    with pytest.raises(InputError, match=r"line \d+, field 'Effective Date': 'Juny 21, 2022'"):
        list(UflpaPage().read(page, ReadOptions()).entities)


def test_wrong_encoding_names_the_line(tmp_path: Path) -> None:
    page = tmp_path / "uflpa.html"
    html = UFLPA_PAGE.read_text(encoding="utf-8").replace("Camel Group", "骆驼集团 Camel Group")
    page.write_bytes(html.encode("gb18030"))
    with pytest.raises(InputError, match=r"line \d+: not valid UTF-8"):
        UflpaPage().read(page, ReadOptions())


@given(st.text(max_size=300))
def test_split_never_raises_and_keeps_a_primary(cell: str) -> None:
    split = split_name_cell(cell)
    assert isinstance(split.primary, str)
    assert all(a.strip() == a and a for a in split.aliases + split.former)
