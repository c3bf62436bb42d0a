"""Compare two names part by part and say why: the score, the decision, the explanation.

The trade name (字号) decides whether two names can be the same company; places, industry and
legal role decide whether they are the same company or relatives. Where the trade name agrees
but a bracketed place, a region, the group/branch role, the line of business, the country or a
registry ID differs, the result is ``review`` with the relation spelled out, never ``match``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, NamedTuple

from rapidfuzz.distance import OSA, Indel

from paxta.names.english import LEGAL_WORDS, normalise_latin, word_sequence
from paxta.names.features import (
    TRUNCATED_MAX,
    TRUNCATED_MIN,
    NameFeatures,
    PlaceKeys,
    address_places,
    china_place_word,
)
from paxta.names.romanised import translations_of_pinyin
from paxta.names.transliterate import is_pinyin, normalise_han
from paxta.names.vocabulary import GENERIC_SECTORS, is_industry_word, one_trade, sector
from paxta.names.wordtables import table
from paxta.screen.aliases import translations
from paxta.screen.model import Model, Part, model

MATCH = "match"
REVIEW = "review"
CLEAR = "clear"
DECISIONS = (MATCH, REVIEW, CLEAR)
_RANK = {MATCH: 2, REVIEW: 1, CLEAR: 0}

TRADE_REVIEW = 0.80  # ... and for review
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
    value: tuple[str, ...] = ()  # the agreeing trade name's words (for its term frequency)
    industry_value: tuple[str, ...] = ()  # the industry words both names carry (likewise)
    parts: list[Part] = field(default_factory=list)  # the levels weighed (the fitted score)
    levels: dict[str, tuple[str, str]] = field(default_factory=dict)  # comparison: level, why
    weight: float = 0.0  # the match weight, prior included
    relation_part: str = ""  # the comparison that makes the relation (place, role ...)
    relation_level: str = ""  # that comparison's level were the relation's difference not there

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

    def as_json(self) -> dict[str, Any]:
        """The comparison vector: each part's level, weight and reason, and the total."""
        return {
            "decision": self.decision,
            "probability": self.score,
            "match_weight": round(self.weight, 2),
            "relation": self.relation,
            "parts": [p.as_json() for p in self.parts],
        }

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
    company: bool = True  # a listed organisation (False: a person, vessel or aircraft)
    places: frozenset[str] = frozenset()  # place keys of all the entity's names (listed)
    industry: tuple[str, ...] = ()  # industry words of all the entity's names (listed)


NO_CONTEXT = Context()


def compare(
    q: NameFeatures,
    c: NameFeatures,
    alias_keys: frozenset[str] = frozenset(),
    q_context: Context = NO_CONTEXT,
    c_context: Context = NO_CONTEXT,
) -> Comparison:
    """Compare query ``q`` with listed name ``c``; ``alias_keys`` are the query's coined names.

    A shared registry ID, the XPCC's own names, the same words and a name a 35-character field
    cut off are decided by those rules (recorded as the part ``rule``); every other pair by the
    fitted model over its parts."""
    found = _by_rule(q, c, alias_keys, q_context, c_context)
    if found is None:
        return _parts(q, c, alias_keys, q_context, c_context)
    result, rule = found
    if rule:
        result.parts.insert(0, Part("rule", rule, 0.0, result.explanation))
    return result


