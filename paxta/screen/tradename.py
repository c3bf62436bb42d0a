"""How two trade names (字号) compare: exact, same pinyin, alias, translated, respelled, one slip,
contained, fuzzy, or different; and a name a 35-character field cut off.

The trade name decides whether two names can be the same company at all; its level and the words
that agree (whose commonness the model weighs) go into the comparison.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from typing import NamedTuple

from rapidfuzz.distance import OSA, Indel

from paxta.names.english import LEGAL_WORDS, normalise_latin, word_sequence
from paxta.names.features import TRUNCATED_MAX, TRUNCATED_MIN, NameFeatures
from paxta.names.placekeys import china_place_word
from paxta.names.romanised import translations_of_pinyin
from paxta.names.transliterate import is_pinyin, normalise_han
from paxta.names.vocabulary import is_industry_word
from paxta.screen.aliases import translations
from paxta.screen.comparison import (
    MATCH,
    REVIEW,
    REVIEW_CAP,
    TRADE_REVIEW,
    Comparison,
)


@lru_cache(maxsize=200_000)
def name_words(text: str) -> tuple[str, ...]:
    """A name's words in order, spelled one way (Latin names; a Chinese name as it is)."""
    return word_sequence(text) or (text.casefold(),)


def plain_words(text: str) -> str:
    """A name's words without its legal form, spelled one way (the block of names that have
    no trade name: Ocean Maritime Management Co., Ltd., Rare Earth Magnesium Technology)."""
    words = normalise_latin(text).words
    return " ".join(words) if words else text.casefold()


def _telling(words: str) -> bool:
    """Enough words to name one company: two or more, or one that is not a trade word."""
    parts = words.split()
    return len(parts) >= 2 or (len(parts) == 1 and not is_industry_word(parts[0]))


@lru_cache(maxsize=20_000)
def cut_name(text: str) -> tuple[tuple[str, ...], str] | None:
    """(the whole words, the last word) of a Latin name that looks cut off by a 35-character
    bill-of-lading field; None for any other name (one ending in a legal form is whole)."""
    text = text.strip()
    if not TRUNCATED_MIN <= len(text) <= TRUNCATED_MAX or not text[-1].isalnum():
        return None
    if not text.isascii():
        return None
    words = name_words(text)
    if len(words) < 3 or words[-1] in LEGAL_WORDS or sum(map(len, words[:-1])) < 10:
        return None
    return words[:-1], words[-1]


def cut_match(
    q: NameFeatures, c: NameFeatures, cut: tuple[tuple[str, ...], str]
) -> Comparison | None:
    """The listed name goes on where the (cut) query stops: a match, unless what the cut left
    out names a place or a branch (then the group's other companies fit too: review)."""
    whole, last = cut
    listed = name_words(c.text)
    n = len(whole)
    if len(listed) <= n or listed[:n] != whole or not listed[n].startswith(last):
        return None
    if listed[n] == last and len(listed) == n + 1:
        return None  # the whole listed name: compared part by part as usual
    rest = listed[n + 1 :] if listed[n] == last else listed[n:]
    said = (
        f"{q.text.strip()} = the start of {c.text} (cut at {len(q.text.strip())} characters, "
        "as bill-of-lading fields are)"
    )
    places = {w for place in (*c.place_names, c.bracket_name) if place for w in name_words(place)}
    left_out = [w for w in rest if w in places or w == "branch"]
    if left_out:
        return Comparison(
            REVIEW_CAP,
            REVIEW,
            [said],
            [f"the cut leaves out {' '.join(left_out)}"],
            relation="the name is cut before the listed company's place or branch",
            rule="cut",
        )
    return Comparison(0.92, MATCH, [said], rule="cut")


def _pinyin_translated(q: NameFeatures, c: NameFeatures) -> bool:
    """The query is a pinyin name whose common words, in English, are the listed trade name."""
    return (
        len(q.keys) > 1
        and q.script == "Latn"
        and c.keys[0] in q.keys[1:]
        and c.keys[0] in translations_of_pinyin(q.keys[0])
    )


class Trade(NamedTuple):
    """How two trade names compare: a similarity (0-1), how it was found (the note an analyst
    reads), its level for the model, and the words of the agreeing trade name (whose
    commonness the model weighs)."""

    score: float
    note: str
    level: str
    words: tuple[str, ...] = ()


