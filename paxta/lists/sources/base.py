"""What every list format provides: a content sniffer and a streaming reader."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import pyarrow as pa

from paxta.lists.model import Entity

_DATE_IN_NAME = re.compile(r"(20\d\d-\d\d(?:-\d\d)?)")


@dataclass
class ReadOptions:
    """Options a user may give an import: encoding, version, column mapping."""

    encoding: str | None = None
    version: str | None = None
    source: str | None = None
    mapping: dict[str, str] = field(default_factory=dict)


@dataclass
class ListRead:
    """An opened list file: its version (when the file says it) and its entities as a stream.

    ``version`` may be filled in while ``entities`` is consumed (a stream learns its newest date
    only at the end), so read it after the stream is exhausted.
    """

    files: list[Path]
    entities: Iterator[Entity]
    version: str | None = None
    source_url: str | None = None
    notes: list[str] = field(default_factory=list)
    arrow_batches: Callable[[int], Iterator[tuple[pa.Table, pa.Table]]] | None = None
    """When set, the importer takes ready Arrow (entities, names) batches for a version id
    from this instead of ``entities``: large streams build them in worker processes."""


class ListFormat(Protocol):
    """A published list format: how to recognise it and how to read it."""

    name: str
    default_source: str
    description: str

    def sniff(self, path: Path, head: bytes) -> bool:
        """True when the first bytes of ``path`` look like this format."""

    def read(self, path: Path, options: ReadOptions) -> ListRead:
        """Open ``path`` and return its entities as a stream; raise InputError on bad input."""


def version_from_filename(*paths: Path, oldest: bool = False) -> str | None:
    """The newest date (YYYY-MM-DD or YYYY-MM) written in any of the file names, if any; the
    oldest with ``oldest`` (a list made of several files is as old as its oldest part)."""
    found = [m.group(1) for p in paths for m in [_DATE_IN_NAME.search(p.name)] if m]
    if not found:
        return None
    return min(found) if oldest else max(found)


def split_list(cell: str, separator: str = "|") -> list[str]:
    """Split a multi-valued cell (``a | b | c``) into stripped, non-empty values."""
    return [part.strip() for part in cell.split(separator) if part.strip()]
