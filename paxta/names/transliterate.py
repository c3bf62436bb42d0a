"""Chinese script conversions: traditional to simplified (OpenCC) and word-level pinyin.

pypinyin gives syllables (``zhong tai``); English writes a word's syllables together
(``Zhongtai``). pypinyin misreads some Xinjiang place characters, so they are overridden.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from functools import cache, lru_cache

import opencc
from pypinyin import Style, lazy_pinyin, pinyin

from paxta.names.wordtables import table

# pypinyin's readings that are wrong in Xinjiang names (勒 le not lei: 库尔勒 Kuerle).
PINYIN_OVERRIDES: dict[str, str] = table("pinyin_overrides")


@cache
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional characters to simplified (合盛硅業 → 合盛硅业); other text is unchanged."""
    return str(_t2s().convert(text))


@cache
def variants() -> dict[int, str]:
    """Characters OpenCC's t2s keeps that the mainland writes otherwise: Taiwan 矽 = 硅
    (silicon), and the Japanese forms Japanese papers and supplier lists write Chinese names in
    (新疆生産建設兵団: 産 = 产, 団 = 团). A Japanese form is one OpenCC's jp2t changes that is not
    itself a common Chinese character (GB 2312) and whose simplified form is one (研 stays)."""
    kanji = [chr(code) for code in range(0x4E00, 0xA000)]  # converted in one call, "\n" apart
    traditional = opencc.OpenCC("jp2t").convert("\n".join(kanji)).split("\n")
    simplified = _t2s().convert("\n".join(traditional)).split("\n")
    out = {ord("矽"): "硅"}
    for k, t, s in zip(kanji, traditional, simplified, strict=True):
        if t != k and s != k and not _common(k) and _common(s):
            out[ord(k)] = s
    return out


def _common(han: str) -> bool:
    try:
        han.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


@lru_cache(maxsize=100_000)
def normalise_han(text: str) -> str:
    """NFKC (full-width brackets and digits to ASCII), simplified characters, no spaces;
    新疆自治区, a short form, written out (新疆维吾尔自治区)."""
    han = to_simplified(unicodedata.normalize("NFKC", text))
    if not han.isascii():
        han = han.translate(variants())
    han = han.replace(" ", "")
    return han.replace("新疆自治区", "新疆维吾尔自治区") if "自治区" in han else han


def syllables(han: str) -> list[str]:
    """Toneless pinyin syllables of ``han``, with the Xinjiang overrides."""
    return [_syllable(ch) for ch in han]


@lru_cache(maxsize=20_000)
def _syllable(ch: str) -> str:
    override = PINYIN_OVERRIDES.get(ch)
    return override if override else char_readings(ch)[0]


def readings(han: str) -> tuple[list[str], list[list[str]]]:
    """pypinyin's toneless readings of ``han``: the first reading of each character as
    ``lazy_pinyin`` gives it, and all of them as ``pinyin(heteronym=True)`` does, each the
    reading of a phrase where pypinyin knows one (重庆 chongqing). A string of Chinese
    characters in which no two or more make a phrase pypinyin knows is read character by
    character, from a table kept per character, as pypinyin itself would read it: that is
    what most trade names are, and it spares pypinyin's segmenter for each."""
    if _no_phrase(han):
        each = [char_readings(ch) for ch in han]
        return [r[0] for r in each], [list(r) for r in each]
    return lazy_pinyin(han, style=Style.NORMAL), pinyin(han, style=Style.NORMAL, heteronym=True)


def _no_phrase(han: str) -> bool:
    """Whether ``han`` is all Chinese characters and no run of two or more is a phrase."""
    phrases, hans = _pypinyin_tables()
    if not han or hans.fullmatch(han) is None:
        return False
    return not any(
        han[i:j] in phrases for i in range(len(han) - 1) for j in range(i + 2, len(han) + 1)
    )


@cache
def _pypinyin_tables() -> tuple[Mapping[str, object], re.Pattern[str]]:
    """pypinyin's phrase table and its pattern of the characters it reads."""
    from pypinyin.constants import PHRASES_DICT, RE_HANS

    return PHRASES_DICT, RE_HANS


@lru_cache(maxsize=30_000)
def char_readings(ch: str) -> tuple[str, ...]:
    """A character's toneless readings, the most common first (as pypinyin gives them; the
    first is ``lazy_pinyin``'s)."""
    return tuple(pinyin(ch, style=Style.NORMAL, heteronym=True)[0])


@lru_cache(maxsize=100_000)
def word_pinyin(han: str) -> str:
    """One word's pinyin as English writes it: syllables joined, capitalised (中泰 → Zhongtai)."""
    return "".join(syllables(han)).capitalize()


@cache
def _syllables() -> frozenset[str]:
    """Every toneless pinyin syllable (from pypinyin's table)."""
    from pypinyin.pinyin_dict import pinyin_dict

    out = set()
    for readings in pinyin_dict.values():
        for reading in readings.split(","):
            flat = unicodedata.normalize("NFKD", reading.replace("ü", "v"))
            out.add("".join(ch for ch in flat if not unicodedata.combining(ch)))
    return frozenset(out)


@lru_cache(maxsize=100_000)
def is_pinyin(key: str) -> bool:
    """Whether a lower-case key is a run of pinyin syllables (zhongtai, huafu; not hoshine)."""
    syllables = _syllables()
    n = len(key)
    reached = bytearray(n + 1)  # 1 where a run of syllables from the start ends
    reached[0] = 1
    for start in range(n):
        if reached[start]:
            for end in range(start + 1, min(n, start + 6) + 1):  # (no syllable is longer)
                if key[start:end] in syllables:
                    reached[end] = 1
    return bool(reached[n])
