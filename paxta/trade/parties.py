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
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache, partial
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
from paxta.store.backend import Shared

BIG_BLOCK = 60  # spellings of a block compared with each other; beyond, with its most used
# Rounds of heads (by rank in the block) each spelling is compared with; a pair already joined
# through earlier rounds is not compared again (most spellings of one firm share its blocks)
ROUNDS = ((1, 1), (2, 3), (4, 10), (11, BIG_BLOCK))
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
    locate each organisation once. Replaces the previous resolution (one transaction where the
    engine has them).

    Set-based, so every engine runs the same steps: the spellings as a table, their blocking
    keys by a batch function, candidate pairs by a join within blocks (a spelling is compared
    with the ``BIG_BLOCK`` most used of its block, in ``ROUNDS``, skipping pairs an earlier
    round joined), each pair decided by a batch function (:func:`same_party`), organisations
    as connected components by repeated joins, each screened by a batch function over the
    fitted model."""
    say = progress or (lambda _: None)
    store.step("resolve: spellings")
    store.sql(
        """CREATE OR REPLACE TEMP TABLE tp_spell AS
        WITH written AS (
            SELECT exporter AS name, coalesce(exporter_country, '') AS country,
                nullif(trim(exporter_address), '') AS address
            FROM trade_records WHERE exporter IS NOT NULL
            UNION ALL
            SELECT importer, coalesce(importer_country, ''), nullif(trim(importer_address), '')
            FROM trade_records WHERE importer IS NOT NULL),
        counted AS (
            SELECT name, country, address, count(*) AS n FROM written
            GROUP BY name, country, address),
        ranked AS (
            SELECT name, country, address, sum(n) OVER (PARTITION BY name, country) AS records,
                row_number() OVER (PARTITION BY name, country
                    ORDER BY address IS NULL, n DESC, address) AS r
            FROM counted)
        SELECT row_number() OVER (ORDER BY name, country) AS id, name, country, records, address
        FROM ranked WHERE r = 1"""
    )
    spellings = int(store.scalar("SELECT count(*) FROM tp_spell"))
    say(f"{spellings:,} party spellings: their blocking keys")
    store.step("resolve: blocking keys")
    store.map_batches("SELECT id, name, country FROM tp_spell", _keys_batch, KEYS, "tp_keys")
    store.step("resolve: candidate pairs")
    store.sql(
        """CREATE OR REPLACE TEMP TABLE tp_rank AS
        SELECT k.key, k.id, row_number() OVER (PARTITION BY k.key
            ORDER BY s.records DESC, s.name, s.country) AS r
        FROM tp_keys k JOIN tp_spell s ON s.id = k.id WHERE k.key <> ''"""
    )
    nothing = "CAST(0 AS BIGINT)"
    for table, columns in (
        ("tp_seen", f"{nothing} AS head, {nothing} AS member"),
        ("tp_same", f"{nothing} AS head, {nothing} AS member, CAST('' AS VARCHAR) AS why"),
        ("tp_cc", f"{nothing} AS id, {nothing} AS label"),
    ):
        store.sql(f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT {columns} WHERE false")
    compared = 0
    for low, high in ROUNDS:  # each member against the block's heads ranked low..high
        store.step("resolve: candidate pairs")
        store.sql(
            f"""CREATE OR REPLACE TEMP TABLE tp_cand AS
            SELECT DISTINCT h.id AS head, m.id AS member
            FROM tp_rank h JOIN tp_rank m ON m.key = h.key AND h.r < m.r
                AND h.r BETWEEN {low} AND {high}
            LEFT JOIN tp_cc ch ON ch.id = h.id LEFT JOIN tp_cc cm ON cm.id = m.id
            WHERE coalesce(ch.label, h.id) <> coalesce(cm.label, m.id)"""
        )
        store.sql(  # a pair met in another block in an earlier round is not compared again
            """CREATE OR REPLACE TEMP TABLE tp_cand AS SELECT c.head, c.member FROM tp_cand c
            LEFT JOIN tp_seen s ON s.head = c.head AND s.member = c.member
            WHERE s.head IS NULL"""
        )
        n = int(store.scalar("SELECT count(*) FROM tp_cand"))
        compared += n
        say(f"comparing {n:,} pairs of spellings (each against heads {low}-{high} of its blocks)")
        store.step("resolve: pairs decided")
        store.map_batches(
            """SELECT c.head, c.member, h.name AS head_name, h.country AS head_country,
                h.address AS head_address, m.name AS member_name,
                m.country AS member_country, m.address AS member_address
            FROM tp_cand c JOIN tp_spell h ON h.id = c.head JOIN tp_spell m ON m.id = c.member""",
            _pairs_batch,
            SAME,
            "tp_new",
        )
        store.sql(
            "CREATE OR REPLACE TEMP TABLE tp_same AS "
            "SELECT * FROM tp_same UNION ALL SELECT * FROM tp_new"
        )
        store.sql(
            "CREATE OR REPLACE TEMP TABLE tp_seen AS "
            "SELECT * FROM tp_seen UNION ALL SELECT head, member FROM tp_cand"
        )
        store.step("resolve: connected components")
        _components(store)
    store.step("resolve: organisations")
    store.sql(
        """CREATE OR REPLACE TEMP TABLE tp_member AS
        SELECT s.id, s.name, s.country, s.records, s.address, coalesce(c.label, s.id) AS comp
        FROM tp_spell s LEFT JOIN tp_cc c ON c.id = s.id"""
    )
    store.sql(
        """CREATE OR REPLACE TEMP TABLE tp_org AS
        WITH g AS (
            SELECT comp, min(name) AS first_name, min(country) AS country, count(*) AS spellings,
                sum(records) AS records
            FROM tp_member GROUP BY comp),
        top AS (
            SELECT comp, name FROM (
                SELECT comp, name, row_number() OVER (PARTITION BY comp
                    ORDER BY records DESC, name DESC) AS r FROM tp_member) t
            WHERE r = 1),
        place AS (
            SELECT comp, address FROM (
                SELECT comp, address, row_number() OVER (PARTITION BY comp
                    ORDER BY count(*) DESC, min(id)) AS r
                FROM tp_member WHERE address IS NOT NULL GROUP BY comp, address) t
            WHERE r = 1)
        SELECT row_number() OVER (ORDER BY g.country, g.first_name) AS org_id, g.comp,
            top.name, g.country, place.address, g.spellings, g.records
        FROM g JOIN top ON top.comp = g.comp LEFT JOIN place ON place.comp = g.comp"""
    )
    organisations = int(store.scalar("SELECT count(*) FROM tp_org"))
    say(f"{organisations:,} organisations; screening and locating each once")
    matcher = matcher or Matcher.from_store(store)
    store.step("resolve: screening and locating")
    one = store.capabilities.max_parallelism == 1
    store.map_batches(
        "SELECT org_id, name, country, address FROM tp_org",
        # one engine process: the batch uses a pool of its own; an engine that spreads the
        # batches (Spark) gives each a single process
        partial(_screen_batch, store.share(matcher), workers or (0 if one else 1)),
        SCREENED,
        "tp_screen",
    )
    versions = orjson.dumps([f"{s} {v}" for s, v in matcher.index.versions]).decode()
    store.step("resolve: stored")
    with store.transaction():
        store.sql("DELETE FROM trade_parties")
        store.sql("DELETE FROM trade_orgs")
        store.sql(
            """INSERT INTO trade_parties (name, country, org_id, records, reason)
            SELECT m.name, m.country, o.org_id, m.records,
                CASE WHEN p.id IS NOT NULL THEN ?
                    ELSE coalesce(w.why, 'its own spelling') END
            FROM tp_member m JOIN tp_org o ON o.comp = m.comp
            LEFT JOIN (SELECT DISTINCT id FROM tp_keys WHERE key = '') p ON p.id = m.id
            LEFT JOIN (
                SELECT member, why FROM (
                    SELECT x.member, x.why, row_number() OVER (PARTITION BY x.member
                        ORDER BY h.records DESC, h.name, h.country) AS r
                    FROM tp_same x JOIN tp_spell h ON h.id = x.head) t
                WHERE r = 1) w ON w.member = m.id""",
            [PLACEHOLDER_REASON],
        )
        store.sql(
            """INSERT INTO trade_orgs (org_id, name, country, address, spellings, records,
                decision, score, entity_id, list, listed_name, relation, explanation, algorithm,
                list_versions, region, region_why)
            SELECT o.org_id, o.name, o.country, o.address, o.spellings, o.records, s.decision,
                s.score, s.entity_id, s.list, s.listed_name, s.relation, s.explanation, ?, ?,
                s.region, s.region_why
            FROM tp_org o JOIN tp_screen s ON s.org_id = o.org_id""",
            [model().algorithm, versions],
        )
    listed, located = store.sql(
        "SELECT count(*) FILTER (WHERE decision <> 'clear'), count(*) FILTER (WHERE region <> '') "
        "FROM trade_orgs"
    )[0]
    for name in ("tp_spell", "tp_keys", "tp_rank", "tp_cand", "tp_new", "tp_seen", "tp_same",
                 "tp_cc", "tp_member", "tp_org", "tp_screen"):  # fmt: skip
        store.sql(f"DROP TABLE IF EXISTS {name}")
    return Resolution(
        spellings=spellings,
        organisations=organisations,
        pairs_compared=compared,
        screened=organisations,
        listed=int(listed),
        in_xinjiang=int(located),
    )


PLACEHOLDER_REASON = "names no party (a placeholder such as TO ORDER): kept apart"
KEYS = pa.schema([("id", pa.int64()), ("key", pa.string())])
SAME = pa.schema([("head", pa.int64()), ("member", pa.int64()), ("why", pa.string())])
SCREENED = pa.schema(
    [("org_id", pa.int64()), ("decision", pa.string()), ("score", pa.float64()),
     ("entity_id", pa.string()), ("list", pa.string()), ("listed_name", pa.string()),
     ("relation", pa.string()), ("explanation", pa.string()), ("region", pa.string()),
     ("region_why", pa.string())]
)  # fmt: skip
MAX_ROUNDS = 100  # label propagation rounds (a chain of spellings longer than this is not one firm)


@lru_cache(maxsize=200_000)
def _read(name: str, country: str) -> tuple[NameFeatures, str]:
    """A spelling's features and plain name, read once per worker process (a spelling is in
    many pairs)."""
    return name_features(name), plain_name(name, country)


def _keys_batch(batch: pa.RecordBatch) -> pa.Table:
    """Each spelling's blocking keys, prefixed by its country; a placeholder gets the key ''."""
    ids, keys = [], []
    cols = [batch.column(c).to_pylist() for c in ("id", "name", "country")]
    for i, name, country in zip(*cols, strict=True):
        if names_no_party(name):
            ids.append(i)
            keys.append("")
            continue
        for key in sorted(_block_keys(*_read(name, country))):
            ids.append(i)
            keys.append(f"{country}\t{key}")
    return pa.table({"id": pa.array(ids, pa.int64()), "key": pa.array(keys, pa.string())})


