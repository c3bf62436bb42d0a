"""The DHS UFLPA Entity List web page: one table per statutory section.

The page's name cells pack aliases, former names and scope notes into prose
("(also known as A; B; and C)", "(including two aliases: ...)", "and subsidiaries"); they are
split by rule here, and the rule is checked against a hand-checked table in the tests.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser as HTMLParser
from selectolax.lexbor import LexborNode as Node

from paxta.errors import InputError
from paxta.lists.model import ALIAS, FORMER, PRIMARY, Entity, Name, Program, slug, tidy
from paxta.lists.sources.base import ListRead, ReadOptions

PAGE_URL = "https://www.dhs.gov/uflpa-entity-list"
_SECTION = re.compile(r"Section\s+(2\(d\)\(2\)\(B\)\([ivx]+\))")
_LAST_UPDATED = re.compile(r"Last Updated:\s*</span>\s*(\d\d/\d\d/\d{4})")
_ALIAS_LEAD = re.compile(
    r"^(?:also known as|including \w+ alias(?:es)?:|and \w+ alias(?:es)?:)\s*", re.I
)
_FORMER_SPLIT = re.compile(r"(?:;\s*)?(?:\band\s+)?formerly known as\s*", re.I)
_SCOPE_TAIL = re.compile(
    r",?\s+(and (?:its )?subsidiaries|and its subordinate and affiliated entities)\s*$", re.I
)
_AFTER_LEGAL_FORM_AND = re.compile(r"(?:(?<=\bLtd\.)|(?<=\bCo\.)) and (?!formerly)")
_PAREN_KEYWORDS = re.compile(r"^(also known as|including|and \w+ alias|formerly known as)", re.I)


@dataclass(frozen=True)
class SplitName:
    """A name cell split into its parts."""

    primary: str
    aliases: list[str]
    former: list[str]
    scope: str | None


def split_name_cell(cell: str) -> SplitName:
    """Split a UFLPA name cell into primary name, aliases, former names and scope note."""
    text = tidy(cell)
    span = _keyword_parenthesis(text)
    if span is None:
        primary, scope = _strip_scope(text)
        return SplitName(primary, [], [], scope)
    start, end = span
    primary = text[:start].rstrip(" ,")
    tail = text[end + 1 :].strip(" ,")
    scope = _strip_scope(" " + tail)[1] if tail else None
    aliases, former = _split_inner(text[start + 1 : end])
    return SplitName(primary, aliases, former, scope)


def _keyword_parenthesis(text: str) -> tuple[int, int] | None:
    """The (open, close) offsets of the balanced parenthesis that holds aliases or names."""
    depth = 0
    start = -1
    for i, ch in enumerate(text):
        if ch == "(":
            if depth == 0:
                start = i
            depth += 1
        elif ch == ")" and depth:
            depth -= 1
            if depth == 0 and _PAREN_KEYWORDS.match(text[start + 1 : i]):
                return start, i
    return None


def _strip_scope(text: str) -> tuple[str, str | None]:
    match = _SCOPE_TAIL.search(text)
    if match is None:
        return text.strip(), None
    return text[: match.start()].strip(), match.group(1)


def _split_inner(inner: str) -> tuple[list[str], list[str]]:
    parts = _FORMER_SPLIT.split(inner, maxsplit=1)
    alias_text = parts[0] if not inner.lower().startswith("formerly") else ""
    former_text = parts[1] if len(parts) > 1 else ""
    aliases = _split_names(_ALIAS_LEAD.sub("", alias_text))
    return aliases, _split_names(former_text)


def _split_names(text: str) -> list[str]:
    names: list[str] = []
    for part in text.split(";"):
        for piece in _AFTER_LEGAL_FORM_AND.split(part):
            name = re.sub(r"^and\s+", "", piece.strip()).strip(" ,;")
            if name:
                names.append(name)
    return names


def entity_key(primary: str) -> str:
    """The key that makes one entity of rows in several sections (Co/Ltd/(XPCC) ignored)."""
    text = re.sub(r"\(XPCC\)", " ", primary, flags=re.I).replace("’", "'")
    words = slug(text.replace("'", "")).split("-")
    return " ".join(w for w in words if w not in {"co", "ltd"})


class UflpaPage:
    """The UFLPA Entity List as DHS publishes it (HTML)."""

    name = "uflpa-html"
    default_source = "uflpa"
    description = "DHS UFLPA Entity List web page (HTML)"

    def sniff(self, path: Path, head: bytes) -> bool:
        return b"<html" in head.lower() and b"UFLPA" in head

    def read(self, path: Path, options: ReadOptions) -> ListRead:
        html = _read_html(path)
        updated = _LAST_UPDATED.search(html)
        if updated is None:
            line = html.count("\n") + 1
            problem = "no 'Last Updated' date: the page looks truncated or is not the UFLPA page"
            raise InputError(path, problem, line=line)
        version = datetime.strptime(updated.group(1), "%m/%d/%Y").date().isoformat()
        entities = list(_iter_entities(path, html))
        if not entities:
            raise InputError(path, "no UFLPA entity tables found on the page")
        return ListRead([path], iter(entities), version, PAGE_URL)


def _read_html(path: Path) -> str:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(path, "not valid UTF-8 (the DHS page is UTF-8)", line=line) from None


def _iter_entities(path: Path, html: str) -> Iterator[Entity]:
    merged: dict[str, Entity] = {}
    for section, cells in _iter_rows(path, html):
        name_cell, date_cell = cells
        split = split_name_cell(name_cell)
        date = _parse_date(path, html, date_cell)
        key = entity_key(split.primary)
        entity = merged.get(key)
        if entity is None:
            entity = Entity(
                id=f"uflpa-{slug(key)}",
                source="uflpa",
                schema="Organization",
                name=split.primary,
                source_url=PAGE_URL,
            )
            merged[key] = entity
        entity.names.append(Name.of(split.primary, PRIMARY))
        entity.names.extend(Name.of(a, ALIAS) for a in split.aliases)
        entity.names.extend(Name.of(f, FORMER) for f in split.former)
        entity.programs.append(Program(section, date))
        if split.scope and not entity.scope:
            entity.scope = split.scope
        entity.effective_date = min(filter(None, [entity.effective_date, date]))
    for entity in merged.values():
        entity.names = _dedupe(entity)
        yield entity


def _dedupe(entity: Entity) -> list[Name]:
    # One primary: the first section's spelling; other spellings of the name become aliases.
    out: list[Name] = []
    seen: set[str] = set()
    for name in entity.names:
        kind = name.kind
        if kind == PRIMARY and name.value != entity.name:
            kind = ALIAS
        if name.value not in seen:
            seen.add(name.value)
            out.append(Name(name.value, kind, name.script))
    return out


def _iter_rows(path: Path, html: str) -> Iterator[tuple[str, tuple[str, str]]]:
    tree = HTMLParser(html)
    section: str | None = None
    for node in tree.css("p, table"):
        if node.tag == "p":
            found = _SECTION.search(node.text())
            section = found.group(1) if found else section
            continue
        if section is None:
            raise InputError(path, "an entity table has no 'Section 2(d)(2)(B)' heading before it")
        for row in node.css("tbody tr"):
            yield section, _cells(path, html, row)


def _cells(path: Path, html: str, row: Node) -> tuple[str, str]:
    cells = [tidy(td.text()) for td in row.css("td")]
    if len(cells) != 2 or not cells[0]:
        snippet = cells[0] if cells and cells[0] else row.html or ""
        raise InputError(
            path, "a table row needs a name and an effective date", line=_line_of(html, snippet)
        )
    return cells[0], cells[1]


def _parse_date(path: Path, html: str, text: str) -> str:
    for fmt in ("%B %d, %Y", "%b %d, %Y", "%m/%d/%Y"):
        try:
            return datetime.strptime(text.replace("Sept.", "Sep."), fmt).date().isoformat()
        except ValueError:
            continue
    raise InputError(
        path, f"{text!r} is not a date", line=_line_of(html, text), field="Effective Date"
    )


def _line_of(html: str, snippet: str) -> int | None:
    at = html.find(snippet[:60]) if snippet else -1
    return html.count("\n", 0, at) + 1 if at >= 0 else None
