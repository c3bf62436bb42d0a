"""The shipped Xinjiang gazetteer as one searchable automaton, with context from the rest of China.

Every spelling of every XUAR division, township and XPCC unit (Chinese, traditional, pinyin with
and without tones or spaces, English and historical forms, Uyghur Arabic and Latin, Cyrillic) and
the names of other provinces, cities and countries go into one Aho-Corasick automaton over a
length-preserving folded text, so one pass over an address finds every candidate with its span.
"""

from __future__ import annotations

import csv
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Final

import ahocorasick_rs

from paxta.data import data_path

# Kinds of hit.
XJ: Final = "xinjiang"
CHINA_OTHER: Final = "china_other"
CHINA: Final = "china"
FOREIGN: Final = "foreign"

# How much a Xinjiang hit proves on its own.
STRONG: Final = "strong"
WEAK: Final = "weak"  # a common word or short stem: needs support
AMBIGUOUS_CN: Final = "ambiguous_cn"  # same spelling as a division elsewhere in China
AMBIGUOUS_FOREIGN: Final = "ambiguous_foreign"  # also a place abroad (Aksu, Altay, Aral)
PAXTA_VARIANTS = "xinjiang_gazetteer_variants_paxta.csv"  # spellings the shared table lacks

ADMIN_SUFFIXES = (
    "维吾尔自治区",
    "自治区",
    "自治州",
    "自治县",
    "地区",
    "省",  # (no street is 湖北省路: 湖北路 is)
    "市",
    "县",
    "区",
    "州",
    "镇",
    "乡",
    "街道",
    "团场",
)
# Words an XPCC unit's name needs (兵团, 八师, 一四一团; Bingtuan, 8th Division, Regiment 141).
CODE_WORDS = frozenset(
    ["兵团", "xpcc", "bingtuan", "corps", "division", "regiment"]
    + [f"{n}团" for n in "一二三四五六七八九十零〇百"]
    + [f"{n}师" for n in "一二三四五六七八九十"]
)
_SHORT_STEM_LEVELS = {"prefecture", "xpcc_city", "region", "xpcc_corps"}


@dataclass(frozen=True)
class Division:
    """A Xinjiang division (region, prefecture, county, XPCC unit, township) and its parents."""

    key: str
    code: str | None
    level: str
    name_zh: str
    name_en: str
    parent_key: str | None


@dataclass(frozen=True)
class Pattern:
    """What a matched spelling means."""

    kind: str
    key: str  # a division key, a province name, or a country name
    strength: str
    script: str
    variant_kind: str


def fold(text: str) -> str:
    """Lower-case, strip accents and widen nothing: the result has exactly ``len(text)`` chars."""
    if text.isascii():
        return text.lower()
    return text.translate(_FOLDED)


class _FoldTable(dict[int, str]):
    """``str.translate``'s table, each character's fold worked out the first time it is met."""

    def __missing__(self, code: int) -> str:
        self[code] = folded = _fold_char(chr(code))
        return folded


_FOLDED = _FoldTable()


def _fold_char(ch: str) -> str:
    if ch in "’‘`ʼ":
        return "'"
    if ch.isspace():
        return " "
    decomposed = unicodedata.normalize("NFKD", ch)
    base = "".join(c for c in decomposed if not unicodedata.combining(c))
    lowered = base.lower()
    return lowered if len(lowered) == 1 else ch.lower() if len(ch.lower()) == 1 else ch


def words(text: str) -> str:
    """:func:`fold`, with every character that is neither a letter nor a digit made a space:
    the automaton finds names whole-word in this (``len(text)`` chars, like ``fold``)."""
    if text.isascii():
        return text.encode("ascii").translate(_ASCII_WORDS).decode("ascii")
    # (most addresses in Chinese characters have nothing to fold; ʼ is a letter folded to ')
    if text.isalnum() and text == text.lower() and unicodedata.is_normalized("NFKD", text):
        return text if "ʼ" not in text else text.translate(_WORDS)
    return text.translate(_WORDS)


class _WordTable(dict[int, str]):
    """``str.translate``'s table for :func:`words`, filled as characters are met."""

    def __missing__(self, code: int) -> str:
        folded = _fold_char(chr(code))
        self[code] = folded = folded if folded.isalnum() else " "
        return folded


_WORDS = _WordTable()
_ASCII_WORDS = bytes(ord(_WORDS[c]) for c in range(128)) + bytes(128)


