"""Text files in the encodings users really send: UTF-8 (with or without BOM), GB18030, Big5.

Decoding is strict and line by line, so a bad byte is reported with its line number instead of
turning into mojibake somewhere downstream.
"""

from __future__ import annotations

import codecs
import csv
import sys
from collections.abc import Iterator
from pathlib import Path

from charset_normalizer import from_bytes

from paxta.errors import InputError

# Chinese legacy encodings first: the files paxta sees come from Chinese and Taiwanese systems.
CANDIDATE_ENCODINGS = ("gb18030", "big5", "cp1252")
_SAMPLE_BYTES = 256 * 1024

csv.field_size_limit(sys.maxsize)


def detect_encoding(path: str | Path) -> str:
    """Guess the encoding of ``path`` from its first 256 KiB.

    Returns ``utf-8-sig`` for a UTF-8 BOM, ``utf-16`` for a UTF-16 BOM, ``utf-8`` when the sample
    decodes as UTF-8, else the best of GB18030, Big5 and Windows-1252.
    """
    with open(path, "rb") as f:
        sample = f.read(_SAMPLE_BYTES)
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if _decodes(sample, "utf-8"):
        return "utf-8"
    return _best_legacy(sample)


def _decodes(sample: bytes, encoding: str) -> bool:
    try:
        sample.decode(encoding)
    except UnicodeDecodeError as exc:
        # A multi-byte character cut by the sample's end is not a decoding error.
        return exc.start >= len(sample) - 4 and exc.reason.startswith("unexpected end")
    return True


def _best_legacy(sample: bytes) -> str:
    best = from_bytes(sample, cp_isolation=list(CANDIDATE_ENCODINGS)).best()
    if best is not None:
        return _canonical(best.encoding)
    for encoding in CANDIDATE_ENCODINGS:
        if _decodes(sample, encoding):
            return encoding
    return "latin-1"


def _canonical(encoding: str) -> str:
    name = codecs.lookup(encoding).name
    # GB2312 and GBK are subsets of GB18030: decoding with the superset loses nothing.
    return "gb18030" if name in {"gb2312", "gbk", "gb18030"} else name


def _hint(raw: bytes) -> str:
    for encoding in CANDIDATE_ENCODINGS[:2]:
        if _decodes(raw, encoding):
            return f" (it looks like {encoding.upper()}; pass --encoding {encoding})"
    return ""


def iter_text_lines(path: str | Path, encoding: str) -> Iterator[str]:
    """Yield the decoded lines of ``path`` (with line endings), failing on the first bad line."""
    if codecs.lookup(encoding).name.startswith("utf-16"):
        yield from _iter_utf16_lines(path, encoding)
        return
    strip_bom = codecs.lookup(encoding).name == "utf-8"
    number = 0
    with open(path, "rb") as f:
        for chunk in f:
            # Lines ended by a lone CR (old Mac files) arrive as one: split them.
            pieces = chunk.splitlines(keepends=True) if b"\r" in chunk.rstrip(b"\r\n") else [chunk]
            for raw in pieces:
                number += 1
                if number == 1 and strip_bom and raw.startswith(codecs.BOM_UTF8):
                    raw = raw[len(codecs.BOM_UTF8) :]
                try:
                    yield raw.decode(encoding)
                except UnicodeDecodeError:
                    problem = f"this line is not valid {encoding} text{_hint(raw)}"
                    raise InputError(path, problem, line=number) from None


def _iter_utf16_lines(path: str | Path, encoding: str) -> Iterator[str]:
    try:
        text = Path(path).read_bytes().decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(path, f"not valid {encoding} text at byte {exc.start}") from None
    yield from text.splitlines(keepends=True)


def iter_csv_rows(
    path: str | Path,
    encoding: str = "utf-8",
    *,
    width: int | None = None,
    delimiter: str = ",",
) -> Iterator[tuple[int, list[str]]]:
    """Yield ``(line_number, fields)`` for each CSV record of ``path``.

    Args:
        path: the CSV file.
        encoding: its encoding; decoding is strict.
        width: when given, every non-empty record must have exactly this many fields.
        delimiter: the field separator.

    Raises:
        InputError: on undecodable bytes, a malformed record or a record of the wrong width,
            naming the line.
    """
    reader = csv.reader(iter_text_lines(path, encoding), delimiter=delimiter, strict=True)
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise InputError(path, f"broken CSV record ({exc})", line=reader.line_num) from None
        if not fields or fields == [""]:
            continue
        if width is not None and len(fields) != width:
            problem = f"expected {width} fields, found {len(fields)}"
            raise InputError(path, problem, line=reader.line_num)
        yield reader.line_num, fields