def trade_similarity(
    q: NameFeatures, c: NameFeatures, alias_keys: frozenset[str] = frozenset()
) -> Trade:
    """How alike the trade names are (0-1), how that was found, and its level."""
    if not q.keys or not c.keys:
        words = plain_words(q.text)
        if not q.keys and not c.keys and words == plain_words(c.text) and _telling(words):
            return Trade(1.0, "same name (legal form aside)", "same_words", tuple(words.split()))
        return Trade(0.0, "no trade name to compare", "none")
    label = _trade_label(q, c)
    if _pinyin_translated(q, c):
        note = f"{q.trade} = {c.trade} ({label}, pinyin translated word by word)"
        return Trade(1.0, note, "translated", value_words(c, c.keys[0]))
    if alias_keys & set(c.keys):
        if q.script == "Hani" and translations(normalise_han(q.trade)) & set(c.keys):
            note = f"{q.trade} = {c.trade} ({label}, translated word by word)"
            return Trade(1.0, note, "translated", value_words(c, c.keys[0]))
        note = f"{q.trade} = {c.trade} ({label}, alias table)"
        return Trade(1.0, note, "alias", value_words(c, c.keys[0]))
    coined = (
        alias_keys - translations(normalise_han(q.trade))
        if alias_keys and q.script == "Hani"
        else ()
    )
    if coined and c.trade and c.trade.casefold().split()[0] in coined:
        note = f"{q.trade} = {c.trade} ({label}, alias table, one word of the trade name)"
        return Trade(0.95, note, "alias_part", value_words(c, c.keys[0]))
    shared = set(q.keys) & set(c.keys)
    if shared:
        key = min(shared, key=lambda k: (k.startswith("@"), c.keys.index(k)))
        if any(k.startswith("@") for k in shared):  # (a place's name is many companies' name)
            level, how = "place_name", "the same place"
        else:
            level, how = ("pinyin", "pinyin") if q.script != c.script else ("exact", "same")
        agreed = value_words(c, key) if c.script == "Latn" else value_words(q, key)
        return Trade(1.0, f"{q.trade} = {c.trade} ({label}, {how})", level, agreed)
    if q.script == c.script == "Latn" and _respelled(q.keys[0], c.keys[0]):
        note = f"{q.trade} = {c.trade} ({label}, spelled another way)"
        return Trade(0.93, note, "respelled", value_words(c, c.keys[0]))
    if q.script == c.script == "Latn" and _one_letter_off(q.keys[0], c.keys[0]):
        if len(q.keys[0]) >= 5 and len(c.keys[0]) >= 5 and not is_pinyin(q.keys[0]):
            note = f"{q.trade} = {c.trade} ({label}, a typing slip)"
            return Trade(0.93, note, "slip", value_words(c, c.keys[0]))
        # pinyin a letter off is another name as often as a slip (Hafu, Huafu)
        note = f"{q.trade} ~ {c.trade} ({label}, a typing slip, or another name)"
        return Trade(0.93, note, "slip_pinyin", value_words(c, c.keys[0]))
    part = _partial(q, c)
    if is_pinyin(q.keys[0]) and is_pinyin(c.keys[0]) and part is None:
        # Two pinyin names neither the same, a slip apart nor one inside the other are two
        # names, whatever letters they share (Huasong, Huasheng; 川恒, 创宏: other characters)
        best = Indel.normalized_similarity(q.keys[0], c.keys[0])
        note = f"{q.trade} ~ {c.trade} ({label}, other pinyin syllables)"
        return Trade(best, note, "fuzzy_low")
    # Fuzzy only between the main readings: a rare reading of a character is no typo.
    best = Indel.normalized_similarity(q.keys[0], c.keys[0])
    if min(len(q.keys[0]), len(c.keys[0])) < 6:
        best = best**2  # two letters apart in "huafu" is another name
    q_words, c_words = q.trade.casefold().split(), c.trade.casefold().split()
    if len(q_words) > 1 and len(c_words) > 1 and best < 0.97:
        best = min(best, _shared_words(q_words, c_words))  # Daesong Credit Bank, Daedong ...
        if set(q_words) < set(c_words) or set(c_words) < set(q_words):
            best = min(best, 0.85)  # a word more: "Forging Press Control Toys" is not the same
    if part is not None and part[0] > best:
        note = f"{q.trade} ~ {c.trade} ({label}, one contains the other)"
        return Trade(part[0], note, "contained", part[1])
    level = "fuzzy_high" if best >= 0.9 else "fuzzy_mid" if best >= TRADE_REVIEW else "fuzzy_low"
    return Trade(best, f"{q.trade} ~ {c.trade} ({label}, {best:.2f} alike)", level)


