"""What changed between two versions of a list: entities added, removed and changed."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from paxta.errors import PaxtaError
from paxta.lists import repository as repo
from paxta.lists.model import Entity
from paxta.lists.repository import ListVersion
from paxta.store import Backend


@dataclass
class FieldChange:
    """One field of one entity: values that appeared and values that went away."""

    field: str
    added: list[str]
    removed: list[str]


@dataclass
class EntityChange:
    """An entity present in both versions whose content differs."""

    entity_id: str
    name: str
    changes: list[FieldChange]


@dataclass
class ListDiff:
    """The difference between an old and a new version of one source."""

    source: str
    old: ListVersion
    new: ListVersion
    added: list[Entity] = field(default_factory=list)
    removed: list[Entity] = field(default_factory=list)
    changed: list[EntityChange] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """The diff as plain JSON data."""

        def brief(e: Entity) -> dict[str, Any]:
            return {
                "entity_id": e.id,
                "name": e.name,
                "programs": sorted(p.code for p in e.programs),
            }

        return {
            "source": self.source,
            "old": self.old.as_json(),
            "new": self.new.as_json(),
            "added": [brief(e) for e in self.added],
            "removed": [brief(e) for e in self.removed],
            "changed": [
                {"entity_id": c.entity_id, "name": c.name, "changes": [vars(f) for f in c.changes]}
                for c in self.changed
            ],
        }


def _facets(e: Entity) -> dict[str, set[str]]:
    """An entity's content as comparable sets of readable values, one set per field."""
    facets: dict[str, set[str]] = {
        "name": {e.name},
        "aliases": {n.value for n in e.names if n.kind == "alias"},
        "former names": {n.value for n in e.names if n.kind == "former"},
        "native names": {n.value for n in e.names if n.kind == "native"},
        "programs": {
            p.code + (f" ({p.effective_date})" if p.effective_date else "") for p in e.programs
        },
        "addresses": set(e.addresses),
        "countries": set(e.countries),
        "identifiers": {f"{i.kind}: {i.value}" for i in e.identifiers},
    }
    for name in ("scope", "schema", "effective_date", "remarks"):
        value = getattr(e, name)
        facets[name] = {value} if value else set()
    return facets


def compare_entities(old: Entity, new: Entity) -> list[FieldChange]:
    """The fields in which two versions of one entity differ."""
    before, after = _facets(old), _facets(new)
    changes = []
    for name in before:
        added, removed = sorted(after[name] - before[name]), sorted(before[name] - after[name])
        if added or removed:
            changes.append(FieldChange(name, added, removed))
    return changes


_CHANGED_SQL = """
SELECT coalesce(o.entity_id, n.entity_id) AS entity_id,
       o.entity_id IS NOT NULL AS in_old, n.entity_id IS NOT NULL AS in_new
FROM (SELECT entity_id, fingerprint FROM entities WHERE version_id = ?) AS o
FULL OUTER JOIN (SELECT entity_id, fingerprint FROM entities WHERE version_id = ?) AS n
  ON o.entity_id = n.entity_id
WHERE o.fingerprint IS DISTINCT FROM n.fingerprint
ORDER BY 1
"""


def changed_ids(
    store: Backend, old_version_id: int, new_version_id: int
) -> tuple[list[str], list[str], list[str]]:
    """Entity ids added, removed and in both with another fingerprint (changed or not: a
    fingerprint also covers fields a person reads alike), each in id order."""
    rows = store.sql(_CHANGED_SQL, [old_version_id, new_version_id])
    added = [r[0] for r in rows if not r[1]]
    removed = [r[0] for r in rows if not r[2]]
    return added, removed, [r[0] for r in rows if r[1] and r[2]]


def diff_versions(
    store: Backend, source: str, old: str | None = None, new: str | None = None
) -> ListDiff:
    """Compare two versions of ``source`` (default: the two newest).

    Args:
        store: the store.
        source: the list source, e.g. ``uflpa``.
        old: the old version (its date, or ``#ID`` for a version id).
        new: the new version, likewise.
    """
    versions = repo.all_versions(store, source)
    if not versions:
        raise PaxtaError(f"no list named {source!r} has been imported (see `paxta lists`).")
    if old is None and new is None:
        if len(versions) < 2:
            raise PaxtaError(
                f"{source} has only one version ({versions[0].version}): nothing to compare."
            )
        old_v, new_v = versions[-2], versions[-1]
    else:
        old_v = _pick(versions, old, source)
        new_v = _pick(versions, new, source) if new else versions[-1]
    result = ListDiff(source, old_v, new_v)
    added, removed, in_both = changed_ids(store, old_v.version_id, new_v.version_id)
    olds = repo.load_entities(store, old_v.version_id, sorted(removed + in_both))
    news = repo.load_entities(store, new_v.version_id, sorted(added + in_both))
    result.added = [news[e] for e in added]
    result.removed = [olds[e] for e in removed]
    for entity_id in in_both:
        changes = compare_entities(olds[entity_id], news[entity_id])
        if changes:
            result.changed.append(EntityChange(entity_id, news[entity_id].name, changes))
    return result


def _pick(versions: list[ListVersion], wanted: str | None, source: str) -> ListVersion:
    if wanted and wanted.startswith("#") and wanted[1:].isdigit():
        found = [v for v in versions if v.version_id == int(wanted[1:])]
    else:
        found = [v for v in versions if v.version == wanted]
    if not found:
        known = ", ".join(v.version for v in versions)
        raise PaxtaError(f"{source} has no version {wanted!r} (versions: {known}).")
    return found[-1]
