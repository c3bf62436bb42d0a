"""Exposure in trade records: paths from listed or Xinjiang sources to importers in the US or EU.

Three kinds, found set-based over the resolved organisations (``trade_orgs``):

- ``direct``: an importer receives goods from a listed or Xinjiang-located shipper;
- ``third_country``: a firm outside China and the destination receives inputs (cotton, yarn,
  fabric, polysilicon, PVC resin, tomato paste, aluminium) from such a source and, within a
  year, ships goods made of them (the HS chapters say so: 52/55 -> 60-63; 2804.61 -> 8541;
  3904 -> 3918; 2002 -> 2103; 7601 -> 76) to the US or EU. The hops are observed (records);
  the making inside the firm is inferred, and said so. Only a listed match or a Xinjiang
  source starts one: a source under review is reported where it ships direct, so one doubtful
  name does not flood the report;
- ``kin``: a firm abroad whose name carries a listed Chinese group's trade name (Huafu Vietnam),
  for review.

Each path carries the records behind every hop and the volumes in and out; a firm that ships
ten times what it ever received is a finding of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from paxta.names.party import names_no_party
from paxta.store import Backend

EU = (
    "AT",
    "BE",
    "BG",
    "HR",
    "CY",
    "CZ",
    "DK",
    "EE",
    "FI",
    "FR",
    "DE",
    "GR",
    "HU",
    "IE",
    "IT",
    "LV",
    "LT",
    "LU",
    "MT",
    "NL",
    "PL",
    "PT",
    "RO",
    "SK",
    "SI",
    "ES",
    "SE",
)
DESTINATIONS = ("US", *EU)
# HS input prefix -> output prefixes made of it.
HS_CHAIN = (
    ("52", "52"),  # raw cotton -> yarn -> woven fabric
    ("52", "60"),
    ("52", "61"),
    ("52", "62"),
    ("52", "63"),
    ("55", "60"),
    ("55", "61"),
    ("55", "62"),
    ("55", "63"),
    ("60", "61"),  # knitted fabric -> knitted garments
    ("280461", "8541"),  # polysilicon -> cells and modules
    ("3904", "3918"),  # PVC resin -> flooring
    ("3904", "3916"),
    ("3904", "3917"),
    ("2002", "2103"),  # tomato paste -> sauces, ketchup
    ("7601", "76"),  # primary aluminium -> aluminium goods
)
WINDOW_DAYS = 365
VOLUME_RATIO = 10.0
RECORDS_SHOWN = 20
IN_LIST = 1_000  # organisations asked for in one statement


@dataclass(frozen=True)
class Filters:
    """What a user narrows the report to."""

    importer: str = ""
    hs: tuple[str, ...] = ()
    since: date | None = None
    orgs: tuple[int, ...] = ()  # only paths touching these organisations (their own records)


def find_exposure(
    store: Backend, filters: Filters = Filters(), group: bool = True
) -> list[dict[str, Any]]:
    """Every exposure path, the most severe first (``group``: a source under review shipping
    direct to many importers as one path, the others in ``also_to``)."""
    if not store.scalar("SELECT count(*) FROM trade_orgs"):
        return []
    dest = ", ".join(f"'{c}'" for c in DESTINATIONS)
    chain = ", ".join(f"('{a}', '{b}')" for a, b in HS_CHAIN)
    since = "AND r.date >= ?" if filters.since else ""
    params: list[Any] = [filters.since] if filters.since else []
    records = f"""
        SELECT r.record_id, r.bol, r.date, r.hs_codes, r.weight_kg, r.format,
            r.exporter_country, r.importer_country, pe.org_id AS exp_org, pi.org_id AS imp_org
        FROM trade_records r
        JOIN trade_parties pe ON pe.name = r.exporter
            AND pe.country = coalesce(r.exporter_country, '')
        JOIN trade_parties pi ON pi.name = r.importer
            AND pi.country = coalesce(r.importer_country, '')
        WHERE true {since}"""
    if filters.orgs:  # the organisations, their trading partners, and all their records
        wanted = ", ".join(str(int(o)) for o in filters.orgs)
        records = f"""WITH j AS ({records}),
            near AS (SELECT imp_org AS o FROM j WHERE exp_org IN ({wanted})
                UNION SELECT exp_org FROM j WHERE imp_org IN ({wanted})
                UNION SELECT unnest([{wanted}]))
            SELECT * FROM j WHERE exp_org IN (SELECT o FROM near)
                OR imp_org IN (SELECT o FROM near)"""
    store.step("exposure: records and their organisations")
    with store.transaction():
        store.sql(f"CREATE OR REPLACE TEMP TABLE x_rec AS {records}", params)
        store.step("exposure: paths")
        store.sql(
            """CREATE OR REPLACE TEMP TABLE x_src AS
            SELECT org_id, CASE WHEN decision = 'match' OR region <> '' THEN 'high'
                ELSE 'review' END AS severity
            FROM trade_orgs WHERE region <> '' OR (decision <> 'clear' AND relation <> 'kin')"""
        )
        direct = store.dicts(
            f"""SELECT 'direct' AS kind, s.severity, r.exp_org AS source, NULL AS via,
                r.imp_org AS importer, {_records("r")} AS out_records
            FROM x_rec r JOIN x_src s ON s.org_id = r.exp_org
            WHERE r.importer_country IN ({dest}) GROUP BY ALL"""
        )
        third = store.dicts(
            f"""WITH chain(a, b) AS (VALUES {chain}),
            inbound AS (
                SELECT r.*, s.severity, h AS hs FROM x_rec r JOIN x_src s ON s.org_id = r.exp_org,
                unnest(r.hs_codes) AS t(h)
                WHERE s.severity = 'high' AND r.importer_country NOT IN ({dest})
                    AND r.importer_country <> 'CN'
                    AND r.importer_country <> coalesce(r.exporter_country, '')),
            outbound AS (
                SELECT r.*, h AS hs FROM x_rec r, unnest(r.hs_codes) AS t(h)
                WHERE r.importer_country IN ({dest})
                    AND r.exp_org IN (SELECT imp_org FROM inbound)),
            linked AS (
                SELECT i.exp_org AS source, i.imp_org AS via, o.imp_org AS importer, i.severity,
                    i.record_id AS in_id, i.bol AS in_bol, i.date AS in_date,
                    i.hs_codes AS in_hs, i.weight_kg AS in_kg,
                    o.record_id AS out_id, o.bol AS out_bol, o.date AS out_date,
                    o.hs_codes AS out_hs, o.weight_kg AS out_kg
                FROM inbound i JOIN outbound o ON o.exp_org = i.imp_org
                    AND o.date >= i.date AND o.date <= i.date + INTERVAL {WINDOW_DAYS} DAY
                JOIN chain c ON starts_with(i.hs, c.a) AND starts_with(o.hs, c.b))
            SELECT 'third_country' AS kind, min(severity) AS severity, source, via, importer,
                list(DISTINCT {{'record_id': in_id, 'bol': in_bol, 'date': in_date,
                    'hs_codes': in_hs, 'weight_kg': in_kg}}) AS in_records,
                list(DISTINCT {{'record_id': out_id, 'bol': out_bol, 'date': out_date,
                    'hs_codes': out_hs, 'weight_kg': out_kg}}) AS out_records
            FROM linked GROUP BY source, via, importer"""
        )
        kin = store.dicts(
            f"""SELECT 'kin' AS kind, 'review' AS severity, r.exp_org AS source, NULL AS via,
                r.imp_org AS importer, {_records("r")} AS out_records
            FROM x_rec r JOIN trade_orgs o ON o.org_id = r.exp_org AND o.relation = 'kin'
            WHERE r.importer_country IN ({dest}) GROUP BY ALL"""
        )
        found = (*direct, *third, *kin)
        on_paths = sorted({p[k] for p in found for k in ("source", "via", "importer")} - {None})
        store.sql(
            f"""CREATE OR REPLACE TEMP TABLE x_vol AS
            SELECT org, sum(kg_in) AS kg_in, sum(kg_out) AS kg_out FROM (
                SELECT imp_org AS org, weight_kg AS kg_in, 0 AS kg_out FROM x_rec
                UNION ALL
                SELECT exp_org, 0, weight_kg FROM x_rec WHERE importer_country IN ({dest}))
            GROUP BY org"""
        )
        volumes: dict[int, tuple[float, float]] = {}
        orgs: dict[int, dict[str, Any]] = {}
        for part in range(0, len(on_paths), IN_LIST):  # only the organisations on a path
            ids = on_paths[part : part + IN_LIST]
            marks = ", ".join("?" for _ in ids)
            volumes |= {
                row[0]: (row[1] or 0.0, row[2] or 0.0)
                for row in store.sql(f"SELECT * FROM x_vol WHERE org IN ({marks})", ids)
            }
            orgs |= {
                r["org_id"]: r
                for r in store.dicts(f"SELECT * FROM trade_orgs WHERE org_id IN ({marks})", ids)
            }
        for name in ("x_rec", "x_src", "x_vol"):
            store.sql(f"DROP TABLE {name}")
    paths = [_path(p, orgs, volumes) for p in found]
    paths = [p for p in paths if _wanted(p, filters)]
    if filters.orgs:
        paths = [p for p in paths if set(filters.orgs) & _orgs_on(p)]
    paths = _grouped(paths) if group else paths
    rank = {"high": 0, "review": 1}
    paths.sort(key=lambda p: (rank[p["severity"]], p["kind"], p["importer"]["name"], p["id"]))
    return paths


def _records(alias: str) -> str:
    return (
        f"list({{'record_id': {alias}.record_id, 'bol': {alias}.bol, 'date': {alias}.date, "
        f"'hs_codes': {alias}.hs_codes, 'weight_kg': {alias}.weight_kg}} ORDER BY {alias}.date)"
    )


def _party(org: dict[str, Any]) -> dict[str, Any]:
    why = []
    if org["decision"] != "clear":
        why.append(f"{org['decision']}: {org['listed_name']} ({org['list']}): {org['explanation']}")
    if org["region"]:
        why.append(f"in {org['region'].upper()} {org['region_why']}")
    return {
        "org_id": org["org_id"],
        "name": org["name"],
        "country": org["country"],
        "spellings": org["spellings"],
        "why": "; ".join(why),
    }


def _hop(frm: dict[str, Any], to: dict[str, Any], records: list[dict[str, Any]]) -> dict[str, Any]:
    records = sorted(records, key=lambda r: (r["date"] or date.min, r["record_id"]))
    return {
        "from": frm["name"],
        "to": to["name"],
        "observed": True,
        "records": len(records),
        "weight_kg": round(sum(r["weight_kg"] or 0 for r in records), 1),
        "first": _iso(records[0]["date"]) if records else None,
        "last": _iso(records[-1]["date"]) if records else None,
        "hs": sorted({h for r in records for h in r["hs_codes"]}),
        "shown": [
            {**r, "date": _iso(r["date"]), "hs_codes": list(r["hs_codes"])}
            for r in records[:RECORDS_SHOWN]
        ],
    }


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _path(
    p: dict[str, Any], orgs: dict[int, dict[str, Any]], volumes: dict[int, tuple[float, float]]
) -> dict[str, Any]:
    source, importer = orgs[p["source"]], orgs[p["importer"]]
    via = orgs[p["via"]] if p["via"] is not None else None
    hops = []
    findings: list[tuple[str, str]] = []  # (code, sentence)
    if via is not None:
        inbound = _hop(source, via, p["in_records"])
        outbound = _hop(via, importer, p["out_records"])
        made = {
            "from": via["name"],
            "to": via["name"],
            "observed": False,
            "note": f"inputs {', '.join(inbound['hs'])} in, goods {', '.join(outbound['hs'])} out "
            f"within {WINDOW_DAYS} days: that the goods were made of these inputs is inferred",
        }
        hops = [inbound, made, outbound]
        got, sent = volumes.get(via["org_id"], (0.0, 0.0))
        if got and sent / got >= VOLUME_RATIO:
            findings.append(
                (
                    "trade_volume",
                    f"{via['name']} shipped {sent:,.0f} kg to the US/EU but received only "
                    f"{got:,.0f} kg in all records ({sent / got:.0f}x): its inputs are not on "
                    "record",
                )
            )
    else:
        hops = [_hop(source, importer, p["out_records"])]
    if names_no_party(importer["name"]):
        findings.append(
            (
                "hidden_party",
                f"the records name no importer ({importer['name']!r}): who received the goods "
                "is not on record",
            )
        )
    if p["kind"] == "kin":
        findings.append(
            (
                "trade_name_kin",
                f"{source['name']} carries the trade name of a listed group "
                f"({source['listed_name']}): a company of that group abroad, to review",
            )
        )
    got, sent = volumes.get(via["org_id"] if via else source["org_id"], (0.0, 0.0))
    return {
        "id": f"{p['kind']}-{p['source']}-{p['via'] or 0}-{p['importer']}",
        "kind": p["kind"],
        "severity": p["severity"],
        "source": _party(source),
        "via": _party(via) if via else None,
        "importer": _party(importer),
        "hops": hops,
        "volumes": {"received_kg": round(got, 1), "shipped_to_us_eu_kg": round(sent, 1)},
        "findings": [text for _code, text in findings],
        "finding_codes": [code for code, _text in findings],
    }


def _grouped(paths: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A source under review shipping direct to many importers is one question about the
    source, not many: its paths become one, to the importer with the most records, the others
    listed in ``also_to``. High paths, and paths through a third country, stay one each."""
    out: list[dict[str, Any]] = []
    kept: dict[int, dict[str, Any]] = {}  # source -> its one review path
    for p in sorted(paths, key=lambda p: (-p["hops"][-1]["records"], p["id"])):
        if p["severity"] != "review" or p["kind"] != "direct":
            out.append(p)
        elif p["source"]["org_id"] not in kept:
            kept[p["source"]["org_id"]] = {**p, "also_to": []}
            out.append(kept[p["source"]["org_id"]])
        else:
            importer = p["importer"]
            kept[p["source"]["org_id"]]["also_to"].append(
                {
                    "org_id": importer["org_id"],
                    "name": importer["name"],
                    "country": importer["country"],
                    "records": p["hops"][-1]["records"],
                    "path": p["id"],
                }
            )
    return out


