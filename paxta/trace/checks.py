"""The checks a reviewer runs on a traced chain: each problem is a finding with a stable code.

Parties are screened against the lists and located; ownership is followed up and down; the
records are checked against each other (quantities against yields and invoices, payees, dates,
documents per link, translations, hidden and unlisted parties, recycled content). Nothing is
fixed: a missing or contradictory record is reported as what it is.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from paxta.names.features import name_features
from paxta.names.party import names_no_party
from paxta.places.locator import locate_address
from paxta.places.uscc import parse_uscc
from paxta.screen.matcher import Matcher
from paxta.store import Backend
from paxta.trace.graph import Trace

HIGH, MEDIUM, LOW, INFO = "high", "medium", "low", "info"
SEVERITIES = (HIGH, MEDIUM, LOW, INFO)
# Output per unit of input (same unit), lowest and highest: the cotton chain's from DOMAIN.md,
# the others from the chemistry and typical plant figures (docs/formats.md says which);
# configurable by passing others. A step with no entry (farming, mining, resin, module assembly,
# whose inputs and outputs are counted in other units) is not checked for its yield.
YIELDS: dict[str, tuple[float, float]] = {
    "ginning": (0.33, 0.38),
    "spinning": (0.85, 0.92),
    "knitting": (0.90, 0.97),
    "weaving": (0.90, 0.97),
    "dyeing": (0.90, 0.97),
    "printing": (0.90, 0.99),
    "cutting_sewing": (0.75, 0.90),
    "compounding": (0.95, 1.0),
    "extrusion": (0.90, 0.99),
    "recycling": (0.70, 0.95),
    "silicon_smelting": (0.30, 0.47),  # Si is 46.7% of quartz's mass; plants get ~0.36-0.40
    "polysilicon_refining": (0.75, 0.92),  # ~1.1-1.3 kg metallurgical silicon a kg
    "wafering": (0.45, 0.75),  # ingot tops, tails and sawing kerf lost
    "cell_making": (0.95, 0.99),  # (pieces) breakage and rejects
    "tomato_processing": (0.12, 0.18),  # 28-30 Brix paste from ~5 Brix tomatoes: 6-7 kg a kg
    "repacking": (0.95, 1.0),
    "aluminium_smelting": (0.48, 0.53),  # ~1.9-2 t alumina a tonne; 52.9% at most
    "casting": (0.90, 0.99),
}
TOLERANCE = 0.02  # quantities may differ this much (moisture, rounding) before it is a finding
RAW_ROLES = frozenset({"farm", "mine", "raw_material"})


@dataclass(frozen=True)
class Finding:
    """One problem: a stable code, a severity, where it is, its documents and one sentence."""

    code: str
    severity: str
    tier: int | None
    party: str | None
    documents: tuple[str, ...]
    message: str

    def as_json(self) -> dict[str, Any]:
        """The object ``dossier.json`` lists."""
        return {
            "code": self.code,
            "severity": self.severity,
            "tier": self.tier,
            "party": self.party,
            "documents": list(self.documents),
            "message": self.message,
        }


@dataclass
class CaseData:
    """The case's records as the checks read them."""

    parties: dict[str, dict[str, Any]]
    documents: dict[str, dict[str, Any]]
    movements: dict[str, dict[str, Any]]
    production: dict[str, dict[str, Any]]
    lots: list[dict[str, Any]]
    ownership: list[dict[str, Any]]
    supports: dict[str, list[str]] = field(default_factory=dict)  # link -> its documents
    lot_index: dict[tuple[str, str], dict[str, float | None]] = field(default_factory=dict)

    @classmethod
    def load(cls, store: Backend, case_id: str) -> CaseData:
        """Read one case from the store."""

        def rows(table: str) -> list[dict[str, Any]]:
            return store.dicts(f"SELECT * FROM {table} WHERE case_id = ?", [case_id])

        data = cls(
            {r["party_id"]: r for r in rows("case_parties")},
            {r["document_id"]: r for r in rows("case_documents")},
            {r["movement_id"]: r for r in rows("case_movements")},
            {r["record_id"]: r for r in rows("case_production")},
            rows("case_lots"),
            rows("case_ownership"),
        )
        for r in data.lots:
            data.lot_index.setdefault((r["owner"], r["kind"]), {})[r["lot"]] = r["quantity"]
        for d in data.documents.values():
            if d["supports"]:
                data.supports.setdefault(d["supports"], []).append(d["document_id"])
        for link in (*data.movements.values(), *data.production.values()):
            key = str(link.get("movement_id") or link.get("record_id"))
            if link["document_id"] and link["document_id"] not in data.supports.get(key, []):
                data.supports.setdefault(key, []).append(link["document_id"])
        return data

    def name(self, party: str | None) -> str:
        """A party's name (its id when it is not in the party list)."""
        if party is None:
            return "?"
        p = self.parties.get(party)
        return p["name"] if p else party

    def lot_quantities(self, owner: str, kind: str) -> dict[str, float | None]:
        """The lots of a movement (moved) or production record (in, out) and their quantities."""
        return self.lot_index.get((owner, kind), {})


