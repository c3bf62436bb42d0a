"""A seeded trade data set for the demo, the tests and the benchmarks.

US imports in the CBP AMS bulk layout (``ams__header_*``, ``ams__shipper_*`` ... joined on
``identifier``) and third-country imports in the generic customs layout (``docs/formats.md``):
Chinese mills selling yarn and fabric to garment factories in Vietnam, Bangladesh and Cambodia,
which sell garments to US importers, and Chinese mills selling to the US directly. Each company
is written several ways, as bills of lading write names (upper case, CO LTD, abbreviations,
35-character cuts, a typing slip, the country appended). Among the ordinary trade a few
laundering paths are planted: a listed Xinjiang source selling through a third country, an
unlisted source located in Xinjiang, a listed source selling direct, a third-country firm named
after a listed group, and a firm shipping far more than it ever received.

``truth.json`` beside the files says which spelling is which company and which paths were
planted, so party resolution and exposure are measured against it.
"""

from __future__ import annotations

import csv
import gzip
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import IO, Any

import orjson

from paxta.data import data_path
from paxta.trade.records import CUSTOMS_COLUMNS

YEAR = 2025
TO_ORDER_EVERY = 40  # one bill in 40 is consigned to order (its importer is the notify party)
TO_ORDER = ("TO ORDER", "TO THE ORDER OF STANDARD CHARTERED BANK", "TO ORDER OF SHIPPER")
AMS_KINDS = ("header", "billgen", "shipper", "consignee", "notifyparty", "cargodesc", "tariff")


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Syllables of made-up trade names; the generator drops any name a listed name shares.
_PINYIN = _words(
    "an bao chang cheng da de ding dong fa feng fu gang guang hai hao heng hong hua hui jia "
    "jian jin jing kai kang li long mei ming nan ning peng qi qiang rui sheng shi tai tian "
    "tong wan wei xiang xin xing yang yi yong yu yuan zhong zhi"
)
_VIET = _words(
    "An Binh Phu Thinh Minh Anh Hoa Hung Phat Tan Thanh Long Viet Nam Sai Gon Dong Tien Gia "
    "Bao Hai Duong Kim Quang Trung Nghia Phong Lan Son Ha Thai Hoang"
)
_BANGLA = _words(
    "Rahman Karim Jamuna Padma Meghna Rupsha Sonali Shapla Nabila Ananta Tasnim Fariha Mahbub "
    "Akij Noman Ahsan Babylon Shanta Dipta Arnob Pran Mondol Hamid Sadia Rashid Bashundhara"
)
_KHMER = _words("Angkor Mekong Tonle Sovann Reaksmey Bopha Chanthou Kampot Preah Sokha")
_US_WORDS = _words(
    "Summit Harbor Pioneer Liberty Cascade Evergreen Keystone Heritage Prairie Coastal "
    "Granite Beacon Redwood Meridian Northstar Bluebird Oakridge Silverline Westbrook Maple "
    "Crescent"
)
_PROVINCES = {
    "Zhejiang": ("Shaoxing", "Hangzhou", "Ningbo", "Jiaxing"),
    "Jiangsu": ("Suzhou", "Wuxi", "Nantong", "Changzhou"),
    "Shandong": ("Qingdao", "Weifang", "Binzhou", "Zibo"),
    "Guangdong": ("Foshan", "Dongguan", "Shantou", "Guangzhou"),
    "Fujian": ("Jinjiang", "Quanzhou", "Xiamen", "Fuzhou"),
    "Hebei": ("Shijiazhuang", "Handan", "Xingtai", "Baoding"),
}
_XINJIANG = (("Aksu", "Aksu Prefecture"), ("Korla", "Bayingolin"), ("Kashgar", "Kashgar"))
_US_CITIES = (
    ("New York", "NY", "10001"),
    ("Los Angeles", "CA", "90021"),
    ("Dallas", "TX", "75201"),
    ("Atlanta", "GA", "30303"),
    ("Seattle", "WA", "98101"),
    ("Columbus", "OH", "43215"),
)
_ADDRESS_SHORT = {"Industrial Zone": "IZ", "Industrial Park": "IP", "Road": "Rd", "Street": "St"}
_ABBREVIATIONS = {
    "TEXTILE": "TEX",
    "INDUSTRY": "IND",
    "INDUSTRIAL": "INDL",
    "INTERNATIONAL": "INTL",
    "TECHNOLOGY": "TECH",
    "GARMENT": "GMT",
    "MANUFACTURING": "MFG",
}
# What each kind of firm sells: HS code, description, unit, kg per unit.
_GOODS = {
    "yarn": ("520512", "COTTON YARN 100% COMBED NE 30/1", "KGM", 1.0),
    "fabric": ("520839", "WOVEN COTTON FABRIC DYED", "MTR", 0.15),
    "garment": ("610910", "MEN'S COTTON KNITTED T-SHIRTS", "PCS", 0.2),
    "trousers": ("620342", "MEN'S COTTON TROUSERS", "PCS", 0.5),
    "polysilicon": ("280461", "POLYSILICON CHUNKS 99.9999%", "KGM", 1.0),
    "modules": ("854143", "PHOTOVOLTAIC MODULES 550W", "PCS", 28.0),
}


