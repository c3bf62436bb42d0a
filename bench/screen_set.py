"""The labelled screening set, built from real data each run (nothing here is hand-labelled).

Positives (the query should match this listed entity):
- alias / former: a listed entity's other names, screened against an index holding only the
  primary names of every entity (so the matcher must link the two names itself);
- press-zh: the Chinese names news pages print for UFLPA entities (shipped
  ``uflpa_chinese_names_from_press.csv``), split by a hash of the Chinese name into a dev part
  and a held-out part; the alias table learns only from the dev part;
- bol: bill-of-lading renderings of listed Chinese companies' names (upper case, CO LTD, IND,
  INTL, TECH, MFG, GRP, TEX, no punctuation, 35-character truncation), made by seeded rules.
Negatives (no match allowed; review is fine):
- exhibitor: the textile fair exhibitors (real companies, not listed), English and Chinese;
- sister: a listed company's trade name with another place (region or bracketed place);
- trade-other: a listed trade name in another line of business;
- region-word: a listed region word with another trade name.
Generated negatives that equal any listed name are dropped.
"""

from __future__ import annotations

import csv
import hashlib
import random
import re
from dataclasses import dataclass
from pathlib import Path

from paxta.data import data_path
from paxta.names.chinese import segment
from paxta.names.english import normalise_latin
from paxta.names.features import name_features
from paxta.names.transliterate import normalise_han
from paxta.names.vocabulary import industry_stem, sector
from paxta.store import Backend

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
CITIES = ["Shanghai", "Ningbo", "Suzhou", "Wuxi", "Qingdao", "Chengdu", "Xiamen", "Foshan",
          "Jinan", "Nantong", "Shaoxing", "Dongguan"]  # fmt: skip
CITIES_ZH = ["上海", "宁波", "苏州", "无锡", "青岛", "成都", "厦门", "佛山", "济南", "南通"]
OTHER_INDUSTRIES = ["Securities", "Pharmaceutical", "Real Estate", "Auto Parts", "Paper",
                    "Furniture", "Ceramics", "Toys"]  # fmt: skip
SYLLABLES = ["hong", "tai", "xin", "da", "sheng", "yuan", "feng", "hua", "jin", "long", "rui",
             "kang", "bao", "tian", "fu", "heng", "mei", "jia", "an", "cheng"]  # fmt: skip
INDUSTRIES = ["Textile", "Cotton Industry", "Trading", "New Energy", "Garment", "Food"]
BOL_ABBREV = {
    "company": "CO",
    "limited": "LTD",
    "industry": "IND",
    "industrial": "INDL",
    "international": "INTL",
    "technology": "TECH",
    "manufacturing": "MFG",
    "group": "GRP",
    "textile": "TEX",
    "textiles": "TEX",
    "chemical": "CHEM",
    "import": "IMP",
    "export": "EXP",
}


@dataclass(frozen=True)
class Case:
    """One query and what it should be: a group of listed entities, or none."""

    query: str
    expected: str | None  # the group id of the listed entities it is, or None
    category: str
    held_out: bool = False


def held_out(name_zh: str) -> bool:
    """The press rows set aside: a third of them, chosen by a hash of the Chinese name."""
    return int(hashlib.sha256(name_zh.encode()).hexdigest(), 16) % 3 == 0