def _by_rule(
    q: NameFeatures,
    c: NameFeatures,
    alias_keys: frozenset[str],
    q_context: Context,
    c_context: Context,
) -> tuple[Comparison, str] | None:
    shared_ids = q_context.ids & c_context.ids
    if shared_ids:
        said = f"registry ID {sorted(shared_ids)[0]} is on the list for this entity"
        return Comparison(1.0, MATCH, [said]), "registry_id"
    if q.xpcc and c.xpcc:
        unit_q, unit_c = bool(q.trade or q.industry), bool(c.trade or c.industry)
        if not (unit_q and unit_c):
            return _xpcc(q, c, unit_q, unit_c), "xpcc"
        if not q.keys and not c.keys and set(q.industry) == set(c.industry):
            said = f"{', '.join(q.industry_names)} ~ {', '.join(c.industry_names)}"
            corps = f"{_xpcc_words(q)} = Xinjiang Production and Construction Corps (XPCC rule)"
            return Comparison(1.0, MATCH, [corps, f"{said} (the same unit of the XPCC)"]), "xpcc"
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
            return parts, "same_name"
        parts.rule = "same"
        return parts, ""  # (decided by the model)
    cut = cut_name(q.text)
    if cut is not None:
        found = _cut_match(q, c, cut)
        if found is not None:
            _context(q_context, c_context, found)
            if found.relation and found.decision == MATCH:
                found.score, found.decision = REVIEW_CAP, REVIEW
            return found, "cut"
    return None


def _parts(
    q: NameFeatures,
    c: NameFeatures,
    alias_keys: frozenset[str],
    q_context: Context,
    c_context: Context,
) -> Comparison:
    """Each part compared to a level (trade name, places, industry, legal form, role,
    country, registry ID), explained, and weighed by the fitted model."""
    q, c = _county_in_trade(q, c), _county_in_trade(c, q)
    trade = trade_similarity(q, c, alias_keys)
    out = Comparison(0.0, CLEAR, value=trade.words)
    _level(out, "trade", trade.level, trade.note)
    (out.agree if trade.score >= TRADE_REVIEW else out.differ).append(trade.note)
    if trade.level in _NOTHING_SHARED:  # the rest cannot make two names one company
        m = model()
        weight = m.weight("trade", trade.level)
        out.parts = [Part("trade", trade.level, weight, trade.note)]
        out.weight = m.prior + weight
        out.score = round(m.probability(out.weight), 3)
        return out  # (clear: the prior and a weight that is never positive)
    _places(q, c, out, q_context, c_context)
    if not c.industry and c_context.industry:  # an alias without a trade: the entity's trade
        c = replace(c, industry=c_context.industry, industry_names=c_context.industry)
    _industry(q, c, out)
    _roles(q, c, out)
    _context(q_context, c_context, out)
    if q.legal and c.legal:
        said = f"{_legal_text(q)} ~ {_legal_text(c)} (legal form)"
        out.agree.append(said)
        _level(out, "legal", "both", said)
    else:
        _level(out, "legal", "query_only" if q.legal else "listed_only" if c.legal else "neither")
    if _foreign_parent(q, c):
        # Daqo New Energy Corp. against Xinjiang Daqo New Energy Co., Ltd.: its parent abroad
        _relate(out, "a company abroad of the listed name, maybe its parent", "place")
    elif _levels(out).get("place") == "same" and _two_trades(q, c):
        # 湖北银丰纺织 against Hubei Yinfeng Cotton: a sister company of the same group and place
        _relate(out, "same trade name, each names a trade the other lacks", "industry")
    _level(out, "whole", _whole(q, c, _levels(out)))
    return _decide(out, model())


def _whole(q: NameFeatures, c: NameFeatures, levels: dict[str, str]) -> str:
    """``all_agree`` when every part agrees or is absent on both sides, the same industry
    words on both, and something besides the trade name agrees (a place, an industry, 集团 on
    both); ``trade_only`` when nothing but the trade name is there to agree; else ``partly``."""
    if not all(levels.get(part, "") in agree for part, agree in _WHOLE.items()):
        return "partly"
    if _trades(q) != _trades(c):
        return "partly"
    besides = levels["place"] != "neither" or q.industry or levels["role"] == "both_group"
    return "all_agree" if besides else "trade_only"


