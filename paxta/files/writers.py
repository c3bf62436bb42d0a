"""Writing result rows as CSV, JSON lines, JSON, XLSX or HTML, chosen by the file's extension.

Rows are written as they come into ``OUT.partial`` (CSV and JSON lines flushed every few hundred
rows), which replaces ``OUT`` only when the run ends well: a run that fails never overwrites an
earlier result. A failed or interrupted run leaves its finished rows in ``OUT.partial`` (a
properly closed file), or nothing when it finished none.
"""

from __future__ import annotations

import csv
import html
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import orjson

from paxta.errors import PaxtaError

WRITABLE = (".csv", ".jsonl", ".json", ".xlsx", ".html")
FLUSH_EVERY = 500


class RowWriter:
    """A context manager that writes dictionaries as rows of ``out``."""

    def __init__(self, out: Path, title: str = "paxta results") -> None:
        self.out = out
        self.partial = out.with_name(out.name + ".partial")
        self.suffix = out.suffix.lower()
        if self.suffix not in WRITABLE:
            raise PaxtaError(f"{out}: write one of {', '.join(WRITABLE)}.")
        self.title = title
        self.count = 0
        self._file: IO[str] | None = None
        self._csv: Any = None  # a csv writer
        self._book: Any = None
        self._sheet: Any = None
        self._columns: list[str] = []
        self._html_rows: list[str] = []

    def __enter__(self) -> RowWriter:
        if self.suffix == ".xlsx":
            from openpyxl import Workbook

            self._book = Workbook(write_only=True)
            self._sheet = self._book.create_sheet("results")
        else:
            self._file = self.partial.open("w", encoding="utf-8", newline="")
            if self.suffix == ".json":
                self._file.write("[")
        return self

    def write(self, row: dict[str, Any]) -> None:
        """Write one row (the first row's keys are the columns)."""
        if not self._columns:
            self._columns = list(row)
            if self.suffix == ".csv":
                assert self._file is not None
                self._csv = csv.writer(self._file)
                self._csv.writerow(self._columns)
            elif self.suffix == ".xlsx":
                self._sheet.append(self._columns)
        if self.suffix == ".csv":
            assert self._csv is not None
            if len(row) != len(self._columns) and not row.keys() <= set(self._columns):
                extra = ", ".join(repr(k) for k in row if k not in self._columns)
                raise ValueError(f"row {self.count + 1} has columns the first did not: {extra}")
            self._csv.writerow([formula_safe(row.get(c, "")) for c in self._columns])
        elif self.suffix in (".jsonl", ".json"):
            assert self._file is not None
            text = orjson.dumps(row).decode()
            if self.suffix == ".json":
                text = ("\n  " if self.count == 0 else ",\n  ") + text
            else:
                text += "\n"
            self._file.write(text)
        elif self.suffix == ".xlsx":
            self._sheet.append([_cell(row.get(c)) for c in self._columns])
        else:
            self._html_rows.append(_html_row(row, self._columns))
        self.count += 1
        if self._file is not None and self.count % FLUSH_EVERY == 0:
            self._file.flush()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.suffix == ".xlsx":
            self._book.save(self.partial)
        else:
            assert self._file is not None
            if self.suffix == ".json":
                self._file.write("\n]\n")
            elif self.suffix == ".html":
                self._file.write(_html_page(self.title, self._columns, self._html_rows))
            self._file.close()
        if exc_type is None:
            self.partial.replace(self.out)
        elif self.count == 0:
            self.partial.unlink(missing_ok=True)


def write_rows(
    rows: Iterable[dict[str, Any]], out: Path, progress: Callable[[int], None] | None = None
) -> int:
    """Write every row to ``out``; return the count (rows written stay if interrupted)."""
    with RowWriter(out) as writer:
        for row in rows:
            writer.write(row)
            if progress is not None and writer.count % 1000 == 0:
                progress(writer.count)
    return writer.count


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def formula_safe(value: Any) -> Any:
    """A cell a spreadsheet will not run as a formula: text starting with = + - @ (or a tab or
    carriage return) gets a leading apostrophe, as OWASP advises; numbers stay numbers."""
    if isinstance(value, str) and value[:1] in _FORMULA_START:
        return "'" + value
    return value


def _cell(value: Any) -> Any:
    if value is None or isinstance(value, int | float):
        return value
    return formula_safe(_CONTROL.sub("", str(value)))  # (a worksheet holds no control chars)


_DECISION_CLASS = {"match": "match", "review": "review", "clear": "clear"}


def _html_row(row: dict[str, Any], columns: list[str]) -> str:
    decision = str(row.get("paxta_decision", ""))
    css = _DECISION_CLASS.get(decision, "")
    cells = "".join(f"<td>{html.escape(str(row.get(c, '') or ''))}</td>" for c in columns)
    return f'<tr class="{css}">{cells}</tr>'


def _html_page(title: str, columns: list[str], rows: list[str]) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>"
        "body{font-family:system-ui,sans-serif;margin:1.5rem}"
        "table{border-collapse:collapse;font-size:.85rem}"
        "th,td{border:1px solid #ccc;padding:.25rem .4rem;vertical-align:top;text-align:left}"
        "tr.match td{background:#fde2e1}tr.review td{background:#fff4d6}"
        "</style></head><body>"
        f"<h1>{html.escape(title)}</h1><p>{len(rows)} rows.</p>"
        f"<table><thead><tr>{head}</tr></thead><tbody>\n"
        + "\n".join(rows)
        + "\n</tbody></table></body></html>\n"
    )
