"""The lists as their publishers serve them for download (``paxta lists fetch``).

- BIS's Entity List inside the Consolidated Screening List CSV of the International Trade
  Administration (``consolidated.csv``: one row per entry of thirteen US lists, ``source`` says
  which; multi-valued cells joined by ``;``).
- CBP's Withhold Release Orders and Findings CSV (``withhold-release-orders-findings-*.csv``,
  Windows-1252, US dates), linked from CBP's document page.
- OFAC's SDN list as XML (``sdn.xml``): it carries its publication date and record count, so a
  cut file is refused by count as well as by its broken XML.

Ids are the ones the shipped tables give the same entity (``bis-<slug>``, ``cbp-<slug>``,
``ofac-<uid>``), so a diff between the shipped version and a download names real changes.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

from paxta.errors import InputError
from paxta.files import Row, open_table
from paxta.lists.model import ALIAS, PRIMARY, Entity, Identifier, Name, Program, slug, tidy
from paxta.lists.sources.base import ListRead, ReadOptions, split_list, version_from_filename
from paxta.lists.sources.ofac import _IDENTIFIERS as OFAC_IDENTIFIERS
from paxta.lists.sources.ofac import URL as OFAC_URL
from paxta.lists.sources.tabular import CBP_URL, _header, _us_date, cbp_entity

CSL_URL = "https://data.trade.gov/downloadable_consolidated_screening_list/v1/consolidated.csv"
# Which rows of the consolidated list feed a paxta source (the ``source`` cell starts with it).
CSL_LISTS = {"bis-entity-list": "Entity List"}
_ISO_DATE = re.compile(r"\d{4}-\d\d-\d\d")


def _date(text: str) -> str | None:
    text = tidy(text)
    if m := _ISO_DATE.search(text):
        return m.group(0)
    return _us_date(text)


def _table_rows(
    path: Path, encoding: str, required: dict[str, tuple[str, ...]]
) -> tuple[dict[str, str], Iterator[Row]]:
    """The file's rows and, for each field, the column that holds it (headers matched case and
    spacing aside); an error naming the field when a required one is missing."""
    table = open_table(path, encoding=encoding)
    folded = {re.sub(r"[\s_/-]+", "", c.lower().lstrip("\ufeff")): c for c in table.columns}
    found: dict[str, str] = {}
    for field_name, headers in required.items():
        column = next((folded[h] for h in headers if h in folded), None)
        if column is None:
            raise InputError(
                path,
                f"no {field_name} column among {', '.join(table.columns)}: "
                "the publisher may have changed the format",
                line=1,
            )
        found[field_name] = column
    return found, table.rows


class ConsolidatedScreeningList:
    """BIS's Entity List as the Consolidated Screening List publishes it."""

    name = "csl"
    default_source = "bis-entity-list"
    description = "Consolidated Screening List CSV (trade.gov; its Entity List rows)"
    fields: ClassVar[dict[str, tuple[str, ...]]] = {
        "source": ("source",),
        "name": ("name",),
        "alt_names": ("altnames",),
        "addresses": ("addresses",),
        "federal_register_notice": ("federalregisternotice",),
        "start_date": ("startdate",),
    }

    def sniff(self, path: Path, head: bytes) -> bool:
        header = _header(head)
        return "source" in header and "alt_names" in header and "entity_number" in header

    def read(self, path: Path, options: ReadOptions) -> ListRead:
        source = options.source or self.default_source
        wanted = CSL_LISTS.get(source, "")
        return ListRead(
            [path],
            self._entities(path, options, source, wanted),
            version_from_filename(path),
            CSL_URL,
        )

    def _entities(
        self, path: Path, options: ReadOptions, source: str, wanted: str
    ) -> Iterator[Entity]:
        cols, rows = _table_rows(path, options.encoding or "utf-8", self.fields)
        merged: dict[str, Entity] = {}
        for row in rows:
            v = {k: tidy(row.values.get(c, "")) for k, c in cols.items()}
            if not v["source"].startswith(wanted):
                continue
            if not v["name"]:
                raise InputError(path, "this row has no value", line=row.line, field=cols["name"])
            entity = merged.setdefault(
                v["name"],
                Entity(
                    id=f"{source.split('-')[0]}-{slug(v['name'])}",
                    source=source,
                    schema="Organization",
                    name=v["name"],
                    names=[Name.of(v["name"], PRIMARY)],
                    source_url=CSL_URL,
                ),
            )
            entity.names.extend(Name.of(a, ALIAS) for a in split_list(v["alt_names"], ";"))
            for address in split_list(v["addresses"], ";"):
                entity.addresses.append(address)
                country = address.rsplit(",", 1)[-1].strip()
                if len(country) == 2 and country.isupper() and country not in entity.countries:
                    entity.countries.append(country)  # the CSL ends each address with its ISO code
            start = _date(v["start_date"])
            for notice in split_list(v["federal_register_notice"], ";") or ["Entity List"]:
                entity.programs.append(Program(notice.rstrip(". "), start))
            dates = [p.effective_date for p in entity.programs if p.effective_date]
            entity.effective_date = min(dates) if dates else None
        yield from merged.values()