def run_checks(
    store: Backend,
    trace: Trace,
    matcher: Matcher,
    yields: dict[str, tuple[float, float]] | None = None,
    data: CaseData | None = None,
) -> list[Finding]:
    """Every finding on the traced chain, most severe first (``data``: the case, if read)."""
    data = data or CaseData.load(store, trace.case_id)
    out: list[Finding] = []
    located = {p: xinjiang_reason(data.parties.get(p)) for p in trace.tiers}
    for party, tier in sorted(trace.tiers.items(), key=lambda x: (x[1], x[0])):
        out += _party_findings(data, matcher, party, tier, located[party])
    for party, (tier, how) in sorted(around_the_chain(data, trace).items()):
        where = xinjiang_reason(data.parties[party])
        out += _party_findings(data, matcher, party, tier, where, how)
    out += _ownership(data, trace, matcher)
    out += _links(data, trace, located, yields or YIELDS)
    out += _records(data, trace)
    out += _third_country(data, trace)
    order = {s: i for i, s in enumerate(SEVERITIES)}
    unique = {(f.code, f.party, f.documents, f.message): f for f in out}  # one finding, once
    return sorted(
        unique.values(),
        key=lambda f: (order[f.severity], f.tier or 0, f.code, f.party or "", f.message),
    )


def around_the_chain(data: CaseData, trace: Trace) -> dict[str, tuple[int, str]]:
    """Parties outside the goods flow that stand beside it: who is paid for a traced movement,
    who issued or received a document of a traced link, who owns a traced party. Each with the
    tier of the link it stands beside and how (a payee, an issuer, an owner)."""
    out: dict[str, tuple[int, str]] = {}

    def add(party: str | None, tier: int, how: str) -> None:
        beside = party and party in data.parties and party not in trace.tiers
        if beside and (party not in out or tier < out[party][0]):
            out[str(party)] = (tier, how)

    for link in trace.links:
        if link.kind == "movement":
            movement = data.movements.get(link.link_id, {})
            add(movement.get("payee_id"), link.tier, f"paid for movement {link.link_id}")
        for doc_id in data.supports.get(link.link_id, []):
            doc = data.documents.get(doc_id, {})
            add(doc.get("issuer_id"), link.tier, f"issued {doc_id} ({doc.get('type')})")
            add(doc.get("recipient_id"), link.tier, f"received {doc_id} ({doc.get('type')})")
    parents: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for own in data.ownership:
        parents[own["child_id"]].append(own)
    for party, tier in trace.tiers.items():
        for own in _upward(party, parents):
            add(own["parent_id"], tier, f"owns {data.name(own['child_id'])} ({_share(own)})")
    return out