def _read(name: str) -> Iterator[dict[str, str]]:
    with data_path("places", name).open(encoding="utf-8") as f:
        yield from csv.DictReader(f)


class Gazetteer:
    """Divisions by key, and an automaton from folded spelling to its patterns."""

    def __init__(self) -> None:
        self.divisions: dict[str, Division] = {}
        self._patterns: dict[str, list[Pattern]] = {}
        self._han: dict[str, tuple[Pattern, ...]] | None = None
        self._latin: dict[str, tuple[Pattern, ...]] | None = None
        self._parents: dict[str, tuple[Division, ...]] = {}
        self._within: dict[str, frozenset[str]] = {}
        self._load_divisions()
        self._load_variants()
        self._load_townships()
        self._load_china_context()
        self._load_countries()
        self._load_outside_mainland()
        # The automaton runs over " " + words(text) + " " and reports every spelling found as
        # its index in these lists. A name in Chinese characters needs no word boundary; any
        # other is sought with a space either side (``pad``), so it is found whole-word only.
        found: dict[str, list[Pattern]] = {}
        for spelling, patterns in self._patterns.items():
            han = patterns[0].script == "Han"
            sought = found.setdefault(words(spelling) if han else f" {words(spelling)} ", [])
            sought += [p for p in patterns if p not in sought]  # (Xi'an and Xi an alike)
        for word in CODE_WORDS:  # sought anywhere, a place name or not
            found.setdefault(word, [])
        self.spellings = list(found)
        self.meanings = [tuple(found[t]) for t in self.spellings]
        self.han = [m[0].script == "Han" if m else not t.isascii() for t, m in found.items()]
        self.pad = [0 if h or not m else 1 for h, m in zip(self.han, self.meanings, strict=True)]
        self.not_han = frozenset(i for i, h in enumerate(self.han) if not h)
        # what the locator must read registry codes and XPCC units for (mostly absent)
        self.code = frozenset(i for i, t in enumerate(self.spellings) if t in CODE_WORDS)
        # a Chinese name ending in its administrative word: no street or division can follow
        self.plain = [
            h and t.endswith(ADMIN_SUFFIXES) and not t.endswith("师")
            for t, h in zip(self.spellings, self.han, strict=True)
        ]
        self.automaton = ahocorasick_rs.AhoCorasick(
            self.spellings, matchkind=ahocorasick_rs.MatchKind.Standard
        )

    def _add(self, text: str, pattern: Pattern) -> None:
        folded = fold(" ".join(text.split()))
        if len(folded) < 2 or (pattern.script == "Latin" and len(folded) < 3):
            return
        existing = self._patterns.setdefault(folded, [])
        if pattern not in existing:
            existing.append(pattern)

    def _load_divisions(self) -> None:
        for r in _read("xinjiang_gazetteer.csv"):
            self.divisions[r["key"]] = Division(
                r["key"],
                r["adcode"] or None,
                r["level"],
                r["name_zh"],
                r["name_en"] or r["pinyin_plain"],
                r["parent_key"] or None,
            )

    def _load_variants(self) -> None:
        rows = [*_read("xinjiang_gazetteer_variants.csv"), *_read(PAXTA_VARIANTS)]
        for r in rows:
            division = self.divisions.get(r["key"])
            if division is None:
                continue
            variant, script = r["variant"], r["script"]
            strength = _variant_strength(division, variant, script, r["kind"], r["ambiguity"])
            self._add(variant, Pattern(XJ, r["key"], strength, script, r["kind"]))
            stem = _english_stem(variant) if script == "Latin" else ""
            if stem:  # "Bayingolin" of "Bayingolin Mongol Autonomous Prefecture": weak alone
                self._add(stem, Pattern(XJ, r["key"], WEAK, script, r["kind"]))

    def _load_townships(self) -> None:
        for r in _read("xinjiang_townships.csv"):
            key = r["code"]
            parent = r["county_code"] if r["county_code"] in self.divisions else None
            self.divisions[key] = Division(key, key, "township", r["name_zh"], "", parent)
            strength = STRONG if r["xpcc_regiment"] or "兵团" in r["name_zh"] else WEAK
            self._add(r["name_zh"], Pattern(XJ, key, strength, "Han", "township"))

    def _load_china_context(self) -> None:
        xj_spellings = set(self._patterns)
        for r in _read("china_divisions_outside_xinjiang.csv"):
            province = r["province_zh"]
            self._add(r["name_zh"], Pattern(CHINA_OTHER, province, STRONG, "Han", r["level"]))
            if r["level"] != "county" and len(r["stem_zh"]) >= 2:
                self._add(r["stem_zh"], Pattern(CHINA_OTHER, province, STRONG, "Han", r["level"]))
            pinyin = r["pinyin_derived"]
            if pinyin and fold(pinyin) not in xj_spellings | _ADMIN_WORDS:
                # Pinyin of a prefecture-level city is often a homophone (亳州 Bozhou = 博州):
                # only a province's pinyin is strong context.
                strength = STRONG if r["level"] == "province" else WEAK
                self._add(pinyin, Pattern(CHINA_OTHER, province, strength, "Latin", r["level"]))
        for text, province in _CHINA_OTHER_EXTRA:
            self._add(text, Pattern(CHINA_OTHER, province, STRONG, "Latin", "province"))
        # Xi'an: "Xian" alone is the pinyin of 县 (county), so it is not in the table's pinyin
        self._add("Xi an", Pattern(CHINA_OTHER, "陕西省", STRONG, "Latin", "city"))
        for text in _CHINA_NAMES:
            self._add(text, Pattern(CHINA, "China", STRONG, "Latin", "country"))

    def _load_countries(self) -> None:
        for names in _COUNTRIES:
            for text in names.split("|"):
                self._add(text, Pattern(FOREIGN, names.split("|")[0], STRONG, "Latin", "country"))

    def _load_outside_mainland(self) -> None:
        """Taiwan, Hong Kong and Macau places and foreign towns sharing Xinjiang's names: what
        they are (a Taipei district, not Datong in Shanxi; Dihua Street, not Urumqi)."""
        for r in _read("places_outside_mainland.csv"):
            kind = CHINA_OTHER if r["kind"] == "china_other" else FOREIGN
            self._add(r["name"], Pattern(kind, r["belongs_to"], STRONG, r["script"], r["level"]))

    def han_names(self) -> dict[str, tuple[Pattern, ...]]:
        """Every place name written in Chinese characters, with what it means."""
        if self._han is None:
            self._han = {t: tuple(p) for t, p in self._patterns.items() if p[0].script == "Han"}
        return self._han

    def latin_names(self) -> dict[str, tuple[Pattern, ...]]:
        """Every place name written in Latin letters (folded), with what it means."""
        if self._latin is None:
            self._latin = {
                t: tuple(q for q in p if q.script == "Latin")
                for t, p in self._patterns.items()
                if any(q.script == "Latin" for q in p)
            }
        return self._latin

    def parents(self, key: str) -> tuple[Division, ...]:
        """The division and its parents, most specific first."""
        held = self._parents.get(key)
        if held is None:
            chain = []
            seen: set[str] = set()
            current: str | None = key
            while current and current in self.divisions and current not in seen:
                seen.add(current)
                division = self.divisions[current]
                chain.append(division)
                current = division.parent_key
            held = self._parents[key] = tuple(chain)
        return held

    def within(self, key: str) -> frozenset[str]:
        """The keys of the division and of its parents."""
        held = self._within.get(key)
        if held is None:
            held = self._within[key] = frozenset(d.key for d in self.parents(key))
        return held


