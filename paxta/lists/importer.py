"""Importing a list file: detect, stream, store, all-or-nothing."""

from __future__ import annotations

import hashlib
import itertools
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import orjson
import pyarrow as pa

from paxta.config import utc_now
from paxta.errors import PaxtaError
from paxta.lists import repository as repo
from paxta.lists.repository import ListVersion
from paxta.lists.sources import FORMATS, ListFormat, ListRead, ReadOptions, detect_format
from paxta.store import Backend
from paxta.store.duck import ROW_GROUP

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
    # Over the contents only: the same files under other names are the same version.
    combined = hashlib.sha256("".join(f"{v}\n" for v in sorted(each.values())).encode())
    return combined.hexdigest(), each


def _named_digest(each: dict[str, str]) -> str:
    """The digest versions before migration 9 recorded for several files (names included)."""
    return hashlib.sha256(
        "".join(f"{k}:{v}\n" for k, v in sorted(each.items())).encode()
    ).hexdigest()


# A new version that drops more than this many of its source's entities, and more than this
# share of them, is refused unless the user allows it: a cut download or a truncated file
# would otherwise screen every dropped entity ``clear``. Real delistings come a few at a time.
SHRINK_MIN = 5
SHRINK_SHARE = 0.005


class ShrinkRefused(PaxtaError):
    """A new version lost many entities at once; ``removed`` holds (id, name) of each."""

    def __init__(self, message: str, removed: list[tuple[str, str]]) -> None:
        super().__init__(message)
        self.removed = removed


def import_list(
    store: Backend,
    path: str | Path,
    *,
    source: str | None = None,
    fmt: str | None = None,
    options: ReadOptions | None = None,
    progress: Callable[[int], None] | None = None,
    allow_shrink: bool = False,
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
        allow_shrink: import even when the file drops many of the source's entities at once.

    Raises:
        ShrinkRefused: the file drops many entities of the source's last version (same format).
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
    if existing is None and len(hashes) > 1:
        existing = repo.find_by_sha(store, source, _named_digest(hashes))
    if existing is not None:
        return ImportResult(existing, already_imported=True)
    previous = repo.latest_version(store, source)
    with store.transaction():
        version_id = repo.next_version_id(store)
        count = 0
        for rows, names in _row_groups(_arrow_batches(read, version_id)):
            count += repo.append_arrow(store, rows, names)
            if progress:
                progress(count)
        if count == 0:
            raise PaxtaError(f"{p}: no entities found; nothing imported.")
        if previous is not None:
            _check_shrink(store, p, previous, version_id, list_format.name, allow_shrink, read)
        found_version = opts.version or read.version
        if not found_version:
            found_version = _modified_date(read.files)
            read.notes.append(
                f"the file does not say its date: version {found_version} is the file's "
                "modification date (give --version to set it)"
            )
        version = ListVersion(
            version_id=version_id,
            source=source,
            version=found_version,
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


def _modified_date(files: list[Path]) -> str:
    """The oldest modification date of ``files`` (a download keeps its Last-Modified)."""
    stamp = min(f.stat().st_mtime for f in files)
    return datetime.fromtimestamp(stamp, UTC).date().isoformat()


def _check_shrink(
    store: Backend,
    path: Path,
    previous: ListVersion,
    version_id: int,
    fmt: str,
    allow_shrink: bool,
    read: ListRead,
) -> None:
    """Refuse (inside the import's transaction) a version that drops many entities at once."""
    removed = [
        (str(r[0]), str(r[1]))
        for r in store.sql(
            "SELECT entity_id, name FROM entities WHERE version_id = ? AND entity_id NOT IN "
            "(SELECT entity_id FROM entities WHERE version_id = ?) ORDER BY name, entity_id",
            [previous.version_id, version_id],
        )
    ]
    if not removed:
        return
    what = (
        f"{len(removed):,} of the {previous.entity_count:,} entities of {previous.source} "
        f"{previous.version} are not in this file"
    )
    if previous.format != fmt:
        read.notes.append(
            f"{what}; the last version came in another format ({previous.format}), so this is "
            "not read as a cut file: check the diff"
        )
        return
    limit = max(SHRINK_MIN, int(previous.entity_count * SHRINK_SHARE))
    if len(removed) <= limit or allow_shrink:
        if allow_shrink and len(removed) > limit:
            read.notes.append(f"{what}; imported because --allow-shrink was given")
        return
    shown = "; ".join(name for _, name in removed[:5])
    more = f" and {len(removed) - 5:,} more" if len(removed) > 5 else ""
    raise ShrinkRefused(
        f"{path}: refused: {what} ({shown}{more}). A cut download or a truncated file looks "
        "like this; if the publisher really removed them, run again with --allow-shrink.",
        removed,
    )


def _arrow_batches(read: ListRead, version_id: int) -> Iterator[tuple[pa.Table, pa.Table]]:
    if read.arrow_batches is not None:
        yield from read.arrow_batches(version_id)
        return
    for batch in iter(lambda: list(itertools.islice(read.entities, BATCH)), []):
        yield repo.entities_to_arrow(version_id, batch)


def _row_groups(
    batches: Iterator[tuple[pa.Table, pa.Table]],
) -> Iterator[tuple[pa.Table, pa.Table]]:
    """The batches gathered into appends of about a row group each: DuckDB writes a whole
    row group of a transaction to the file at once, so a million entities are not all held in
    memory until the import commits (:data:`paxta.store.duck.ROW_GROUP`)."""
    held: list[tuple[pa.Table, pa.Table]] = []
    size = 0
    for rows, names in batches:
        held.append((rows, names))
        size += rows.num_rows
        if size >= ROW_GROUP:
            yield _joined(held)
            held, size = [], 0
    if held:
        yield _joined(held)


def _joined(held: list[tuple[pa.Table, pa.Table]]) -> tuple[pa.Table, pa.Table]:
    if len(held) == 1:
        return held[0]
    return pa.concat_tables([r for r, _ in held]), pa.concat_tables([n for _, n in held])


def _format(path: Path, fmt: str | None) -> ListFormat:
    if fmt is None:
        return detect_format(path)
    if fmt not in FORMATS:
        raise PaxtaError(f"unknown list format {fmt!r} (formats: {', '.join(FORMATS)}).")
    if not path.exists():
        raise PaxtaError(f"{path}: no such file or folder.")
    return FORMATS[fmt]