# A name agrees as a whole when every part agrees or is absent on both sides: nothing is left
# over on either side (世纪阳光集团控股 = Century Sunshine Group Holdings).
_WHOLE = {
    "trade": frozenset(
        {"exact", "pinyin", "alias", "alias_part", "translated", "place_name", "respelled"}
    ),
    "place": frozenset({"same", "same_by_address", "bracket_same", "neither"}),
    "industry": frozenset({"same", "neither"}),
    "role": frozenset({"same", "both_group"}),
    "country": frozenset({"same", "unknown"}),
    "registry": frozenset({"unknown"}),
}


# Trade levels after which nothing else is compared: the names share no trade name.
_NOTHING_SHARED = frozenset({"fuzzy_low", "none"})
# Trade levels strong enough for a relation (a sister, a parent, a branch) to be worth a review.
_RELATED_TRADE = frozenset(
    {"exact", "pinyin", "alias", "alias_part", "translated", "respelled", "slip", "same_words"}
)


def _relate(out: Comparison, relation: str, part: str, as_if: str = "") -> None:
    """Name the relation the two names are in (the first one found stands), the part that
    makes it one (a subsidiary's place, a group's role ...), and the level that part would
    have without the difference that makes the relation (none: no evidence either way)."""
    if not out.relation:
        out.relation, out.relation_part, out.relation_level = relation, part, as_if


def _level(out: Comparison, comparison: str, level: str, reason: str = "") -> None:
    """Record ``comparison``'s level (its weight is added by :func:`_decide`)."""
    out.levels[comparison] = (level, reason)


def agreed_value(out: Comparison, comparison: str) -> tuple[str, ...]:
    """What agreed in a comparison, for its term frequency: the trade name's words, the
    industry words both names carry."""
    return (
        out.value
        if comparison == "trade"
        else out.industry_value
        if comparison == "industry"
        else ()
    )


def _levels(out: Comparison) -> dict[str, str]:
    return {comparison: level for comparison, (level, _) in out.levels.items()}


def _decide(out: Comparison, m: Model) -> Comparison:
    """Weigh the levels, add them up, and decide by the model's thresholds.

    A relation (a subsidiary at another bracketed place, a group parent, a branch, a company
    abroad, another trade at the same place) is never the same company: it is ``review`` when
    what agrees (the trade name and every part that agrees) makes the two names likely kin,
    ``clear`` otherwise.
    """
    parts = [
        Part(
            comparison,
            level,
            m.weight(comparison, level)
            + m.tf_adjustment(comparison, level, agreed_value(out, comparison)),
            reason,
        )
        for comparison, (level, reason) in out.levels.items()
    ]
    out.parts = parts
    out.weight = m.prior + sum(p.weight for p in parts)
    probability = m.probability(out.weight)
    if out.relation:
        # kin: the weight were the difference that makes the relation not there (a subsidiary
        # at another place: its region still counts; a group parent: the rest of its name)
        trade = parts[0]
        kin = out.weight - sum(p.weight for p in parts if p.comparison == out.relation_part)
        if out.relation_level:
            kin += m.weight(out.relation_part, out.relation_level)
        related = m.probability(kin)
        out.score = round(min(related, m.match - 0.01), 3)
        out.decision = REVIEW if trade.level in _RELATED_TRADE and related >= m.review else CLEAR
        return out
    out.score = round(probability, 3)
    out.decision = MATCH if probability >= m.match else REVIEW if probability >= m.review else CLEAR
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


def _pinyin_translated(q: NameFeatures, c: NameFeatures) -> bool:
    """The query is a pinyin name whose common words, in English, are the listed trade name."""
    return (
        len(q.keys) > 1
        and q.script == "Latn"
        and c.keys[0] in q.keys[1:]
        and c.keys[0] in translations_of_pinyin(q.keys[0])
    )


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
    # Fuzzy only between the main readings: a rare reading of a character is no typo.
    best = Indel.normalized_similarity(q.keys[0], c.keys[0])
    if min(len(q.keys[0]), len(c.keys[0])) < 6:
        best = best**2  # two letters apart in "huafu" is another name
    q_words, c_words = q.trade.casefold().split(), c.trade.casefold().split()
    if len(q_words) > 1 and len(c_words) > 1 and best < 0.97:
        best = min(best, _shared_words(q_words, c_words))  # Daesong Credit Bank, Daedong ...
        if set(q_words) < set(c_words) or set(c_words) < set(q_words):
            best = min(best, 0.85)  # a word more: "Forging Press Control Toys" is not the same
    part = _partial(q, c)
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


