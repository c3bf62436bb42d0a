"""FollowTheMoney entities as JSON lines (OpenSanctions ``entities.ftm.json``), streamed.

Only entities a screen can match are kept (people, organisations, companies, public bodies,
vessels, aircraft); relationship and address records are counted and skipped. Memory stays
bounded: one line at a time, never the whole file.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from paxta.errors import InputError
from paxta.files import iter_text_lines
from paxta.lists.model import ALIAS, FORMER, PRIMARY, Entity, Identifier, Name, Program
from paxta.lists.sources.base import ListRead, ReadOptions

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


def _first(values: list[str]) -> str | None:
    return values[0] if values else None


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
        result = ListRead([path], iter(()), None, "https://www.opensanctions.org/")
        result.entities = self._entities(path, source, options.encoding or "utf-8", result)
        return result

    def _entities(
        self, path: Path, source: str, encoding: str, result: ListRead
    ) -> Iterator[Entity]:
        newest = ""
        skipped = 0
        for number, line in enumerate(iter_text_lines(path, encoding), 1):
            if not line.strip():
                continue
            record = _load(path, number, line)
            newest = max(newest, str(record.get("last_change") or record.get("last_seen") or ""))
            entity = _entity(path, number, record, source)
            if entity is None:
                skipped += 1
                continue
            yield entity
        result.version = newest[:10] or None
        if skipped:
            result.notes.append(f"{skipped} records of other schemas (addresses, links) skipped")


def _load(path: Path, number: int, line: str) -> dict[str, Any]:
    try:
        record = orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        raise InputError(path, f"not valid JSON ({exc})", line=number) from None
    if not isinstance(record, dict):
        raise InputError(path, "each line must be a JSON object", line=number)
    return record


def _entity(path: Path, number: int, record: dict[str, Any], source: str) -> Entity | None:
    schema = record.get("schema")
    if schema not in MATCHABLE:
        return None
    props: dict[str, list[str]] = record.get("properties") or {}
    ident = record.get("id")
    names = [Name.of(v, kind) for prop, kind in _NAME_PROPS for v in props.get(prop, [])]
    if not ident or not names:
        raise InputError(path, "a matchable entity needs an id and a name", line=number)
    primary = next((n.value for n in names if n.kind == PRIMARY), names[0].value)
    return Entity(
        id=str(ident),
        source=source,
        schema=str(schema),
        name=primary,
        names=names,
        addresses=props.get("address", []),
        countries=props.get("country", []) + props.get("jurisdiction", []),
        identifiers=[Identifier(p, v) for p in _ID_PROPS for v in props.get(p, [])],
        programs=[
            Program(d, _first(props.get("createdAt", []))) for d in record.get("datasets", [])
        ],
        effective_date=_first(props.get("createdAt", [])),
        source_url=_first(props.get("sourceUrl", [])),
        remarks=_first(props.get("notes", [])),
    )