def to_check(data: CaseData, trace: Trace, matcher: Matcher) -> list[dict[str, Any]]:
    """Possible list matches (screening's ``review``) of the chain's parties and those beside
    it: not findings, but for a person to check, each with its explanation."""
    out = []
    parties = {**{p: (t, "in the chain") for p, t in trace.tiers.items()},
               **around_the_chain(data, trace)}  # fmt: skip
    for party in sorted(parties, key=lambda p: (parties[p][0], p)):
        p = data.parties.get(party)
        if p is None:
            continue
        name, best = _best_match(matcher, p)
        if best is None or best.decision != "review":
            continue
        out.append(
            {
                "party": party,
                "party_name": p["name"],
                "tier": parties[party][0],
                "as": name,
                "entity_id": best.entity.entity_id,
                "listed_name": best.entity.name,
                "list": best.entity.list,
                "list_version": best.entity.version,
                "probability": round(best.score, 3),
                "explanation": best.explanation,
            }
        )
    return out


def _best_match(matcher: Matcher, p: dict[str, Any]) -> tuple[str, Any]:
    """The party's best result over its names: (the name, the match) or ('', None)."""
    ids = frozenset(p["registry_ids"] or ())
    best: tuple[str, Any] = ("", None)
    for name in _names(p):
        found = matcher.match(name, ids, limit=1, address=p["address"] or "")
        if found and (best[1] is None or found[0].outranks_decision(best[1])):
            best = (name, found[0])
    return best


def xinjiang_reason(party: dict[str, Any] | None) -> str:
    """Why a party is in Xinjiang ('' when it is not): its address or its USCC region."""
    if party is None:
        return ""
    if party["address"]:
        where = _address_in_xinjiang(party["address"])
        if where:
            return where
    for value in party["registry_ids"] or ():
        code = parse_uscc(value)
        if code is not None and code.xinjiang:
            return f"USCC {value} registered in Xinjiang (region {code.region})"
    return ""


@lru_cache(maxsize=100_000)
def _address_in_xinjiang(address: str) -> str:
    """Each address is located once, however many parties and checks ask."""
    found = locate_address(address)
    return f"address in Xinjiang ({found.why})" if found.xinjiang else ""


@lru_cache(maxsize=100_000)
def _address_xpcc(address: str) -> str:
    """The XPCC place an address names (a division, regiment or XPCC city), or ''."""
    if not address.strip():
        return ""
    found = locate_address(address)
    return found.why if found.xinjiang and (found.place or {}).get("xpcc") else ""


def _names(party: dict[str, Any]) -> list[str]:
    return [n for n in (party["name"], party["name_native"], *(party["aliases"] or ())) if n]


def _party_findings(
    data: CaseData, matcher: Matcher, party: str, tier: int, xinjiang: str, how: str = ""
) -> list[Finding]:
    """A party listed (screening's ``match``; a ``review`` is for a person to check, see
    :func:`to_check`), at an XPCC place or named for it, or in Xinjiang. ``how``: how a party
    outside the goods flow stands beside it ("paid for movement M3")."""
    p = data.parties.get(party)
    if p is None:
        return []
    out = []
    who = f"{p['name']} ({how})" if how else p["name"]
    name, m = _best_match(matcher, p)
    if m is not None and m.decision == "match":
        out.append(
            Finding(
                "listed_entity",
                HIGH,
                tier,
                party,
                (),
                f"{who} is {m.entity.name} on {m.entity.list} {m.entity.version} "
                f"(as {name!r}: {m.explanation}).",
            )
        )
    by_address = _address_xpcc(p["address"] or "")
    if any(name_features(n).xpcc for n in _names(p)):
        xpcc = f"{who} names the XPCC (Bingtuan): it belongs to the XPCC or its affiliates."
    elif by_address:
        xpcc = (
            f"{who} is at an XPCC (Bingtuan) place ({by_address}): a division, regiment "
            "or XPCC city is administered by the Corps."
        )
    else:
        xpcc = ""
    if xpcc:
        out.append(Finding("xpcc_affiliation", HIGH, tier, party, (), xpcc))
    if xinjiang:
        out.append(Finding("xinjiang_location", HIGH, tier, party, (), f"{who}: {xinjiang}."))
    return out


