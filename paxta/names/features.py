"""One comparable form for a company name in any script: its trade name, places, industry, role.

A Chinese name is segmented (region + trade name + industry + legal form); a Latin name is split
the same way from its words. Both sides end up with the same fields, so 新疆中泰化学股份有限公司 and
"XINJIANG ZHONGTAI CHEM IND CO LTD" compare part by part: places as gazetteer keys (Hotan, Hetian,
Khotan and 和田 are one place), the trade name as pinyin or Latin letters, industries as word
stems in sectors, legal form and role (group parent, branch, XPCC unit) as flags.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from functools import cache, lru_cache
from itertools import product
from typing import Any

from paxta.names.chinese import ChineseName, segment
from paxta.names.english import ADMIN_WORDS, LEGAL_WORDS, fold_latin, normalise_latin
from paxta.names.party import clean_cell, shipping_noise
from paxta.names.placekeys import (
    PlaceKeys,
    branch_place,
    county_of,
    han_place_keys,
    is_major_place,
    latin_place_keys,
    leading_places,
    major_places,
    misspelled_place,
    place_keys,
    restated,
    transposed_place,
)
from paxta.names.romanised import is_romanised, to_english, translations_of_pinyin
from paxta.names.transliterate import PINYIN_OVERRIDES, char_readings, normalise_han, readings
from paxta.names.vocabulary import (
    GENERIC_SECTORS,
    industry_stem,
    industry_words,
    is_industry_word,
    known_words,
    sector,
)
from paxta.names.wordtables import table
from paxta.native import picklable
from paxta.scripts import HAN, detect_script

# The version of the code that makes features: raise it with any change that alters the
# features of a name, so stores recompute their index (the tables it reads are checksummed).
FEATURES_ALGORITHM = "features-9"
TRUNCATED_MIN, TRUNCATED_MAX = 30, 40  # bills of lading cut names at 35 characters

_XPCC_LATIN = re.compile(
    r"\bbingtuan\b|\bxpcc\b|production\s*(?:and|&)\s*construction\s*corp(?:s|oration)?\b",
    re.IGNORECASE,
)
_XPCC_UNIT_LATIN = re.compile(
    r"\b(?:\d{1,2}(?:st|nd|rd|th)|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|"
    r"tenth|eleventh|twelfth|thirteenth|fourteenth)\s+(?:agricultural\s+)?division\b",
    re.IGNORECASE,
)
_BRACKETS = re.compile(r"[(\[]([^()\[\]]*)[)\]]")
_LEGAL_ROLE_BRANCH = frozenset({"branch", "subbranch"})


@dataclass(frozen=True, slots=True)
class NameFeatures:
    """A name's comparable parts; every field is plain data (stored as JSON in the index)."""

    text: str
    script: str
    trade: str  # the trade name as written: 中泰, "Zhongtai"
    keys: tuple[str, ...]  # comparable trade keys, lower case without spaces: zhongtai
    places: tuple[PlaceKeys, ...]  # the places the name gives, each as its keys
    place_names: tuple[str, ...]  # the places as written
    bracket: PlaceKeys  # a bracketed place's keys (() when none)
    bracket_name: str
    industry: tuple[str, ...]  # industry word stems
    industry_names: tuple[str, ...]  # the industry words as written, with their English
    legal: tuple[str, ...]  # the legal form as written
    group: bool
    branch: bool
    xpcc: bool

    @property
    def core(self) -> str:
        """The key that identifies the name best: the trade key, else its other words."""
        return self.keys[0] if self.keys else ""

    def as_row(self) -> list[Any]:
        """The fields in order, as plain data (stored as a JSON array in the index)."""
        return [getattr(self, f) for f in _FIELDS]

    @classmethod
    def from_row(cls, row: list[Any]) -> NameFeatures:
        """Rebuild from :meth:`as_row` output (JSON's lists back to tuples, each field as its
        type says: a candidate's features are read this way, so it is kept quick)."""
        values: list[Any] = [convert(v) for convert, v in zip(_FROM_JSON, row, strict=True)]
        return cls(*values)


