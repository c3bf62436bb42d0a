"""Compare two names part by part and say why: the score, the decision, the explanation.

The trade name (字号) decides whether two names can be the same company; places, industry and
legal role decide whether they are the same company or relatives. Where the trade name agrees
but a bracketed place, a region, the group/branch role, the line of business, the country or a
registry ID differs, the result is ``review`` with the relation spelled out, never ``match``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from typing import NamedTuple

from rapidfuzz.distance import OSA, Indel

from paxta.names.english import LEGAL_WORDS, latin_key, normalise_latin, word_sequence
from paxta.names.features import TRUNCATED_MAX, TRUNCATED_MIN, NameFeatures, address_places
from paxta.names.romanised import translations_of_pinyin
from paxta.names.terms import trade_words
from paxta.names.transliterate import is_pinyin, normalise_han
from paxta.names.vocabulary import GENERIC_SECTORS, is_industry_word, one_trade, sector
from paxta.screen.aliases import translations

MATCH = "match"
REVIEW = "review"
CLEAR = "clear"
DECISIONS = (MATCH, REVIEW, CLEAR)
_RANK = {MATCH: 2, REVIEW: 1, CLEAR: 0}

TRADE_MATCH = 0.92  # trade-name similarity needed for a match
TRADE_REVIEW = 0.80  # ... and for review
SCORE_MATCH = 0.80
REVIEW_CAP = 0.79  # a result with a relation never scores as a match


@dataclass
class Comparison:
    """How a query name compares with one listed name."""

    score: float
    decision: str
    agree: list[str] = field(default_factory=list)
    differ: list[str] = field(default_factory=list)
    relation: str = ""
    rule: str = ""  # "cut": the 35-character cut rule; "address": placed by the query's address

    @property
    def explanation(self) -> str:
        """One line an analyst can check: the relation, what agreed, what differed."""
        parts = []
        if self.relation:
            parts.append(self.relation.upper() if self.decision == REVIEW else self.relation)
        parts.extend(self.agree)
        if self.differ:
            parts.append("differs: " + "; ".join(self.differ))
        return "; ".join(parts)

    def outranks(self, other: Comparison) -> bool:
        """Decision first, then score."""
        return (rank(self.decision), self.score) > (rank(other.decision), other.score)


def rank(decision: str) -> int:
    """How strong a decision is: match 2, review 1, clear 0 (for ordering results)."""
    return _RANK.get(decision, 0)


@dataclass(frozen=True)
class Context:
    """What else is known about the query or the listed entity: registry IDs, countries."""

    ids: frozenset[str] = frozenset()
    countries: frozenset[str] = frozenset()
    addresses: tuple[str, ...] = ()  # as the list publishes them (listed entities)


NO_CONTEXT = Context()


def compare(
    q: NameFeatures,
    c: NameFeatures,
    alias_keys: frozenset[str] = frozenset(),
    q_context: Context = NO_CONTEXT,
    c_context: Context = NO_CONTEXT,
) -> Comparison:
    """Compare query ``q`` with listed name ``c``; ``alias_keys`` are the query's coined names."""
    shared_ids = q_context.ids & c_context.ids
    if shared_ids:
        return Comparison(
            1.0, MATCH, [f"registry ID {sorted(shared_ids)[0]} is on the list for this entity"]
        )
    if q.xpcc and c.xpcc:
        unit_q, unit_c = bool(q.trade or q.industry), bool(c.trade or c.industry)
        if not (unit_q and unit_c):
            return _xpcc(q, c, unit_q, unit_c)
        if not q.keys and not c.keys and set(q.industry) == set(c.industry):
            said = f"{', '.join(q.industry_names)} ~ {', '.join(c.industry_names)}"
            corps = f"{_xpcc_words(q)} = Xinjiang Production and Construction Corps (XPCC rule)"
            return Comparison(1.0, MATCH, [corps, f"{said} (the same unit of the XPCC)"])
    if name_words(q.text) == name_words(c.text):
        parts = _parts(q, c, alias_keys, q_context, c_context)
        if parts.decision != MATCH:
            # The same words, which the parts did not confirm (a name with no trade name, a
            # bracket read two ways): the same name is the same entity, unless a registry ID
            # or the country says otherwise.
            parts = Comparison(1.0, MATCH, [f"{q.text} = {c.text} (same name)"])
            _context(q_context, c_context, parts)
            if parts.relation:
                parts.score, parts.decision = REVIEW_CAP, REVIEW
        parts.rule = "same"
        return parts
    cut = cut_name(q.text)
    if cut is not None:
        found = _cut_match(q, c, cut)
        if found is not None:
            _context(q_context, c_context, found)
            if found.relation and found.decision == MATCH:
                found.score, found.decision = REVIEW_CAP, REVIEW
            return found
    return _parts(q, c, alias_keys, q_context, c_context)