def _ownership(data: CaseData, trace: Trace, matcher: Matcher) -> list[Finding]:
    """Parents that are listed or in Xinjiang; Xinjiang companies in the same group."""
    parents: dict[str, list[dict[str, Any]]] = defaultdict(list)
    children: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for link in data.ownership:
        parents[link["child_id"]].append(link)
        children[link["parent_id"]].append(link)
    out = []
    for party, tier in trace.tiers.items():
        for link in _upward(party, parents):
            owner = data.parties.get(link["parent_id"])
            risk = xinjiang_reason(owner) or listed_as(matcher, owner)
            if risk:
                out.append(
                    Finding(
                        "owned_by_risk_entity",
                        HIGH,
                        tier,
                        party,
                        (),
                        f"{data.name(party)} is owned ({_share(link)}) by "
                        f"{data.name(link['parent_id'])}: {risk} "
                        f"(source: {link['source'] or '?'}).",
                    )
                )
        for relative in _group(party, parents, children):
            if relative == party:
                continue
            where = xinjiang_reason(data.parties.get(relative))
            if where:
                out.append(
                    Finding(
                        "xinjiang_affiliate",
                        MEDIUM,
                        tier,
                        party,
                        (),
                        f"{data.name(party)} is in one group with {data.name(relative)}, {where}: "
                        "goods may move inside the group without documents.",
                    )
                )
    return out


def _share(link: dict[str, Any]) -> str:
    return f"{link['share']:g}%" if link["share"] is not None else "share not stated"