def _as_is(value: Any) -> Any:
    return value


def _nested(value: list[list[str]]) -> tuple[tuple[str, ...], ...]:
    return tuple(map(tuple, value))


_FIELDS = [f.name for f in fields(NameFeatures)]
# How each field comes back from JSON, by name: the compiled class keeps only ``tuple`` of its
# annotations, so they cannot tell a tuple of places (each a tuple of keys) from one of strings.
_NESTED_TUPLES = frozenset({"places"})
_TUPLES = frozenset({"keys", "place_names", "bracket", "industry", "industry_names", "legal"})
_FROM_JSON: list[Callable[[Any], Any]] = [
    _nested if name in _NESTED_TUPLES else tuple if name in _TUPLES else _as_is for name in _FIELDS
]


@lru_cache(maxsize=4096)
def name_features(name: str) -> NameFeatures:
    """The comparable parts of ``name``, whatever its script (the last few thousand kept: a
    row's name is read for matching and again for its region)."""
    text = clean_cell(name)
    if detect_script(text) == HAN or _han_share(text) >= 0.5:
        return _han_features(text)
    text = shipping_noise(text)
    if is_romanised(text):  # Xinjiang Zhongtai Huaxue Gufen Youxian Gongsi
        english, read = to_english(text)
        f = _latin_features(english)
        industry = tuple(
            f"{pin} = {eng}"
            for pin, eng in read
            if any(is_industry_word(w) for w in normalise_latin(eng).words)
        )
        keys = (*f.keys, *_pinyin_translations(f.keys))
        return replace(f, text=text, keys=keys, industry_names=industry or f.industry_names)
    return _latin_features(text)


def _pinyin_translations(keys: tuple[str, ...]) -> tuple[str, ...]:
    """A pinyin trade name made of common words, in English (Dongfang Xiwang: East Hope)."""
    return tuple(sorted(translations_of_pinyin(keys[0]))) if keys else ()


def _han_share(text: str) -> float:
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 0.0
    return sum(1 for c in letters if "\u3400" <= c <= "\u9fff") / len(letters)


# --- Chinese ---------------------------------------------------------------------------------


_HAN_HEAD = re.compile(r"^(.+?(?:股份有限公司|有限责任公司|有限公司|公司))(.+)$")
_HAN_ADDRESS = re.compile(r"[省市区县镇乡村路街道号巷弄楼室]|[0-9０-９]")


def _han_head(text: str) -> tuple[str, str]:
    """(the company's own name, its branch's part): 中泰化学股份有限公司阜康能源分公司 is a
    branch of 中泰化学股份有限公司; an address written after the name is not part of it."""
    m = _HAN_HEAD.match(text)
    if m is None:
        return text, ""
    head, tail = m.group(1), m.group(2).strip(" ,，;；:：")
    if tail.endswith(("分公司", "分厂", "办事处")):
        return head, tail
    if _HAN_ADDRESS.search(tail) and not tail.endswith(("公司", "集团", "厂")):
        return head, ""
    return text, ""