def _parts(
    q: NameFeatures,
    c: NameFeatures,
    alias_keys: frozenset[str],
    q_context: Context,
    c_context: Context,
) -> Comparison:
    """Trade name, places, industry, legal form and role, each compared and explained."""
    q, c = _county_in_trade(q, c), _county_in_trade(c, q)
    t, trade_note, slip = trade_similarity(q, c, alias_keys)
    if t < TRADE_REVIEW * 0.9:
        return Comparison(round(0.6 * t, 3), CLEAR, differ=[trade_note])
    out = Comparison(0.0, CLEAR, agree=[trade_note] if t >= TRADE_REVIEW else [])
    if t < TRADE_REVIEW:
        out.differ.append(trade_note)
    place = _places(q, c, out, q_context, c_context)
    industry = _industry(q, c, out)
    _roles(q, c, out)
    _context(q_context, c_context, out)
    legal = 1.0 if q.legal and c.legal else 0.5
    if q.legal and c.legal:
        out.agree.append(f"{_legal_text(q)} ~ {_legal_text(c)} (legal form)")
    confirmed = (place == 1.0) + (industry >= 0.8)  # a slip in the trade name needs these
    if slip == PINYIN_SLIP and confirmed < 2:
        if not confirmed:  # Baiyi Textile in Guangdong is not Bayi Iron and Steel
            return Comparison(round(0.6 * TRADE_REVIEW, 3), CLEAR, differ=[trade_note])
        t = TRADE_REVIEW  # Hafu Textile against Huafu Textile elsewhere: review
    score = 0.55 * t + 0.2 * place + 0.2 * industry + 0.05 * legal
    supported = _supported(q, c, place, industry, _coined(q, c, alias_keys))
    if slip == COINED_SLIP and not confirmed:
        supported = False  # Chamtex is not CHATEX: a slip needs a place or trade to confirm it
    if supported and _place_trade(q, c) and _other_trade(q, c, industry):
        out.relation = out.relation or "the trade name is only a place; the trades differ"
    elif supported and industry < 1.0 and place < 1.0 and _siblings(q, c):
        # Zijin Copper against Zijin Mining Group: the same sector, and nothing else agrees
        out.relation = out.relation or "same trade name, another trade of the same sector"
    elif supported and _foreign_parent(q, c):
        # Daqo New Energy Corp. against Xinjiang Daqo New Energy Co., Ltd.: its parent abroad
        out.relation = out.relation or "a company abroad of the listed name, maybe its parent"
    elif supported and _two_trades(q, c):
        # 湖北银丰纺织 against Hubei Yinfeng Cotton: a sister company of the same group and place
        out.relation = out.relation or "same trade name, each names a trade the other lacks"
    elif supported and place < 1.0 and _common_word(c) and set(q.industry) != set(c.industry):
        # Western Gold Resources against Western Gold: an everyday word is many companies' name
        out.relation = out.relation or "the trade name is an everyday word; the trades differ"
    if out.relation:
        out.score = round(min(score, REVIEW_CAP), 3)
        out.decision = REVIEW if t >= TRADE_REVIEW else CLEAR
    elif t >= TRADE_MATCH and score >= SCORE_MATCH and supported:
        out.score, out.decision = round(score, 3), MATCH
    elif t >= TRADE_REVIEW:
        out.score, out.decision = round(min(score, REVIEW_CAP), 3), REVIEW
        if not supported:
            out.relation = (
                "the query names a line of business the listed name lacks"
                if q.industry and not c.industry
                else "the query names a place the listed name lacks: it or a subsidiary there"
                if q.places and not (c.places or c.bracket)
                else "trade name agrees, nothing else to confirm it"
            )
    else:
        out.score = round(min(score, 0.6), 3)
    return out


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


