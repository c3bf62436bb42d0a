"""Tables users bring (CSV, XLSX, JSON lines) read as one stream of located rows."""

from __future__ import annotations

import xml.etree.ElementTree as ET
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from paxta.errors import InputError, PaxtaError
from paxta.files.text import detect_encoding, iter_csv_rows, iter_text_lines

TABLE_SUFFIXES = {".csv": "csv", ".tsv": "tsv", ".txt": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx"}
JSONL_SUFFIXES = {".jsonl", ".ndjson", ".json"}


@dataclass(frozen=True)
class Row:
    """One input row: where it stood (``line``) and its values by column."""

    line: int
    values: dict[str, str]


@dataclass
class Table:
    """An opened input table: its path, format, encoding, columns and a row iterator."""

    path: Path
    format: str
    encoding: str | None
    columns: list[str]
    rows: Iterator[Row] = field(repr=False)


def open_table(path: str | Path, *, encoding: str | None = None) -> Table:
    """Open a CSV, TSV, XLSX or JSON-lines file as a :class:`Table`.

    Raises:
        PaxtaError: when the file is missing or of a kind paxta does not read.
        InputError: when the header or a row is broken (raised while iterating rows).
    """
    p = Path(path)
    if not p.is_file():
        raise PaxtaError(f"{p}: no such file.")
    suffix = p.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        return _open_jsonl(p, encoding or "utf-8")
    kind = TABLE_SUFFIXES.get(suffix, "csv")
    if kind == "xlsx":
        return _open_xlsx(p)
    enc = encoding or detect_encoding(p)
    return _open_delimited(p, enc, "\t" if kind == "tsv" else ",")


def _open_delimited(path: Path, encoding: str, delimiter: str) -> Table:
    with open(path, "rb") as f:
        head = f.read(8192)
    if b"\x00" in head and not encoding.lower().startswith("utf-16"):
        raise InputError(path, "this is a binary file, not CSV text", line=1)
    rows = iter_csv_rows(path, encoding, delimiter=delimiter)
    first = next(rows, None)
    if first is None:
        raise InputError(path, "the file is empty: a header row is expected", line=1)
    header = [h.strip() for h in first[1]]
    _check_header(path, header)

    def iter_rows() -> Iterator[Row]:
        for line, fields in rows:
            if len(fields) > len(header) and any(v.strip() for v in fields[len(header) :]):
                problem = f"{len(fields)} fields but the header has {len(header)}"
                raise InputError(path, problem, line=line)
            values = {h: (fields[i] if i < len(fields) else "") for i, h in enumerate(header)}
            yield Row(line, values)

    fmt = "tsv" if delimiter == "\t" else "csv"
    return Table(path, fmt, encoding, header, iter_rows())


def _check_header(path: Path, header: list[str]) -> None:
    seen: set[str] = set()
    for i, name in enumerate(header, 1):
        if not name:
            raise InputError(path, f"column {i} of the header has no name", line=1)
        if name in seen:
            raise InputError(path, f"column {name!r} appears twice in the header", line=1)
        seen.add(name)


# What openpyxl raises on a cut or damaged sheet while it streams it.
_DAMAGED = (ET.ParseError, zipfile.BadZipFile, zlib.error, EOFError, KeyError, ValueError, OSError)


def _open_xlsx(path: Path) -> Table:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise InputError(path, f"not a readable XLSX workbook ({exc})") from None
    sheet = book.worksheets[0]
    cells = sheet.iter_rows(values_only=True)
    try:
        first = next(cells, None)
    except _DAMAGED as exc:
        raise InputError(path, f"the workbook's first sheet is damaged ({exc})", line=1) from None
    if first is None:
        raise InputError(path, "the first sheet is empty: a header row is expected", line=1)
    header = [_cell_text(c).strip() for c in first]
    while header and not header[-1]:
        header.pop()
    _check_header(path, header)

    def iter_rows() -> Iterator[Row]:
        number = 1
        try:
            for number, values in enumerate(cells, 2):
                texts = [_cell_text(c) for c in values]
                if not any(t.strip() for t in texts):
                    continue
                yield Row(
                    number,
                    {h: (texts[i] if i < len(texts) else "") for i, h in enumerate(header)},
                )
        except _DAMAGED as exc:
            raise InputError(
                path, f"the workbook's first sheet is damaged after this row ({exc})", line=number
            ) from None
        finally:
            book.close()

    return Table(path, "xlsx", None, header, iter_rows())


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _open_jsonl(path: Path, encoding: str) -> Table:
    lines = enumerate(iter_text_lines(path, encoding), 1)
    buffered: list[tuple[int, dict[str, str]]] = []
    columns: list[str] = []
    for number, text in lines:
        if text.strip():
            record = _json_record(path, number, text)
            buffered.append((number, record))
            columns = list(record)
            break

    def iter_rows() -> Iterator[Row]:
        for number, record in buffered:
            yield Row(number, record)
        known = set(columns)
        for number, text in lines:
            if text.strip():
                record = _json_record(path, number, text)
                if not record.keys() <= known:  # (a result file's columns are the first line's)
                    extra = ", ".join(repr(k) for k in record if k not in known)
                    raise InputError(
                        path, f"a field the first line does not have: {extra}", line=number
                    )
                yield Row(number, record)

    return Table(path, "jsonl", encoding, columns, iter_rows())


def _json_record(path: Path, number: int, text: str) -> dict[str, str]:
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raise InputError(path, f"not valid JSON ({exc})", line=number) from None
    if not isinstance(value, dict):
        raise InputError(path, "each line must be a JSON object", line=number)
    return {str(k): "" if v is None else str(v) for k, v in value.items()}
