"""The lists' tables in the store: versions, entities and names, as portable SQL and Arrow."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pyarrow as pa

from paxta.errors import PaxtaError
from paxta.lists.model import Entity, Identifier, Name, Program
from paxta.store import Backend

_STR = pa.string()
ENTITY_SCHEMA = pa.schema(
    [
        ("version_id", pa.int32()),
        ("entity_id", _STR),
        ("schema", _STR),
        ("name", _STR),
        ("scope", _STR),
        ("effective_date", _STR),
        ("source_url", _STR),
        ("remarks", _STR),
        ("countries", pa.list_(_STR)),
        ("addresses", pa.list_(_STR)),
        ("identifiers", pa.list_(pa.struct([("kind", _STR), ("value", _STR)]))),
        ("programs", pa.list_(pa.struct([("code", _STR), ("effective_date", _STR)]))),
        ("fingerprint", _STR),
    ]
)
NAME_SCHEMA = pa.schema(
    [
        ("version_id", pa.int32()),
        ("entity_id", _STR),
        ("name", _STR),
        ("kind", _STR),
        ("script", _STR),
    ]
)


@dataclass(frozen=True)
class ListVersion:
    """One imported version of one list source."""

    version_id: int
    source: str
    version: str
    format: str
    sha256: str
    files: str
    source_url: str | None
    entity_count: int
    imported_at: datetime

    def as_json(self) -> dict[str, Any]:
        """The version as the JSON object ``paxta lists --json`` prints."""
        return {
            "source": self.source,
            "version": self.version,
            "entities": self.entity_count,
            "sha256": self.sha256,
            "imported_at": self.imported_at.isoformat(timespec="seconds"),
            "format": self.format,
            "version_id": self.version_id,
            "files": self.files,
            "source_url": self.source_url,
        }


_VERSION_COLUMNS = (
    "version_id, source, version, format, sha256, files, source_url, entity_count, imported_at"
)


def versions_sql(where: str = "TRUE") -> str:
    """SQL for list versions matching ``where``, oldest first."""
    return (
        f"SELECT {_VERSION_COLUMNS} FROM list_versions WHERE {where} "
        "ORDER BY source, version, imported_at, version_id"
    )


def all_versions(store: Backend, source: str | None = None) -> list[ListVersion]:
    """Every imported version (of one source, when given), oldest first."""
    if source is None:
        return [ListVersion(*r) for r in store.sql(versions_sql())]
    return [ListVersion(*r) for r in store.sql(versions_sql("source = ?"), [source])]


def current_versions(store: Backend) -> list[ListVersion]:
    """The newest version of each source: the one screening uses."""
    latest = (
        "version_id IN (SELECT arg_max(version_id, (version, imported_at, version_id)) "
        "FROM list_versions GROUP BY source)"
    )
    return [ListVersion(*r) for r in store.sql(versions_sql(latest))]


def latest_version(store: Backend, source: str) -> ListVersion | None:
    """The version of ``source`` screening uses now, if there is one."""
    return next((v for v in current_versions(store) if v.source == source), None)


STALE_AFTER_DAYS = 90  # the lists change monthly or faster; a version this old is out of date


def max_list_age() -> int:
    """Days after which a list version is out of date: ``$PAXTA_MAX_LIST_AGE`` or 90."""
    given = os.environ.get("PAXTA_MAX_LIST_AGE", "").strip()
    if not given:
        return STALE_AFTER_DAYS
    if not given.isdigit():
        raise PaxtaError(f"$PAXTA_MAX_LIST_AGE={given!r}: give a number of days, e.g. 30.")
    return int(given)


def version_age(v: ListVersion, today: date | None = None) -> int | None:
    """Days since the version's date (its publication), or None when it is not a date."""
    today = today or date.today()
    try:
        day = v.version[:10] if len(v.version) >= 10 else v.version[:7] + "-01"  # 2026-07
        return (today - date.fromisoformat(day)).days
    except ValueError:
        return None  # a version that is not a date says nothing about age


