"""FollowTheMoney entities as JSON lines (OpenSanctions ``entities.ftm.json``), streamed.

Only entities a screen can match are kept (people, organisations, companies, public bodies,
vessels, aircraft); relationship and address records are counted and skipped. Memory stays
bounded: the file is read in chunks of lines, a few chunks in flight at a time, and worker
processes turn each chunk into Arrow batches while the store writes the previous ones.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa

from paxta.errors import InputError
from paxta.files import iter_text_lines
from paxta.lists import repository as repo
from paxta.lists.model import ALIAS, FORMER, PRIMARY, Entity, Identifier, Name, Program
from paxta.lists.sources.base import ListRead, ReadOptions
from paxta.workers import batch_worker

MATCHABLE = {"Person", "Organization", "Company", "LegalEntity", "PublicBody", "Vessel", "Airplane"}
_NAME_PROPS = (("name", PRIMARY), ("alias", ALIAS), ("weakAlias", ALIAS), ("previousName", FORMER))
_ID_PROPS = (
    "registrationNumber",
    "taxNumber",
    "innCode",
    "ogrnCode",
    "leiCode",
    "imoNumber",
    "uscCode",
    "idNumber",
)
CHUNK_LINES = 5_000
PARALLEL_ABOVE_BYTES = 32 * 2**20


def _first(values: list[str]) -> str | None:
    return values[0] if values else None


@dataclass
class _Chunk:
    """What a worker made of one chunk of lines."""

    rows: pa.Table
    names: pa.Table
    newest: str
    skipped: int


class FtmLines:
    """FollowTheMoney / OpenSanctions entities, one JSON object per line."""

    name = "ftm"
    default_source = "opensanctions"
    description = "FollowTheMoney entities as JSON lines (OpenSanctions entities.ftm.json)"

    def sniff(self, path: Path, head: bytes) -> bool:
        first = head.split(b"\n", 1)[0]
        return first.lstrip().startswith(b"{") and b'"schema"' in first and b'"properties"' in first

    def read(self, path: Path, options: ReadOptions) -> ListRead:
        source = options.source or self.default_source
        encoding = options.encoding or "utf-8"
        result = ListRead([path], iter(()), None, "https://www.opensanctions.org/")

        def batches(version_id: int) -> Iterator[tuple[pa.Table, pa.Table]]:
            newest, skipped = "", 0
            for chunk in _iter_chunks(path, encoding, source, version_id):
                newest, skipped = max(newest, chunk.newest), skipped + chunk.skipped
                yield chunk.rows, chunk.names
            result.version = newest[:10] or None
            if skipped:
                result.notes.append(
                    f"{skipped} records of other schemas (addresses, links) skipped"
                )

        result.arrow_batches = batches
        return result


def _iter_line_chunks(path: Path, encoding: str) -> Iterator[tuple[int, list[str]]]:
    chunk: list[str] = []
    start = 1
    for number, line in enumerate(iter_text_lines(path, encoding), 1):
        if not chunk:
            start = number
        chunk.append(line)
        if len(chunk) == CHUNK_LINES:
            yield start, chunk
            chunk = []
    if chunk:
        yield start, chunk


def _iter_chunks(path: Path, encoding: str, source: str, version_id: int) -> Iterator[_Chunk]:
    chunks = _iter_line_chunks(path, encoding)
    workers = min(2, os.cpu_count() or 1)
    if path.stat().st_size < PARALLEL_ABOVE_BYTES or workers < 2:
        for start, lines in chunks:
            yield _parse_chunk(str(path), start, lines, source, version_id)
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=batch_worker) as pool:
        pending: deque[Future[_Chunk]] = deque()
        for start, lines in chunks:
            pending.append(pool.submit(_parse_chunk, str(path), start, lines, source, version_id))
            if len(pending) > workers:  # bounded: a few chunks in flight, never the file
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def _parse_chunk(path: str, start: int, lines: list[str], source: str, version_id: int) -> _Chunk:
    entities: list[Entity] = []
    newest, skipped = "", 0
    for number, line in enumerate(lines, start):
        if not line.strip():
            continue
        record = _load(path, number, line)
        newest = max(newest, str(record.get("last_change") or record.get("last_seen") or ""))
        entity = _entity(path, number, record, source)
        if entity is None:
            skipped += 1
        else:
            entities.append(entity)
    rows, names = repo.entities_to_arrow(version_id, entities)
    return _Chunk(rows, names, newest, skipped)


def _load(path: str, number: int, line: str) -> dict[str, Any]:
    try:
        record = orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        raise InputError(path, f"not valid JSON ({exc})", line=number) from None
    if not isinstance(record, dict):
        raise InputError(path, "each line must be a JSON object", line=number)
    return record


def _entity(path: str, number: int, record: dict[str, Any], source: str) -> Entity | None:
    schema = record.get("schema")
    if schema not in MATCHABLE:
        return None
    props: dict[str, list[str]] = record.get("properties") or {}
    ident = record.get("id")
    names = [Name.of(v, kind) for prop, kind in _NAME_PROPS for v in props.get(prop, [])]
    if not ident or not names:
        raise InputError(path, "a matchable entity needs an id and a name", line=number)
    primary = next((n.value for n in names if n.kind == PRIMARY), names[0].value)
    created = _first(props.get("createdAt", []))
    return Entity(
        id=str(ident),
        source=source,
        schema=str(schema),
        name=primary,
        names=names,
        addresses=props.get("address", []),
        countries=props.get("country", []) + props.get("jurisdiction", []),
        identifiers=[Identifier(p, v) for p in _ID_PROPS for v in props.get(p, [])],
        programs=[Program(d, created) for d in record.get("datasets", [])],
        effective_date=created,
        source_url=_first(props.get("sourceUrl", [])),
        remarks=_first(props.get("notes", [])),
    )
