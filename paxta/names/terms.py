"""The parts of Chinese company names, from the shipped term table: legal forms, industries."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache

from paxta.data import data_path
from paxta.names.transliterate import normalise_han


@dataclass(frozen=True)
class Term:
    """A company-name element with its category and its English rendering."""

    zh: str
    category: str
    english: str


@cache
def company_terms() -> dict[str, Term]:
    """Every term by its simplified Chinese form (traditional forms map to the same term)."""
    out: dict[str, Term] = {}
    with data_path("terms", "cn_company_terms.csv").open(encoding="utf-8") as f:
        for r in csv.DictReader(f):
            english = r["english_attested"] or r["english_proposed"] or r["cedict_first_sense"]
            term = Term(r["term_zh"], r["category"], english.split(";")[0].split(" / ")[0].strip())
            out[r["term_zh"]] = term
            if r["term_zh_trad"]:
                out.setdefault(r["term_zh_trad"], term)
    with data_path("terms", "paxta_extra_terms.csv").open(encoding="utf-8") as f:
        for r in csv.DictReader(f):
            term = Term(r["term_zh"], r["category"], r["english"])
            out[r["term_zh"]] = term
            out.setdefault(r["term_zh_trad"], term)
    return out


def terms_of(*categories: str) -> dict[str, Term]:
    """Terms whose category starts with one of ``categories`` (``industry``: every industry)."""
    return {k: t for k, t in company_terms().items() if t.category.startswith(categories)}


@cache
def trade_words() -> dict[str, tuple[str, ...]]:
    """Common words Chinese trade names are made of, with their English (东方 East, Oriental,
    Eastern; 希望 Hope): the shipped ``paxta_trade_words.csv``."""
    with data_path("names", "paxta_trade_words.csv").open(encoding="utf-8") as f:
        return {
            normalise_han(r["han"]): tuple(e.strip() for e in r["english"].split("|"))
            for r in csv.DictReader(f)
        }