def _pairs_batch(batch: pa.RecordBatch) -> pa.Table:
    """The candidate pairs that are one company, with why."""
    cols = [batch.column(c).to_pylist() for c in SPELLING_PAIR]
    heads, members, whys = [], [], []
    for head, member, hn, hc, ha, mn, mc, ma in zip(*cols, strict=True):
        same = same_party((*_read(mn, mc), ma), (*_read(hn, hc), ha))
        if same:
            heads.append(head)
            members.append(member)
            whys.append(f"same company as {hn!r}: {same}")
    return pa.table(
        {"head": pa.array(heads, pa.int64()), "member": pa.array(members, pa.int64()),
         "why": pa.array(whys, pa.string())}
    )  # fmt: skip


SPELLING_PAIR = ("head", "member", "head_name", "head_country", "head_address", "member_name",
                 "member_country", "member_address")  # fmt: skip


def _components(store: Backend) -> None:
    """Connected components of the joined pairs (``tp_cc``: each joined spelling and the
    lowest id of its component), by propagating the lowest label until nothing changes."""
    store.sql(
        """CREATE OR REPLACE TEMP TABLE tp_edge AS
        SELECT head AS a, member AS b FROM tp_same UNION ALL SELECT member, head FROM tp_same"""
    )
    store.sql(
        "CREATE OR REPLACE TEMP TABLE tp_cc AS "
        "SELECT a AS id, least(a, min(b)) AS label FROM tp_edge GROUP BY a"
    )
    for _ in range(MAX_ROUNDS):
        store.sql(
            """CREATE OR REPLACE TEMP TABLE tp_next AS
            SELECT c.id, least(c.label, min(n.label)) AS label
            FROM tp_cc c JOIN tp_edge e ON e.a = c.id JOIN tp_cc n ON n.id = e.b
            GROUP BY c.id, c.label"""
        )
        changed = store.scalar(
            "SELECT count(*) FROM tp_next x JOIN tp_cc c ON c.id = x.id WHERE x.label <> c.label"
        )
        store.sql("CREATE OR REPLACE TEMP TABLE tp_cc AS SELECT id, label FROM tp_next")
        if not changed:
            break
    store.sql("DROP TABLE IF EXISTS tp_next")
    store.sql("DROP TABLE IF EXISTS tp_edge")


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
    (None): the same numbers (a lot, a street number) with words alike are one place (a town
    alone is not: "Jiaxing, Zhejiang" and "Shaoxing, Zhejiang" are alike and say nothing);
    numbers that share nothing (Lot A5, Lot A6) are two; a postcode or a line more or less
    says neither."""
    na, nb = set(_NUMBER.findall(a)), set(_NUMBER.findall(b))
    if na and nb and na.isdisjoint(nb):
        return False
    if na and na == nb and fuzz.token_set_ratio(a.casefold(), b.casefold()) >= ADDRESS_AGREE:
        return True
    return None  # (a town without a number is where thousands of firms are)


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


def _screen_batch(shared: Shared, workers: int, batch: pa.RecordBatch) -> pa.Table:
    """Each organisation screened against the lists and located (``shared``: the matcher)."""
    cols = [batch.column(c).to_pylist() for c in ("org_id", "name", "country", "address")]
    orgs = list(zip(*cols, strict=True))
    found = _screen(orgs, shared.value, workers)
    return pa.Table.from_pylist(
        [{"org_id": o[0], **f} for o, f in zip(orgs, found, strict=True)], schema=SCREENED
    )


def _screen(
    orgs: list[tuple[int, str, str, str | None]], matcher: Matcher, workers: int
) -> list[dict[str, Any]]:
    queries: list[tuple[str, frozenset[str], frozenset[str], str]] = [
        (name, frozenset(), frozenset({country}) if country else frozenset(), address or "")
        for _id, name, country, address in orgs
    ]
    screened = [q for q in queries if not names_no_party(q[0])]
    found = iter(match_many(matcher, screened, workers))
    out = []
    for _id, name, country, address in orgs:
        m = None if names_no_party(name) else next(found)
        where = region_of(name, address or "")
        out.append(
            {
                "decision": m.decision if m else "clear",
                "score": m.score if m else None,
                "entity_id": m.entity.entity_id if m else None,
                "list": m.entity.list if m else None,
                "listed_name": m.entity.name if m else None,
                "relation": "kin" if m and _kin(country, m) else "",
                "explanation": m.explanation if m else "",
                "region": where.region,
                "region_why": where.why,
            }
        )
    return out