@lru_cache(maxsize=200_000)
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


def _places(
    q: NameFeatures, c: NameFeatures, out: Comparison, q_context: Context, c_context: Context
) -> None:
    """The place level: brackets first (a subsidiary's place), then regions, the listed
    address when the listed name gives no place, the query's address when the query gives
    none."""
    q_all = set(q.places) | ({q.bracket} if q.bracket else set())
    c_all = set(c.places) | ({c.bracket} if c.bracket else set())
    if q.bracket and c.bracket:
        if _same_place(q.bracket, c.bracket):
            said = f"{_written(q.bracket_name)} = {c.bracket_name} (bracketed place)"
            out.agree.append(said)
            if not (q.places or c.places):
                return _level(out, "place", "bracket_same", said)
        else:
            _relate(out, "same group, different subsidiary", "place", _regions_agree(q, c))
            said = f"bracketed place {q.bracket_name} vs {c.bracket_name}"
            out.differ.append(said)
            return _level(out, "place", "bracket_differ", said)
    elif c.bracket and not any(_same_place(c.bracket, p) for p in q_all):
        return _bracket_only(
            out,
            q,
            c,
            "the listed company is a subsidiary at one place; the query names no such",
            "listed_bracket_only",
            f"listed subsidiary at {c.bracket_name}, query does not say",
        )
    elif q.bracket and not any(_same_place(q.bracket, p) for p in c_all):
        return _bracket_only(
            out,
            q,
            c,
            "the query is a subsidiary or branch at a place the listed name lacks",
            "query_bracket_only",
            f"query at {q.bracket_name}, listed name has no such place",
        )
    q_regions, c_regions = set(q.places), set(c.places)
    # Without a place in the listed name, the list's address says where the company is
    # (Dahua Technology, listed at Hangzhou and Urumqi, for 浙江大华技术).
    by_address = bool(q_regions) and not c_regions and not c.bracket
    # (an alias without a place: where the entity's other names, or its address, say it is)
    where = address_places(c_context.addresses) | c_context.places if by_address else frozenset()
    where |= {k for p in c_regions for k in _keyset(p)}
    abroad = [
        p for p in q_regions if all(k.startswith("country:") for k in p) and where.isdisjoint(p)
    ]
    if abroad and where and len(abroad) < len(q_regions):  # XINJIANG ZHONGTAI ... VIETNAM
        _relate(out, "the query names another country: a company there of the listed name", "place")
        said = f"the query names {', '.join(q.place_names)}"
        out.differ.append(said)
        return _level(out, "place", "abroad", said)
    if q_regions and where:
        source = "the listed entity's other names" if c_context.places else "the listed address"
        said = source if by_address else ", ".join(c.place_names)
        if any(_keyset(p) & where for p in q_regions):
            agreed = _place_pairs(q, c) if c_regions else ", ".join(q.place_names)
            said = f"{agreed} (region{'; ' + source if by_address else ''})"
            out.agree.append(said)
            return _level(out, "place", "same_by_address" if by_address else "same", said)
        said = f"region {', '.join(q.place_names)} vs {said}"
        out.differ.append(said)
        _relate(out, "same trade name, different place", "place")
        return _level(out, "place", "differ_by_address" if by_address else "differ", said)
    if c_regions and not q_regions and not q.bracket and q_context.addresses:
        # 华孚纺织 with its address at Awati: the Awati company, not the Ninghai one
        named = address_places(q_context.addresses, within=False)
        if any(_keyset(p) & named for p in c_regions):
            said = f"{', '.join(c.place_names)} (region; the query's address)"
            out.agree.append(said)
            out.rule = "address"
            return _level(out, "place", "same_by_address", said)
        here = address_places(q_context.addresses)
        if any(_keyset(p) & here for p in c_regions):  # Awati lies in Aksu prefecture
            said = f"the query's address lies within {', '.join(c.place_names)}"
            out.differ.append(said)
            return _level(out, "place", "within", said)
        if here:
            said = f"region {', '.join(c.place_names)} vs the query's address"
            out.differ.append(said)
            _relate(
                out, "same trade name, different place: the query's address is elsewhere", "place"
            )
            return _level(out, "place", "differ_by_address", said)
    if q_regions or c_regions:
        side = "query" if q_regions else "listed name"
        names = q.place_names if q_regions else c.place_names
        said = f"only the {side} names a region ({', '.join(names)})"
        out.differ.append(said)
        return _level(out, "place", "query_only" if q_regions else "listed_only", said)
    _level(out, "place", "bracket_same" if q.bracket or c.bracket else "neither")


