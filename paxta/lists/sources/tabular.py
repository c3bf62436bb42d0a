"""Lists shipped as CSV tables: BIS Entity List, CBP WRO/Findings, and any CSV with a mapping."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

from paxta.errors import InputError
from paxta.files import Row, open_table
from paxta.lists.model import (
    ALIAS,
    FORMER,
    NATIVE,
    PRIMARY,
    Entity,
    Identifier,
    Name,
    Program,
    slug,
    tidy,
)
from paxta.lists.sources.base import ListRead, ReadOptions, split_list, version_from_filename

BIS_URL = "https://www.ecfr.gov/current/title-15/subtitle-B/chapter-VII/subchapter-C/part-744/appendix-Supplement%20No.%204%20to%20Part%20744"
CBP_URL = "https://www.cbp.gov/document/stats/withhold-release-orders-findings"
_US_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{2,4})")
_SCOPE_TAIL = re.compile(r",?\s+(and (?:its )?(?:subsidiaries|subordinates))\s*$", re.I)
_TWO_COMPANIES = re.compile(r"(?:(?<=\bLtd\.)|(?<=\bCo\.)) and (?=[A-Z])")


def _header(sample: bytes) -> list[str]:
    first = sample.split(b"\n", 1)[0].decode("utf-8", "replace").lstrip("\ufeff")
    return [c.strip().strip('"').lower() for c in first.split(",")]


def _rows(path: Path, required: list[str], encoding: str | None) -> Iterator[Row]:
    table = open_table(path, encoding=encoding or "utf-8")
    missing = [c for c in required if c not in table.columns]
    if missing:
        raise InputError(path, f"missing column(s) {', '.join(missing)} in the header", line=1)
    return table.rows


def _required(path: Path, row: Row, column: str) -> str:
    value = tidy(row.values.get(column, ""))
    if not value:
        raise InputError(path, "this row has no value", line=row.line, field=column)
    return value


def _us_date(text: str) -> str | None:
    m = _US_DATE.search(text)
    if not m:
        return None
    month, day, year = (int(g) for g in m.groups())
    year += 2000 if year < 100 else 0
    return f"{year:04d}-{month:02d}-{day:02d}"


class BisEntityList:
    """The BIS Entity List as a table: name, aliases, country, address, FR citations."""

    name = "bis-csv"
    default_source = "bis-entity-list"
    description = "BIS Entity List table (CSV: name, aliases, country, address, citations)"
    columns: ClassVar[list[str]] = [
        "name",
        "aliases",
        "country",
        "address",
        "federal_register_citations",
    ]

    def sniff(self, path: Path, head: bytes) -> bool:
        return _header(head)[:5] == self.columns

    def read(self, path: Path, options: ReadOptions) -> ListRead:
        return ListRead([path], self._entities(path, options), version_from_filename(path), BIS_URL)

    def _entities(self, path: Path, options: ReadOptions) -> Iterator[Entity]:
        merged: dict[str, Entity] = {}
        for row in _rows(path, self.columns, options.encoding):
            name = _required(path, row, "name")
            entity = merged.setdefault(
                name,
                Entity(
                    id=f"bis-{slug(name)}",
                    source="bis-entity-list",
                    schema="Organization",
                    name=name,
                    names=[Name.of(name, PRIMARY)],
                    source_url=BIS_URL,
                ),
            )
            entity.names.extend(Name.of(a, ALIAS) for a in split_list(row.values["aliases"]))
            entity.addresses.extend(split_list(row.values["address"], "; and "))
            country = tidy(row.values["country"])
            if country and country not in entity.countries:
                entity.countries.append(country)
            for citation in split_list(row.values["federal_register_citations"], ";"):
                entity.programs.append(Program(citation.rstrip(". "), _us_date(citation)))
            dates = [p.effective_date for p in entity.programs if p.effective_date]
            entity.effective_date = min(dates) if dates else None
            entity.remarks = tidy(row.values.get("license_requirement", "")) or None
        yield from merged.values()


def cbp_entity(name: str, scope: str | None = None) -> Entity:
    """A company CBP names in an order, as every CBP format gives it (its orders added after)."""
    return Entity(
        id=f"cbp-{slug(name)}",
        source="cbp-wro",
        schema="Organization",
        name=name,
        names=[Name.of(name, PRIMARY)],
        scope=scope,
        source_url=CBP_URL,
    )


class CbpOrders:
    """CBP Withhold Release Orders and Findings as a table."""

    name = "cbp-csv"
    default_source = "cbp-wro"
    description = "CBP Withhold Release Orders and Findings (CSV: name, order_type, date ...)"
    columns: ClassVar[list[str]] = ["name", "aliases", "country", "order_type", "status", "date"]

    def sniff(self, path: Path, head: bytes) -> bool:
        return _header(head)[:6] == self.columns

    def read(self, path: Path, options: ReadOptions) -> ListRead:
        return ListRead([path], self._entities(path, options), version_from_filename(path), CBP_URL)

    def _entities(self, path: Path, options: ReadOptions) -> Iterator[Entity]:
        merged: dict[str, Entity] = {}
        for row in _rows(path, self.columns, options.encoding):
            cell = _required(path, row, "name")
            body, scope = cell, None
            if m := _SCOPE_TAIL.search(cell):
                body, scope = cell[: m.start()], m.group(1)
            for name in _TWO_COMPANIES.split(body):
                entity = merged.setdefault(name, cbp_entity(name, scope))
                self._add_order(path, row, entity)
        yield from merged.values()

    def _add_order(self, path: Path, row: Row, entity: Entity) -> None:
        v = row.values
        date = tidy(v["date"]) or None
        if date and not re.fullmatch(r"\d{4}-\d\d-\d\d", date):
            raise InputError(
                path, f"{date!r} is not a YYYY-MM-DD date", line=row.line, field="date"
            )
        entity.names.extend(Name.of(a, ALIAS) for a in split_list(v["aliases"]))
        what = " ".join(p for p in (tidy(v["order_type"]), tidy(v.get("merchandise", ""))) if p)
        entity.programs.append(Program(what or "WRO", date))
        country = tidy(v["country"])
        if country and country not in entity.countries:
            entity.countries.append(country)
        notes = [tidy(v.get(k, "")) for k in ("status", "remarks")]
        entity.remarks = "; ".join(n for n in notes if n) or None
        dates = [p.effective_date for p in entity.programs if p.effective_date]
        entity.effective_date = min(dates) if dates else None


MAPPABLE_FIELDS = {
    "id": ("id", "entity_id", "uid"),
    "name": ("name", "primary_name", "entity", "entity_name", "company", "full_name"),
    "aliases": ("aliases", "alias", "aka", "also_known_as", "alt_names"),
    "former": ("former_names", "former", "fka", "previous_names"),
    "native": ("native_name", "name_zh", "chinese_name", "original_name"),
    "address": ("address", "addresses"),
    "country": ("country", "countries"),
    "program": ("program", "programs", "section", "list"),
    "effective_date": ("effective_date", "date", "listing_date", "designation_date"),
    "schema": ("schema", "type", "entity_type"),
    "identifier": ("identifier", "registration_number", "uscc", "tax_id"),
}


class MappedCsv:
    """Any list as a CSV (or XLSX) with a small column mapping (``--map name=Company``)."""

    name = "csv"
    default_source = ""
    description = "any list as CSV/XLSX, columns mapped with --map FIELD=COLUMN"

    def sniff(self, path: Path, head: bytes) -> bool:
        return path.suffix.lower() in {".csv", ".tsv", ".xlsx"}

    def read(self, path: Path, options: ReadOptions) -> ListRead:
        table = open_table(path, encoding=options.encoding)
        mapping = resolve_mapping(path, table.columns, options.mapping)
        source = options.source or slug(path.stem)
        return ListRead(
            [path], self._entities(path, table.rows, mapping, source), version_from_filename(path)
        )

    def _entities(
        self, path: Path, rows: Iterator[Row], mapping: dict[str, str], source: str
    ) -> Iterator[Entity]:
        def get(row: Row, key: str) -> str:
            return tidy(row.values.get(mapping.get(key, ""), ""))

        seen: set[str] = set()
        for row in rows:
            name = _required(path, row, mapping["name"])
            ident = get(row, "id") or slug(name)
            if ident in seen:
                raise InputError(
                    path,
                    f"id {ident!r} appears twice",
                    line=row.line,
                    field=mapping.get("id", mapping["name"]),
                )
            seen.add(ident)
            names = [Name.of(name, PRIMARY)]
            for key, kind in (("aliases", ALIAS), ("former", FORMER), ("native", NATIVE)):
                names.extend(Name.of(a, kind) for a in re.split(r"\s*[|;]\s*", get(row, key)) if a)
            date = get(row, "effective_date") or None
            yield Entity(
                id=f"{source}-{slug(ident)}",
                source=source,
                schema=get(row, "schema") or "Organization",
                name=name,
                names=names,
                addresses=split_list(get(row, "address"), ";"),
                countries=split_list(get(row, "country"), ";"),
                identifiers=[
                    Identifier("registration", v) for v in split_list(get(row, "identifier"), ";")
                ],
                programs=[Program(p, date) for p in split_list(get(row, "program"), ";")],
                effective_date=date,
            )


def resolve_mapping(path: Path, columns: list[str], given: dict[str, str]) -> dict[str, str]:
    """Map paxta's fields to the file's columns: given ones first, then by common header names."""
    unknown = sorted(set(given) - set(MAPPABLE_FIELDS))
    if unknown:
        fields = ", ".join(MAPPABLE_FIELDS)
        raise InputError(path, f"unknown field(s) {', '.join(unknown)} in --map (fields: {fields})")
    lowered = {c.strip().lower(): c for c in columns}
    mapping: dict[str, str] = {}
    for key, guesses in MAPPABLE_FIELDS.items():
        if key in given:
            if given[key] not in columns:
                raise InputError(
                    path,
                    f"--map {key}={given[key]}: no such column (columns: {', '.join(columns)})",
                    line=1,
                )
            mapping[key] = given[key]
        elif found := next((lowered[g] for g in guesses if g in lowered), None):
            mapping[key] = found
    if "name" not in mapping:
        raise InputError(
            path,
            f"no name column found: pass --map name=COLUMN (columns: {', '.join(columns)})",
            line=1,
        )
    return mapping