def _upward(party: str, parents: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    out, todo, seen = [], [party], {party}
    while todo:
        for link in parents.get(todo.pop(), []):
            out.append(link)
            if link["parent_id"] not in seen:
                seen.add(link["parent_id"])
                todo.append(link["parent_id"])
    return out


def _group(
    party: str,
    parents: dict[str, list[dict[str, Any]]],
    children: dict[str, list[dict[str, Any]]],
) -> set[str]:
    """Every company linked to ``party`` by ownership, up or down."""

    def linked(current: str) -> Iterable[str]:
        for link in parents.get(current, []) + children.get(current, []):
            yield from (link["parent_id"], link["child_id"])

    return _reachable(party, linked)


def listed_as(matcher: Matcher, party: dict[str, Any] | None) -> str:
    """How a party is listed ('' when none of its names matches a listed entity)."""
    if party is None:
        return ""
    _, m = _best_match(matcher, party)
    return f"listed on {m.entity.list} as {m.entity.name}" if m and m.decision == "match" else ""


def _links(
    data: CaseData, trace: Trace, located: dict[str, str], yields: dict[str, tuple[float, float]]
) -> list[Finding]:
    out: list[Finding] = []
    for link in trace.links:
        docs = tuple(data.supports.get(link.link_id, []))
        if link.kind == "production":
            out += _production_checks(data, link.link_id, link.tier, docs, yields)
            if located.get(link.seller):
                out.append(
                    Finding(
                        "xinjiang_origin",
                        HIGH,
                        link.tier,
                        link.seller,
                        docs,
                        f"{data.production[link.link_id]['process']} at {data.name(link.seller)}, "
                        f"in Xinjiang, made lots {', '.join(link.lots_out)} of this shipment.",
                    )
                )
            continue
        m = data.movements[link.link_id]
        if link.tier > 0 and located.get(link.seller) and not _made_there(data, trace, link.seller):
            out.append(
                Finding(
                    "xinjiang_origin",
                    HIGH,
                    link.tier,
                    link.seller,
                    docs,
                    f"{data.name(link.seller)}, in Xinjiang, sold {m['product'] or 'goods'} "
                    f"({', '.join(link.lots_in)}) into this chain.",
                )
            )
        out += _movement_checks(data, m, link.tier, docs)
    return out


def _made_there(data: CaseData, trace: Trace, party: str) -> bool:
    return any(link.kind == "production" and link.seller == party for link in trace.links)


def _production_checks(
    data: CaseData,
    record_id: str,
    tier: int,
    docs: tuple[str, ...],
    yields: dict[str, tuple[float, float]],
) -> list[Finding]:
    p = data.production[record_id]
    out = []
    facility = p["facility_id"]
    ins, outs = data.lot_quantities(record_id, "in"), data.lot_quantities(record_id, "out")
    total_in = sum(q for q in ins.values() if q)
    total_out = sum(q for q in outs.values() if q)
    low_high = yields.get(p["process"])
    if low_high and total_in and total_out > total_in * low_high[1] * (1 + TOLERANCE):
        out.append(
            Finding(
                "mass_balance",
                HIGH,
                tier,
                facility,
                docs,
                f"{p['process']} at {data.name(facility)} made {total_out:,.0f} {p['unit'] or ''} "
                f"from {total_in:,.0f}: more than the highest yield ({low_high[1]:.0%}) allows "
                f"({total_in * low_high[1]:,.0f}).",
            )
        )
    for lot, used in ins.items():
        delivered = _delivered(data, lot, facility)
        if used and delivered and used > delivered[0] * (1 + TOLERANCE):
            over = used / delivered[0] - 1
            out.append(
                Finding(
                    "mass_balance",
                    HIGH,
                    tier,
                    facility,
                    (*docs, *delivered[1]),
                    f"{data.name(facility)} used {used:,.0f} of lot {lot} but was invoiced "
                    f"{delivered[0]:,.0f} ({over:.0%} more than it bought).",
                )
            )
    if p["recycled_share"] and not p["recycled_origin"]:
        out.append(
            Finding(
                "unknown_recycled_origin",
                MEDIUM,
                tier,
                facility,
                docs,
                f"{p['recycled_share']:g}% recycled input at {data.name(facility)} with no stated "
                "origin: recycled fibre can hide any cotton.",
            )
        )
    if missing_documents(data, record_id):
        out.append(
            Finding(
                "missing_document",
                MEDIUM,
                tier,
                facility,
                docs,
                f"No production record for {p['process']} {record_id} at {data.name(facility)}.",
            )
        )
    began, made = p["start_date"], p.get("end_date") or p["start_date"]
    ended = "ended" if p.get("end_date") else "began"
    for m, lot in _moved(data, ins, "buyer_id", facility):  # inputs after production started
        if m["date"] and began and m["date"] > began:
            said = (
                f"reached {data.name(facility)} on {m['date']} ({m['movement_id']}), after "
                f"{p['process']} using it began on {began}."
            )
            out.append(_date_order(data, m, tier, facility, lot, said))
    for m, lot in _moved(data, outs, "seller_id", facility):  # shipped before it was made
        if m["date"] and made and m["date"] < made:
            said = (
                f"left {data.name(facility)} on {m['date']} ({m['movement_id']}), before the "
                f"{p['process']} that made it {ended} on {made}."
            )
            out.append(_date_order(data, m, tier, facility, lot, said))
    return out


def _moved(
    data: CaseData, lots: Iterable[str], side: str, facility: str
) -> Iterator[tuple[dict[str, Any], str]]:
    """Each movement that brought (``buyer_id``) or sent (``seller_id``) one of ``lots``."""
    for lot in lots:
        for m in data.movements.values():
            if m[side] == facility and lot in data.lot_quantities(m["movement_id"], "moved"):
                yield m, lot


def _date_order(
    data: CaseData, m: dict[str, Any], tier: int, facility: str, lot: str, said: str
) -> Finding:
    docs = tuple(data.supports.get(m["movement_id"], []))
    return Finding("date_order", MEDIUM, tier, facility, docs, f"Lot {lot} {said}")


def _delivered(data: CaseData, lot: str, buyer: str) -> tuple[float, tuple[str, ...]] | None:
    total, docs = 0.0, []
    for m in data.movements.values():
        if m["buyer_id"] != buyer:
            continue
        moved = data.lot_quantities(m["movement_id"], "moved")
        if lot not in moved:
            continue
        quantity = (
            moved[lot] if moved[lot] is not None else (m["quantity"] if len(moved) == 1 else None)
        )
        if quantity is None:
            return None
        total += quantity
        docs += data.supports.get(m["movement_id"], [])
    return (total, tuple(docs)) if total else None


def _movement_checks(
    data: CaseData, m: dict[str, Any], tier: int, docs: tuple[str, ...]
) -> list[Finding]:
    out = []
    seller, buyer = m["seller_id"], m["buyer_id"]
    if m["payee_id"] and m["payee_id"] != seller:
        out.append(
            Finding(
                "payee_mismatch",
                HIGH,
                tier,
                seller,
                docs,
                f"{m['movement_id']}: {data.name(buyer)} paid {data.name(m['payee_id'])}, not the "
                f"seller {data.name(seller)}.",
            )
        )
    missing = missing_documents(data, m["movement_id"])
    if m["basis"] == "declaration":
        out.append(
            Finding(
                "missing_document",
                MEDIUM,
                tier,
                seller,
                docs,
                f"{m['movement_id']} ({m['product'] or 'goods'} from {data.name(seller)}) rests on "
                "a supplier declaration only.",
            )
        )
    elif missing:
        out.append(
            Finding(
                "missing_document",
                MEDIUM,
                tier,
                seller,
                docs,
                f"{m['movement_id']} ({data.name(seller)} to {data.name(buyer)}): no "
                f"{', '.join(missing)}.",
            )
        )
    return out


def _third_country(data: CaseData, trace: Trace) -> list[Finding]:
    """Parties in a third country that handle goods with Chinese inputs upstream (info)."""
    first = next((link for link in trace.links if link.tier == 0), None)
    if first is None:
        return []
    home = (data.parties.get(first.buyer) or {}).get("country")
    country = {p: (data.parties.get(p) or {}).get("country") for p in trace.tiers}
    sellers: dict[str, set[str]] = defaultdict(set)
    for link in trace.links:
        if link.kind == "movement":
            sellers[link.buyer].add(link.seller)
    out = []
    for party, tier in sorted(trace.tiers.items(), key=lambda x: (x[1], x[0])):
        where = country[party]
        if tier == 0 or not where or where in (home, "CN"):
            continue
        upstream = _reachable(party, lambda p: sellers.get(p, set())) - {party}
        upstream = {p for p in upstream if country.get(p) in ("CN", "China")}
        if upstream:
            out.append(
                Finding(
                    "third_country_hop",
                    INFO,
                    tier,
                    party,
                    (),
                    f"{data.name(party)} ({where}) handles goods with inputs from China upstream "
                    f"({', '.join(data.name(p) for p in sorted(upstream)[:3])}).",
                )
            )
    return out


def _reachable(start: str, neighbours: Callable[[str], Iterable[str]]) -> set[str]:
    """``start`` and everything reachable from it through ``neighbours``."""
    seen, todo = {start}, [start]
    while todo:
        for other in neighbours(todo.pop()):
            if other not in seen:
                seen.add(other)
                todo.append(other)
    return seen


def missing_documents(data: CaseData, link_id: str) -> list[str]:
    """The documents a link lacks, per the checklist (``docs/formats.md``).

    A movement needs a commercial invoice, and a bill of lading or waybill when seller and buyer
    are in different countries; a production step needs a production record.
    """
    docs = data.supports.get(link_id, [])
    types = {data.documents[d]["type"] for d in docs if d in data.documents}
    needed: list[tuple[str, ...]] = []
    if link_id in data.production:
        needed.append(("production_record",))
    else:
        m = data.movements[link_id]
        needed.append(("commercial_invoice",))
        s_country = (data.parties.get(m["seller_id"]) or {}).get("country")
        b_country = (data.parties.get(m["buyer_id"]) or {}).get("country")
        if s_country and b_country and s_country != b_country:
            needed.append(("bill_of_lading", "waybill"))
    return [" or ".join(n) for n in needed if not set(n) & types]


def _records(data: CaseData, trace: Trace) -> list[Finding]:
    """Documents and parties: untranslated, hidden, unlisted; lots whose records end."""
    out = []
    on_chain = {link.link_id for link in trace.links}
    relevant = {d for link in on_chain for d in data.supports.get(link, [])}
    for d in sorted(relevant):
        doc = data.documents.get(d)
        if doc is None:
            continue
        if (
            doc["language"]
            and doc["language"] not in ("en", "eng", "english")
            and doc["translated"] is False
        ):
            out.append(
                Finding(
                    "untranslated_document",
                    MEDIUM,
                    None,
                    doc["issuer_id"],
                    (d,),
                    f"{d} ({doc['type']}, {doc['language']}) has no English translation.",
                )
            )
        for role in ("issuer_id", "recipient_id"):
            if doc[role] and names_no_party(doc[role]):
                out.append(
                    Finding(
                        "hidden_party",
                        MEDIUM,
                        None,
                        None,
                        (d,),
                        f"{d} ({doc['type']}) names its {role[:-3]} as {doc[role]!r}.",
                    )
                )
    referenced: dict[str, list[str]] = defaultdict(list)
    for link in trace.links:
        for party in {link.seller, link.buyer}:
            referenced[party].append(link.link_id)
        m = data.movements.get(link.link_id)
        if m and m["payee_id"]:
            referenced[m["payee_id"]].append(link.link_id)
    for d in relevant:
        doc = data.documents.get(d)
        for role in ("issuer_id", "recipient_id"):
            if doc and doc[role] and not names_no_party(doc[role]):
                referenced[doc[role]].append(d)
    for party, where in sorted(referenced.items()):
        if party not in data.parties and not names_no_party(party):
            out.append(
                Finding(
                    "unlisted_party",
                    MEDIUM,
                    trace.tiers.get(party),
                    party,
                    tuple(x for x in where if x in data.documents),
                    f"{party} appears in {', '.join(sorted(set(where)))} "
                    "but not in the party list.",
                )
            )
    untraced: dict[str, list[str]] = defaultdict(list)
    for lot, holder in trace.untraced:
        if (data.parties.get(holder) or {}).get("role") not in RAW_ROLES:
            untraced[holder].append(lot)
    for holder, lots in untraced.items():
        out.append(_untraced(data, trace, holder, lots))
    return out


def _untraced(data: CaseData, trace: Trace, holder: str, lots: list[str]) -> Finding:
    """Lots whose records stop at ``holder``: their share of what it sold into the chain."""
    sold: dict[str, float] = {}
    for link in trace.links:
        if link.kind == "movement" and link.seller == holder:
            sold |= {k: v or 0.0 for k, v in data.lot_quantities(link.link_id, "moved").items()}
    total = sum(sold.values())
    missing = sum(sold.get(lot, 0.0) for lot in lots)
    share = f" ({missing:,.0f} of {total:,.0f}, {missing / total:.0%})" if total and missing else ""
    return Finding(
        "missing_document",
        MEDIUM,
        trace.tiers.get(holder),
        holder,
        (),
        f"Lots {', '.join(sorted(lots))}{share} from {data.name(holder)} have no upstream "
        "records: where they were grown or made is not shown.",
    )