def version_ages(versions: list[ListVersion], today: date | None = None) -> list[tuple[str, int]]:
    """(source, age in days) of each version whose version is a date."""
    return [(v.source, a) for v in versions if (a := version_age(v, today)) is not None]


def stale_versions(
    versions: list[ListVersion], today: date | None = None, days: int | None = None
) -> list[tuple[ListVersion, int]]:
    """The versions older than ``days`` (default :func:`max_list_age`), with their age in days
    (oldest first): a screening against them says so, since a name listed since is ``clear``."""
    limit = max_list_age() if days is None else days
    out = []
    for v in versions:
        age = version_age(v, today)
        if age is not None and age > limit:
            out.append((v, age))
    return sorted(out, key=lambda pair: -pair[1])


def staleness_warning(versions: list[ListVersion], today: date | None = None) -> str:
    """One sentence naming the lists that are out of date, or ''."""
    stale = stale_versions(versions, today)
    if not stale:
        return ""
    named = ", ".join(f"{v.source} {v.version} ({age:,} days old)" for v, age in stale)
    return (
        f"Warning: out-of-date lists: {named}; names listed since are not found. "
        "Update them: paxta lists fetch."
    )


# Short names people use for the sources (case aside): ofac is OFAC's SDN list.
SOURCE_SHORT_NAMES = {
    "ofac": "ofac-sdn",
    "sdn": "ofac-sdn",
    "bis": "bis-entity-list",
    "entity-list": "bis-entity-list",
    "cbp": "cbp-wro",
    "wro": "cbp-wro",
    "uflpa-entity-list": "uflpa",
}


def resolve_sources(store: Backend, names: Iterable[str]) -> list[str]:
    """The list sources ``names`` mean (case aside, short names such as ofac accepted); an
    error naming the lists there are for any name that is none of them, or for no name."""
    known = sorted({v.source for v in current_versions(store)})
    out: list[str] = []
    unknown: list[str] = []
    for name in names:
        key = name.strip().casefold()
        key = SOURCE_SHORT_NAMES.get(key, key)
        if key in known:
            out.append(key)
        else:
            unknown.append(name.strip())
    if unknown or not out:
        there = ", ".join(known) if known else "none (import one with paxta lists import)"
        what = ", ".join(repr(u) for u in unknown) if unknown else "no list named"
        raise PaxtaError(f"no list {what} to screen against: the lists there are {there}.")
    return sorted(set(out))


def find_by_sha(store: Backend, source: str, sha256: str) -> ListVersion | None:
    """The version of ``source`` already imported from identical files, if any."""
    rows = store.sql(versions_sql("source = ? AND sha256 = ?"), [source, sha256])
    return ListVersion(*rows[0]) if rows else None


def next_version_id(store: Backend) -> int:
    """A fresh version id."""
    return int(store.scalar("SELECT coalesce(max(version_id), 0) + 1 FROM list_versions"))


def insert_version(store: Backend, v: ListVersion) -> None:
    """Record an imported version (inside the import's transaction)."""
    store.sql(
        f"INSERT INTO list_versions ({_VERSION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            v.version_id,
            v.source,
            v.version,
            v.format,
            v.sha256,
            v.files,
            v.source_url,
            v.entity_count,
            v.imported_at,
        ],
    )


def append_entities(store: Backend, version_id: int, entities: Iterable[Entity]) -> int:
    """Append a batch of entities and their names as two Arrow tables; return the count."""
    rows, names = entities_to_arrow(version_id, entities)
    return append_arrow(store, rows, names)


def append_arrow(store: Backend, rows: pa.Table, names: pa.Table) -> int:
    """Append entity and name tables made by :func:`entities_to_arrow`; return the count."""
    if rows.num_rows:
        store.append("entities", rows)
        store.append("entity_names", names)
    return int(rows.num_rows)


