"""Compare two names part by part and say why: the score, the decision, the explanation.

The trade name (字号) decides whether two names can be the same company; places, industry and
legal role decide whether they are the same company or relatives. Where the trade name agrees
but a bracketed place, a region, the group/branch role, the line of business, the country or a
registry ID differs, the result is ``review`` with the relation spelled out, never ``match``.
"""

from __future__ import annotations

from dataclasses import replace

from paxta.names.features import NameFeatures
from paxta.names.vocabulary import GENERIC_SECTORS, one_trade, sector
from paxta.names.wordtables import table
from paxta.screen.comparison import (
    CLEAR,
    MATCH,
    NO_CONTEXT,
    REVIEW,
    REVIEW_CAP,
    TRADE_REVIEW,
    Comparison,
    Context,
    agreed_value,
    levels_of,
    relate,
    set_level,
)
from paxta.screen.model import Model, Part, model
from paxta.screen.place_level import compare_places
from paxta.screen.tradename import (
    Trade,
    county_in_trade,
    cut_match,
    cut_name,
    name_words,
    trade_similarity,
)


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
    return _ruled(found)


def compare_related(
    q: NameFeatures,
    c: NameFeatures,
    alias_keys: frozenset[str] = frozenset(),
    q_context: Context = NO_CONTEXT,
    c_context: Context = NO_CONTEXT,
) -> Comparison | None:
    """:func:`compare`, or None for a pair no rule decides whose trade names share nothing:
    ``clear`` whatever else agrees, and of no use written out to what ranks matches (nine in
    ten of the candidates of names on no list; writing them out took a quarter of the time
    spent comparing)."""
    found = _by_rule(q, c, alias_keys, q_context, c_context)
    if found is not None:
        return _ruled(found)
    q, c, trade = _trade(q, c, alias_keys)
    if trade.level in _NOTHING_SHARED:
        return None
    return _weighed(q, c, trade, q_context, c_context)


def _ruled(found: tuple[Comparison, str]) -> Comparison:
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
        found = cut_match(q, c, cut)
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
    q, c, trade = _trade(q, c, alias_keys)
    return _weighed(q, c, trade, q_context, c_context)


def _trade(
    q: NameFeatures, c: NameFeatures, alias_keys: frozenset[str]
) -> tuple[NameFeatures, NameFeatures, Trade]:
    """The two names (a county read as part of a trade name where the other's starts with it)
    and how alike their trade names are."""
    q, c = county_in_trade(q, c), county_in_trade(c, q)
    return q, c, trade_similarity(q, c, alias_keys)


def _weighed(
    q: NameFeatures, c: NameFeatures, trade: Trade, q_context: Context, c_context: Context
) -> Comparison:
    out = Comparison(0.0, CLEAR, value=trade.words)
    set_level(out, "trade", trade.level, trade.note)
    (out.agree if trade.score >= TRADE_REVIEW else out.differ).append(trade.note)
    if trade.level in _NOTHING_SHARED:  # the rest cannot make two names one company
        m = model()
        weight = m.weight("trade", trade.level)
        out.parts = [Part("trade", trade.level, weight, trade.note)]
        out.weight = m.prior + weight
        out.score = round(m.probability(out.weight), 3)
        return out  # (clear: the prior and a weight that is never positive)
    compare_places(q, c, out, q_context, c_context)
    if not c.industry and c_context.industry:  # an alias without a trade: the entity's trade
        c = replace(c, industry=c_context.industry, industry_names=c_context.industry)
    _industry(q, c, out)
    _roles(q, c, out)
    _context(q_context, c_context, out)
    if q.legal and c.legal:
        said = f"{_legal_text(q)} ~ {_legal_text(c)} (legal form)"
        out.agree.append(said)
        set_level(out, "legal", "both", said)
    else:
        set_level(
            out, "legal", "query_only" if q.legal else "listed_only" if c.legal else "neither"
        )
    if _foreign_parent(q, c):
        # Daqo New Energy Corp. against Xinjiang Daqo New Energy Co., Ltd.: its parent abroad
        relate(out, "a company abroad of the listed name, maybe its parent", "place")
    elif levels_of(out).get("place") == "same" and _two_trades(q, c):
        # 湖北银丰纺织 against Hubei Yinfeng Cotton: a sister company of the same group and place
        relate(out, "same trade name, each names a trade the other lacks", "industry")
    set_level(out, "whole", _whole(q, c, levels_of(out)))
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


def _trades(f: NameFeatures) -> frozenset[str]:
    """A name's industry words, a government body's words as one (公安厅 Department, Bureau)."""
    return frozenset("government" if sector(s) == "government" else s for s in f.industry)


_LEGAL_SHORT: dict[str, str] = table("legal_short")  # company: Co.


def _legal_text(f: NameFeatures) -> str:
    if f.script == "Hani":
        return "".join(f.legal)
    return " ".join(_LEGAL_SHORT.get(w, w.capitalize()) for w in f.legal)


