"""One real-world entity across the lists: its entries on every list that names it, each with
why paxta holds it to be the same.

Entries are joined when they share an identifier (same kind and value: a registration, tax or
IMO number, a USCC) or, for organisations, when the screening model matches a name of one to
another list's entry with a score of at least ``SAME_SCORE`` (the fitted model's ``match``,
its explanation kept, countries that differ ruling a pair out): a screening match below it
(a unit of the XPCC matches the XPCC for screening at 0.95; one trade name inside another)
says the entries are related, not one entity. A person's entries are joined only by an
identifier: two people may share a name. Joining runs two steps out from the entry asked for,
so a group reads the same from any of its entries; it is computed when asked, from the current
list versions and the matcher.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from paxta.errors import PaxtaError
from paxta.lists.model import Entity
from paxta.lists.repository import ListVersion, current_versions, find_entity
from paxta.native import picklable
from paxta.screen.comparison import MATCH
from paxta.screen.matcher import Matcher
from paxta.store import Backend

STEPS = 2
MAX_NAMES = 8  # names of an entry matched against the other lists
MIN_IDENTIFIER = 6  # characters of an identifier (letters and digits) that can join entries
PEOPLE = ("Person",)
SAME_SCORE = 0.99  # the model's score above which two entries' names are one entity's


@dataclass(frozen=True)
class Entry:
    """One list's entry of the entity, and why it belongs."""

    entity: Entity
    version: ListVersion
    why: str

    def as_json(self) -> dict[str, object]:
        """Plain data for the entity page and the API."""
        e = self.entity
        return {
            "entity_id": e.id,
            "list": e.source,
            "list_version": self.version.version,
            "name": e.name,
            "schema": e.schema,
            "effective_date": e.effective_date,
            "programs": [{"code": p.code, "effective_date": p.effective_date} for p in e.programs],
            "source_url": e.source_url,
            "why": self.why,
        }


def same_entity(store: Backend, entity_id: str, matcher: Matcher) -> list[Entry]:
    """Every current list entry that is the entity ``entity_id`` is, the asked one first."""
    found = find_entity(store, entity_id)
    if found is None:
        raise PaxtaError(f"no listed entity {entity_id!r} (search for it by name).")
    current = [v.version_id for v in current_versions(store)]
    group = {entity_id: Entry(found[1], found[0], "the entry asked for")}
    frontier = [found[1]]
    for _ in range(STEPS):
        reached = []
        for entity in frontier:
            for other, why in _joined(store, entity, matcher, current):
                if other in group:
                    continue
                got = find_entity(store, other)
                if got is not None:
                    group[other] = Entry(got[1], got[0], why)
                    reached.append(got[1])
        frontier = reached
    return list(group.values())


def _joined(
    store: Backend, entity: Entity, matcher: Matcher, current: list[int]
) -> Iterator[tuple[str, str]]:
    """Entries on other lists joined to ``entity``, each with the reason."""
    if not current:
        return
    marks = ", ".join("?" for _ in current)
    for ident in entity.identifiers:
        if len(re.sub(r"[\W_]", "", ident.value)) < MIN_IDENTIFIER:
            continue
        for (other,) in store.sql(
            f"""SELECT DISTINCT entity_id FROM (
                SELECT entity_id, version_id, unnest(identifiers) AS i FROM entities)
            WHERE version_id IN ({marks}) AND i.kind = ? AND i.value = ? AND entity_id <> ?""",
            [*current, ident.kind, ident.value, entity.id],
        ):
            yield other, f"the same {ident.kind} number, {ident.value}"
    if entity.schema in PEOPLE:
        return
    countries = frozenset(entity.countries)
    for name in list(dict.fromkeys(n.value for n in entity.names))[:MAX_NAMES]:
        for m in matcher.match(name, countries=countries, limit=10):
            if m.decision != MATCH or m.score < SAME_SCORE or m.entity.list == entity.source:
                continue
            if not m.entity.is_company:
                continue
            said = f"“{name}” matches {m.entity.list}'s “{m.matched_name}”: {m.explanation}"
            yield m.entity.entity_id, said


picklable(Entry)  # (frozen: see paxta.native)