class CbpPublishedCsv:
    """CBP's Withhold Release Orders and Findings as CBP publishes the CSV."""

    name = "cbp-published"
    default_source = "cbp-wro"
    description = "CBP WRO/Findings CSV as published (Effective Date, Country, WRO/Finding, Entity)"
    fields: ClassVar[dict[str, tuple[str, ...]]] = {
        "effective date": ("effectivedate", "date"),
        "country": ("country",),
        "order type": ("wrofinding", "type", "ordertype"),
        "status": ("status",),
        "entity": ("entity", "entityname", "name"),
    }
    optional: ClassVar[dict[str, tuple[str, ...]]] = {
        "merchandise": ("merchandise",),
        "industry": ("industry",),
        "remarks": ("remarks",),
    }

    def sniff(self, path: Path, head: bytes) -> bool:
        header = [re.sub(r"[\s_/-]+", "", h) for h in _header(head)]
        return "effectivedate" in header and "entity" in header and "wrofinding" in header

    def read(self, path: Path, options: ReadOptions) -> ListRead:
        return ListRead([path], self._entities(path, options), version_from_filename(path), CBP_URL)

    def _entities(self, path: Path, options: ReadOptions) -> Iterator[Entity]:
        wanted = {**self.fields, **self.optional}
        table = open_table(path, encoding=options.encoding or "cp1252")
        folded = {re.sub(r"[\s_/-]+", "", c.lower().lstrip("\ufeff")): c for c in table.columns}
        cols: dict[str, str] = {}
        for field_name, headers in wanted.items():
            column = next((folded[h] for h in headers if h in folded), None)
            if column is None and field_name in self.fields:
                raise InputError(
                    path,
                    f"no {field_name} column among {', '.join(table.columns)}: "
                    "the publisher may have changed the format",
                    line=1,
                )
            if column is not None:
                cols[field_name] = column
        merged: dict[str, Entity] = {}
        for row in table.rows:
            v = {k: tidy(row.values.get(c, "")) for k, c in cols.items()}
            name = v["entity"]
            if not name or not v["order type"]:
                continue  # CBP's file carries a few blank formatting rows
            date = _date(v["effective date"])
            if v["effective date"] and date is None:
                raise InputError(
                    path,
                    f"{v['effective date']!r} is not a date",
                    line=row.line,
                    field=cols["effective date"],
                )
            entity = merged.setdefault(name, cbp_entity(name))
            what = " ".join(p for p in (v["order type"], v.get("merchandise", "")) if p)
            entity.programs.append(Program(what, date))
            if v["country"] and v["country"] not in entity.countries:
                entity.countries.append(v["country"])
            notes = [n for n in (v["status"], v.get("industry", ""), v.get("remarks", "")) if n]
            entity.remarks = "; ".join(notes) or None
            dates = [p.effective_date for p in entity.programs if p.effective_date]
            entity.effective_date = min(dates) if dates else None
        yield from merged.values()


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


