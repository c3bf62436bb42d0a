"""Resolve trade parties: the spellings of one company across records become one organisation.

"HUAFU TOP DYED MELANGE YARN VIETNAM", "HUAFU VIETNAM CO LTD" and "Huafu (Vietnam) Melange" are
read by the screening features (trade name, places, industry, legal form) within a country.
Spellings that share a block (the trade key, or the trade key with one letter deleted, as
SymSpell finds slips) are compared by the screening comparison and its fitted model; a pair the
model calls the same company (``match``) is joined, and the organisations are the connected
components. Every spelling keeps its organisation and the reason it joined it. Each
organisation is then screened against the lists and located once, with the list versions and
the algorithm recorded.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson
import pyarrow as pa
from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from paxta.names.english import normalise_latin
from paxta.names.features import NameFeatures, name_features
from paxta.names.party import names_no_party
from paxta.screen.batch import region_of
from paxta.screen.compare import compare
from paxta.screen.comparison import MATCH, REVIEW
from paxta.screen.matcher import Match, Matcher, match_many
from paxta.screen.model import model
from paxta.store import Backend

BIG_BLOCK = 60  # spellings of a block compared with each other; beyond, with its most used
MIN_SLIP_KEY = 6  # a trade key this long may be misspelt by one letter
PREFIX = 10  # letters of the plain name that make a block
ADDRESS_AGREE = 85  # token-set similarity (0-100) of two addresses that are one place
NAME_WITH_ADDRESS = 88  # similarity of two plain names at one address that are one company


@dataclass(frozen=True)
class Resolution:
    """What a resolution found."""

    spellings: int
    organisations: int
    pairs_compared: int
    screened: int
    listed: int
    in_xinjiang: int


def resolve_parties(
    store: Backend,
    matcher: Matcher | None = None,
    progress: Callable[[str], None] | None = None,
    workers: int = 0,
) -> Resolution:
    """Cluster every party spelling of ``trade_records`` into organisations, then screen and
    locate each organisation once. Replaces the previous resolution (one transaction)."""
    say = progress or (lambda _: None)
    rows = store.sql(
        """SELECT name, country, sum(n), arg_max(address, n) FROM (
            SELECT exporter AS name, coalesce(exporter_country, '') AS country,
                exporter_address AS address, count(*) AS n
            FROM trade_records WHERE exporter IS NOT NULL GROUP BY ALL
            UNION ALL
            SELECT importer, coalesce(importer_country, ''), importer_address, count(*)
            FROM trade_records WHERE importer IS NOT NULL GROUP BY ALL
        ) GROUP BY name, country ORDER BY name, country"""
    )
    say(f"reading {len(rows):,} party spellings")
    features = {name: name_features(name) for name in {r[0] for r in rows}}
    parent = list(range(len(rows)))
    reasons = ["" for _ in rows]

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    blocks: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, (name, country, _n, _a) in enumerate(rows):
        if names_no_party(name):
            reasons[i] = "names no party (a placeholder such as TO ORDER): kept apart"
            continue
        for key in _block_keys(features[name], plain_name(name, country)):
            blocks[(country, key)].append(i)
    compared: set[tuple[int, int]] = set()
    plain = {(r[0], r[1]): plain_name(r[0], r[1]) for r in rows}
    say(f"comparing spellings in {len(blocks):,} blocks")
    for members in blocks.values():
        if len(members) < 2:
            continue
        members = sorted(members, key=lambda i: -rows[i][2])
        heads = members[:BIG_BLOCK]
        for x, i in enumerate(members):
            for j in heads[: min(x, BIG_BLOCK)]:
                pair = (j, i) if j < i else (i, j)
                if pair in compared or find(i) == find(j):
                    continue
                compared.add(pair)
                a, b = rows[j], rows[i]
                same = same_party(
                    (features[b[0]], plain[(b[0], b[1])], b[3]),
                    (features[a[0]], plain[(a[0], a[1])], a[3]),
                )
                if same:
                    parent[find(i)] = find(j)
                    if not reasons[i]:
                        reasons[i] = f"same company as {a[0]!r}: {same}"
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(rows)):
        groups[find(i)].append(i)
    org_of: dict[int, int] = {}
    orgs = []
    for org_id, members in enumerate(
        sorted(groups.values(), key=lambda m: (rows[m[0]][1], rows[m[0]][0])), start=1
    ):
        top = max(members, key=lambda i: (rows[i][2], rows[i][0]))
        for i in members:
            org_of[i] = org_id
        addresses = Counter(rows[i][3] for i in members if rows[i][3])
        orgs.append(
            (
                org_id,
                rows[top][0],
                rows[top][1],
                addresses.most_common(1)[0][0] if addresses else None,
                len(members),
                sum(rows[i][2] for i in members),
            )
        )
    say(f"{len(orgs):,} organisations; screening and locating each once")
    matcher = matcher or Matcher.from_store(store)
    found = _screen(orgs, matcher, workers)
    versions = orjson.dumps([f"{s} {v}" for s, v in matcher.index.versions]).decode()
    algorithm = model().algorithm
    parties = pa.table(
        {
            "name": [r[0] for r in rows],
            "country": [r[1] for r in rows],
            "org_id": [org_of[i] for i in range(len(rows))],
            "records": [int(r[2]) for r in rows],
            "reason": [reasons[i] or "its own spelling" for i in range(len(rows))],
        }
    )
    table = pa.table(
        {
            "org_id": [o[0] for o in orgs],
            "name": [o[1] for o in orgs],
            "country": [o[2] for o in orgs],
            "address": [o[3] for o in orgs],
            "spellings": [o[4] for o in orgs],
            "records": [int(o[5]) for o in orgs],
            "decision": [f["decision"] for f in found],
            "score": [f["score"] for f in found],
            "entity_id": [f["entity_id"] for f in found],
            "list": [f["list"] for f in found],
            "listed_name": [f["listed_name"] for f in found],
            "relation": [f["relation"] for f in found],
            "explanation": [f["explanation"] for f in found],
            "algorithm": [algorithm] * len(orgs),
            "list_versions": [versions] * len(orgs),
            "region": [f["region"] for f in found],
            "region_why": [f["region_why"] for f in found],
        }
    )
    with store.transaction():
        store.sql("DELETE FROM trade_parties")
        store.sql("DELETE FROM trade_orgs")
        store.append("trade_parties", parties)
        store.append("trade_orgs", table)
    return Resolution(
        spellings=len(rows),
        organisations=len(orgs),
        pairs_compared=len(compared),
        screened=len(orgs),
        listed=sum(1 for f in found if f["decision"] != "clear"),
        in_xinjiang=sum(1 for f in found if f["region"]),
    )


def _block_keys(f: NameFeatures, plain: str) -> set[str]:
    """The trade key and its deletions by one letter (a slip, as SymSpell finds them), and the
    start, end and first two words of the plain name (a slip in an industry word: GARMET)."""
    keys: set[str] = set()
    core = f.core
    if core:
        keys.add(core)
        if len(core) >= MIN_SLIP_KEY and not core.startswith("@"):
            keys |= {core[:i] + core[i + 1 :] for i in range(len(core))}
    joined = plain.replace(" ", "")
    if joined:
        keys |= {"n:" + joined[:PREFIX], "e:" + joined[-PREFIX:]}
        keys.add("w:" + " ".join(plain.split()[:2]))  # the first two words (PHU ANH GAMENT)
    return keys


def plain_name(name: str, country: str) -> str:
    """The name's identifying words (legal forms, abbreviations and the record's own country
    set apart): "HOA AN GARMENT CO., LTD VIETNAM" and "Hoa An Garment" are both hoa an garment."""
    words = list(normalise_latin(name).words) or [name.casefold().strip()]
    own = _COUNTRY_WORDS.get(country, ())
    while len(words) > 1 and (
        words[-1] in own or any(len(w) >= 6 and OSA.distance(words[-1], w) <= 2 for w in own)
    ):
        words.pop()  # the country, or the country misspelt (CAMBDIA)
    return " ".join(words)


_COUNTRY_WORDS = {
    "VN": ("vietnam", "viet", "nam", "vn"),
    "BD": ("bangladesh", "bd"),
    "KH": ("cambodia", "kh"),
    "CN": ("china", "prc", "cn"),
    "US": ("usa", "us", "america"),
    "IN": ("india",),
    "PK": ("pakistan",),
    "ID": ("indonesia",),
}


def one_address(a: str, b: str) -> bool | None:
    """Whether two addresses are one place (True), two places (False) or cannot be told
    (None): the same numbers (a lot, a street number) with words alike are one place;
    numbers that share nothing (Lot A5, Lot A6) are two; a postcode or a line more or less
    says neither."""
    na, nb = set(_NUMBER.findall(a)), set(_NUMBER.findall(b))
    if na and nb and na.isdisjoint(nb):
        return False
    if na == nb and fuzz.token_set_ratio(a.casefold(), b.casefold()) >= ADDRESS_AGREE:
        return True
    return None


_NUMBER = re.compile(r"\d+")


def same_party(
    q: tuple[NameFeatures, str, str | None], c: tuple[NameFeatures, str, str | None]
) -> str:
    """Why two spellings in one country are one company, or '' when they are not.

    Addresses decide between near names: two firms a letter apart (Thanh Ha, Thanh Hai) at
    different addresses are two firms; a slip (GARMET, GUANDONG) at the same address is one. The
    screening comparison and its fitted model decide the rest."""
    (fq, pq, aq), (fc, pc, ac) = q, c
    if pq == pc:
        return "the same words"
    address = None if not (aq and ac) else one_address(aq, ac)
    if address is False:
        return ""
    alike = fuzz.ratio(pq, pc)
    if address and alike >= NAME_WITH_ADDRESS:
        return f"names {alike:.0f}% alike at the same address"
    result = compare(fq, fc)
    if result.decision == MATCH:
        return result.explanation
    return ""


def _kin(country: str, m: Match) -> bool:
    """A firm outside China whose name carries a listed Chinese company's trade name (Huafu
    Vietnam): the screening found the same trade name and a different place or country."""
    chinese = any(c.casefold() in ("cn", "china") for c in m.entity.context.countries)
    return (
        country not in ("", "CN")
        and m.decision == REVIEW
        and (chinese or "china" in m.explanation.casefold())
        and "same trade name" in m.explanation.casefold()
    )


def _screen(
    orgs: list[tuple[int, str, str, str | None, int, int]], matcher: Matcher, workers: int
) -> list[dict[str, Any]]:
    queries: list[tuple[str, frozenset[str], frozenset[str], str]] = [
        (name, frozenset(), frozenset({country}) if country else frozenset(), address or "")
        for _id, name, country, address, _s, _r in orgs
    ]
    out = []
    screened = [q for q in queries if not names_no_party(q[0])]
    found = iter(match_many(matcher, screened, workers))
    for _id, name, country, address, _s, _r in orgs:
        m = None if names_no_party(name) else next(found)
        where = region_of(name, address or "")
        explanation = m.explanation if m else ""
        out.append(
            {
                "decision": m.decision if m else "clear",
                "score": m.score if m else None,
                "entity_id": m.entity.entity_id if m else None,
                "list": m.entity.list if m else None,
                "listed_name": m.entity.name if m else None,
                "relation": "kin" if m and _kin(country, m) else "",
                "explanation": explanation,
                "region": where.region,
                "region_why": where.why,
            }
        )
    return out