def _cut_match(
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


def _supported(
    q: NameFeatures, c: NameFeatures, place: float, industry: float, coined: bool = False
) -> bool:
    """Something besides the trade name confirms the match, and nothing is left unexplained.

    A query naming a line of business the listed name lacks (Meiling Pharmaceutical against
    Meiling) may be another company of that trade name, so it needs review; not when the
    trade name is a coined name of three characters or more the listed one is known by
    (深网视界科技 against SenseNets: the registered name says what the list leaves out).
    """
    if q.industry and not c.industry and not coined:
        return False
    if q.places and not (c.places or c.bracket) and place < 1.0:
        return False  # Qingdao Yason Machinery against Yason Machinery: maybe a subsidiary
    if place == 1.0 or industry >= 0.8:
        return True
    return not (c.places or c.industry or c.bracket) and not (q.places and q.industry)


def _other_trade(q: NameFeatures, c: NameFeatures, industry: float) -> bool:
    """Both name a line of business, and not the same lines (Real Estate against Energy and
    Real Estate; textile against cotton and linen; Energy Investment against Energy)."""
    if not (q.industry and c.industry):
        return False
    extra = {
        a
        for a in q.industry
        if sector(a) != "government" and not any(one_trade(a, b) for b in c.industry)
    }  # (a government body's words vary: 公安厅 Department, Bureau)
    return industry < 1.0 or _sectors(q) != _sectors(c) or bool(extra)


def _sectors(f: NameFeatures) -> frozenset[str]:
    return frozenset(sector(s) for s in _specific(f))


def _coined(q: NameFeatures, c: NameFeatures, alias_keys: frozenset[str]) -> bool:
    """The Chinese trade name (three characters or more) is the listed name's coined one."""
    if q.script != "Hani" or len(q.trade) < 3 or not alias_keys & set(c.keys):
        return False
    return not translations(normalise_han(q.trade)) & set(c.keys)


def _pinyin_translated(q: NameFeatures, c: NameFeatures) -> bool:
    """The query is a pinyin name whose common words, in English, are the listed trade name."""
    return (
        len(q.keys) > 1
        and q.script == "Latn"
        and c.keys[0] in q.keys[1:]
        and c.keys[0] in translations_of_pinyin(q.keys[0])
    )


def _siblings(q: NameFeatures, c: NameFeatures) -> bool:
    """Both name a line of business of the same sector, in words that are not one word's forms
    (copper and mining are two trades; biological and biotechnology are one)."""
    q_words, c_words = _specific(q), _specific(c)
    return bool(q_words and c_words) and not any(one_trade(a, b) for a in q_words for b in c_words)


_FOREIGN_FORMS = frozenset({"corporation", "incorporated", "plc", "ag", "sa", "nv", "bv"})
_CHINESE_FORMS = frozenset({"company", "limited"})


def _foreign_parent(q: NameFeatures, c: NameFeatures) -> bool:
    """The query has a legal form of its own abroad (Corp., Inc.) and no place, and the listed
    name is a Chinese company at a place (Xinjiang Daqo New Energy Co., Ltd.)."""
    return (
        q.script == "Latn"
        and not q.places
        and bool(c.places)
        and bool(_FOREIGN_FORMS & set(q.legal))
        and set(c.legal) <= _CHINESE_FORMS | {"group"}
        and not _FOREIGN_FORMS & set(c.legal)
    )


def _two_trades(q: NameFeatures, c: NameFeatures) -> bool:
    """Each name has an industry word the other lacks, the listed one's a line of business
    (textile against cotton; silicon materials against silicon energy). Forms of one word
    (biological, biotechnology) are one."""
    q_only = set(q.industry) - set(c.industry)
    c_only = set(c.industry) - set(q.industry)
    if not q_only or not c_only:
        return False
    q_left = {a for a in q_only if not any(one_trade(a, b) for b in c_only)}
    c_left = {b for b in c_only if not any(one_trade(a, b) for a in q_only)}
    return bool(q_left) and any(sector(b) not in GENERIC_SECTORS for b in c_left)


def _common_word(f: NameFeatures) -> bool:
    """The trade name is one of the common words trade names are made of (Western, Golden)."""
    return bool(f.keys) and f.keys[0] in _common_keys()


@cache
def _common_keys() -> frozenset[str]:
    return frozenset(latin_key(e) for english in trade_words().values() for e in english)


def _specific(f: NameFeatures) -> frozenset[str]:
    """The industry words that say a line of business (not Industry, Trading, Development)."""
    return frozenset(s for s in f.industry if sector(s) not in GENERIC_SECTORS)


def _place_trade(q: NameFeatures, c: NameFeatures) -> bool:
    """Both trade names are a place's name (their keys carry the place's codes): 菏泽纺织
    against Heze Cotton and Linen, where the city's name is no company's own name."""
    return all(any(k.startswith("@") for k in f.keys) for f in (q, c))


def _xpcc(q: NameFeatures, c: NameFeatures, unit_q: bool, unit_c: bool) -> Comparison:
    said = [f"{_xpcc_words(q)} = Xinjiang Production and Construction Corps (XPCC rule)"]
    if unit_c:
        return Comparison(
            REVIEW_CAP, REVIEW, said, relation="the listed entry is one unit of the XPCC"
        )
    if unit_q:
        relation = "XPCC unit or affiliate: the name says it belongs to the XPCC"
        return Comparison(0.95, MATCH, said, relation=relation)
    return Comparison(1.0, MATCH, said)


def _xpcc_words(f: NameFeatures) -> str:
    return f.text if len(f.text) <= 40 else f.text[:40] + "..."


COINED_SLIP, PINYIN_SLIP = "coined", "pinyin"  # a trade name a typing slip away: which kind


class Trade(NamedTuple):
    """How two trade names compare: a similarity (0-1), how it was found, and, when they are a
    typing slip apart, whether the slip is in a coined name or in a pinyin one."""

    score: float
    note: str
    slip: str = ""


def trade_similarity(
    q: NameFeatures, c: NameFeatures, alias_keys: frozenset[str] = frozenset()
) -> Trade:
    """How alike the trade names are (0-1), how that was found, and whether by a slip."""
    if not q.keys or not c.keys:
        words = plain_words(q.text)
        if not q.keys and not c.keys and words == plain_words(c.text) and _telling(words):
            return Trade(1.0, "same name (legal form aside)")
        return Trade(0.0, "no trade name to compare")
    label = _trade_label(q, c)
    if _pinyin_translated(q, c):
        return Trade(1.0, f"{q.trade} = {c.trade} ({label}, pinyin translated word by word)")
    if alias_keys & set(c.keys):
        if q.script == "Hani" and translations(normalise_han(q.trade)) & set(c.keys):
            return Trade(1.0, f"{q.trade} = {c.trade} ({label}, translated word by word)")
        return Trade(1.0, f"{q.trade} = {c.trade} ({label}, alias table)")
    coined = alias_keys - translations(normalise_han(q.trade)) if q.script == "Hani" else set()
    if c.trade and c.trade.casefold().split()[0] in coined:
        return Trade(
            0.95, f"{q.trade} = {c.trade} ({label}, alias table, one word of the trade name)"
        )
    shared = set(q.keys) & set(c.keys)
    if shared:
        how = (
            "the same place"
            if all(k.startswith("@") for k in shared)
            else "pinyin"
            if q.script != c.script
            else "same"
        )
        return Trade(1.0, f"{q.trade} = {c.trade} ({label}, {how})")
    if q.script == c.script == "Latn" and _respelled(q.keys[0], c.keys[0]):
        return Trade(0.93, f"{q.trade} = {c.trade} ({label}, spelled another way)")
    if q.script == c.script == "Latn" and _one_letter_off(q.keys[0], c.keys[0]):
        if len(q.keys[0]) >= 5 and len(c.keys[0]) >= 5 and not is_pinyin(q.keys[0]):
            return Trade(0.93, f"{q.trade} = {c.trade} ({label}, a typing slip)", COINED_SLIP)
        # pinyin a letter off is another name as often as a slip (Hafu, Huafu): it needs the
        # place and the trade to agree
        return Trade(
            0.93, f"{q.trade} ~ {c.trade} ({label}, a typing slip, or another name)", PINYIN_SLIP
        )
    # Fuzzy only between the main readings: a rare reading of a character is no typo.
    best = Indel.normalized_similarity(q.keys[0], c.keys[0])
    if min(len(q.keys[0]), len(c.keys[0])) < 6:
        best = best**2  # two letters apart in "huafu" is another name
    q_words, c_words = q.trade.casefold().split(), c.trade.casefold().split()
    if len(q_words) > 1 and len(c_words) > 1 and best < 0.97:
        best = min(best, _shared_words(q_words, c_words))  # Daesong Credit Bank, Daedong ...
        if set(q_words) < set(c_words) or set(c_words) < set(q_words):
            best = min(best, 0.85)  # a word more: "Forging Press Control Toys" is not the same
    how = f"{q.trade} ~ {c.trade} ({label}, {best:.2f} alike)"
    part = _partial(q, c)
    if part > best:
        return Trade(part, f"{q.trade} ~ {c.trade} ({label}, one contains the other)")
    return Trade(best, how)


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


def _county_in_trade(h: NameFeatures, other: NameFeatures) -> NameFeatures:
    """``h`` (Chinese) with its county read as part of its trade name where ``other``'s English
    trade name starts with it (黄梅县小池银丰: Huangmei Xiaochi Yinfeng Cotton)."""
    if h.script != "Hani" or not h.places or not other.keys or other.script == "Hani":
        return h
    county = h.places[-1][3:]
    if not other.keys[0].startswith(county) or other.keys[0] not in h.keys:
        return h
    return replace(
        h,
        trade=h.place_names[-1].split(" = ")[0] + h.trade,
        keys=(other.keys[0],),
        places=h.places[:-1],
        place_names=h.place_names[:-1],
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


def _partial(q: NameFeatures, c: NameFeatures) -> float:
    """One trade name holds the other whole (a short name, or an extra word): at most review."""
    for a in q.keys:
        for b in c.keys:
            short, long = sorted((a, b), key=len)
            if len(short) >= 4 and (long.startswith(short) or long.endswith(short)):
                return 0.85
    return 0.0


def _places(
    q: NameFeatures, c: NameFeatures, out: Comparison, q_context: Context, c_context: Context
) -> float:
    q_all = set(q.places) | ({q.bracket} if q.bracket else set())
    c_all = set(c.places) | ({c.bracket} if c.bracket else set())
    if q.bracket and c.bracket:
        if _same_place(q.bracket, c.bracket):
            out.agree.append(f"{_written(q.bracket_name)} = {c.bracket_name} (bracketed place)")
        else:
            out.relation = "same group, different subsidiary"
            out.differ.append(f"bracketed place {q.bracket_name} vs {c.bracket_name}")
            return 0.0
    elif c.bracket and not any(_same_place(c.bracket, p) for p in q_all):
        out.relation = "the listed company is a subsidiary at one place; the query names no such"
        out.differ.append(f"listed subsidiary at {c.bracket_name}, query does not say")
        return 0.3
    elif q.bracket and not any(_same_place(q.bracket, p) for p in c_all):
        out.relation = "the query is a subsidiary or branch at a place the listed name lacks"
        out.differ.append(f"query at {q.bracket_name}, listed name has no such place")
        return 0.3
    q_regions, c_regions = set(q.places), set(c.places)
    # Without a place in the listed name, the list's address says where the company is
    # (Dahua Technology, listed at Hangzhou and Urumqi, for 浙江大华技术).
    by_address = bool(q_regions) and not c_regions and not c.bracket
    where = address_places(c_context.addresses) if by_address else frozenset()
    where |= {k for p in c_regions for k in _keyset(p)}
    abroad = [p for p in q_regions if p.startswith("country:") and p not in where]
    if abroad and where and len(abroad) < len(q_regions):  # XINJIANG ZHONGTAI ... VIETNAM
        out.relation = "the query names another country: a company there of the listed name"
        out.differ.append(f"the query names {', '.join(q.place_names)}")
        return 0.3
    if q_regions and where:
        said = "the listed address" if by_address else ", ".join(c.place_names)
        if any(_keyset(p) & where for p in q_regions):
            agreed = _place_pairs(q, c) if c_regions else ", ".join(q.place_names)
            out.agree.append(f"{agreed} (region{'; the listed address' if by_address else ''})")
            return 1.0
        out.relation = "same trade name, different place" + (
            ": the listed address is elsewhere" if by_address else ""
        )
        out.differ.append(f"region {', '.join(q.place_names)} vs {said}")
        return 0.0
    if c_regions and not q_regions and not q.bracket and q_context.addresses:
        # 华孚纺织 with its address at Awati: the Awati company, not the Ninghai one
        named = address_places(q_context.addresses, within=False)
        if any(_keyset(p) & named for p in c_regions):
            out.agree.append(f"{', '.join(c.place_names)} (region; the query's address)")
            out.rule = "address"
            return 1.0
        here = address_places(q_context.addresses)
        if any(_keyset(p) & here for p in c_regions):  # Awati lies in Aksu prefecture
            out.differ.append(f"the query's address lies within {', '.join(c.place_names)}")
            return 0.6
        if here:
            out.relation = "same trade name, different place: the query's address is elsewhere"
            out.differ.append(f"region {', '.join(c.place_names)} vs the query's address")
            return 0.0
    if q_regions or c_regions:
        side = "query" if q_regions else "listed name"
        names = q.place_names if q_regions else c.place_names
        out.differ.append(f"only the {side} names a region ({', '.join(names)})")
        return 0.6
    if q.bracket or c.bracket:
        return 1.0
    return 0.7


_LEGAL_SHORT = {
    "company": "Co.",
    "limited": "Ltd.",
    "corporation": "Corp.",
    "incorporated": "Inc.",
    "group": "Group",
    "holding": "Holding",
    "holdings": "Holdings",
}


def _legal_text(f: NameFeatures) -> str:
    if f.script == "Hani":
        return "".join(f.legal)
    return " ".join(_LEGAL_SHORT.get(w, w.capitalize()) for w in f.legal)


def _written(name: str) -> str:
    """A place as the name writes it (鄯善 of "鄯善 = Shanshan")."""
    return name.split(" = ")[0]


def _same_place(a: str, b: str) -> bool:
    return not _keyset(a).isdisjoint(_keyset(b))


@lru_cache(maxsize=50_000)
def _keyset(place: str) -> frozenset[str]:
    return frozenset(place.split("|"))


def _place_pairs(q: NameFeatures, c: NameFeatures) -> str:
    q_names = [_written(n) for n in q.place_names]
    return f"{', '.join(q_names)} = {', '.join(c.place_names)}"


def _industry(q: NameFeatures, c: NameFeatures, out: Comparison) -> float:
    if not q.industry or not c.industry:
        if q.industry or c.industry:
            side = q if q.industry else c
            words = side.industry_names
            out.differ.append(
                f"only the {'query' if side is q else 'listed name'} names an industry "
                f"({', '.join(words)})"
            )
            return 0.6
        return 0.7
    q_specific = {s for s in q.industry if sector(s) not in GENERIC_SECTORS}
    c_specific = {s for s in c.industry if sector(s) not in GENERIC_SECTORS}
    shown = f"{', '.join(q.industry_names)} ~ {', '.join(c.industry_names)}"
    if set(q.industry) & set(c.industry) and (q_specific & c_specific or not q_specific):
        extra = {sector(s) for s in q_specific} - {sector(s) for s in c_specific}
        if extra and c_specific:  # Xinjiang Energy Group Real Estate against Xinjiang Energy Group
            out.relation = out.relation or "the query names another line of business too"
            out.differ.append(f"only the query names {', '.join(sorted(extra))}")
            out.agree.append(f"{shown} (industry, in part)")
            return 0.8
        out.agree.append(f"{shown} (industry)")
        return 1.0
    q_sectors = {sector(s) for s in q_specific}
    c_sectors = {sector(s) for s in c_specific}
    if q_sectors & c_sectors:
        out.agree.append(f"{shown} (industry, same sector)")
        return 0.8
    if not q_specific and not c_specific:
        return 0.6
    if not q_specific or not c_specific:  # Chengxing Pharmaceutical against Chengxing Trading
        out.relation = out.relation or "same trade name, another line of business"
        out.differ.append(f"industry {shown}")
        return 0.3
    out.relation = out.relation or "same trade name, different line of business"
    out.differ.append(f"industry {shown}")
    return 0.0


def _roles(q: NameFeatures, c: NameFeatures, out: Comparison) -> None:
    if c.group and not q.group and not (q.bracket or c.bracket or q.branch or c.branch):
        # 喀什建工 for Kashgar Construction Engineering (Group): the group's own name written
        # without the word; a member company would name its own place or line of business.
        out.differ.append("only the listed name says group (集团)")
    elif q.group and not c.group and not c.legal and not (q.bracket or c.bracket or q.branch):
        # CloudWalk Technology, listed without any legal form, for 云从科技集团股份有限公司
        out.differ.append("only the query says group (集团); the listed name gives no legal form")
    elif q.group != c.group:
        out.relation = out.relation or (
            "group parent of the listed company" if q.group else "member of the listed group"
        )
        out.differ.append("query is a group (集团)" if q.group else "listed name is a group")
    if q.branch and not c.branch:
        out.relation = out.relation or "branch of the listed company"
        out.differ.append("query is a branch (分公司)")
    elif c.branch and not q.branch:
        out.relation = out.relation or "the listed entry is a branch of this company"
        out.differ.append("listed name is a branch")


def _context(q: Context, c: Context, out: Comparison) -> None:
    if q.ids and c.ids and not q.ids & c.ids:
        out.relation = out.relation or "same name, different registry ID"
        out.differ.append(f"registry ID {sorted(q.ids)[0]} is not the listed one")
    if q.countries and c.countries and not q.countries & c.countries:
        out.relation = out.relation or "same name, different country"
        out.differ.append(
            f"country {', '.join(sorted(q.countries))} vs {', '.join(sorted(c.countries))}"
        )