class OfacXml:
    """OFAC's SDN list as ``sdn.xml``."""

    name = "ofac-xml"
    default_source = "ofac-sdn"
    description = "OFAC SDN list as XML (sdn.xml, with its publication date and record count)"

    def sniff(self, path: Path, head: bytes) -> bool:
        return b"<sdnList" in head[:4096]

    def read(self, path: Path, options: ReadOptions) -> ListRead:
        with open(path, "rb") as f:
            head = f.read(4096)
        if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
            raise InputError(path, "an XML document type declaration is not accepted here")
        read = ListRead([path], iter(()), version_from_filename(path), OFAC_URL)
        read.entities = self._entities(path, read)
        return read

    def _entities(self, path: Path, read: ListRead) -> Iterator[Entity]:
        declared: int | None = None
        count = 0
        try:
            for _event, element in ET.iterparse(path, events=("end",)):
                tag = _local(element.tag)
                if tag == "Publish_Date" and element.text:
                    read.version = _us_date(element.text) or read.version
                elif tag == "Record_Count" and (element.text or "").strip().isdigit():
                    declared = int((element.text or "").strip())
                elif tag == "sdnEntry":
                    count += 1
                    yield self._entity(path, element)
                    element.clear()
        except ET.ParseError as exc:
            raise InputError(path, f"broken XML ({exc}): the file may be cut") from None
        if declared is not None and declared != count:
            raise InputError(
                path,
                f"the file says it holds {declared:,} entries but holds {count:,}: it may be cut",
            )

    def _entity(self, path: Path, element: ET.Element) -> Entity:
        def text(node: ET.Element, name: str) -> str:
            for child in node:
                if _local(child.tag) == name:
                    return tidy(child.text or "")
            return ""

        def children(node: ET.Element, name: str) -> list[ET.Element]:
            return [c for c in node.iter() if _local(c.tag) == name]

        uid = text(element, "uid")
        if not uid.isdigit():
            raise InputError(path, f"an sdnEntry has no numeric uid ({uid!r})")
        kind = text(element, "sdnType").lower()
        schema = {"individual": "Person", "vessel": "Vessel", "aircraft": "Airplane"}.get(
            kind, "Organization"
        )

        def full(node: ET.Element) -> str:
            last, first = text(node, "lastName"), text(node, "firstName")
            return f"{last}, {first}" if first else last

        name = full(element)
        entity = Entity(
            id=f"ofac-{uid}",
            source="ofac-sdn",
            schema=schema,
            name=name,
            names=[Name.of(name, PRIMARY)],
            source_url=OFAC_URL,
        )
        for aka in children(element, "aka"):
            if alias := full(aka):
                entity.names.append(Name.of(alias, ALIAS))
        entity.programs = [Program(tidy(p.text or "")) for p in children(element, "program")]
        for address in children(element, "address"):
            parts = [
                text(address, k)
                for k in (
                    "address1",
                    "address2",
                    "address3",
                    "city",
                    "stateOrProvince",
                    "postalCode",
                    "country",
                )
            ]
            if line := ", ".join(p for p in parts if p):
                entity.addresses.append(line)
            country = text(address, "country")
            if country and country not in entity.countries:
                entity.countries.append(country)
        remarks = text(element, "remarks")
        entity.remarks = remarks or None
        for ident in children(element, "id"):
            kind_text, number = text(ident, "idType"), text(ident, "idNumber")
            for key, rx in OFAC_IDENTIFIERS:
                if m := rx.search(f"{kind_text} {number}"):
                    entity.identifiers.append(Identifier(key, m.group(1)))
        return entity