def _industry(q: NameFeatures, c: NameFeatures, out: Comparison) -> None:
    if not q.industry or not c.industry:
        if q.industry or c.industry:
            side = q if q.industry else c
            said = (
                f"only the {'query' if side is q else 'listed name'} names an industry "
                f"({', '.join(side.industry_names)})"
            )
            out.differ.append(said)
            return set_level(out, "industry", "query_only" if side is q else "listed_only", said)
        return set_level(out, "industry", "neither")
    q_specific = {s for s in q.industry if sector(s) not in GENERIC_SECTORS}
    c_specific = {s for s in c.industry if sector(s) not in GENERIC_SECTORS}
    shown = f"{', '.join(q.industry_names)} ~ {', '.join(c.industry_names)}"
    out.industry_value = tuple(sorted(set(q.industry) & set(c.industry)))
    if set(q.industry) & set(c.industry) and (q_specific & c_specific or not q_specific):
        extra = {sector(s) for s in q_specific} - {sector(s) for s in c_specific}
        if extra and c_specific:  # Xinjiang Energy Group Real Estate against Xinjiang Energy Group
            relate(out, "the query names another line of business too", "industry")
            out.differ.append(f"only the query names {', '.join(sorted(extra))}")
            out.agree.append(f"{shown} (industry, in part)")
            return set_level(out, "industry", "same_extra", f"{shown}, and {', '.join(extra)}")
        out.agree.append(f"{shown} (industry)")
        if _trades(q) != _trades(c):  # Western Gold Resources against Western Gold
            return set_level(out, "industry", "same_more", f"{shown}, and more on one side")
        return set_level(out, "industry", "same", shown)
    q_sectors = {sector(s) for s in q_specific}
    c_sectors = {sector(s) for s in c_specific}
    if q_sectors & c_sectors:
        out.agree.append(f"{shown} (industry, same sector)")
        return set_level(out, "industry", "same_sector", shown)
    if not q_specific and not c_specific:
        return set_level(out, "industry", "generic", shown)
    out.differ.append(f"industry {shown}")
    relate(out, "same trade name, another line of business", "industry")
    set_level(
        out, "industry", "one_generic" if not (q_specific and c_specific) else "differ", shown
    )


def _roles(q: NameFeatures, c: NameFeatures, out: Comparison) -> None:
    placed = bool(q.places) and not c.places  # the query names a place the group's name lacks
    if c.group and not q.group and not (q.bracket or c.bracket or q.branch or c.branch or placed):
        # 喀什建工 for Kashgar Construction Engineering (Group): the group's own name written
        # without the word; a member company would name its own place (below: a member of the
        # group) or line of business.
        out.differ.append("only the listed name says group (集团)")
        return set_level(out, "role", "group_unsaid", "only the listed name says group")
    if q.group and not c.group and not c.legal and not (q.bracket or c.bracket or q.branch):
        # CloudWalk Technology, listed without any legal form, for 云从科技集团股份有限公司
        out.differ.append("only the query says group (集团); the listed name gives no legal form")
        return set_level(out, "role", "group_unsaid", "only the query says group")
    if q.group != c.group:
        relate(
            out,
            "group parent of the listed company" if q.group else "member of the listed group",
            "role",
        )
        said = "query is a group (集团)" if q.group else "listed name is a group"
        out.differ.append(said)
        return set_level(out, "role", "query_group" if q.group else "listed_group", said)
    if q.branch and not c.branch:
        relate(out, "branch of the listed company", "role")
        out.differ.append("query is a branch (分公司)")
        return set_level(out, "role", "query_branch", "query is a branch")
    if c.branch and not q.branch:
        relate(out, "the listed entry is a branch of this company", "role")
        out.differ.append("listed name is a branch")
        return set_level(out, "role", "listed_branch", "listed name is a branch")
    if q.group and c.group:
        return set_level(out, "role", "both_group", "both are groups (集团)")
    set_level(out, "role", "same")


def _context(q: Context, c: Context, out: Comparison) -> None:
    if c.company:
        set_level(out, "kind", "company")
    else:  # a person's whole name, or a part of one (Castro against CASTRO, Jorge)
        whole = levels_of(out).get("trade") in ("exact", "pinyin", "same_words", "alias")
        set_level(out, "kind", "person" if whole else "person_part")
    if q.ids and c.ids and not q.ids & c.ids:
        relate(out, "same name, different registry ID", "registry")
        said = f"registry ID {sorted(q.ids)[0]} is not the listed one"
        out.differ.append(said)
        set_level(out, "registry", "differ", said)
    else:
        set_level(out, "registry", "unknown")
    if q.countries and c.countries:
        if q.countries & c.countries:
            return set_level(out, "country", "same", ", ".join(sorted(q.countries & c.countries)))
        relate(out, "same name, different country", "country")
        said = f"country {', '.join(sorted(q.countries))} vs {', '.join(sorted(c.countries))}"
        out.differ.append(said)
        return set_level(out, "country", "differ", said)
    set_level(out, "country", "unknown")
