"""One listed entity, everything paxta holds about it: the entity page and ``GET /entities/{id}``.

Its entries on the lists (newest version), every name by kind and script, the Chinese names
analysts and the alias table tie to it, its addresses located, the captures that name it, the
case parties that screen to it (and the parties they own or are owned by), and its history
across every imported version of its list.
"""

from __future__ import annotations

from typing import Any

from paxta.config import plain_row
from paxta.errors import PaxtaError
from paxta.evidence.extract import evidence_about
from paxta.lists.diff import compare_entities
from paxta.lists.model import Entity
from paxta.lists.repository import all_versions, find_entity, load_entities
from paxta.names.features import name_features
from paxta.places.locator import locate_address
from paxta.screen.matcher import NEWEST_DECISIONS, STANDING, Matcher
from paxta.screen.same import same_entity
from paxta.scripts import HAN
from paxta.store import Backend

# Above this many case parties, only those sharing a trade-name word with the entity are
# screened for the page (all of them are when fewer).
SCREEN_ALL_PARTIES = 5_000


def entity_profile(store: Backend, entity_id: str, matcher: Matcher) -> dict[str, Any]:
    """Everything about one listed entity, as plain JSON data."""
    found = find_entity(store, entity_id)
    if found is None:
        raise PaxtaError(f"no listed entity {entity_id!r} (search for it by name).")
    version, entity = found
    names = [{"name": n.value, "kind": n.kind, "script": n.script} for n in entity.names]
    linked = linked_parties(store, entity, matcher)
    han: dict[str, str] = {}
    for p in linked:
        if p["decision"] == "match" and p["name_native"]:
            han.setdefault(p["name_native"], f"case {p['case']}, party {p['party_id']}")
    for name in _confirmed(store, entity_id):
        han[name] = "confirmed by an analyst"
    for n in entity.names:
        if n.script == HAN:
            han[n.value] = f"on the list ({n.kind})"
    places = []
    for address in entity.addresses:
        located = locate_address(address)
        places.append(
            {
                "address": address,
                "xinjiang": located.xinjiang,
                "place": located.as_json().get("place"),
                "why": located.why,
            }
        )
    return {
        "entity_id": entity.id,
        "name": entity.name,
        "list": entity.source,
        "list_version": version.version,
        "schema": entity.schema,
        "scope": entity.scope,
        "effective_date": entity.effective_date,
        "source_url": entity.source_url,
        "remarks": entity.remarks,
        "countries": entity.countries,
        "identifiers": [{"kind": i.kind, "value": i.value} for i in entity.identifiers],
        "programs": [{"code": p.code, "effective_date": p.effective_date} for p in entity.programs],
        "names": names,
        "chinese_names": [{"name": k, "source": v} for k, v in sorted(han.items())],
        "aliases_learned": _learned(store, entity),
        "places": places,
        "evidence": [plain_row(row) for row in evidence_about(store, entity_id)],
        "linked_parties": linked,
        "history": entity_history(store, entity),
        "same_entity": [e.as_json() for e in same_entity(store, entity_id, matcher)[1:]],
    }


def _confirmed(store: Backend, entity_id: str) -> set[str]:
    """Chinese names analysts confirmed as this entity (a confirmation that stands)."""
    rows = store.sql(
        f"SELECT DISTINCT query FROM {NEWEST_DECISIONS} AS d "
        f"WHERE entity_id = ? AND verdict AND {STANDING}",
        [entity_id],
    )
    return {q for (q,) in rows if name_features(q).script == HAN}


def _learned(store: Backend, entity: Entity) -> list[dict[str, str]]:
    """Alias-table rows that tie a Chinese trade name to one of the entity's trade words."""
    keys = sorted({k for n in entity.names for k in name_features(n.value).keys})
    if not keys:
        return []
    return store.dicts(
        "SELECT DISTINCT han, latin, source FROM aliases WHERE lower(latin) IN "
        f"({', '.join('?' for _ in keys)}) ORDER BY han",
        keys,
    )


def linked_parties(store: Backend, entity: Entity, matcher: Matcher) -> list[dict[str, Any]]:
    """Case parties that screen to this entity (match or review), with the parties owning or
    owned by them."""
    total = int(store.scalar("SELECT count(*) FROM case_parties"))
    if total == 0:
        return []
    if total <= SCREEN_ALL_PARTIES:
        parties = store.dicts("SELECT * FROM case_parties")
    else:
        words = sorted(
            {k for n in entity.names for k in name_features(n.value).keys}
            | {t for n in entity.names if (t := name_features(n.value).trade) and n.script == HAN}
        )
        if not words:
            return []
        like = " OR ".join("name ILIKE ? OR coalesce(name_native, '') LIKE ?" for _ in words)
        params = [v for w in words for v in (f"%{w}%", f"%{w}%")]
        parties = store.dicts(f"SELECT * FROM case_parties WHERE {like} LIMIT 5000", params)
    out = []
    for party in parties:
        for name in [party["name"], party["name_native"], *(party["aliases"] or [])]:
            if not name:
                continue
            ids = frozenset(party["registry_ids"] or ())
            hit = next(
                (m for m in matcher.match(name, ids) if m.entity.entity_id == entity.id), None
            )
            if hit is not None:
                out.append(
                    {
                        "case": party["case_id"],
                        "party_id": party["party_id"],
                        "name": party["name"],
                        "name_native": party["name_native"],
                        "country": party["country"],
                        "matched_name": name,
                        "decision": hit.decision,
                        "score": hit.score,
                        "explanation": hit.explanation,
                        "owners": _owners(store, party, "child_id", "parent_id"),
                        "owns": _owners(store, party, "parent_id", "child_id"),
                    }
                )
                break
    return out


def _owners(store: Backend, party: dict[str, Any], this: str, other: str) -> list[dict[str, Any]]:
    return store.dicts(
        f"SELECT o.{other} AS party_id, p.name, o.share FROM case_ownership o "
        f"LEFT JOIN case_parties p ON p.case_id = o.case_id AND p.party_id = o.{other} "
        f"WHERE o.case_id = ? AND o.{this} = ? ORDER BY 1",
        [party["case_id"], party["party_id"]],
    )


def entity_history(store: Backend, entity: Entity) -> list[dict[str, Any]]:
    """The entity in every imported version of its list, oldest first: listed or not, and what
    changed since the version before."""
    history: list[dict[str, Any]] = []
    previous: Entity | None = None
    for v in all_versions(store, entity.source):
        now = load_entities(store, v.version_id, [entity.id]).get(entity.id)
        changes: list[dict[str, Any]] = []
        if now is None:
            event = "removed" if previous is not None else "not listed"
        elif previous is None:
            event = "added" if history else "listed"
        else:
            changes = [vars(c) for c in compare_entities(previous, now)]
            event = "changed" if changes else "unchanged"
        history.append({"version": v.version, "event": event, "changes": changes})
        previous = now
    return history


def find_entities(matcher: Matcher, query: str, limit: int = 20) -> list[dict[str, Any]]:
    """Listed entities a name may be, for the entity search box (clear results included)."""
    return [
        {
            "entity_id": m.entity.entity_id,
            "name": m.entity.name,
            "list": m.entity.list,
            "matched_name": m.matched_name,
            "decision": m.decision,
            "score": m.score,
        }
        for m in matcher.match(query[:1000], limit=limit)
    ]
