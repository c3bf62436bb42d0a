"""Industry words in company names, as stems grouped into sectors.

The English words come from two places: the English of every industry and business term in the
shipped term table (化学 Chemical, 色纺 colour spinning ...) and a list of the words English
company names use for the same trades (apparel, garment, melange, polysilicon ...). A stem is
the word's singular, so textile/textiles and fiber/fibers agree; sectors say which
stems are the same line of business, so 服装 "apparel" and "Garment" do not count as a conflict.
"""

from __future__ import annotations

from functools import cache

from paxta.names.english import normalise_latin
from paxta.names.terms import terms_of
from paxta.names.wordtables import table, words

# sector -> words, and groups of words for one trade: paxta/data/names/vocabulary.toml.
SECTORS: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in table("sectors").items()}
SYNONYMS: tuple[str, ...] = tuple(table("trades")["synonyms"])
GENERIC_SECTORS = words("stems", "generic_sectors")  # no line of business: proves little
_KEEP_S = words("stems", "keep_s")  # a final s that is no plural
_SECTOR_OF_CATEGORY: dict[str, str] = table("sector_of_category")


def industry_stem(word: str) -> str:
    """The comparable stem of an industry word: its singular (textiles, textile → textile)."""
    if word in _KEEP_S or len(word) <= 3:
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


@cache
def _stem_sectors() -> dict[str, str]:
    out: dict[str, str] = {}
    for sector, written in SECTORS.items():
        for word in written:
            for w in normalise_latin(word).words:
                out.setdefault(industry_stem(w), sector)
    for term in terms_of("industry", "business_word", "government").values():
        sector = _sector_of_category(term.category)
        for w in normalise_latin(term.english).words:
            if len(w) > 2:
                out.setdefault(industry_stem(w), sector)
    return out


def _sector_of_category(category: str) -> str:
    return _SECTOR_OF_CATEGORY.get(category, "general")


def is_industry_word(word: str) -> bool:
    """Whether ``word`` (normalised, lower case) names a line of business."""
    return len(word) > 2 and industry_stem(word) in _stem_sectors()


def sector(stem: str) -> str:
    """The sector of an industry stem ('' when unknown)."""
    return _stem_sectors().get(stem, "")


@cache
def industry_words() -> frozenset[str]:
    """Industry words as written and as stems (from the sectors and the term table)."""
    return frozenset(_stem_sectors()) | known_words()


@cache
def known_words() -> frozenset[str]:
    """Every industry word in full (for telling a word cut off by a 35-character field)."""
    return frozenset(w for written in SECTORS.values() for w in written)


@cache
def _synonym_groups() -> dict[str, int]:
    return {industry_stem(w): i for i, words in enumerate(SYNONYMS) for w in words.split()}


def one_trade(a: str, b: str) -> bool:
    """Whether industry stems ``a`` and ``b`` name one line of business (garment, apparel;
    biological, biotechnology), not two of one sector (cotton, textile)."""
    if a == b or a[:3] == b[:3]:
        return True
    groups = _synonym_groups()
    return a in groups and groups[a] == groups.get(b)