def entities_to_arrow(version_id: int, entities: Iterable[Entity]) -> tuple[pa.Table, pa.Table]:
    """Entities as two Arrow tables (entities, names) in the store's column layout."""
    cols: dict[str, list[Any]] = {name: [] for name in ENTITY_SCHEMA.names[1:]}
    name_cols: dict[str, list[Any]] = {name: [] for name in NAME_SCHEMA.names[1:]}
    for e in entities:
        cols["entity_id"].append(e.id)
        cols["schema"].append(e.schema)
        cols["name"].append(e.name)
        cols["scope"].append(e.scope)
        cols["effective_date"].append(e.effective_date)
        cols["source_url"].append(e.source_url)
        cols["remarks"].append(e.remarks)
        cols["countries"].append(e.countries)
        cols["addresses"].append(e.addresses)
        cols["identifiers"].append([(i.kind, i.value) for i in e.identifiers])
        cols["programs"].append([(p.code, p.effective_date) for p in e.programs])
        cols["fingerprint"].append(e.fingerprint())
        for n in e.names:
            name_cols["entity_id"].append(e.id)
            name_cols["name"].append(n.value)
            name_cols["kind"].append(n.kind)
            name_cols["script"].append(n.script)
    rows = _arrow(ENTITY_SCHEMA, version_id, len(cols["entity_id"]), cols)
    return rows, _arrow(NAME_SCHEMA, version_id, len(name_cols["name"]), name_cols)


def _arrow(schema: pa.Schema, version_id: int, rows: int, cols: dict[str, list[Any]]) -> pa.Table:
    arrays = [pa.repeat(pa.scalar(version_id, pa.int32()), rows)]
    arrays += [pa.array(cols[f.name], type=f.type) for f in list(schema)[1:]]
    return pa.Table.from_arrays(arrays, schema=schema)


def load_entities(
    store: Backend, version_id: int, ids: list[str] | None = None
) -> dict[str, Entity]:
    """Entities of one version (only ``ids`` when given), names included, keyed by id."""
    where = "version_id = ?"
    params: list[Any] = [version_id]
    if ids is not None:
        if not ids:
            return {}
        where += f" AND entity_id IN ({', '.join('?' * len(ids))})"
        params += ids
    source = store.scalar("SELECT source FROM list_versions WHERE version_id = ?", [version_id])
    out: dict[str, Entity] = {}
    for r in store.dicts(f"SELECT * FROM entities WHERE {where} ORDER BY entity_id", params):
        out[r["entity_id"]] = Entity(
            id=r["entity_id"],
            source=source,
            schema=r["schema"],
            name=r["name"],
            addresses=list(r["addresses"] or []),
            countries=list(r["countries"] or []),
            identifiers=[Identifier(i["kind"], i["value"]) for i in r["identifiers"] or []],
            programs=[Program(p["code"], p["effective_date"]) for p in r["programs"] or []],
            scope=r["scope"],
            effective_date=r["effective_date"],
            source_url=r["source_url"],
            remarks=r["remarks"],
        )
    name_sql = f"SELECT entity_id, name, kind, script FROM entity_names WHERE {where}"
    for entity_id, name, kind, script in store.sql(name_sql, params):
        if entity_id in out:
            out[entity_id].names.append(Name(name, kind, script))
    return out


def find_entity(store: Backend, entity_id: str) -> tuple[ListVersion, Entity] | None:
    """The entity with this id in the newest version that holds it."""
    rows = store.sql(
        "SELECT e.version_id FROM entities e JOIN list_versions v USING (version_id) "
        "WHERE e.entity_id = ? ORDER BY v.version DESC, v.imported_at DESC LIMIT 1",
        [entity_id],
    )
    if not rows:
        return None
    version_id = rows[0][0]
    version = ListVersion(*store.sql(versions_sql("version_id = ?"), [version_id])[0])
    return version, load_entities(store, version_id, [entity_id])[entity_id]
