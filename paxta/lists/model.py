"""One entity model for every list: names with kinds, addresses, identifiers, programs."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import orjson

from paxta.scripts import detect_script

PRIMARY = "primary"
ALIAS = "alias"
FORMER = "former"
NATIVE = "native"
NAME_KINDS = (PRIMARY, ALIAS, FORMER, NATIVE)


@dataclass(frozen=True)
class Name:
    """A name of an entity, with its kind (primary, alias, former, native) and script."""

    value: str
    kind: str
    script: str = ""

    @classmethod
    def of(cls, value: str, kind: str) -> Name:
        """Build a name, tidying white space and detecting its script."""
        text = tidy(value)
        return cls(text, kind, detect_script(text))


@dataclass(frozen=True)
class Identifier:
    """A registry or tax identifier, such as a USCC or an IMO number."""

    kind: str
    value: str


@dataclass(frozen=True)
class Program:
    """A program, statutory section or order the entity is listed under, with its date."""

    code: str
    effective_date: str | None = None


@dataclass
class Entity:
    """An entry of an official list, in the same shape whatever list it came from."""

    id: str
    source: str
    schema: str
    name: str
    names: list[Name] = field(default_factory=list)
    addresses: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    identifiers: list[Identifier] = field(default_factory=list)
    programs: list[Program] = field(default_factory=list)
    scope: str | None = None
    effective_date: str | None = None
    source_url: str | None = None
    remarks: str | None = None

    def content(self) -> dict[str, Any]:
        """The entity's content as plain data, in a stable order (for hashing and diffs)."""
        return {
            "id": self.id,
            "source": self.source,
            "schema": self.schema,
            "name": self.name,
            "names": sorted({(n.value, n.kind) for n in self.names}),
            "addresses": sorted(set(self.addresses)),
            "countries": sorted(set(self.countries)),
            "identifiers": sorted({(i.kind, i.value) for i in self.identifiers}),
            "programs": sorted({(p.code, p.effective_date or "") for p in self.programs}),
            "scope": self.scope,
            "effective_date": self.effective_date,
            "source_url": self.source_url,
            "remarks": self.remarks,
        }

    def fingerprint(self) -> str:
        """SHA-256 of the entity's content: equal fingerprints mean nothing changed."""
        blob = orjson.dumps(self.content(), option=orjson.OPT_SORT_KEYS)
        return hashlib.sha256(blob).hexdigest()


_SPACE = re.compile(r"\s+")


def tidy(text: str) -> str:
    """Normalise Unicode (NFC), fold runs of white space, strip the ends."""
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def slug(text: str) -> str:
    """A lower-case ASCII-ish id fragment: letters and digits joined by hyphens."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    kept = "".join(ch if ch.isalnum() else " " for ch in folded if not unicodedata.combining(ch))
    return "-".join(kept.split())


def merge_names(names: list[Name]) -> list[Name]:
    """Drop repeated (value, kind) pairs and empty names, keeping first-seen order."""
    seen: set[tuple[str, str]] = set()
    out: list[Name] = []
    for n in names:
        key = (n.value, n.kind)
        if n.value and key not in seen:
            seen.add(key)
            out.append(n)
    return out
