"""The company name in a cell or a bill-of-lading party field.

A cell holds more than a name: a row number or a field label ("Supplier:", "供应商："), M/S,
quotation marks, "TO ORDER OF ...", an address after the legal form, "P.R. CHINA", or a list
entry naming several companies ("X Co., Ltd. and its two subsidiaries ..."). What is left is the
name; the field as written stays in the query.
"""

from __future__ import annotations

import re

from paxta.names.wordtables import words

MAX_NAME = 300  # characters kept of a name: a cell of 10,000 characters is not a name


# Bills of lading put more than the name in the party field: "TO ORDER OF ...", an address
# after the legal form. A name is what is left; the field as written stays in the query.
_PARTY_PREFIX = re.compile(
    r"^(?:to\s+(?:the\s+)?order\s+of|on\s+behalf\s+of|care\s+of|attn\.?)\s*[:,]?\s+", re.I
)


# A party field that names no party: "TO ORDER" (a bill negotiable by whoever holds it; the
# buyer is then the notify party), "TO THE ORDER OF <bank>", "SAME AS CONSIGNEE", N/A, masks.
# Written once, in syntax both Python's re and DuckDB's RE2 read (the trade import uses it in SQL).
PLACEHOLDER_PATTERN = (
    r"^\s*(?:to\s+(?:the\s+)?order(?:\s+of\b.*)?|same\s+as\s+(?:consignee|shipper|above)"
    r"|\[?redacted\]?|\*{3,}|-+|\.+|n/?a|none|nil|not\s+(?:available|applicable|declared)"
    r"|(?:unknown|undisclosed|confidential|withheld|not\s+disclosed)"
    r"(?:\s+(?:shipper|consignee|notify\s+party|party|seller|buyer|supplier|manufacturer))?)\s*$"
)
_PLACEHOLDER = re.compile(PLACEHOLDER_PATTERN, re.I)


def names_no_party(text: str | None) -> bool:
    """Whether a party field is a placeholder ("TO ORDER", "SAME AS CONSIGNEE", "N/A") or
    empty, not a company's name."""
    return not text or not text.strip() or _PLACEHOLDER.match(text) is not None


_OF_PLACE = re.compile(r"\s*\(of [^()]*\)", re.I)


_AND_ITS = re.compile(
    r",?\s+and\s+(?:(?:its|their)\s+)?(?:\w+\s+)?"
    r"(?:subsidiaries|subordinates|affiliates|branches)\b.*$",
    re.I,
)


_AND_ANOTHER = re.compile(r"^\s*,?\s*and\s+\S+.*\b(?:co|ltd|limited|inc|corp|corporation)\b", re.I)


_LEGAL_END = re.compile(
    r"\b(?:co\.?,?\s*ltd|company\s+limited|limited|ltd|inc|llc|corp|corporation|gmbh)\b\.?",
    re.I,
)


_ADDRESS_WORDS = words("address")  # road, street, district ... (paxta/data/names)


def shipping_noise(text: str) -> str:
    """The company name in a bill-of-lading party field, or the first company of a list entry
    naming several ("X Co., Ltd. and its two subsidiaries ...", "A Co., Ltd. and B Co., Ltd.",
    "A; B", "... (of Nagoya, Japan)")."""
    text = _PARTY_PREFIX.sub("", text) or text
    text = _PRC_END.sub("", text) or text
    first = _entry_companies(text)[0]
    text = first if len(first.split()) >= 2 else text
    for end in _LEGAL_END.finditer(text):
        rest = text[end.end() :]
        if _AFTER_NAME.match(rest) or _CHINA.match(rest):  # "C/O ...", "TEL: ...", "CHINA"
            return text[: end.end()].strip(" ,;")
        words = re.findall(r"[a-z.]+", rest.lower())
        address = sum(1 for w in words if w.strip(".") in _ADDRESS_WORDS)
        if address >= 2 or (address >= 1 and any(ch.isdigit() for ch in rest)):
            return text[: end.end()].strip(" ,;")
    return text


