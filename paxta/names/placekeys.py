"""Places in company names as comparable keys, in both scripts.

A place is a tuple of keys: its gazetteer division code(s) in Xinjiang (653101), cn:<pinyin>
elsewhere in China (cn:hangzhou), country:<name> abroad; several when the written name is
ambiguous. Two places are the same when they share a key, so 阿克苏, Aksu and Akesu agree. Also
here: the places an address names, counties outside Xinjiang, and major places as written with
one slip (Xingjang, Xinjaing).
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from pypinyin import Style, lazy_pinyin
from rapidfuzz.distance import OSA

from paxta.names.english import ADMIN_WORDS
from paxta.names.transliterate import is_pinyin
from paxta.names.wordtables import table
from paxta.places.gazetteer import CHINA, CHINA_OTHER, FOREIGN, STRONG, XJ, Pattern, fold, gazetteer
from paxta.places.locator import place_mentions

# A place as keys: its gazetteer division code(s) in Xinjiang (653101), cn:<pinyin> elsewhere in
# China (cn:hangzhou), country:<name> abroad; several when the name is ambiguous. Two places
# are the same when they share a key.
PlaceKeys = tuple[str, ...]


@cache
def han_place_keys(word: str) -> PlaceKeys:
    """The keys of a place written in Chinese: gazetteer keys, or cn:<pinyin> elsewhere."""
    patterns = gazetteer().han_names().get(fold(word), ())
    return _keys_of(patterns, word, han=True)


_HAN_SUFFIXES = ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "自治州")


def _han_stem(word: str) -> str:
    """A Chinese place name without its administrative suffix (内蒙古自治区 内蒙古, 杭州市 杭州)."""
    for suffix in (*_HAN_SUFFIXES, "省", "市", "县", "区"):
        if word.endswith(suffix) and len(word) > len(suffix) + 1:
            return word[: -len(suffix)]
    return word


def _keys_of(patterns: tuple[Pattern, ...], word: str, han: bool) -> PlaceKeys:
    keys: set[str] = set()
    for p in patterns:
        if p.kind == XJ:
            keys.add(p.key)
        elif p.kind == FOREIGN:
            keys.add("country:" + p.key.casefold())
        elif p.kind == CHINA_OTHER and p.variant_kind == "province":
            # one key per province in both scripts: Inner Mongolia, 内蒙古, 内蒙古自治区
            keys.add("cn:" + "".join(lazy_pinyin(_han_stem(p.key), style=Style.NORMAL)))
        elif p.kind in (CHINA_OTHER, CHINA):
            if han:
                keys.add("cn:" + "".join(lazy_pinyin(_han_stem(word), style=Style.NORMAL)))
            else:
                keys.add("cn:" + re.sub(r"[^a-z0-9]", "", fold(word)))
    return tuple(sorted(keys))


@cache
def _latin_places() -> dict[str, tuple[Pattern, ...]]:
    out: dict[str, tuple[Pattern, ...]] = {}
    for text, patterns in gazetteer().latin_names().items():
        useful = tuple(
            p
            for p in patterns
            if p.kind in (XJ, CHINA, FOREIGN)
            or (p.kind == CHINA_OTHER and p.variant_kind in ("province", "city"))
        )
        if useful:
            out[text] = useful
    return out


def latin_place_keys(words: tuple[str, ...]) -> PlaceKeys:
    """The keys of a place written in Latin letters (one to three words), or ()."""
    places = _latin_places()
    tries = [" ".join(words), "".join(words)]
    if len(words) > 1 and words[-1] in _FEATURE_WORDS:  # Yuepu Lake: 岳普湖 (Yuepuhu)
        tries.append("".join(words[:-1]) + _FEATURE_WORDS[words[-1]])
    for text in tries:
        patterns = places.get(text)
        if patterns:
            return _keys_of(patterns, text, han=False)
    return ()


# A place named after a lake, river or mountain is sometimes written with the word translated.
_FEATURE_WORDS: dict[str, str] = table("feature_words")


@lru_cache(maxsize=20_000)
def address_places(addresses: tuple[str, ...], within: bool = True) -> frozenset[str]:
    """The place keys an entity's addresses name: Xinjiang divisions (``within``: with the
    divisions they lie in), other Chinese cities and provinces (with their province: Hangzhou
    is cn:hangzhou, cn:zhejiang). Countries are left out (the list's country field says
    them), and so are streets named after a place (Beijing South Road in Urumqi)."""
    keys: set[str] = set()
    for address in addresses:
        for surface, patterns in place_mentions(address):
            keys |= _address_keys(patterns, surface, patterns[0].script == "Han", within)
    if not within:  # "Awati County, Aksu Prefecture": the address is at Awati
        keys -= {d.key for k in keys for d in gazetteer().parents(k)[1:]}
    return frozenset(keys)


def _address_keys(patterns: tuple[Pattern, ...], text: str, han: bool, within: bool) -> set[str]:
    keys: set[str] = set()
    for p in patterns:
        if p.kind == XJ and p.strength == STRONG and p.variant_kind != "township":
            # (a weak spelling or a township's name is too often an everyday word)
            keys |= gazetteer().within(p.key) if within else {p.key}
        elif p.kind == CHINA_OTHER and p.variant_kind in ("province", "city"):
            keys |= set(_keys_of((p,), text, han))
            if within:
                keys |= set(han_place_keys(p.key))  # the province
    return keys


def is_major_place(word: str) -> bool:
    return word in major_places()


@cache
def major_places() -> frozenset[str]:
    """Xinjiang's places (strong spellings) and the provinces, written in Latin letters."""
    return frozenset(
        text for text, patterns in _latin_places().items() if any(map(_major_place, patterns))
    )