def _han_features(text: str) -> NameFeatures:
    head, branch_of = _han_head(text)
    name = segment(head)
    places: list[PlaceKeys] = []
    place_names: list[str] = []
    bracket: PlaceKeys = ()
    bracket_name = ""
    industry: list[str] = []
    industry_names: list[str] = []
    legal: list[str] = []
    group = branch = False
    for part in name.parts:
        if part.role == "region":
            keys = han_place_keys(part.text)
            if keys:
                places.append(keys)
                place_names.append(f"{part.text} = {part.english}")
        elif part.role == "bracket_place":
            bracket, bracket_name = han_place_keys(part.text), f"{part.text} = {part.english}"
        elif part.role == "industry":
            words = normalise_latin(part.english).words
            industry.extend(industry_stem(w) for w in words if is_industry_word(w))
            industry_names.append(f"{part.text} = {part.english}")
        elif part.role == "legal_form":
            legal.append(part.text)
            group = group or "集团" in part.text or "控股" in part.text  # a holding is a parent
            branch = branch or "分" in part.text
        elif part.role == "bracket":
            group = group or "集团" in part.text
    if branch_of:  # the branch's place, as a bracketed place is a subsidiary's
        branch = True
        for part in segment(branch_of).parts:
            keys = (  # 新野分公司: a county's branch, named without 县
                han_place_keys(part.text) or han_place_keys(part.text + "县")
                if part.role in ("region", "trade_name")
                else ()
            )
            if keys and not bracket:
                bracket, bracket_name = keys, f"{part.text} = {part.english}"
    trade = name.trade_name
    trade_keys = pinyin_keys(trade)
    if trade and places and not name.xpcc and han_place_keys(trade) and _place_after_group(name):
        # 新疆棉业集团伽师棉业: the group is named by its region only; its company's own name is
        # the place after the group (Xinjiang Cotton Industry Group Jiashi Cotton Industry)
        places.insert(0, han_place_keys(trade))
        place_names.insert(0, f"{trade} = {name.of_role('trade_name')[0].english}")
        trade = ""
    if not trade and places and not name.xpcc:
        # The last place word is the trade name (as "Kashgar" is in Kashgar Construction
        # Engineering); its place codes let the two scripts agree.
        trade = place_names[-1].split(" = ")[0]
        trade_keys = pinyin_keys(trade) + place_keys(places[-1])
        places, place_names = places[:-1], place_names[:-1]
    elif trade and not places and han_place_keys(trade):
        trade_keys += place_keys(han_place_keys(trade))  # 喀什建工: the trade name is a place
    if trade_keys and places and county_of(places[-1]):
        # 黄梅县小池银丰: English names often keep a county's name, without "County", in the
        # trade name (Huangmei Xiaochi Yinfeng Cotton)
        trade_keys += (county_of(places[-1]) + trade_keys[0],)
    if restated(bracket, places, trade_keys):
        bracket, bracket_name = (), ""  # 昌吉溢达纺织有限公司（新疆）: Changji is in Xinjiang
    return NameFeatures(
        text=text,
        script="Hani",
        trade=trade,
        keys=trade_keys,
        places=tuple(places),
        place_names=tuple(place_names),
        bracket=bracket,
        bracket_name=bracket_name,
        industry=tuple(dict.fromkeys(industry)),
        industry_names=tuple(industry_names),
        legal=tuple(legal),
        group=group,
        branch=branch or "分公司" in text,
        xpcc=name.xpcc,
    )


def _place_after_group(name: ChineseName) -> bool:
    at = name.normalised.find("集团")
    return at > 0 and any(p.text in name.normalised[at:] for p in name.of_role("region"))


@lru_cache(maxsize=100_000)
def pinyin_keys(han: str, limit: int = 4) -> tuple[str, ...]:
    """Pinyin spellings of a trade name, lower case and joined: the phrase reading first.

    pypinyin reads whole words (重庆 chongqing), and characters with several readings give a
    few alternatives, so 长 may be chang or zhang. Characters that are not Han stay as they are.
    """
    han = normalise_han(han)
    if not han:
        return ()
    lazy, every = readings(han)
    if len(lazy) != len(han):
        lazy = [char_readings(c)[0] for c in han]
    first = "".join(PINYIN_OVERRIDES.get(c, s) for c, s in zip(han, lazy, strict=False))
    keys = [fold_latin(first)]
    if len(every) == len(han):
        options = [
            [PINYIN_OVERRIDES[c]] if c in PINYIN_OVERRIDES else r[:2]
            for c, r in zip(han, every, strict=True)
        ]
        for combo in product(*options):
            key = fold_latin("".join(combo))
            if key not in keys:
                keys.append(key)
            if len(keys) >= limit:
                break
    return tuple(re.sub(r"[^a-z0-9]", "", k) for k in keys if k)


# --- Latin -----------------------------------------------------------------------------------


