"""Facts in a captured document, each pointing to its text span.

Labour-transfer terms (the shipped vocabulary); numbers with their units and qualifiers, read
from Arabic or Chinese numerals (3.5万人次 = 35,000 person-times, kept apart from persons;
一万二千名 = 12,000 persons; 近两万人 = nearly 20,000 persons); places (through the locator);
dates; companies (through screening, so evidence that names a listed company links to it).
Numbers are what the document says, with the qualifier it gives them.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from paxta.data import data_path
from paxta.places.locator import locate_address
from paxta.screen.matcher import Matcher
from paxta.store import Backend

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
           "七": 7, "八": 8, "九": 9}  # fmt: skip
_UNITS = {"十": 10, "百": 100, "千": 1000}
_BIG = {"万": 10_000, "亿": 100_000_000}
UNITS = {  # unit as written -> (what it counts, English)
    "人次": ("person-times", "person-times"),
    "人": ("persons", "persons"),
    "名": ("persons", "persons"),
    "户": ("households", "households"),
    "吨": ("tonnes", "tonnes"),
    "亩": ("mu", "mu of land"),
    "元": ("yuan", "yuan"),
}
QUALIFIERS = {
    "近": "nearly",
    "将近": "nearly",
    "约": "about",
    "大约": "about",
    "超过": "more than",
    "逾": "more than",
    "余": "more than",
    "多": "more than",
    "以上": "more than",
}
_NUMBER = (
    r"(?P<q>将近|近|大约|约|超过|逾)?"
    r"(?P<n>[0-9]+(?:\.[0-9]+)?|[零〇一二两三四五六七八九十百千]+)"
    r"(?P<big>[万亿]?)"
    r"(?P<n2>[零〇一二两三四五六七八九十百千]*)"
    r"(?P<more>余|多)?"
    r"(?P<u>人次|人|名|户|吨|亩|万元|元)"
    r"(?P<above>以上)?"
)
_NUMBER_RE = re.compile(_NUMBER)
_DATE_RE = re.compile(
    r"(?P<y>(?:19|20)\d{2})\s*(?:年|-|/)\s*(?P<m>\d{1,2})\s*(?:月|-|/)\s*(?:(?P<d>\d{1,2})\s*日?)?"
)
_SENTENCE = re.compile(r"[^。！？!?\n；;]+[。！？!?；;]?")
# A Chinese company name: characters (and brackets) ending in a legal form.
_COMPANY_ZH = re.compile(
    r"[\u4e00-\u9fff（）()]{2,30}?(?:股份有限公司|有限责任公司|有限公司|集团公司|集团)"
)
_COMPANY_EN = re.compile(
    r"(?<![A-Za-z])(?:[A-Z(][A-Za-z&'.()-]*\s+){1,8}"
    r"(?:Co\.,?\s*Ltd\.?|Company Limited|Corporation|Group|Inc\.)"
)


@dataclass(frozen=True)
class Fact:
    """One fact and where it stands in the text."""

    kind: str  # term, number, place, date
    text: str
    start: int
    end: int
    value: Any

    def as_json(self) -> dict[str, Any]:
        """Plain data."""
        return {
            "kind": self.kind,
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "value": self.value,
        }


@cache
def _terms() -> dict[str, str]:
    with data_path("terms", "labour_transfer_terms.csv").open(encoding="utf-8") as f:
        return {r["term_zh"]: r["meaning_en"] for r in csv.DictReader(f) if r["term_zh"]}


def chinese_number(text: str) -> int:
    """一万二千 = 12000, 两 = 2, 三百五十 = 350, 十二 = 12."""
    total, section, digit = 0, 0, 0
    for ch in text:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        elif ch in _UNITS:
            section += (digit or 1) * _UNITS[ch]
            digit = 0
        elif ch in _BIG:
            total += (section + digit) * _BIG[ch]
            section = digit = 0
    return total + section + digit


def _amount(m: re.Match[str]) -> float:
    head, big, tail = m.group("n"), m.group("big"), m.group("n2")
    number = float(head) if head[0].isdigit() else float(chinese_number(head))
    if big:
        number *= _BIG[big]
        if tail:  # 一万二千: the part after 万
            number += chinese_number(tail)
    if m.group("u") == "万元":
        number *= 10_000
    return number


def extract(text: str) -> list[Fact]:
    """Every fact in ``text``, in the order it stands."""
    facts: list[Fact] = []
    for term, meaning in _terms().items():
        for m in re.finditer(re.escape(term), text):
            facts.append(Fact("term", term, m.start(), m.end(), meaning))
    for m in _NUMBER_RE.finditer(text):
        unit = m.group("u")
        counts, english = UNITS.get(unit.removeprefix("万"), ("", unit))
        qualifier = next(
            (QUALIFIERS[q] for q in (m.group("q"), m.group("more"), m.group("above")) if q),
            "exactly",
        )
        value = {"amount": _amount(m), "unit": counts or english, "qualifier": qualifier}
        facts.append(Fact("number", m.group(0), m.start(), m.end(), value))
    for m in _DATE_RE.finditer(text):
        y, mo, d = int(m.group("y")), int(m.group("m")), m.group("d")
        if 1 <= mo <= 12:
            day = f"{y:04d}-{mo:02d}" + (f"-{int(d):02d}" if d else "")
            facts.append(Fact("date", m.group(0), m.start(), m.end(), day))
    for m in _SENTENCE.finditer(text):
        found = locate_address(m.group(0))
        if found.xinjiang and found.place:
            for e in found.evidence:
                if e.used and e.kind != "postal":
                    start = m.start() + e.start
                    facts.append(
                        Fact(
                            "place", e.text, start, start + len(e.text), found.place.get("name_zh")
                        )
                    )
    facts.sort(key=lambda f: (f.start, f.kind))
    return _dedupe(facts)


def companies(text: str, matcher: Matcher) -> list[Fact]:
    """Company names in ``text`` and what screening says of each (listed ones first).

    Chinese names are found by their legal-form ending (…有限公司, …集团), English ones by
    Co., Ltd. / Corporation / Group; each is screened, so a document naming a listed company
    is linked to the entity.
    """
    out = []
    for pattern in (_COMPANY_ZH, _COMPANY_EN):
        for m in pattern.finditer(text):
            name = _trim_company(m.group(0))
            start = m.end() - len(name)
            found = matcher.match(name, limit=1)
            value: dict[str, Any] = {"decision": "clear"}
            if found:
                top = found[0]
                value = {
                    "decision": top.decision,
                    "entity_id": top.entity.entity_id,
                    "list": top.entity.list,
                    "listed_name": top.entity.name,
                    "explanation": top.explanation,
                }
            out.append(Fact("company", name, start, m.end(), value))
    order = {"match": 0, "review": 1, "clear": 2}
    return sorted(out, key=lambda f: (order[f.value["decision"]], f.start))


_LEAD_IN = ("由", "向", "与", "和", "及", "在", "为", "对", "经", "据", "是", "其中", "包括")


def _trim_company(name: str) -> str:
    """Drop words that lead into a name in running text (由新疆…公司 → 新疆…公司)."""
    for word in sorted(_LEAD_IN, key=len, reverse=True):
        if name.startswith(word) and len(name) - len(word) >= 6:
            return name[len(word) :]
    return name


def _dedupe(facts: list[Fact]) -> list[Fact]:
    seen: set[tuple[str, int, int]] = set()
    out = []
    for f in facts:
        key = (f.kind, f.start, f.end)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def link_companies(store: Backend, evidence_id: str, found: list[Fact]) -> int:
    """Record which listed entities a document names (the company facts that screening matched
    or sent to review, from :func:`companies`); returns how many."""
    rows = [
        (evidence_id, f.value["entity_id"], f.text, f.start, f.end, f.value["decision"])
        for f in found
        if f.kind == "company" and f.value["decision"] != "clear"
    ]
    store.sql("DELETE FROM evidence_links WHERE evidence_id = ?", [evidence_id])
    for row in rows:
        store.sql("INSERT INTO evidence_links VALUES (?, ?, ?, ?, ?, ?)", list(row))
    return len(rows)


def evidence_about(store: Backend, entity_id: str) -> list[dict[str, Any]]:
    """The captures that name a listed entity, newest first."""
    return store.dicts(
        "SELECT l.evidence_id, e.url, e.captured_at, l.name, l.start_at, l.end_at, l.decision "
        "FROM evidence_links l JOIN evidence e USING (evidence_id) WHERE l.entity_id = ? "
        "ORDER BY e.captured_at DESC, l.start_at",
        [entity_id],
    )