_AFTER_NAME = re.compile(
    r"^[\s,;.]*(?:c/o|a/k/a|aka|f/k/a|fka|d/b/a|dba|tel|fax|phone|e-?mail|add|address|attn)"
    r"\b",
    re.I,
)


# The country written after a name, as an address line would: it says nothing of which Chinese
# company it is ("... CO., LTD., P.R. CHINA"; a bare CHINA only after a legal form).
_PRC = r"(?:the\s+)?(?:p\.?\s*r\.?\s*c\.?|p\.?\s*r\.?\s*china|people'?s\s+republic\s+of\s+china)"


_PRC_END = re.compile(rf"[\s,;]+{_PRC}[\s.]*$", re.I)


_CHINA = re.compile(rf"^[\s,;.]*(?:{_PRC}|(?:mainland\s+)?china)[\s.]*$", re.I)


_SUBSIDIARIES_FROM = re.compile(
    r"\b(?:subsidiaries|subordinates|affiliates)\b(?:\s+from\s+[A-Za-z ]+?)?\s*[,:]\s*", re.I
)


def other_companies(name: str) -> list[str]:
    """The companies a list entry names after its first: "X and its two subsidiaries from
    China, A and B" gives A and B; "A Co., Ltd. and B Co., Ltd." gives B; "A; B" gives B."""
    return [p for p in _entry_companies(name)[1:] if len(p.split()) >= 2 and p != name]


def _entry_companies(text: str) -> list[str]:
    """Each company a list entry (or a party field) names, the first first."""
    pieces = _OF_PLACE.sub("", text).split(";")
    first, out = pieces[0].strip(), [p.strip(" ,.") for p in pieces[1:]]
    if _AND_ITS.search(first):
        listed = _SUBSIDIARIES_FROM.split(first, maxsplit=1)
        if len(listed) == 2:
            split = re.split(r"\s+and\s+(?=\S+.*\b(?:co|ltd|limited|inc)\b)", listed[1], flags=re.I)
            out += [p.strip(" ,.") for p in split]
        return [_AND_ITS.sub("", first) or first, *out]
    for end in _LEGAL_END.finditer(first):
        rest = first[end.end() :]
        if _AND_ANOTHER.match(rest):
            out.append(re.sub(r"^\s*,?\s*and\s+", "", rest, flags=re.I).strip(" ,."))
            return [first[: end.end()].strip(" ,;"), *out]
    return [first, *out]


def clean_cell(name: str) -> str:
    text = name[:MAX_NAME]
    if not text.isprintable():
        text = "".join(ch if ch.isprintable() else " " for ch in text)
    text = " ".join(text.translate(_QUOTES).split())
    if len(text) > 2 and text[0] in "'\u2018" and text[-1] in "'\u2019":
        text = text[1:-1].strip()  # 'Xinjiang Zhongtai' (an apostrophe inside stays: Xi'an)
    return _CELL_PREFIX.sub("", text) or text


# Quotation marks press text and cells put around a name (「新疆中泰化学」, "...", 《...》).
_QUOTES = str.maketrans(
    "", "", '\u300c\u300d\u300e\u300f\u201c\u201d"\u300a\u300b\u3008\u3009\xab\xbb\u201e'
)


# What a spreadsheet cell puts before a name: a number ("1. ", "(2)", "3、") or a field label
# ("Supplier:", "供应商："), then M/S or Messrs.
_CELL_PREFIX = re.compile(
    r"^(?:\(?\d{1,3}[.)、]\s*|[\u2460-\u2473]\s*)?"
    r"(?:(?:supplier|vendor|shipper|consignee|seller|buyer|manufacturer|exporter|importer|"
    r"notify\s+party|company(?:\s+name)?|name|供应商|供货商|厂商|生产商|制造商|卖方|买方|"
    r"发货人|收货人|出口商|进口商|公司名称|企业名称|单位名称|名称)\s*[:：]\s*)?"
    r"(?:m/s\.?\s+|messrs\.?\s+)?",  # M/S, Messrs: how Indian and British papers address firms
    re.I,
)