def _variant_strength(
    division: Division, variant: str, script: str, kind: str, ambiguity: str
) -> str:
    if ambiguity:
        if "editorial note" in ambiguity and "same pinyin" not in ambiguity:
            return AMBIGUOUS_FOREIGN
        if division.level in {"region", "xpcc_corps"}:
            return STRONG  # "Xinjiang" is the region; 新绛 (Shanxi) is settled by context
        return AMBIGUOUS_CN
    if script == "Han" and not variant.endswith(ADMIN_SUFFIXES):
        if division.level in {"xpcc_division"} and len(variant) <= 2:
            return WEAK  # 一师 is also "a teacher"
        if len(variant) <= 2 and division.level not in _SHORT_STEM_LEVELS:
            return WEAK  # 和硕, 新源, 温泉: county stems that are everyday words
    return STRONG


_ADMIN_WORDS = {"xian", "shi", "qu", "zhen", "xiang", "zhou", "diqu"}
# Words English place names end in ("Yili Kazakh Autonomous Prefecture"); company names use
# them too (paxta.names.english).
ADMIN_WORDS = frozenset(
    {
        "county", "city", "prefecture", "province", "autonomous", "region", "district",
        "uygur", "uyghur", "uighur", "kazak", "kazakh", "kyrgyz", "mongol", "mongolian", "hui",
        "municipality", "municipal",
    }
)  # fmt: skip