def _latin_features(text: str) -> NameFeatures:
    text = _TITLE.sub(r"\1", _THE.sub("", text)) or text
    bracket: PlaceKeys = ()
    bracket_name = ""
    group = False
    for inner in _BRACKETS.findall(text):
        inside = normalise_latin(inner)
        keys = latin_place_keys(inside.words) if 0 < len(inside.words) <= 3 else ()
        if keys:
            bracket, bracket_name = keys, inner.strip()
        group = group or "group" in inside.legal
    xpcc = bool(_XPCC_LATIN.search(text)) or bool(
        _XPCC_UNIT_LATIN.search(text) and "xinjiang" in fold_latin(text)
    )
    body = _BRACKETS.sub(" ", text) if bracket else _BRACKETS.sub(r" \1 ", text)
    if xpcc:  # what is left besides the Corps itself: a unit or an affiliate's own name
        body = _XPCC_UNIT_LATIN.sub(" ", _XPCC_LATIN.sub(" ", body))
    name = normalise_latin(body)
    words = _phrases(list(name.words))
    tokens = re.findall(r"[a-z0-9]+", fold_latin(text))
    cut = TRUNCATED_MIN <= len(text) <= TRUNCATED_MAX and text[-1:].isalnum()
    if cut and words and tokens[-1] == words[-1] and _cut_off(words[-1]):
        words.pop()  # "... ELECTRONIC TECH CO LT", "... ENGINEERING GR": a field cut at 35
    words = _unglued(words)
    places, place_names, rest = leading_places(words)
    branch = any(w in _LEGAL_ROLE_BRANCH for w in rest)
    if branch and not bracket and len(rest) > 2 and rest[-1] in _LEGAL_ROLE_BRANCH:
        at = branch_place(rest[-2])  # "..., Xinye Branch": the branch's place, as 新野分公司
        if at:
            bracket, bracket_name = at, rest[-2].capitalize()
            rest = rest[:-2]
    rest = [w for w in rest if w not in _LEGAL_ROLE_BRANCH]
    says_industry = [is_industry_word(w) for w in rest]
    for j, w in enumerate(rest):  # "New" names a trade only before one: New Energy, New Life
        if w == "new":
            says_industry[j] = j + 1 < len(rest) and says_industry[j + 1]
        elif w == "green":  # Green Energy (绿能), as LONGi Green Energy; Green Land is a name
            says_industry[j] = j + 1 < len(rest) and rest[j + 1] in _GREEN_TRADES
    industry = [w for w, yes in zip(rest, says_industry, strict=True) if yes]
    trade_words = [w for w, yes in zip(rest, says_industry, strict=True) if not yes]
    group_name = _china_group(tokens)
    if group_name and places and places[0] == ("cn:china",):
        # "China Cotton Group Xinjiang Cotton": 中棉集团, a group named for China and its trade
        trade_words = [*group_name, *trade_words]
        places, place_names = places[1:], place_names[1:]
    if not trade_words and places and not xpcc:
        # "Xinjiang Tianshan Wool Textile": the last place word is the trade name (as 天山 is).
        trade_words = place_names[-1].lower().split()
        codes = place_keys(places[-1])
        places, place_names = places[:-1], place_names[:-1]
    else:
        codes = ()
    if restated(bracket, places, codes):
        bracket, bracket_name = (), ""  # "Xinjiang Uyghur Autonomous Region (XUAR)": said twice
    key = re.sub(r"[^a-z0-9]", "", "".join(trade_words))
    trade = " ".join(w.upper() if len(w) <= 3 else w.capitalize() for w in trade_words)
    return NameFeatures(
        text=text,
        script="Latn" if name.words or name.legal else detect_script(text),
        trade=trade,
        keys=((key, *codes) if key else ()),
        places=tuple(places),
        place_names=tuple(place_names),
        bracket=bracket,
        bracket_name=bracket_name,
        industry=tuple(dict.fromkeys(industry_stem(w) for w in industry)),
        industry_names=tuple(industry),
        legal=name.legal,
        group=group or bool({"group", "holdings", "holding"} & set(name.legal)),
        branch=branch,
        xpcc=xpcc,
    )


