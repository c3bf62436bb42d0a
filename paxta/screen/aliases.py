"""The alias table: coined English trade names of Chinese trade names (合盛 Hoshine, 溢达 Esquel).

Pinyin finds 中泰 Zhongtai; nothing finds 合盛 Hoshine but a table. Its rows come from four
places, each kept with its source: the shipped seed (``paxta_trade_aliases.csv``), pairs learned
from the shipped Chinese names of listed entities, pairs learned from analysts' confirmed
decisions, and rows users add with ``paxta aliases add``.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from paxta.config import utc_now
from paxta.data import data_path
from paxta.errors import PaxtaError
from paxta.names.english import latin_key
from paxta.names.features import NameFeatures, name_features, pinyin_keys
from paxta.names.placekeys import latin_place_keys
from paxta.names.terms import trade_words
from paxta.names.transliterate import normalise_han
from paxta.native import picklable
from paxta.scripts import HAN, detect_script
from paxta.store import Backend

SEED = "seed"
PRESS = "shipped-names"
USER = "user"
ANALYST = "analyst"


@dataclass(frozen=True)
class Alias:
    """A Chinese trade name and an English trade name of the same company."""

    han: str
    latin: str
    source: str

    @property
    def latin_key(self) -> str:
        """The English name as a trade key (lower case, no spaces)."""
        return latin_key(self.latin)


@dataclass
class AliasTable:
    """Aliases indexed both ways: Chinese trade name to English keys and back."""

    rows: list[Alias] = field(default_factory=list)
    _by_han: dict[str, set[str]] = field(default_factory=dict)
    _by_latin: dict[str, set[str]] = field(default_factory=dict)
    # the words of longer trade names: common words (丝路 Silk Road) and coined names of two or
    # more characters (中纺 Chinatex, 华大 BGI), so 丝路华大 is Silk Road BGI
    _words: dict[str, set[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for han, english in trade_words().items():
            self._words.setdefault(han, set()).update(map(latin_key, english))

    def add(self, alias: Alias) -> None:
        """Add one pair (duplicates are ignored)."""
        han = normalise_han(alias.han)
        key = alias.latin_key
        if not han or not key or key in self._by_han.get(han, set()):
            return
        self.rows.append(alias)
        self._by_han.setdefault(han, set()).add(key)
        if len(han) >= 2:  # a word of longer trade names (中纺 in 中纺银泰)
            self._words.setdefault(han, set()).add(key)
        for pk in pinyin_keys(han)[:1]:  # both ways: Hoshine is Hesheng, Hesheng is Hoshine
            self._by_latin.setdefault(key, set()).add(pk)
            self._by_latin.setdefault(pk, set()).add(key)

    def expand(self, f: NameFeatures) -> frozenset[str]:
        """The extra trade keys ``f`` is known by: English for Chinese (a coined name, or the
        trade name translated word by word); for English, the pinyin of a coined name and the
        coined name of a pinyin one."""
        if f.script == "Hani":
            han = normalise_han(f.trade)
            coined = self._by_han.get(han)
            if coined:
                return frozenset(coined) | translations(han)
            # 中纺银泰: a coined name for part of it (中纺 Chinatex), the rest in pinyin or
            # common words
            return translations(han) | word_by_word(han, self._words)
        out: set[str] = set()
        for key in f.keys:
            out |= self._by_latin.get(key, set())
        return frozenset(out)

    def __len__(self) -> int:
        return len(self.rows)


MAX_TRANSLATIONS = 16


@lru_cache(maxsize=50_000)
def translations(han: str) -> frozenset[str]:
    """Trade keys of a Chinese trade name translated word by word: all of it (世纪阳光
    centurysunshine; 东方希望 easthope, orientalhope ...), or its common words with the rest in
    pinyin (弘元绿色 hongyuangreen); empty when it holds none of the common words."""
    return word_by_word(han, trade_words())


def word_by_word(han: str, words: Mapping[str, Iterable[str]]) -> frozenset[str]:
    """``han`` read as words of ``words`` (Chinese word -> its English), longest first; if
    some part is not one of them, words of two or more characters with pinyin between."""
    if len(han) < 2 or not words:
        return frozenset()
    longest = max(map(len, words))
    parts = _words_of(han, words, longest, shortest=1)
    if parts is None:
        parts = _words_of(han, words, longest, shortest=2)
    if parts is None:
        return frozenset()
    keys = {""}
    for english in parts:
        keys = {k + latin_key(e) for k in keys for e in english}
        if len(keys) > MAX_TRANSLATIONS:
            return frozenset()
    return frozenset(k for k in keys if len(k) >= 4)


def _words_of(
    han: str, words: Mapping[str, Iterable[str]], longest: int, shortest: int
) -> list[tuple[str, ...]] | None:
    """The English of each word of ``han``; with ``shortest`` 2, characters outside the words
    are kept as their pinyin (None if no word was found, or, with 1, if any was missing)."""
    parts: list[tuple[str, ...]] = []
    found = False
    at = rest = 0
    while at < len(han):
        for size in range(min(longest, len(han) - at), shortest - 1, -1):
            english = words.get(han[at : at + size])
            if english:
                if rest < at:
                    parts.append(pinyin_keys(han[rest:at])[:1])
                parts.append(tuple(english))
                at += size
                rest, found = at, True
                break
        else:
            if shortest == 1:
                return None
            at += 1
    if rest < len(han):
        parts.append(pinyin_keys(han[rest:])[:1])
    return parts if found else None


def seed_aliases() -> list[Alias]:
    """The shipped seed table."""
    with data_path("names", "paxta_trade_aliases.csv").open(encoding="utf-8") as f:
        return [Alias(r["han"], r["latin"], SEED) for r in csv.DictReader(f)]


def press_pairs() -> list[tuple[str, str]]:
    """(Chinese name, listed English name) pairs from the shipped press names file."""
    with data_path("names", "uflpa_chinese_names_from_press.csv").open(encoding="utf-8") as f:
        return [(r["name_zh_as_stated"], r["matched_list_name"]) for r in csv.DictReader(f)]


def learn(pairs: Iterable[tuple[str, str]], source: str) -> list[Alias]:
    """Aliases from (Chinese name, English name) pairs of the same company.

    Both names are segmented; where the English trade name is not a pinyin reading of the
    Chinese one (合盛 / Hoshine, not 中泰 / Zhongtai) the pair is an alias.
    """
    out = []
    for han_name, latin_name in pairs:
        han, latin = name_features(han_name), name_features(latin_name)
        if han.script != "Hani" or latin.script == "Hani" or not latin.keys:
            continue
        if not 2 <= len(han.trade) <= 4 or latin_place_keys(tuple(latin.trade.lower().split())):
            continue  # a long or empty trade name, or an English "trade name" that is a place
        if set(han.keys) & set(latin.keys):
            continue
        out.append(Alias(han.trade, latin.trade, source))
    return out


def load_aliases(
    store: Backend | None, pairs: Iterable[tuple[str, str]] | None = None
) -> AliasTable:
    """The alias table: seed, pairs learned from ``pairs`` (default: shipped names), stored rows."""
    table = AliasTable()
    for alias in seed_aliases():
        table.add(alias)
    for alias in learn(press_pairs() if pairs is None else pairs, PRESS):
        table.add(alias)
    if store is not None:
        for han, latin, source in store.sql(
            "SELECT han, latin, source FROM aliases ORDER BY added_at"
        ):
            table.add(Alias(han, latin, source))
    return table


def add_alias(store: Backend, han: str, latin: str, source: str = USER) -> Alias:
    """Record a pair in the store; the Chinese side must be Chinese, the other Latin."""
    han, latin = " ".join(han.split()), " ".join(latin.split())
    if detect_script(han) != HAN:
        raise PaxtaError(f"'{han}' is not a Chinese trade name (give the Chinese first).")
    if not latin or detect_script(latin) == HAN:
        raise PaxtaError(f"'{latin}' is not an English trade name.")
    trade = name_features(han).trade or normalise_han(han)
    alias = Alias(trade, latin, source)
    store.sql(
        "INSERT INTO aliases VALUES (?, ?, ?, ?)", [alias.han, alias.latin, source, utc_now()]
    )
    return alias


picklable(Alias)  # (frozen: see paxta.native)