def transposed_place(word: str) -> str:
    """The Xinjiang or province name ``word`` is with two neighbouring letters swapped back."""
    if "".join(sorted(word)) not in _major_letters():  # a swap keeps the letters
        return ""
    for at in range(len(word) - 1):
        fixed = word[:at] + word[at + 1] + word[at] + word[at + 2 :]
        if fixed != word and is_major_place(fixed):
            return fixed
    return ""


@lru_cache(maxsize=20_000)
def misspelled_place(word: str) -> str:
    """The Xinjiang or province name ``word`` misspells (XINGJANG, GUANGDONGG): a letter or two
    off (one for names under eight letters), same first letter, and ``word`` is no run of
    pinyin syllables itself (Shanghui is a name, not Shanghai misspelt)."""
    if len(word) < 6 or is_pinyin(word):
        return ""
    limit = 1 if len(word) < 8 else 2
    near = [
        (OSA.distance(word, place), abs(len(place) - len(word)), place)
        for place in _major_by_initial().get(word[0], ())
        if abs(len(place) - len(word)) <= limit
    ]
    best = min((n for n in near if n[0] <= limit), default=None)
    return best[2] if best else ""


@cache
def _major_by_initial() -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for place in sorted(major_places()):
        if len(place) >= 6 and place.isalpha():
            out.setdefault(place[0], []).append(place)
    return {k: tuple(v) for k, v in out.items()}


@cache
def _major_letters() -> frozenset[str]:
    return frozenset("".join(sorted(text)) for text in major_places())


def _major_place(p: Pattern) -> bool:
    return (p.kind == XJ and p.strength == STRONG) or p.variant_kind == "province"


def restated(bracket: PlaceKeys, places: list[PlaceKeys], codes: tuple[str, ...]) -> bool:
    """A bracketed place that is a place the name already gives, or a division holding one:
    it says where the name's place is, not a subsidiary's place."""
    if not bracket:
        return False
    named = {k for p in places for k in p} | {c[1:] for c in codes if c[:1] == "@"}
    holding = {d for k in named for d in gazetteer().within(k)} | named
    return bool(set(bracket) & holding)


def place_keys(place: PlaceKeys) -> tuple[str, ...]:
    """A place used as a trade name, as trade keys: its division codes (``@653101``)."""
    return tuple(f"@{code}" for code in place)


def china_place_word(place: PlaceKeys) -> str:
    """The pinyin of a place elsewhere in China that ``place`` is alone (hangzhou), or ''."""
    return place[0][3:] if len(place) == 1 and place[0].startswith("cn:") else ""


def county_of(place: PlaceKeys) -> str:
    """The pinyin of a county outside Xinjiang that ``place`` is alone (huangmei), or ''."""
    word = china_place_word(place)
    return word if word in counties() else ""


def _county(words: list[str], i: int) -> PlaceKeys:
    """ "Linxi County": a county outside Xinjiang, known by its pinyin when the word County
    follows it (alone, a county's name is too often a trade name)."""
    if i + 1 < len(words) and words[i + 1] == "county" and words[i] in counties():
        return ("cn:" + words[i],)
    return ()


def branch_place(word: str) -> PlaceKeys:
    return latin_place_keys((word,)) or (("cn:" + word,) if word in counties() else ())


@cache
def counties() -> frozenset[str]:
    return frozenset(
        "".join(lazy_pinyin(_han_stem(han), style=Style.NORMAL))
        for han, patterns in gazetteer().han_names().items()
        if han.endswith("县") and any(p.variant_kind == "county" for p in patterns)
    )


def leading_places(words: list[str]) -> tuple[list[PlaceKeys], list[str], list[str]]:
    """Peel place names (and words like County, Uygur, Autonomous) off the front."""
    places: list[PlaceKeys] = []
    names: list[str] = []
    i = 0
    while i < len(words):
        if words[i] in ADMIN_WORDS and places:
            i += 1
            continue
        county = _county(words, i)
        if county:
            places.append(county)
            names.append(words[i].capitalize())
            i += 1
            continue
        for size in (3, 2, 1):
            chunk = tuple(words[i : i + size])
            if len(chunk) < size:
                continue
            keys = latin_place_keys(chunk)
            if keys:
                places.append(keys)
                names.append(" ".join(w.capitalize() for w in chunk))
                i += size
                break
        else:
            break
    rest = words[i:]
    j = 0
    while j < len(rest):  # "Tianyi International Dalian": a place later in the name
        found = False
        for size in (2, 1):
            chunk = tuple(rest[j : j + size])
            keys = latin_place_keys(chunk) if len(chunk) == size else ()
            if keys and len(rest) - size >= 1 and j > 0:
                places.append(keys)
                names.append(" ".join(w.capitalize() for w in chunk))
                rest = rest[:j] + rest[j + size :]
                found = True
                break
        if not found:
            j += 1
    return places, names, rest
