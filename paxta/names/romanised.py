"""Chinese company names written in pinyin (Xinjiang Zhongtai Huaxue Gufen Youxian Gongsi).

Supplier lists exported from Chinese systems and some bills of lading romanise the registered
name syllable by syllable instead of translating it. Such a name is known by its pinyin legal
form (Youxian Gongsi, Gufen Youxian Gongsi, Jituan); its industry and legal words are then read
with the shipped term table's pinyin (Huaxue = Chemical, Maofangzhi = Wool Textile), so the
name compares with the English a list prints. The trade name and places stay as written.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from itertools import product

from pypinyin import Style, lazy_pinyin, pinyin

from paxta.names.english import latin_key
from paxta.names.terms import terms_of, trade_words
from paxta.names.transliterate import normalise_han

# The pinyin of the legal forms that mark a romanised name, joined (youxiangongsi).
_MARKS = ("gongsi", "jituan", "zongchang")
_TOKEN = re.compile(r"[A-Za-z']+|[^A-Za-z']+")
# Pinyin shared by terms of different meaning (meiye: 煤业 coal, 镁业 magnesium) says only
# that the word names a line of business.
_AMBIGUOUS = "Industry"
_LONGEST = 4  # syllable groups joined when looking a term up (you se jin shu)
_MAX_READINGS = 16


def is_romanised(text: str) -> bool:
    """Whether ``text`` is a Chinese name in pinyin: its words end in a pinyin legal form."""
    folded = text.casefold()
    if "gongsi" not in folded.replace(" ", "") and "jituan" not in folded:
        return False
    words = [w.replace("'", "") for w in re.findall(r"[a-z']+", folded)]
    joined = "".join(words[-4:])
    return len(words) >= 2 and (joined.endswith(_MARKS) or "jituan" in words)


def to_english(text: str) -> tuple[str, list[tuple[str, str]]]:
    """``text`` with its pinyin legal and industry words in English, longest first; the other
    words (trade name, places) as written. Also each word read, with its English."""
    pieces = _TOKEN.findall(text)
    out: list[str] = []
    read: list[tuple[str, str]] = []
    i = 0
    while i < len(pieces):
        piece = pieces[i]
        if not piece[0].isalpha():
            out.append(piece)
            i += 1
            continue
        found = _longest_term(pieces, i)
        if found is None:
            english = _split_word(piece)
            if english != piece:
                read.append((piece, english))
            out.append(english)
            i += 1
            continue
        english, used = found
        read.append(("".join(pieces[i : i + used]), english))
        out.append(english)
        i += used
    return "".join(out), read


def _longest_term(pieces: list[str], i: int) -> tuple[str, int] | None:
    """The English of the longest term the words from ``pieces[i]`` spell (separated by
    spaces only), and how many pieces it used."""
    words: list[str] = []
    used: list[int] = []
    j = i
    while j < len(pieces) and len(words) < _LONGEST:
        if pieces[j][0].isalpha():
            words.append(pieces[j])
            used.append(j - i + 1)
        elif pieces[j].strip():
            break
        j += 1
    terms = _pinyin_terms()
    for n in range(len(words), 0, -1):
        english = terms.get(_key("".join(words[:n])))
        if english:
            return english, used[n - 1]
    return None


def _split_word(word: str) -> str:
    """A word that is two terms written together (Meizhipin: 镁 + 制品 is not one term, but
    Fazhipin 发制品 is); else the word itself."""
    key = _key(word)
    terms = _pinyin_terms()
    if len(key) > 40:  # no two terms: a broken cell
        return word
    for cut in range(len(key) - 2, 1, -1):
        head, tail = terms.get(key[:cut]), terms.get(key[cut:])
        if head and tail:
            return f"{head} {tail}"
    return word


def _key(word: str) -> str:
    return word.casefold().replace("'", "").replace("-", "")


@cache
def _pinyin_terms() -> dict[str, str]:
    """Joined toneless pinyin of every legal form, industry and business term -> its English
    (_AMBIGUOUS where terms of different English share the pinyin)."""
    out: dict[str, str] = {}
    for zh, term in terms_of("legal_form", "industry", "business_word", "ownership").items():
        if zh != normalise_han(zh) or len(zh) < 2:
            continue  # traditional forms repeat the simplified; one character is too short
        key = "".join(lazy_pinyin(zh, style=Style.NORMAL))
        english = term.english
        if key in out and out[key].casefold() != english.casefold():
            english = _AMBIGUOUS
        out[key] = english
    return out


@lru_cache(maxsize=50_000)
def translations_of_pinyin(key: str) -> frozenset[str]:
    """A pinyin trade key read wholly as common words, in English (dongfangxiwang: easthope,
    orientalhope ...); empty unless every part is one of the words."""
    words = _pinyin_words()
    readings: dict[int, set[str]] = {0: {""}}
    for at in range(len(key)):
        if at not in readings:
            continue
        for end in range(at + 2, len(key) + 1):
            english = words.get(key[at:end])
            if english:
                readings.setdefault(end, set()).update(r + e for r in readings[at] for e in english)
        if len(readings.get(len(key), ())) > _MAX_READINGS:
            return frozenset()
    return frozenset(k for k in readings.get(len(key), ()) if k and k != key)


@cache
def _pinyin_words() -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for han, english in trade_words().items():
        keys = tuple(map(latin_key, english))
        readings = pinyin(han, style=Style.NORMAL, heteronym=True)  # 噶 ga or ge: Zhungeer
        for syllables in product(*(r[:2] for r in readings)):
            key = "".join(syllables)
            out[key] = tuple(dict.fromkeys((*out.get(key, ()), *keys)))
    return out