def _english_stem(variant: str) -> str:
    """The place's own words of an English name ending in administrative words, if long."""
    words = variant.split()
    at = next((i for i, w in enumerate(words) if w.casefold() in ADMIN_WORDS), len(words))
    stem = " ".join(words[:at])
    return stem if 0 < at < len(words) and len(stem) >= 5 else ""


_CHINA_NAMES = (
    "China",
    "PRC",
    "P.R.C.",
    "P.R. China",
    "People's Republic of China",
    "中国",
    "中华人民共和国",
    "中國",
)
_CHINA_OTHER_EXTRA = (
    ("Inner Mongolia", "内蒙古自治区"),
    ("Nei Mongol", "内蒙古自治区"),
    ("Tibet", "西藏自治区"),
    ("Hong Kong", "香港特别行政区"),
    ("Kowloon", "香港特别行政区"),
    ("Macau", "澳门特别行政区"),
    ("Macao", "澳门特别行政区"),
    ("Taiwan", "台湾省"),
    ("Shaanxi", "陕西省"),
    ("Canton", "广东省"),
    ("Peking", "北京市"),
    ("Amoy", "福建省"),
    # Postal romanisations, as old list entries and old firms' English names write provinces
    # (Sichuan (Szechuan) Xinsheng (New Life) Labor Factory)
    ("Szechuan", "四川省"),
    ("Szechwan", "四川省"),
    ("Kwangtung", "广东省"),
    ("Kwangsi", "广西壮族自治区"),
    ("Fukien", "福建省"),
    ("Chekiang", "浙江省"),
    ("Kiangsu", "江苏省"),
    ("Kiangsi", "江西省"),
    ("Anhwei", "安徽省"),
    ("Hupeh", "湖北省"),
    ("Hupei", "湖北省"),
    ("Honan", "河南省"),
    ("Hopeh", "河北省"),
    ("Hopei", "河北省"),
    ("Shantung", "山东省"),
    ("Shansi", "山西省"),
    ("Shensi", "陕西省"),
    ("Kansu", "甘肃省"),
    ("Tsinghai", "青海省"),
    ("Kweichow", "贵州省"),
    ("Tientsin", "天津市"),
    ("Chungking", "重庆市"),
    ("香港", "香港特别行政区"),
    ("澳门", "澳门特别行政区"),
    ("台湾", "台湾省"),
    ("臺灣", "台湾省"),
)
_COUNTRIES = (
    "Kazakhstan|Kazakstan|Qazaqstan|哈萨克斯坦",
    "Kyrgyzstan|Kyrgyz Republic|吉尔吉斯斯坦",
    "Uzbekistan|乌兹别克斯坦",
    "Tajikistan|塔吉克斯坦",
    "Turkey|Türkiye|Turkiye|土耳其",
    "Vietnam|Viet Nam|越南",
    "Bangladesh|孟加拉",
    "Cambodia|柬埔寨",
    "Indonesia|印度尼西亚|印尼",
    "India|印度",
    "Pakistan|巴基斯坦",
    "Malaysia|马来西亚",
    "Thailand|泰国",
    "Myanmar|缅甸",
    "Sri Lanka",
    "Philippines",
    "Singapore|新加坡",
    "Japan|日本",
    "Korea|韩国",
    "Mongolia|蒙古国",
    "Russia|Russian Federation|俄罗斯",
    "Afghanistan",
    "Egypt",
    "Ethiopia",
    "Kenya",
    "Morocco",
    "United States|USA|U.S.A.|美国",
    "Canada",
    "Mexico",
    "Brazil",
    "Peru",
    "Germany|德国",
    "France|法国",
    "Italy|意大利",
    "Spain",
    "Portugal",
    "Netherlands",
    "Belgium",
    "United Kingdom|UK|England|英国",
    "Ireland",
    "Poland",
    "Australia|澳大利亚",
    "New Zealand",
    "Uganda",
    "Tanzania",
    "Nigeria",
    "South Africa",
    "Jordan",
    "Israel",
    "Iran",
    "Iraq",
    "Saudi Arabia",
    "United Arab Emirates|UAE|Dubai",
    "Azerbaijan",
    "Georgia",
    "Armenia",
)


@cache
def gazetteer() -> Gazetteer:
    """The shipped gazetteer, built once per process."""
    return Gazetteer()