def _trades(f: NameFeatures) -> frozenset[str]:
    """A name's industry words, a government body's words as one (公安厅 Department, Bureau)."""
    return frozenset("government" if sector(s) == "government" else s for s in f.industry)


def _bracket_only(
    out: Comparison, q: NameFeatures, c: NameFeatures, relation: str, level: str, said: str
) -> None:
    """One name is a subsidiary at a bracketed place the other does not name: a relation,
    weighed as kin by the regions the two names give."""
    _relate(out, relation, "place", _regions_agree(q, c))
    out.differ.append(said)
    _level(out, "place", level, said)


def _regions_agree(q: NameFeatures, c: NameFeatures) -> str:
    """The place level of two names' regions alone (brackets aside): same, or no evidence."""
    shared = {k for p in q.places for k in _keyset(p)} & {k for p in c.places for k in _keyset(p)}
    return "same" if shared else ""


_LEGAL_SHORT: dict[str, str] = table("legal_short")  # company: Co.


def _legal_text(f: NameFeatures) -> str:
    if f.script == "Hani":
        return "".join(f.legal)
    return " ".join(_LEGAL_SHORT.get(w, w.capitalize()) for w in f.legal)


def _written(name: str) -> str:
    """A place as the name writes it (鄯善 of "鄯善 = Shanshan")."""
    return name.split(" = ")[0]


def _same_place(a: PlaceKeys, b: PlaceKeys) -> bool:
    return not _keyset(a).isdisjoint(_keyset(b))


@lru_cache(maxsize=50_000)
def _keyset(place: PlaceKeys) -> frozenset[str]:
    return frozenset(place)


def _place_pairs(q: NameFeatures, c: NameFeatures) -> str:
    q_names = [_written(n) for n in q.place_names]
    return f"{', '.join(q_names)} = {', '.join(c.place_names)}"