@dataclass
class Org:
    """A company of the generated world (the truth a resolution is measured against)."""

    org_id: str
    name: str
    country: str  # ISO code
    address: str
    kind: str  # mill, xinjiang, listed, factory, importer, kin
    goods: str = "garment"
    spellings: list[str] = field(default_factory=list)
    weights: list[float] = field(default_factory=list)

    def spelled(self, rng: random.Random) -> str:
        return rng.choices(self.spellings, self.weights)[0]

    def address_as_written(self, rng: random.Random) -> str:
        """The address as a clerk types it: upper case, abbreviated, the country left off."""
        text = self.address
        roll = rng.random()
        if roll < 0.3:
            text = text.upper()
        elif roll < 0.5:
            for long, short in _ADDRESS_SHORT.items():
                text = text.replace(long, short)
        if rng.random() < 0.2:
            text = text.rsplit(",", 1)[0]
        return text


@dataclass
class World:
    orgs: list[Org]
    paths: list[dict[str, Any]]
    ams: list[dict[str, Any]] = field(default_factory=list)
    customs: list[dict[str, Any]] = field(default_factory=list)


def generate(
    out: Path,
    records: int = 20_000,
    customs: int = 8_000,
    seed: int = 7,
    gzip_files: bool = False,
    customs_format: str = "csv",
) -> dict[str, Any]:
    """Write the AMS files (``out/ams``), the customs file (``out/customs``) and
    ``out/truth.json``; return the truth."""
    rng = random.Random(seed)
    orgs, paths = _world(rng, scale=max(1.0, records / 20_000))
    out.mkdir(parents=True, exist_ok=True)
    (out / "ams").mkdir(exist_ok=True)
    (out / "customs").mkdir(exist_ok=True)
    by_kind: dict[str, list[Org]] = {}
    for o in orgs:
        by_kind.setdefault(o.kind, []).append(o)
    bills = _write_ams(out / "ams", _ams_shipments(rng, by_kind, paths, records), gzip_files)
    declarations = _write_customs(
        out / "customs", _customs_shipments(rng, by_kind, paths, customs), customs_format
    )
    truth = {
        "seed": seed,
        "records": bills,
        "customs_records": declarations,
        "parties": {
            f"{s}\t{o.country}": o.org_id for o in orgs for s in o.spellings
        },  # spelling<TAB>country -> company
        "orgs": {o.org_id: {"name": o.name, "country": o.country, "kind": o.kind} for o in orgs},
        "paths": paths,
    }
    (out / "truth.json").write_bytes(orjson.dumps(truth, option=orjson.OPT_INDENT_2))
    return truth


# --- the world ----------------------------------------------------------------------------------