def _orgs_on(path: dict[str, Any]) -> set[int]:
    return {p["org_id"] for p in (path["source"], path["via"], path["importer"]) if p}


def _wanted(path: dict[str, Any], f: Filters) -> bool:
    if f.importer and f.importer.casefold() not in path["importer"]["name"].casefold():
        return False
    if f.hs:
        shipped = path["hops"][-1]["hs"]
        if not any(h.startswith(tuple(f.hs)) for h in shipped):
            return False
    return True


def path_rows(paths: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One flat row per path (CSV, XLSX, the web table)."""
    out = []
    for p in paths:
        last = p["hops"][-1]
        out.append(
            {
                "severity": p["severity"],
                "kind": p["kind"],
                "source": p["source"]["name"],
                "source_country": p["source"]["country"],
                "source_why": p["source"]["why"],
                "via": p["via"]["name"] if p["via"] else "",
                "via_country": p["via"]["country"] if p["via"] else "",
                "importer": p["importer"]["name"],
                "importer_country": p["importer"]["country"],
                "records_in": p["hops"][0]["records"] if p["via"] else 0,
                "records_out": last["records"],
                "hs_out": " ".join(last["hs"]),
                "first": last["first"],
                "last": last["last"],
                "received_kg": p["volumes"]["received_kg"],
                "shipped_kg": p["volumes"]["shipped_to_us_eu_kg"],
                "bills": " ".join(r["bol"] or r["record_id"] for r in last["shown"]),
                "findings": " | ".join(p["findings"]),
                "also_to": " | ".join(
                    f"{a['name']} ({a['records']})" for a in p.get("also_to", [])
                ),
            }
        )
    return out


def organisation(store: Backend, org_id: int) -> dict[str, Any] | None:
    """One resolved organisation: its screening and location, every spelling with the reason
    it joined, and the exposure paths it is on (as source, third-country firm or importer)."""
    rows = store.dicts("SELECT * FROM trade_orgs WHERE org_id = ?", [org_id])
    if not rows:
        return None
    org = rows[0]
    org["spellings_written"] = store.dicts(
        "SELECT name, records, reason FROM trade_parties WHERE org_id = ? ORDER BY records DESC",
        [org_id],
    )
    org["paths"] = find_exposure(store, Filters(orgs=(org_id,)), group=False)
    return org


def find_path(store: Backend, path_id: str) -> dict[str, Any] | None:
    """One exposure path by its id (``kind-source-via-importer``), or None."""
    parts = path_id.rsplit("-", 3)
    if len(parts) != 4 or not all(p.isdigit() for p in parts[1:]):
        return None
    orgs = tuple(int(p) for p in parts[1:] if p != "0")
    found = [p for p in find_exposure(store, Filters(orgs=orgs), group=False) if p["id"] == path_id]
    return found[0] if found else None