def _industry(q: NameFeatures, c: NameFeatures, out: Comparison) -> None:
    if not q.industry or not c.industry:
        if q.industry or c.industry:
            side = q if q.industry else c
            said = (
                f"only the {'query' if side is q else 'listed name'} names an industry "
                f"({', '.join(side.industry_names)})"
            )
            out.differ.append(said)
            return _level(out, "industry", "query_only" if side is q else "listed_only", said)
        return _level(out, "industry", "neither")
    q_specific = {s for s in q.industry if sector(s) not in GENERIC_SECTORS}
    c_specific = {s for s in c.industry if sector(s) not in GENERIC_SECTORS}
    shown = f"{', '.join(q.industry_names)} ~ {', '.join(c.industry_names)}"
    out.industry_value = tuple(sorted(set(q.industry) & set(c.industry)))
    if set(q.industry) & set(c.industry) and (q_specific & c_specific or not q_specific):
        extra = {sector(s) for s in q_specific} - {sector(s) for s in c_specific}
        if extra and c_specific:  # Xinjiang Energy Group Real Estate against Xinjiang Energy Group
            _relate(out, "the query names another line of business too", "industry")
            out.differ.append(f"only the query names {', '.join(sorted(extra))}")
            out.agree.append(f"{shown} (industry, in part)")
            return _level(out, "industry", "same_extra", f"{shown}, and {', '.join(extra)}")
        out.agree.append(f"{shown} (industry)")
        if _trades(q) != _trades(c):  # Western Gold Resources against Western Gold
            return _level(out, "industry", "same_more", f"{shown}, and more on one side")
        return _level(out, "industry", "same", shown)
    q_sectors = {sector(s) for s in q_specific}
    c_sectors = {sector(s) for s in c_specific}
    if q_sectors & c_sectors:
        out.agree.append(f"{shown} (industry, same sector)")
        return _level(out, "industry", "same_sector", shown)
    if not q_specific and not c_specific:
        return _level(out, "industry", "generic", shown)
    out.differ.append(f"industry {shown}")
    _relate(out, "same trade name, another line of business", "industry")
    _level(out, "industry", "one_generic" if not (q_specific and c_specific) else "differ", shown)


def _roles(q: NameFeatures, c: NameFeatures, out: Comparison) -> None:
    if c.group and not q.group and not (q.bracket or c.bracket or q.branch or c.branch):
        # 喀什建工 for Kashgar Construction Engineering (Group): the group's own name written
        # without the word; a member company would name its own place or line of business.
        out.differ.append("only the listed name says group (集团)")
        return _level(out, "role", "group_unsaid", "only the listed name says group")
    if q.group and not c.group and not c.legal and not (q.bracket or c.bracket or q.branch):
        # CloudWalk Technology, listed without any legal form, for 云从科技集团股份有限公司
        out.differ.append("only the query says group (集团); the listed name gives no legal form")
        return _level(out, "role", "group_unsaid", "only the query says group")
    if q.group != c.group:
        _relate(
            out,
            "group parent of the listed company" if q.group else "member of the listed group",
            "role",
        )
        said = "query is a group (集团)" if q.group else "listed name is a group"
        out.differ.append(said)
        return _level(out, "role", "query_group" if q.group else "listed_group", said)
    if q.branch and not c.branch:
        _relate(out, "branch of the listed company", "role")
        out.differ.append("query is a branch (分公司)")
        return _level(out, "role", "query_branch", "query is a branch")
    if c.branch and not q.branch:
        _relate(out, "the listed entry is a branch of this company", "role")
        out.differ.append("listed name is a branch")
        return _level(out, "role", "listed_branch", "listed name is a branch")
    if q.group and c.group:
        return _level(out, "role", "both_group", "both are groups (集团)")
    _level(out, "role", "same")


def _context(q: Context, c: Context, out: Comparison) -> None:
    if c.company:
        _level(out, "kind", "company")
    else:  # a person's whole name, or a part of one (Castro against CASTRO, Jorge)
        whole = _levels(out).get("trade") in ("exact", "pinyin", "same_words", "alias")
        _level(out, "kind", "person" if whole else "person_part")
    if q.ids and c.ids and not q.ids & c.ids:
        _relate(out, "same name, different registry ID", "registry")
        said = f"registry ID {sorted(q.ids)[0]} is not the listed one"
        out.differ.append(said)
        _level(out, "registry", "differ", said)
    else:
        _level(out, "registry", "unknown")
    if q.countries and c.countries:
        if q.countries & c.countries:
            return _level(out, "country", "same", ", ".join(sorted(q.countries & c.countries)))
        _relate(out, "same name, different country", "country")
        said = f"country {', '.join(sorted(q.countries))} vs {', '.join(sorted(c.countries))}"
        out.differ.append(said)
        return _level(out, "country", "differ", said)
    _level(out, "country", "unknown")