def _listed_sources() -> list[tuple[str, str]]:
    """Listed organisations of the shipped UFLPA list in cotton, textiles or polysilicon."""
    from paxta.lists.sources.base import ReadOptions
    from paxta.lists.sources.uflpa import UflpaPage

    path = next(data_path("lists", "uflpa").glob("*.html"))
    out = []
    for e in UflpaPage().read(path, ReadOptions()).entities:
        low = e.name.lower()
        goods = (
            "polysilicon"
            if "silicon" in low
            else "yarn"
            if any(w in low for w in ("cotton", "textile", "yarn", "spinning"))
            else ""
        )
        if goods and "(" not in e.name and len(e.name) < 60:
            out.append((e.name, goods))
    return sorted(out)


def _world(rng: random.Random, scale: float) -> tuple[list[Org], list[dict[str, Any]]]:
    from paxta.names.features import name_features
    from paxta.names.placekeys import latin_place_keys

    listed = _listed_sources()
    taken = {k for n, _ in listed for k in name_features(n).keys[:1]}
    orgs: list[Org] = []

    def new(name: str, country: str, address: str, kind: str, goods: str) -> Org:
        o = Org(f"O{len(orgs) + 1:05d}", name, country, address, kind, goods)
        o.spellings, o.weights = _spellings(rng, o)
        orgs.append(o)
        return o

    used: set[str] = set(taken)

    def coined(words: tuple[str, ...], count: int = 2, sep: str = "") -> str:
        for attempt in range(10_000):
            # (when the pairs run out at a large scale, names take a third word)
            parts = rng.sample(words, count + attempt // 200)
            word = sep.join(parts)
            key = word.replace(" ", "").lower()
            if key not in used and len(key) >= 5 and not latin_place_keys((key,)):
                used.add(key)
                return word.title() if not sep else word
        raise RuntimeError("no new company name left to coin")

    def n(base: int) -> int:  # companies grow slower than trade
        return max(2, int(base * scale**0.5))

    for _ in range(n(120)):
        province = rng.choice(list(_PROVINCES))
        city = rng.choice(_PROVINCES[province])
        trade = coined(_PINYIN)
        goods = rng.choice(("yarn", "yarn", "fabric", "garment"))
        industry = {"yarn": "Textile", "fabric": "Weaving", "garment": "Garment"}[goods]
        form = rng.choice(("Co., Ltd.", "Co., Ltd.", "Industrial Co., Ltd.", "Group Co., Ltd."))
        new(
            f"{province} {trade} {industry} {form}",
            "CN",
            f"No. {len(orgs) + 1} {trade} Road, {city}, {province}, China",
            "mill",
            goods,
        )
    for _ in range(n(6)):
        province = rng.choice(list(_PROVINCES))
        trade = coined(_PINYIN)
        new(
            f"{province} {trade} New Energy Co., Ltd.",
            "CN",
            f"{rng.choice(_PROVINCES[province])}, {province}, China",
            "mill",
            "polysilicon",
        )
    factories = []
    for country, words, industry, place in (
        ("VN", _VIET, "Garment", "Binh Duong, Vietnam"),
        ("BD", _BANGLA, "Knit Composite", "Gazipur, Bangladesh"),
        ("KH", _KHMER, "Garment", "Phnom Penh, Cambodia"),
    ):
        for _ in range(n({"VN": 90, "BD": 70, "KH": 25}[country])):
            trade = coined(words, 2, " ")
            form = {"VN": "Co., Ltd", "BD": "Ltd.", "KH": "(Cambodia) Co., Ltd."}[country]
            factories.append(
                new(
                    f"{trade} {industry} {form}",
                    country,
                    f"Lot {rng.choice('ABCDEF')}{len(orgs) + 1}, Industrial Zone, {place}",
                    "factory",
                    rng.choice(("garment", "trousers")),
                )
            )
    for _ in range(n(6)):
        trade = coined(_VIET, 2, " ")
        factories.append(
            new(
                f"{trade} Solar Technology Co., Ltd",
                "VN",
                f"Lot C{len(orgs) + 1}, Industrial Park, Bac Giang, Vietnam",
                "factory",
                "modules",
            )
        )
    importers = []
    for _ in range(n(110)):
        trade = coined(_US_WORDS, 2, " ")
        city, state, zip_code = rng.choice(_US_CITIES)
        kind = rng.choice(("Apparel", "Brands", "Imports", "Retail Group"))
        form = rng.choice(("Inc.", "LLC", "Corp."))
        importers.append(
            new(
                f"{trade} {kind} {form}",
                "US",
                f"{100 + len(orgs)} Commerce Street, {city}, {state} {zip_code}",
                "importer",
                "",
            )
        )
    # The planted paths.
    yarn_sources = [x for x in listed if x[1] == "yarn"]
    silicon = [x for x in listed if x[1] == "polysilicon"]
    l1 = new(yarn_sources[0][0], "CN", "Xinjiang, China", "listed", "yarn")
    l2 = new(
        yarn_sources[min(1, len(yarn_sources) - 1)][0], "CN", "Xinjiang, China", "listed", "yarn"
    )
    l3 = new(silicon[0][0], "CN", "Xinjiang, China", "listed", "polysilicon") if silicon else l1
    xj = []
    for city, prefecture in _XINJIANG[:2]:
        trade = coined(_PINYIN)
        xj.append(
            new(
                f"{trade} Cotton Textile Co., Ltd.",
                "CN",
                f"No. {rng.randint(1, 99)} Industrial Road, {city}, {prefecture}, Xinjiang, China",
                "xinjiang",
                "yarn",
            )
        )
    group = name_features(l1.name).trade or "Huafu"
    kin = new(
        f"{group} Vietnam Textile Co., Ltd",
        "VN",
        "Lot A1, Industrial Zone, Tay Ninh, Vietnam",
        "kin",
        "garment",
    )
    solar_factory = next(f for f in factories if f.goods == "modules")
    garment = [f for f in factories if f.goods != "modules"]
    via = rng.sample(garment, 3)
    imp = rng.sample(importers, 6)
    paths = [
        _path("third_country", l1, via[0], imp[0]),
        _path("third_country", xj[0], via[1], imp[1]),
        _path("direct", l2, None, imp[2]),
        _path("kin", kin, None, imp[3]),
        _path("third_country", l3, solar_factory, imp[4]),
        _path("volume", xj[1], via[2], imp[5]),
    ]
    return orgs, paths


def _path(kind: str, source: Org, via: Org | None, importer: Org) -> dict[str, Any]:
    return {
        "kind": kind,
        "source": source.org_id,
        "via": via.org_id if via else None,
        "importer": importer.org_id,
        "source_name": source.name,
        "via_name": via.name if via else None,
        "importer_name": importer.name,
    }


def _spellings(rng: random.Random, o: Org) -> tuple[list[str], list[float]]:
    """How bills of lading and declarations write the company: 2-7 spellings, one common."""
    upper = o.name.upper()
    forms = [o.name, upper]
    bare = upper
    for long in ("CO., LTD.", "CO., LTD", "LTD.", "INC.", "LLC", "CORP."):
        if bare.endswith(long):
            bare = bare[: -len(long)].strip(" ,")
            break
    forms.append(bare + rng.choice((" CO LTD", " CO.,LTD", " COMPANY LIMITED", " LIMITED", "")))
    short = " ".join(_ABBREVIATIONS.get(w, w) for w in upper.split())
    if short != upper:
        forms.append(short)
    if len(upper) > 35:
        forms.append(upper[:35].strip())  # the AMS field cut
    country = {"VN": "VIETNAM", "BD": "BANGLADESH", "KH": "CAMBODIA", "CN": "CHINA"}.get(o.country)
    if country and rng.random() < 0.5:
        forms.append(f"{upper} {country}")
    if rng.random() < 0.3:  # a typing slip in the longest word
        words = upper.split()
        i = max(range(len(words)), key=lambda j: len(words[j]))
        w = words[i]
        if len(w) >= 6:
            k = rng.randint(1, len(w) - 2)
            words[i] = w[:k] + w[k + 1 :]
            forms.append(" ".join(words))
    forms = list(dict.fromkeys(forms))
    weights = [1.0 / (i + 1) ** 1.2 for i in range(len(forms))]
    return forms, weights


# --- shipments ----------------------------------------------------------------------------------


def _day(rng: random.Random, start: int = 0, end: int = 364) -> date:
    return date(YEAR, 1, 1) + timedelta(days=rng.randint(start, end))


def _interleave(
    rng: random.Random, planted: list[dict[str, Any]], count: int, ordinary: Any
) -> Iterator[dict[str, Any]]:
    """``count`` rows (at least the planted ones), the planted at random places among
    ``ordinary()`` ones, one at a time: a year of bills is never held in memory."""
    count = max(count, len(planted))
    at = dict(zip(sorted(rng.sample(range(count), len(planted))), planted, strict=True))
    for i in range(count):
        yield at.get(i) or ordinary()


def _ams_shipments(
    rng: random.Random, by_kind: dict[str, list[Org]], paths: list[dict[str, Any]], count: int
) -> Iterator[dict[str, Any]]:
    orgs = {o.org_id: o for group in by_kind.values() for o in group}
    importers = by_kind["importer"]
    planted_importers = {p["importer"] for p in paths}
    ordinary_importers = [o for o in importers if o.org_id not in planted_importers]
    planted_vias = {p["via"] for p in paths}
    exporters = [o for o in by_kind["factory"] if o.org_id not in planted_vias] + [
        o for o in by_kind["mill"] if o.goods in ("fabric", "garment")
    ]
    rows: list[dict[str, Any]] = []
    for p in paths:  # the planted US imports first
        importer = orgs[p["importer"]]
        exporter = orgs[p["via"] or p["source"]]
        shipments = 12 if p["kind"] == "volume" else 3
        for _ in range(shipments):
            goods = exporter.goods
            start = 120 if p["via"] else 0
            rows.append(_bill(rng, exporter, importer, goods, _day(rng, start, 360)))
        if p["via"]:  # the third-country firm also ships ordinary goods to others
            for _ in range(2):
                rows.append(
                    _bill(rng, exporter, rng.choice(ordinary_importers), exporter.goods, _day(rng))
                )

    def ordinary() -> dict[str, Any]:
        exporter = rng.choice(exporters)
        return _bill(rng, exporter, rng.choice(ordinary_importers), exporter.goods, _day(rng))

    for i, r in enumerate(_interleave(rng, rows, count, ordinary)):
        r["identifier"] = f"{YEAR}{i + 1:09d}"
        yield r


def _bill(
    rng: random.Random, exporter: Org, importer: Org, goods: str, when: date
) -> dict[str, Any]:
    hs, description, _unit, kg = _GOODS.get(goods, _GOODS["garment"])
    quantity = rng.randint(200, 20_000)
    return {
        "exporter": exporter,
        "shipper_name": exporter.spelled(rng),
        "shipper_address": exporter.address_as_written(rng),
        "importer": importer,
        "consignee_name": importer.spelled(rng),
        "date": when,
        "hs": hs + rng.choice(("0000", "1000", "")),
        "description": description,
        "quantity": quantity,
        "weight": round(quantity * kg, 1),
    }


def _customs_shipments(
    rng: random.Random, by_kind: dict[str, list[Org]], paths: list[dict[str, Any]], count: int
) -> Iterator[dict[str, Any]]:
    orgs = {o.org_id: o for group in by_kind.values() for o in group}
    mills = by_kind["mill"]
    yarn_mills = [m for m in mills if m.goods in ("yarn", "fabric")]
    silicon_mills = [m for m in mills if m.goods == "polysilicon"]
    volume = {p["via"] for p in paths if p["kind"] == "volume"}
    factories = [f for f in by_kind["factory"] if f.org_id not in volume]  # (buys nothing else)
    rows: list[dict[str, Any]] = []
    for p in paths:
        if not p["via"]:
            continue
        source, via = orgs[p["source"]], orgs[p["via"]]
        shipments = 1 if p["kind"] == "volume" else 4
        for _ in range(shipments):
            rows.append(
                _declaration(rng, source, via, _day(rng, 0, 100), small=p["kind"] == "volume")
            )

    def ordinary() -> dict[str, Any]:
        factory = rng.choice(factories)
        mill = rng.choice(silicon_mills if factory.goods == "modules" else yarn_mills)
        return _declaration(rng, mill, factory, _day(rng))

    return _interleave(rng, rows, count, ordinary)


def _declaration(
    rng: random.Random, exporter: Org, importer: Org, when: date, small: bool = False
) -> dict[str, Any]:
    goods = exporter.goods if exporter.goods in ("yarn", "fabric", "polysilicon") else "yarn"
    hs, description, unit, kg = _GOODS[goods]
    quantity = rng.randint(50, 300) if small else rng.randint(2_000, 40_000)
    weight = round(quantity * kg, 1)
    return {
        "exporter": exporter.spelled(rng),
        "exporter_address": exporter.address_as_written(rng),
        "exporter_country": exporter.country,
        "importer": importer.spelled(rng),
        "importer_address": importer.address_as_written(rng),
        "importer_country": importer.country,
        "date": when.isoformat(),
        "hs_code": hs,
        "description": description,
        "quantity": quantity,
        "unit": unit,
        "weight_kg": weight,
        "value_usd": round(weight * rng.uniform(2.5, 4.5), 2),
        "port": {"VN": "CAT LAI", "BD": "CHITTAGONG", "KH": "SIHANOUKVILLE"}.get(
            importer.country, "HAIPHONG"
        ),
    }


# --- files --------------------------------------------------------------------------------------


def _open(path: Path, gz: bool) -> IO[str]:
    if gz:
        return gzip.open(path.with_name(path.name + ".gz"), "wt", encoding="utf-8", newline="")
    return path.open("w", encoding="utf-8", newline="")


def _address_lines(address: str) -> list[str]:
    parts = [p.strip() for p in address.split(",")]
    return ([*parts, "", "", "", ""])[:4]


def _write_ams(folder: Path, rows: Iterator[dict[str, Any]], gz: bool) -> int:
    stamp = f"{YEAR}__{YEAR + 1}01010000"
    files = {k: _open(folder / f"ams__{k}_{stamp}.csv", gz) for k in AMS_KINDS}
    written = 0
    try:
        w = {k: csv.writer(f) for k, f in files.items()}
        w["header"].writerow(
            [
                "identifier", "carrier_code", "vessel_name", "port_of_unlading",
                "estimated_arrival_date", "foreign_port_of_lading", "manifest_quantity",
                "manifest_unit", "weight", "weight_unit", "record_status_indicator",
            ]
        )  # fmt: skip
        w["billgen"].writerow(["identifier", "master_bol_number", "house_bol_number"])
        party = ["address_1", "address_2", "address_3", "address_4", "city", "state_province"]
        w["shipper"].writerow(
            [
                "identifier",
                "shipper_party_name",
                *(f"shipper_party_{c}" for c in party[:4]),
                "city",
                "state_province",
                "zip_code",
                "country_code",
            ]
        )
        w["consignee"].writerow(
            [
                "identifier",
                "consignee_name",
                *(f"consignee_{c}" for c in party[:4]),
                "city",
                "state_province",
                "zip_code",
                "country_code",
            ]
        )
        w["notifyparty"].writerow(["identifier", "notify_party_name", "country_code"])
        w["cargodesc"].writerow(
            ["identifier", "container_number", "description_sequence_number", "piece_count",
             "description_text"]
        )  # fmt: skip
        w["tariff"].writerow(
            ["identifier", "container_number", "description_sequence_number", "harmonized_number",
             "harmonized_value", "harmonized_weight", "harmonized_weight_unit"]
        )  # fmt: skip
        for r in rows:
            i = r["identifier"]
            e, c = r["exporter"], r["importer"]
            pounds = r["identifier"].endswith("7")  # some bills weigh in pounds
            weight = round(r["weight"] * 2.20462, 1) if pounds else r["weight"]
            port = {"CN": "Shanghai", "VN": "Vung Tau", "BD": "Chittagong", "KH": "Sihanoukville"}
            w["header"].writerow(
                [i, "MAEU", "MAERSK ESSEN", "Los Angeles, California", r["date"].isoformat(),
                 port.get(e.country, "Busan"), r["quantity"], "CTN", weight,
                 "Pounds" if pounds else "Kilograms", "New"]
            )  # fmt: skip
            w["billgen"].writerow([i, f"MAEU{i[-9:]}", ""])
            lines = _address_lines(r["shipper_address"])
            w["shipper"].writerow([i, r["shipper_name"], *lines, "", "", "", e.country])
            city = c.address.split(",")
            state = city[2].split()[0] if len(city) > 2 else ""
            consignee = [r["consignee_name"], city[0], "", "", "", city[1].strip(), state,
                         city[2].split()[-1], "US"]  # fmt: skip
            if int(i) % TO_ORDER_EVERY == 3:  # consigned to order: the buyer is the notify party
                consignee = [TO_ORDER[int(i) % len(TO_ORDER)], "", "", "", "", "", "", "", ""]
            w["consignee"].writerow([i, *consignee])
            w["notifyparty"].writerow([i, r["consignee_name"], "US"])
            container = f"MSKU{int(i[-7:]):07d}"
            w["cargodesc"].writerow([i, container, 1, r["quantity"], r["description"]])
            w["tariff"].writerow([i, container, 1, r["hs"], "", "", ""])
            written += 1
    finally:
        for f in files.values():
            f.close()
    return written


def _write_customs(folder: Path, rows: Iterator[dict[str, Any]], kind: str) -> int:
    path = folder / f"customs_{YEAR}.{kind}"
    written = 0
    if kind == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        writer: pq.ParquetWriter | None = None
        for batch in _batches(rows, 50_000):
            table = pa.Table.from_pylist([{c: r[c] for c in CUSTOMS_COLUMNS} for r in batch])
            writer = writer or pq.ParquetWriter(path, table.schema)
            writer.write_table(table)
            written += len(batch)
        if writer is not None:
            writer.close()
        return written
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.DictWriter(f, CUSTOMS_COLUMNS)
        out.writeheader()
        for r in rows:
            out.writerow(r)
            written += 1
    return written


def _batches(rows: Iterator[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for r in rows:
        batch.append(r)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def iter_truth_parties(truth: dict[str, Any]) -> Iterator[tuple[str, str, str]]:
    """(spelling, country, company) of every generated spelling."""
    for key, org in truth["parties"].items():
        spelling, country = key.split("\t")
        yield spelling, country, org


def split_ams(folder: Path, parts: int) -> None:
    """Spread the bills of ``folder``'s AMS files over ``parts`` sets of files, each named for
    an earlier year (as CBP publishes a year's bills in one set): an import of several parts,
    which an engine with workers reads apart. Each bill keeps all its rows in one part."""
    if parts < 2:
        return
    import zlib

    for path in sorted(folder.glob(f"ams__*_{YEAR}__*")):
        gz = path.name.endswith(".gz")
        with (gzip.open(path, "rt", encoding="utf-8", newline="") if gz else
              path.open(encoding="utf-8", newline="")) as f:  # fmt: skip
            rows = list(csv.reader(f))
        path.unlink()
        header, body = rows[0], rows[1:]
        name = path.name.removesuffix(".gz")
        for part in range(parts):
            target = path.with_name(name.replace(f"_{YEAR}__", f"_{YEAR - part}__"))
            with _open(target, gz) as f:
                writer = csv.writer(f)
                writer.writerow(header)
                writer.writerows(r for r in body if zlib.crc32(r[0].encode()) % parts == part)
