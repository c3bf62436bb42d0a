"""Encoding detection and located CSV errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paxta.errors import InputError
from paxta.files import detect_encoding, iter_csv_rows, open_table

SAMPLE = "供应商名称,地址\n新疆华孚色纺有限公司,新疆阿克苏市\n合盛硅业(鄯善)有限公司,新疆鄯善县\n"
TRADITIONAL = "供應商名稱,地址\n新疆華孚色紡有限公司,新疆阿克蘇市\n合盛矽業(鄯善)有限公司,臺灣\n"


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("gb18030", "gb18030"),
        ("gbk", "gb18030"),
        ("big5", "big5"),
    ],
)
def test_detects_the_encodings_users_send(tmp_path: Path, encoding: str, expected: str) -> None:
    text = TRADITIONAL if encoding == "big5" else SAMPLE
    f = tmp_path / "s.csv"
    f.write_bytes(text.replace("\n", "\r\n").encode(encoding))
    assert detect_encoding(f) == expected
    table = open_table(f)
    assert len(list(table.rows)) == 2


def test_wrong_width_names_the_line(tmp_path: Path) -> None:
    f = tmp_path / "s.csv"
    f.write_text("a,b\n1,2\n3\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"s\.csv, line 3: expected 2 fields, found 1"):
        list(iter_csv_rows(f, width=2))


def test_duplicate_header_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "s.csv"
    f.write_text("name,name\n1,2\n", encoding="utf-8")
    with pytest.raises(InputError, match="appears twice"):
        open_table(f)


@settings(max_examples=60)
@given(st.binary(max_size=400))
def test_junk_bytes_raise_only_input_errors(data: bytes) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        f = Path(d) / "junk.csv"
        f.write_bytes(data)
        try:
            table = open_table(f)
            list(table.rows)
        except InputError:
            pass
