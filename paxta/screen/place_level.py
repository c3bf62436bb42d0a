"""How the places of two names compare: a bracketed place (a subsidiary's), the regions the
names give, the listed address when the listed name gives no place, the query's address when
the query gives none. A different place of the same trade name is a relation, not a match.
"""

from __future__ import annotations

from functools import lru_cache

from paxta.names.features import NameFeatures
from paxta.names.placekeys import PlaceKeys, address_places
from paxta.screen.comparison import (
    Comparison,
    Context,
    relate,
    set_level,
)


def compare_places(
    q: NameFeatures, c: NameFeatures, out: Comparison, q_context: Context, c_context: Context
) -> None:
    """The place level: brackets first (a subsidiary's place), then regions, the listed
    address when the listed name gives no place, the query's address when the query gives
    none."""
    q_all = set(q.places) | ({q.bracket} if q.bracket else set())
    c_all = set(c.places) | ({c.bracket} if c.bracket else set())
    if q.bracket and c.bracket:
        if _same_place(q.bracket, c.bracket):
            said = f"{_written(q.bracket_name)} = {c.bracket_name} (bracketed place)"
            out.agree.append(said)
            if not (q.places or c.places):
                return set_level(out, "place", "bracket_same", said)
        else:
            relate(out, "same group, different subsidiary", "place", _regions_agree(q, c))
            said = f"bracketed place {q.bracket_name} vs {c.bracket_name}"
            out.differ.append(said)
            return set_level(out, "place", "bracket_differ", said)
    elif c.bracket and not any(_same_place(c.bracket, p) for p in q_all):
        return _bracket_only(
            out,
            q,
            c,
            "the listed company is a subsidiary at one place; the query names no such",
            "listed_bracket_only",
            f"listed subsidiary at {c.bracket_name}, query does not say",
        )
    elif q.bracket and not any(_same_place(q.bracket, p) for p in c_all):
        return _bracket_only(
            out,
            q,
            c,
            "the query is a subsidiary or branch at a place the listed name lacks",
            "query_bracket_only",
            f"query at {q.bracket_name}, listed name has no such place",
        )
    q_regions, c_regions = set(q.places), set(c.places)
    # Without a place in the listed name, the list's address says where the company is
    # (Dahua Technology, listed at Hangzhou and Urumqi, for 浙江大华技术).
    by_address = bool(q_regions) and not c_regions and not c.bracket
    # (an alias without a place: where the entity's other names, or its address, say it is)
    where = address_places(c_context.addresses) | c_context.places if by_address else frozenset()
    where |= {k for p in c_regions for k in _keyset(p)}
    abroad = [
        p for p in q_regions if all(k.startswith("country:") for k in p) and where.isdisjoint(p)
    ]
    if abroad and where and len(abroad) < len(q_regions):  # XINJIANG ZHONGTAI ... VIETNAM
        relate(out, "the query names another country: a company there of the listed name", "place")
        said = f"the query names {', '.join(q.place_names)}"
        out.differ.append(said)
        return set_level(out, "place", "abroad", said)
    if q_regions and where:
        source = "the listed entity's other names" if c_context.places else "the listed address"
        said = source if by_address else ", ".join(c.place_names)
        if any(_keyset(p) & where for p in q_regions):
            agreed = _place_pairs(q, c) if c_regions else ", ".join(q.place_names)
            said = f"{agreed} (region{'; ' + source if by_address else ''})"
            out.agree.append(said)
            return set_level(out, "place", "same_by_address" if by_address else "same", said)
        said = f"region {', '.join(q.place_names)} vs {said}"
        out.differ.append(said)
        relate(out, "same trade name, different place", "place")
        return set_level(out, "place", "differ_by_address" if by_address else "differ", said)
    if c_regions and not q_regions and not q.bracket and q_context.addresses:
        # 华孚纺织 with its address at Awati: the Awati company, not the Ninghai one
        named = address_places(q_context.addresses, within=False)
        if any(_keyset(p) & named for p in c_regions):
            said = f"{', '.join(c.place_names)} (region; the query's address)"
            out.agree.append(said)
            out.rule = "address"
            return set_level(out, "place", "same_by_address", said)
        here = address_places(q_context.addresses)
        if any(_keyset(p) & here for p in c_regions):  # Awati lies in Aksu prefecture
            said = f"the query's address lies within {', '.join(c.place_names)}"
            out.differ.append(said)
            return set_level(out, "place", "within", said)
        if here:
            said = f"region {', '.join(c.place_names)} vs the query's address"
            out.differ.append(said)
            relate(
                out, "same trade name, different place: the query's address is elsewhere", "place"
            )
            return set_level(out, "place", "differ_by_address", said)
    if q_regions or c_regions:
        side = "query" if q_regions else "listed name"
        names = q.place_names if q_regions else c.place_names
        said = f"only the {side} names a region ({', '.join(names)})"
        out.differ.append(said)
        return set_level(out, "place", "query_only" if q_regions else "listed_only", said)
    set_level(out, "place", "bracket_same" if q.bracket or c.bracket else "neither")


def _bracket_only(
    out: Comparison, q: NameFeatures, c: NameFeatures, relation: str, level: str, said: str
) -> None:
    """One name is a subsidiary at a bracketed place the other does not name: a relation,
    weighed as kin by the regions the two names give."""
    relate(out, relation, "place", _regions_agree(q, c))
    out.differ.append(said)
    set_level(out, "place", level, said)


def _regions_agree(q: NameFeatures, c: NameFeatures) -> str:
    """The place level of two names' regions alone (brackets aside): same, or no evidence."""
    shared = {k for p in q.places for k in _keyset(p)} & {k for p in c.places for k in _keyset(p)}
    return "same" if shared else ""


def _written(name: str) -> str:
    """A place as the name writes it (鄯善 of "鄯善 = Shanshan")."""
    return name.split(" = ")[0]


def _same_place(a: PlaceKeys, b: PlaceKeys) -> bool:
    return not _keyset(a).isdisjoint(_keyset(b))


@lru_cache(maxsize=50_000)
def _keyset(place: PlaceKeys) -> frozenset[str]:
    return frozenset(place)


def _place_pairs(q: NameFeatures, c: NameFeatures) -> str:
    q_names = [_written(n) for n in q.place_names]
    return f"{', '.join(q_names)} = {', '.join(c.place_names)}"
