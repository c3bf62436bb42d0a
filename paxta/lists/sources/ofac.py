"""OFAC's legacy SDN files: ``sdn.csv`` with ``alt.csv`` (aliases) and ``add.csv`` (addresses).

Latin-1, no header, ``-0-`` for empty, a DOS end-of-file byte at the end. The three files are one
list: point paxta at ``sdn.csv`` (or the folder holding the three) and it finds the others.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

from paxta.errors import InputError
from paxta.files import iter_csv_rows
from paxta.lists.model import ALIAS, FORMER, PRIMARY, Entity, Identifier, Name, Program, tidy
from paxta.lists.sources.base import ListRead, ReadOptions, version_from_filename

ENCODING = "latin-1"
SDN_WIDTH, ALT_WIDTH, ADD_WIDTH = 12, 5, 6
URL = "https://www.treasury.gov/ofac/downloads/sdn.csv"
_SCHEMAS = {"individual": "Person", "vessel": "Vessel", "aircraft": "Airplane", "": "Organization"}
_ALT_KINDS = {"aka": ALIAS, "fka": FORMER, "nka": ALIAS}
_IDENTIFIERS = [
    ("uscc", re.compile(r"Unified Social Credit Code \(USCC\)\s+([0-9A-Z]{18})")),
    ("registration", re.compile(r"Registration (?:Number|ID) ([\w-]+)")),
    ("tax", re.compile(r"Tax ID No\. ([\w-]+)")),
    ("imo", re.compile(r"(?:Vessel Registration Identification )?IMO (\d{7})")),
]


def _value(field: str) -> str:
    text = field.strip()
    return "" if text in {"-0-", "\x1a"} else tidy(text)


def _looks_like(head: bytes, width: int) -> bool:
    first = head.split(b"\n", 1)[0].split(b"\r", 1)[0].decode(ENCODING).strip()
    try:
        fields = next(csv.reader([first]), [])
    except csv.Error:
        return False
    return len(fields) == width and fields[0].strip().isdigit()


class OfacSdn:
    """The OFAC SDN list in its legacy CSV trio."""

    name = "ofac-sdn"
    default_source = "ofac-sdn"
    description = "OFAC SDN legacy CSV files sdn.csv + alt.csv + add.csv (Latin-1)"

    def sniff(self, path: Path, head: bytes) -> bool:
        if path.is_dir():
            return _find_trio(path) is not None
        return _looks_like(head, SDN_WIDTH)

    def read(self, path: Path, options: ReadOptions) -> ListRead:
        trio = _find_trio(path if path.is_dir() else path.parent, path if path.is_file() else None)
        if trio is None:
            raise InputError(path, "no OFAC sdn.csv found (expected 12 fields per row)")
        sdn, alt, add = trio
        missing = [n for n, p in (("alt.csv", alt), ("add.csv", add)) if p is None]
        notes = [f"{m} not found beside {sdn.name}: imported without it" for m in missing]
        files = [p for p in trio if p is not None]
        read = ListRead(files, iter(()), version_from_filename(*files, oldest=True), URL, notes)
        read.entities = _iter_entities(sdn, alt, add, read.notes)
        return read


def _find_trio(
    folder: Path, sdn: Path | None = None
) -> tuple[Path, Path | None, Path | None] | None:
    candidates = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() == ".csv")
    by_width: dict[int, list[Path]] = defaultdict(list)
    for p in candidates:
        with open(p, "rb") as f:
            head = f.read(4096)
        for width in (SDN_WIDTH, ALT_WIDTH, ADD_WIDTH):
            if _looks_like(head, width):
                by_width[width].append(p)
    sdn = sdn or next(iter(by_width[SDN_WIDTH]), None)
    if sdn is None:
        return None
    alt = _sibling(by_width[ALT_WIDTH], "alt")
    add = _sibling(by_width[ADD_WIDTH], "add")
    return sdn, alt, add


def _sibling(paths: list[Path], stem: str) -> Path | None:
    named = [p for p in paths if p.stem.lower().startswith(stem)]
    found = named or paths
    return found[0] if found else None


def _iter_entities(
    sdn: Path, alt: Path | None, add: Path | None, notes: list[str]
) -> Iterator[Entity]:
    aliases = _read_alt(alt) if alt else {}
    addresses = _read_add(add) if add else {}
    seen: set[str] = set()
    for line, fields in iter_csv_rows(sdn, ENCODING):
        if len(fields) == 1 and _value(fields[0]) == "":
            continue  # the DOS end-of-file byte
        if len(fields) != SDN_WIDTH:
            raise InputError(sdn, f"expected {SDN_WIDTH} fields, found {len(fields)}", line=line)
        seen.add(_value(fields[0]))
        yield _entity(sdn, line, fields, aliases, addresses)
    for path, rows in ((alt, aliases), (add, addresses)):
        orphans = [n for n in rows if n not in seen]
        if path is not None and orphans:
            count = sum(len(rows[n]) for n in orphans)
            notes.append(
                f"{path.name}: {count:,} rows name {len(orphans):,} entities that are not in "
                f"{sdn.name} (the files are from different dates?): left out"
            )


def _entity(
    path: Path,
    line: int,
    fields: list[str],
    aliases: dict[str, list[Name]],
    addresses: dict[str, list[tuple[str, str]]],
) -> Entity:
    ent_num, name, sdn_type, program = (_value(f) for f in fields[:4])
    remarks = _value(fields[11])
    if not ent_num.isdigit() or not name:
        raise InputError(path, "a record needs an entity number and a name", line=line)
    entity = Entity(
        id=f"ofac-{ent_num}",
        source="ofac-sdn",
        schema=_SCHEMAS.get(sdn_type.lower(), "Organization"),
        name=name,
        names=[Name.of(name, PRIMARY), *aliases.get(ent_num, [])],
        programs=[Program(p) for p in _programs(program)],
        remarks=remarks or None,
        source_url=URL,
    )
    for text, country in addresses.get(ent_num, []):
        if text:
            entity.addresses.append(text)
        if country and country not in entity.countries:
            entity.countries.append(country)
    entity.identifiers = [
        Identifier(kind, m.group(1)) for kind, rx in _IDENTIFIERS for m in rx.finditer(remarks)
    ]
    return entity


def _programs(cell: str) -> list[str]:
    return [p for p in re.split(r"\]\s*\[|[\[\]]", cell) if p.strip()]


def _read_alt(path: Path) -> dict[str, list[Name]]:
    out: dict[str, list[Name]] = defaultdict(list)
    for line, fields in iter_csv_rows(path, ENCODING):
        if len(fields) == 1:
            continue
        if len(fields) != ALT_WIDTH:
            raise InputError(path, f"expected {ALT_WIDTH} fields, found {len(fields)}", line=line)
        ent_num, _, kind, name = (_value(f) for f in fields[:4])
        if name:
            out[ent_num].append(Name.of(name, _ALT_KINDS.get(kind.lower(), ALIAS)))
    return out


def _read_add(path: Path) -> dict[str, list[tuple[str, str]]]:
    out: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for line, fields in iter_csv_rows(path, ENCODING):
        if len(fields) == 1:
            continue
        if len(fields) != ADD_WIDTH:
            raise InputError(path, f"expected {ADD_WIDTH} fields, found {len(fields)}", line=line)
        ent_num, _, street, city, country = (_value(f) for f in fields[:5])
        out[ent_num].append((", ".join(p for p in (street, city, country) if p), country))
    return out