def press_rows() -> list[dict[str, str]]:
    """The shipped press names file."""
    with data_path("names", "uflpa_chinese_names_from_press.csv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _key(name: str) -> str:
    latin = normalise_latin(name)
    return " ".join(latin.words) if latin.words else name.casefold()


class Groups:
    """Listed entities joined when any of their names agree (one company, several lists)."""

    def __init__(self, store: Backend) -> None:
        self.parent: dict[str, str] = {}
        self.by_key: dict[str, str] = {}
        self.names: dict[str, list[tuple[str, str]]] = {}
        self.schema: dict[str, str] = {}
        self.countries: dict[str, list[str]] = {}
        rows = store.sql(
            "SELECT n.entity_id, n.name, n.kind, e.schema, e.countries FROM entity_names n "
            "JOIN entities e USING (version_id, entity_id) "
            "WHERE n.version_id IN (SELECT max(version_id) FROM list_versions GROUP BY source)"
        )
        for entity_id, name, kind, schema, countries in rows:
            self.parent.setdefault(entity_id, entity_id)
            self.names.setdefault(entity_id, []).append((name, kind))
            self.schema[entity_id] = schema
            self.countries[entity_id] = countries or []
            key = _key(name)
            if key in self.by_key:
                self._union(entity_id, self.by_key[key])
            else:
                self.by_key[key] = entity_id

    def _find(self, x: str) -> str:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def _union(self, a: str, b: str) -> None:
        self.parent[self._find(a)] = self._find(b)

    def group(self, entity_id: str) -> str:
        """The group an entity belongs to."""
        return self._find(entity_id)

    def listed(self, name: str) -> bool:
        """Whether ``name`` (up to spelling and legal form) is a listed name."""
        return _key(name) in self.by_key

    def group_of_name(self, name: str) -> str | None:
        """The group holding this exact name (up to spelling), if any."""
        entity = self.by_key.get(_key(name))
        return self.group(entity) if entity else None


def chinese_orgs(groups: Groups) -> list[str]:
    """Entities that are Chinese organisations (by list or country)."""
    out = []
    for entity_id, countries in groups.countries.items():
        chinese = entity_id.startswith(("uflpa-", "cbp-")) or any(
            c.lower() in ("china", "hong kong", "cn") for c in countries
        )
        if chinese and groups.schema.get(entity_id) not in ("Person", "Vessel", "Airplane"):
            out.append(entity_id)
    return sorted(out)


def primary(groups: Groups, entity_id: str) -> str:
    """An entity's primary name."""
    return next(n for n, k in groups.names[entity_id] if k == "primary")


def labelled_set(store: Backend, seed: int = 2026, ofac_sample: int = 400) -> list[Case]:
    """Every case, positives first."""
    rng = random.Random(seed)
    groups = Groups(store)
    cases: list[Case] = []
    cases += _alias_cases(groups, rng, ofac_sample)
    cases += _press_cases(groups)
    cases += _bol_cases(groups, rng)
    cases += _exhibitor_cases(groups)
    cases += _generated_negatives(groups, rng)
    return cases


def _alias_cases(groups: Groups, rng: random.Random, ofac_sample: int) -> list[Case]:
    chinese = set(chinese_orgs(groups))
    ofac_other = sorted(
        e
        for e in groups.names
        if e.startswith("ofac-")
        and e not in chinese
        and groups.schema[e] == "Organization"
        and len(groups.names[e]) > 1
    )
    chosen = sorted(chinese) + rng.sample(ofac_other, min(ofac_sample, len(ofac_other)))
    out = []
    for entity_id in chosen:
        main = primary(groups, entity_id)
        for name, kind in groups.names[entity_id]:
            if kind in ("alias", "former") and _key(name) != _key(main):
                out.append(Case(name, groups.group(entity_id), kind))
    return out


def person_cases(groups: Groups, seed: int = 2026, sample: int = 400) -> list[Case]:
    """Listed persons' names as papers write them, given name first (OFAC's "CHEN, Quanguo" as
    "Quanguo Chen"): category ``person``, a seeded sample."""
    rng = random.Random(seed + 3)
    people = sorted(
        e
        for e in groups.names
        if groups.schema[e] == "Person" and primary(groups, e).count(",") == 1
    )
    out = []
    for entity_id in rng.sample(people, min(sample, len(people))):
        family, given = (p.strip() for p in primary(groups, entity_id).split(","))
        if family and given:
            out.append(Case(f"{given} {family.title()}", groups.group(entity_id), "person"))
    return [c for c in out if not groups.listed(c.query)]


def _press_cases(groups: Groups) -> list[Case]:
    out = []
    for r in press_rows():
        group = groups.group_of_name(r["matched_list_name"])
        if group is None:  # a name the list prints in another form: find it by its words
            continue
        zh = r["name_zh_as_stated"]
        out.append(Case(zh, group, "press-zh", held_out(zh)))
    return out


def bol_form(name: str, rng: random.Random) -> str:
    """A bill-of-lading rendering of a company name."""
    words = re.findall(r"[A-Za-z0-9&]+", name)
    out = []
    for w in words:
        short = BOL_ABBREV.get(w.lower())
        out.append(short if short and rng.random() < 0.8 else w.upper())
    text = " ".join(out)
    if rng.random() < 0.3:
        text = text[:35].rstrip()
    return text


def _bol_cases(groups: Groups, rng: random.Random) -> list[Case]:
    out = []
    for entity_id in chinese_orgs(groups):
        main = primary(groups, entity_id)
        if main.isascii() and len(main.split()) >= 2:
            out.append(Case(bol_form(main, rng), groups.group(entity_id), "bol"))
    return out


TYPOS = ("left out", "added", "changed", "doubled")


def typo_cases(groups: Groups, seed: int = 2026) -> list[Case]:
    """Bill-of-lading names of listed Chinese companies with one slip in a trade-name word of
    five letters or more, one of each kind (a letter left out, added, changed, doubled):
    category ``probe-typo``, reported apart (generated after the rule for them was written)."""
    rng = random.Random(seed + 2)
    out = []
    for entity_id in chinese_orgs(groups):
        main = primary(groups, entity_id)
        words = [w for w in name_features(main).trade.split() if len(w) >= 5 and w.isalpha()]
        if not main.isascii() or not words:
            continue
        word = rng.choice(words)
        for kind in TYPOS:
            at = rng.randrange(1, len(word) - 1)
            letter = rng.choice("aeiounst")
            slip = {
                "left out": word[:at] + word[at + 1 :],
                "added": word[:at] + letter + word[at:],
                "changed": word[:at] + letter + word[at + 1 :],
                "doubled": word[:at] + word[at] + word[at:],
            }[kind]
            query = re.sub(re.escape(word), slip, main, count=1, flags=re.I)
            if query.casefold() != main.casefold():
                out.append(Case(bol_form(query, rng), groups.group(entity_id), "probe-typo"))
    return out


def _exhibitor_cases(groups: Groups) -> list[Case]:
    """The exhibitors, less any that are listed (one is: Xinjiang Tianshan Wool Textile)."""
    path = SHARED / "names" / "textile_fair_exhibitors_en_zh.csv"
    out = []
    with path.open(encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if groups.listed(r["name_en"]):
                continue
            for name in (r["name_en"], r["name_zh"]):
                if name.strip():
                    out.append(Case(name.strip(), None, "exhibitor"))
    return out


def _generated_negatives(groups: Groups, rng: random.Random) -> list[Case]:
    out: list[Case] = []
    for entity_id in chinese_orgs(groups):
        main = primary(groups, entity_id)
        if not main.isascii():
            continue
        f = name_features(main)
        if not f.keys or len(f.trade) < 3:
            continue
        legal = "Co., Ltd."
        own = {w.lower() for n in f.place_names for w in n.split()} | {f.bracket_name.lower()}
        cities = [c for c in CITIES if c.lower() not in own and c.lower() not in main.lower()]
        industry = " ".join(w.capitalize() for w in f.industry_names) or "Trading"
        if f.bracket:
            city = rng.choice(cities)
            out.append(Case(f"{f.trade} {industry} ({city}) {legal}", None, "sister"))
        elif f.places:
            city = rng.choice(cities)
            out.append(Case(f"{city} {f.trade} {industry} {legal}", None, "sister"))
            city = rng.choice(cities)
            out.append(Case(f"{f.trade} {industry} ({city}) {legal}", None, "sister"))
        own_sectors = {sector(s) for s in f.industry}
        others = [
            o
            for o in OTHER_INDUSTRIES
            if not {sector(industry_stem(w)) for w in o.lower().split()} & own_sectors
        ]
        other = rng.choice(others)
        region = f.place_names[0] if f.place_names else ""
        out.append(Case(f"{region} {f.trade} {other} {legal}".strip(), None, "trade-other"))
        if f.place_names:
            trade = "".join(rng.sample(SYLLABLES, 2)).capitalize()
            out.append(
                Case(f"{region} {trade} {rng.choice(INDUSTRIES)} {legal}", None, "region-word")
            )
    for r in press_rows():  # Chinese sisters, from the dev part of the press names only
        zh = r["name_zh_as_stated"]
        if held_out(zh):
            continue
        seg = segment(zh)
        city = rng.choice([c for c in CITIES_ZH if c not in normalise_han(zh)])
        if seg.of_role("bracket_place"):
            place = seg.of_role("bracket_place")[0].text
            out.append(Case(zh.replace(place, city), None, "sister"))
        elif seg.of_role("region") and seg.trade_name:
            region = seg.of_role("region")[0].text
            if normalise_han(zh).startswith(region):
                out.append(Case(city + normalise_han(zh)[len(region) :], None, "sister"))
    return [c for c in out if not groups.listed(c.query)]


def background_rows() -> list[dict[str, str]]:
    """Real company names on no list (shipped ``background_companies.csv``)."""
    with data_path("names", "background_companies.csv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def fit_half(row: dict[str, str]) -> bool:
    """The half of the background names the screening model is fitted on, by a hash of the
    company (a company's Chinese and English names go together; pools without a company key,
    by name). The other half is only ever measured."""
    source = row["source"]
    pooled = source.split(":")[0] not in ("ashare", "twse", "nse", "forbes")
    key = source + row["name"] if pooled else source
    return int(hashlib.sha256(key.encode()).hexdigest(), 16) % 2 == 0


def background_cases() -> list[Case]:
    """The half of the background names the model was not fitted on: category ``background``
    (held out), reported apart from the labelled set."""
    return [Case(r["name"], None, "background", True) for r in background_rows() if not fit_half(r)]


PROBES = Path(__file__).resolve().parent / "probe"


def probe_cases(groups: Groups) -> list[Case]:
    """The developers' probe sets (bench/probe/*.csv): Chinese names of listed companies and
    bill-of-lading names written from general knowledge, with unlisted look-alikes. Rules
    were added after reading their misses: they are development sets, reported apart."""
    out = []
    for path in sorted(PROBES.glob("*_probe.csv")):
        with path.open(encoding="utf-8") as f:
            for r in csv.DictReader(f):
                expected = groups.group_of_name(r["expected"]) if r["expected"] else None
                if r["expected"] and expected is None:
                    raise ValueError(f"{path.name}: {r['expected']!r} is not a listed name")
                kind = path.stem.split("_")[0] + ("" if expected else "-unlisted")
                out.append(Case(r["name"], expected, f"probe-{kind}"))
    return out


def as_deployed(cases: list[Case], seed: int = 2026) -> list[Case]:
    """Aliases and former names in bill-of-lading form (for an index of every listed name,
    where the names as printed would be found as they are)."""
    rng = random.Random(seed + 1)
    out = []
    for c in cases:
        if c.category in ("alias", "former") and re.search(r"[A-Za-z]{2}", c.query):
            out.append(Case(bol_form(c.query, rng), c.expected, f"{c.category}-bol", c.held_out))
        else:
            out.append(c)
    return out