# A person's title, first or after the comma of FAMILY, Given (AL ZAWAHIRI, Dr. Ayman).
# First, only with its full stop: MR PRICE GROUP is a company.
_TITLE = re.compile(r"(^\s*(?=\w+\.)|,\s*)(?:mr|mrs|ms|miss|madam|dr|prof)\.?\s+(?=[a-z])", re.I)

_GREEN_TRADES = frozenset({"energy", "power", "new", "solar", "photovoltaic", "electric"})
_THE = re.compile(r"^\s*the\s+(?=\S+\s)", re.I)  # THE China Cotton Group ...: "the" says nothing

_LONGEST_WORD = 40  # longer is no word written together but a broken cell


def _unglued(words: list[str]) -> list[str]:
    """Words a bill of lading wrote together, apart: a place and a name (XINJIANGZHONGTAI),
    two industry words (NEWENERGY); a place with two letters swapped (XINJAING) corrected."""
    out: list[str] = []
    known = _glue_heads()
    for i, word in enumerate(words):
        if not 6 <= len(word) <= _LONGEST_WORD or word in known:
            out.append(word)
            continue
        if i == 0:
            fixed = transposed_place(word) or misspelled_place(word)
            if fixed:
                out.append(fixed)
                continue
        out.extend(_split_glued(word, first=i == 0))
    return out


def _split_glued(word: str, first: bool) -> list[str]:
    heads = _glue_heads()
    for cut in range(3, len(word) - 2):
        head = word[:cut]
        if head not in heads:  # (most words: no cut is a known word)
            continue
        tail = word[cut:]
        if is_industry_word(head) and is_industry_word(tail) and _generic(head, tail):
            return [head, tail]  # newenergy (FiberHome stays a coined name)
        if first and len(head) >= 6 and len(tail) >= 4 and is_major_place(head):
            return [head, *_split_glued(tail, first=False)]  # xinjiangzhongtai
    if len(word) >= 14:  # zhongtaichemical: a long word ending in an industry word
        for cut in range(len(word) - 5, 4, -1):
            if word[cut:] in heads and is_industry_word(word[cut:]):
                return [word[:cut], word[cut:]]
    return [word]


@cache
def _glue_heads() -> frozenset[str]:
    """The words a glued word can start with: industry words and major place names."""
    return frozenset({w for w in industry_words() if len(w) >= 3} | major_places())


def _generic(*words: str) -> bool:
    return any(sector(industry_stem(w)) in GENERIC_SECTORS for w in words)


def _china_group(tokens: list[str]) -> list[str]:
    """The words of "China <industry> Group" opening a name with more after it, or []."""
    at = next((i for i in (2, 3) if i < len(tokens) and tokens[i] in ("group", "grp")), 0)
    if tokens[:1] != ["china"] or not at:
        return []
    words = tokens[:at]
    tail = [t for t in tokens[at + 1 :] if t not in LEGAL_WORDS]
    if tail and all(is_industry_word(w) for w in words[1:]):
        return words
    return []


# Words that name something together rather than a line of business: "Silk Road" (丝路) is no
# silk company.
_PHRASES = {tuple(k.split()): v for k, v in table("phrases").items()}


def _phrases(words: list[str]) -> list[str]:
    out: list[str] = []
    for w in words:
        joined = _PHRASES.get((out[-1], w)) if out else None
        if joined:
            out[-1] = joined
        else:
            out.append(w)
    return out


def _cut_off(word: str) -> bool:
    """A last word that looks cut off: the start of a legal, place or industry word."""
    if len(word) <= 2:
        return True
    vocabulary = LEGAL_WORDS | ADMIN_WORDS | known_words()
    return word not in vocabulary and any(
        w.startswith(word) and len(w) > len(word) for w in vocabulary
    )


picklable(NameFeatures)  # (frozen: see paxta.native)
