"""Result files: a cell a spreadsheet would run as a formula is written as text."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from openpyxl import load_workbook

from paxta.files.writers import formula_safe, write_rows

HOSTILE = ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "plain", "中泰"]


def test_a_formula_is_kept_as_text() -> None:
    assert formula_safe("=1+1") == "'=1+1"
    assert formula_safe("plain") == "plain"
    assert formula_safe(-5) == -5  # a number is no formula
    assert formula_safe(None) is None


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_no_cell_of_a_result_file_starts_a_formula(tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"screened{suffix}"
    write_rows(({"name": value, "score": 0.5} for value in HOSTILE), out)
    if suffix == ".csv":
        with out.open(encoding="utf-8", newline="") as f:
            cells = [r["name"] for r in csv.DictReader(f)]
    else:
        sheet = load_workbook(out, read_only=True).active
        cells = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert all(not str(c).startswith(("=", "+", "-", "@", "\t")) for c in cells), cells
    assert "plain" in cells and "中泰" in cells
    assert '\'=HYPERLINK("http://x")' in cells  # the text is kept, made inert


def test_csv_rows_keep_the_first_rows_columns_in_order(tmp_path: Path) -> None:
    out = tmp_path / "rows.csv"
    rows = [
        {"a": "1", "b": "2"},
        {"b": "4", "a": "3"},
        {"a": "5"},
    ]  # keys in another order, one short
    write_rows(iter(rows), out)
    assert out.read_text(encoding="utf-8").splitlines() == ["a,b", "1,2", "3,4", "5,"]
    with pytest.raises(ValueError, match="row 2 has columns the first did not: 'c'"):
        write_rows(iter([{"a": "1"}, {"a": "2", "c": "x"}]), tmp_path / "bad.csv")
