"""Importing a list file: detect, stream, store, all-or-nothing."""

from __future__ import annotations

import hashlib
import itertools
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import orjson
import pyarrow as pa

from paxta.config import utc_now
from paxta.errors import PaxtaError
from paxta.lists import repository as repo
from paxta.lists.repository import ListVersion
from paxta.lists.sources import FORMATS, ListFormat, ListRead, ReadOptions, detect_format
from paxta.store import Backend

log = logging.getLogger(__name__)
BATCH = 20_000


@dataclass
class ImportResult:
    """What an import did: the version it stored (or found already stored) and any notes."""

    version: ListVersion
    already_imported: bool = False
    notes: list[str] = field(default_factory=list)


def sha256_files(paths: list[Path]) -> tuple[str, dict[str, str]]:
    """SHA-256 of each file and one digest over all of them (for multi-file lists)."""
    each: dict[str, str] = {}
    for p in paths:
        h = hashlib.sha256()
        with open(p, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
        each[p.name] = h.hexdigest()
    if len(each) == 1:
        return next(iter(each.values())), each
    combined = hashlib.sha256("".join(f"{k}:{v}\n" for k, v in sorted(each.items())).encode())
    return combined.hexdigest(), each


def import_list(
    store: Backend,
    path: str | Path,
    *,
    source: str | None = None,
    fmt: str | None = None,
    options: ReadOptions | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Import one list file (or OFAC folder) as a new version of its source.

    The whole import is one transaction: a broken row anywhere leaves the store as it was.
    Importing files identical to an already stored version of the same source does nothing.

    Args:
        store: the store to write to.
        path: the list file, or a folder holding OFAC's three files.
        source: the source name (defaults to the format's, e.g. ``uflpa``).
        fmt: the format name; detected from the content when not given.
        options: encoding, version and column mapping.
        progress: called with the number of entities stored so far.
    """
    p = Path(path)
    opts = options or ReadOptions()
    list_format = _format(p, fmt)
    source = source or opts.source or list_format.default_source
    if not source:
        raise PaxtaError(f"{p}: give this list a name with --source.")
    opts.source = source
    read = list_format.read(p, opts)
    digest, hashes = sha256_files(read.files)
    existing = repo.find_by_sha(store, source, digest)
    if existing is not None:
        return ImportResult(existing, already_imported=True)
    with store.transaction():
        version_id = repo.next_version_id(store)
        count = 0
        for rows, names in _arrow_batches(read, version_id):
            count += repo.append_arrow(store, rows, names)
            if progress:
                progress(count)
        if count == 0:
            raise PaxtaError(f"{p}: no entities found; nothing imported.")
        version = ListVersion(
            version_id=version_id,
            source=source,
            version=opts.version or read.version or date.today().isoformat(),
            format=list_format.name,
            sha256=digest,
            files=orjson.dumps(hashes).decode(),
            source_url=read.source_url,
            entity_count=count,
            imported_at=utc_now().replace(microsecond=0),
        )
        repo.insert_version(store, version)
    log.info("imported %s %s: %d entities", source, version.version, count)
    return ImportResult(version, notes=read.notes)


def _arrow_batches(read: ListRead, version_id: int) -> Iterator[tuple[pa.Table, pa.Table]]:
    if read.arrow_batches is not None:
        yield from read.arrow_batches(version_id)
        return
    for batch in iter(lambda: list(itertools.islice(read.entities, BATCH)), []):
        yield repo.entities_to_arrow(version_id, batch)


def _format(path: Path, fmt: str | None) -> ListFormat:
    if fmt is None:
        return detect_format(path)
    if fmt not in FORMATS:
        raise PaxtaError(f"unknown list format {fmt!r} (formats: {', '.join(FORMATS)}).")
    if not path.exists():
        raise PaxtaError(f"{path}: no such file or folder.")
    return FORMATS[fmt]