def value_words(f: NameFeatures, key: str) -> tuple[str, ...]:
    """The words of trade key ``key`` of ``f``: a Latin trade name's own words when the key is
    its trade name (Golden Star: golden, star), else the key itself (a pinyin key: zhongtai)."""
    if f.script == "Latn" and f.trade:
        words = tuple(_WORD.findall(f.trade.casefold()))
        if "".join(words) == key:
            return words
    return (key.lstrip("@"),)


_WORD = re.compile(r"[^\W_]+")


_SOUNDS = (("kh", "k"), ("gh", "g"), ("ph", "f"), ("q", "k"), ("ck", "k"), ("w", "v"))


@lru_cache(maxsize=100_000)
def _skeleton(key: str) -> str:
    """A transliterated name's consonants (Haramain, Haramayn, Haramein: hrmn), runs joined."""
    for a, b in _SOUNDS:
        key = key.replace(a, b)
    out = "".join(ch for ch in key if ch not in "aeiouy")
    return "".join(ch for i, ch in enumerate(out) if i == 0 or ch != out[i - 1])


def _respelled(a: str, b: str) -> bool:
    """Two Latin trade names that are one name transliterated two ways (Arabic or Russian
    vowels and doubled letters); never pinyin, where a vowel tells names apart."""
    if a == b or min(len(a), len(b)) < 7 or is_pinyin(a) or is_pinyin(b):
        return False
    sa = _skeleton(a)
    return len(sa) >= 5 and sa == _skeleton(b)


def county_in_trade(h: NameFeatures, other: NameFeatures) -> NameFeatures:
    """``h`` (Chinese) with its county read as part of its trade name where ``other``'s English
    trade name starts with it (黄梅县小池银丰: Huangmei Xiaochi Yinfeng Cotton)."""
    if h.script != "Hani" or not h.places or not other.keys or other.script == "Hani":
        return h
    county = china_place_word(h.places[-1])
    if not county or not other.keys[0].startswith(county) or other.keys[0] not in h.keys:
        return h
    return replace(
        h,
        trade=h.place_names[-1].split(" = ")[0] + h.trade,
        keys=(other.keys[0],),
        places=h.places[:-1],
        place_names=h.place_names[:-1],
    )


def could_be_alike(a: str, b: str) -> bool:
    """Whether trade keys ``a`` and ``b`` can compare above ``fuzzy_low`` in
    :func:`trade_similarity`: one holds the other, a slip apart, or (unless both are pinyin)
    spelled another way or at least ``TRADE_REVIEW`` alike. Any other pair is ``clear``
    whatever else agrees, so a search for typos need not compare it."""
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) >= 4 and (long.startswith(short) or long.endswith(short)):
        return True
    if len(long) - len(short) <= 1 and _one_letter_off(a, b):
        return True
    if is_pinyin(a) and is_pinyin(b):
        return False  # (two pinyin names: only a slip or one inside the other)
    return Indel.normalized_similarity(a, b) >= TRADE_REVIEW or (
        len(short) >= 7 and _respelled(a, b)
    )


def _one_letter_off(a: str, b: str) -> bool:
    """``a`` is ``b`` with one letter left out, added or changed, or two neighbours swapped
    (both four letters or more)."""
    return min(len(a), len(b)) >= 4 and OSA.distance(a, b, score_cutoff=1) == 1


def _shared_words(a: list[str], b: list[str]) -> float:
    """The share of letters in words both names have (a word one letter off is not shared)."""
    common = set(a) & set(b)
    shared = sum(len(w) for w in a if w in common) + sum(len(w) for w in b if w in common)
    return shared / (sum(map(len, a)) + sum(map(len, b)))


def _trade_label(q: NameFeatures, c: NameFeatures) -> str:
    return "trade name" if q.script == c.script else "trade name, across scripts"


def _partial(q: NameFeatures, c: NameFeatures) -> tuple[float, tuple[str, ...]] | None:
    """One trade name holds the other whole (a short name, or an extra word): at most review.
    Also the shorter name's words (what the two share)."""
    for a in q.keys:
        for b in c.keys:
            short, long = sorted((a, b), key=len)
            if len(short) >= 4 and (long.startswith(short) or long.endswith(short)):
                side = q if short == a else c
                return 0.85, value_words(side, short)
    return None
