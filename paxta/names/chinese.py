"""Segment a PRC enterprise name: region + trade name (字号) + industry + legal form.

新疆 | 中泰 | 化学 | 股份有限公司; 阿克苏 | 华孚 | 色纺 | 有限公司; 合盛 | 硅业 | (鄯善) | 有限公司.
The trade name carries nearly all identifying power; a bracketed place marks a subsidiary or
branch location, and 集团 / 分公司 separate a group parent from its branches.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from paxta.names.english import ADMIN_WORDS
from paxta.names.terms import Term, terms_of
from paxta.names.transliterate import normalise_han, word_pinyin
from paxta.native import picklable
from paxta.places.gazetteer import CHINA_OTHER, XJ, Pattern, gazetteer

_BRACKET = re.compile(r"\(([^()]*)\)")
_XPCC = re.compile(
    r"(?:中国)?(?:新疆)?(?:生产)?建设兵团|(?:新疆)?兵团|[第农][一二三四五六七八九十]{1,3}师"
)


@dataclass(frozen=True)
class Part:
    """One segment of a name: its text, its role, and what it means in English."""

    text: str
    role: str  # region, trade_name, industry, legal_form, bracket_place, bracket, xpcc
    english: str
    xinjiang: bool = False


@dataclass
class ChineseName:
    """A segmented Chinese company name."""

    original: str
    normalised: str
    parts: list[Part] = field(default_factory=list)

    def of_role(self, role: str) -> list[Part]:
        """The parts playing ``role``, in order."""
        return [p for p in self.parts if p.role == role]

    @property
    def trade_name(self) -> str:
        """The trade name (字号), or '' when the name has none (a bare place + industry)."""
        return "".join(p.text for p in self.of_role("trade_name"))

    @property
    def is_group(self) -> bool:
        """A group parent (集团) rather than an operating company."""
        return any("集团" in p.text for p in self.of_role("legal_form"))

    @property
    def is_branch(self) -> bool:
        """A branch (分公司, 分厂)."""
        return any(
            p.text.startswith("分") or "分公司" in p.text for p in self.of_role("legal_form")
        )

    @property
    def xpcc(self) -> bool:
        """The name marks an XPCC unit (新疆生产建设兵团, 兵团, 第N师)."""
        return bool(self.of_role("xpcc"))


@cache
def _places() -> dict[str, tuple[Pattern, ...]]:
    return {t: p for t, p in gazetteer().han_names().items() if p[0].kind in (XJ, CHINA_OTHER)}


@cache
def _legal_forms() -> dict[str, Term]:
    return terms_of("legal_form")


@cache
def _industries() -> dict[str, Term]:
    return terms_of("industry", "business_word", "ownership", "government")


def segment(name: str) -> ChineseName:
    """Split a Chinese company name into its parts (traditional input is simplified first)."""
    text = normalise_han(name)
    result = ChineseName(name, text)
    brackets = [m.group(1) for m in _BRACKET.finditer(text) if m.group(1).strip()]
    body = _BRACKET.sub("", text)
    head, legal = _strip_suffix(body, _legal_forms())
    if legal is not None:
        head, legal = _industry_before(head, legal)
    tail_parts: list[Part] = []
    while True:  # industries come off the end first, longest first (毛纺织 before 纺织)
        if head.endswith("集团") and len(head) > 2:  # 世纪阳光集团控股: the group marker
            tail_parts.append(Part("集团", "legal_form", "Group"))
            head = head[:-2]
            continue
        shorter, found = _strip_suffix(head, _industries(), min_rest=1)
        if found is None:
            place = _trailing_place(head)
            if place is None:
                break
            tail_parts.insert(0, place)
            head = head[: -len(place.text)]
            continue
        tail_parts.insert(0, Part(found.zh, "industry", found.english))
        head = shorter
    parts: list[Part] = []
    head = _take_regions(head, parts)  # never eats the last word: 新疆天山 keeps 天山
    head = _group_then_place(head, parts)
    head = _industry_then_place(head, parts)
    if head:
        parts.append(Part(head, "trade_name", word_pinyin(head)))
    parts.extend(tail_parts)
    for inner in brackets:
        parts.append(_bracket_part(inner))
    if legal is not None:
        parts.append(Part(legal.zh, "legal_form", legal.english))
    result.parts = parts
    return result


def _trailing_place(head: str) -> Part | None:
    """A place written after a group or an industry word, before the legal form (晨光生物科技集团
    焉耆有限公司: the group's company at Yanqi), as the English puts it (... Group Yanqi Co.)."""
    if _XPCC.search(head):
        return None  # 新疆生产建设兵团 is the Corps, not a company at 兵团
    for size in range(min(len(head) - 3, 12), 1, -1):
        word, rest = head[-size:], head[:-size]
        patterns = _places().get(word)
        if patterns and (rest.endswith("集团") or _strip_suffix(rest, _industries(), 1)[1]):
            return Part(word, "region", _place_english(word, patterns), patterns[0].kind == XJ)
    return None


def _group_then_place(head: str, parts: list[Part]) -> str:
    """宝武集团新疆八一: a group's name, then a place and the company's own name (Baowu Group
    Xinjiang Bayi); the trade name is the two names together, the place a region. Without a
    place (恒正集团保安沼: Hengzheng Group Baoanzhao) the two names are the trade name."""
    at = head.find("集团")
    rest = head[at + 2 :]
    if at <= 0 or len(rest) < 2:
        return head
    parts.append(Part("集团", "legal_form", "Group"))
    place = _longest_place(rest)
    if place is None or len(place[0]) >= len(rest):
        return head[:at] + rest
    word, patterns = place
    parts.append(Part(word, "region", _place_english(word, patterns), patterns[0].kind == XJ))
    return head[:at] + rest[len(word) :]


def _industry_then_place(head: str, parts: list[Part]) -> str:
    """西部黄金克拉玛依哈图: a company's name and industry, then a place and a unit's own name
    (Western Gold Karamay Hatu Gold Mine); the trade name is the two names together."""
    if len(head) < 8:  # two characters each: name, industry, place, unit
        return head
    for at in range(4, len(head) - 3):
        place = _longest_place(head[at:])
        if place is None or len(head) - at - len(place[0]) < 2:
            continue
        before, term = _strip_suffix(head[:at], _industries(), min_rest=2)
        if term is None or len(term.zh) < 2:
            continue
        word, patterns = place
        parts.append(Part(term.zh, "industry", term.english))
        parts.append(Part(word, "region", _place_english(word, patterns), patterns[0].kind == XJ))
        return before + head[at + len(word) :]
    return head


def _industry_before(head: str, legal: Term) -> tuple[str, Term]:
    """A shorter legal form where the longer one took the end of an industry word: 化工厂 is
    化工 then 厂 (not 工厂), 微电子公司 is 微电子 then 公司 (not 子公司)."""
    for lent, shorter, starts in _lenders().get(legal.zh, ()):
        if head.endswith(starts):  # the word begins in the head
            return head + lent, shorter
    return head, legal


@cache
def _lenders() -> dict[str, list[tuple[str, Term, tuple[str, ...]]]]:
    """For each legal form ending in a shorter one (工厂, 厂), the characters before the shorter
    one (工) and the beginnings of the industry words that end in them (化 of 化工): most forms
    have none, so most names are not looked at twice."""
    forms, industries = _legal_forms(), _industries()
    out: dict[str, list[tuple[str, Term, tuple[str, ...]]]] = {}
    for zh in forms:
        for cut in range(1, len(zh)):
            shorter = forms.get(zh[cut:])
            lent = zh[:cut]
            starts = tuple(t[:-cut] for t in industries if len(t) > cut and t.endswith(lent))
            if shorter is not None and starts:
                out.setdefault(zh, []).append((lent, shorter, starts))
    return out


def _strip_suffix(text: str, table: dict[str, Term], min_rest: int = 0) -> tuple[str, Term | None]:
    for size in range(min(len(text) - min_rest, 10), 0, -1):
        term = table.get(text[-size:])
        if term is not None:
            return text[:-size], term
    return text, None


def _take_regions(text: str, parts: list[Part]) -> str:
    """Peel place names (and XPCC markers) off the front, longest first; keep a trade name."""
    while text:
        xpcc = _XPCC.match(text)
        if xpcc:
            parts.append(
                Part(xpcc.group(0), "xpcc", "Xinjiang Production and Construction Corps", True)
            )
            text = text[xpcc.end() :]
            continue
        place = _longest_place(text)
        if place is None or len(place[0]) >= len(text):
            return text
        word, patterns = place
        parts.append(Part(word, "region", _place_english(word, patterns), patterns[0].kind == XJ))
        text = text[len(word) :]
    return text


def _longest_place(text: str) -> tuple[str, tuple[Pattern, ...]] | None:
    places = _places()
    for size in range(min(len(text), 12), 1, -1):
        if text[:size] in places:
            return text[:size], places[text[:size]]
    return None


def _place_english(word: str, patterns: tuple[Pattern, ...]) -> str:
    p = patterns[0]
    if p.kind == XJ:
        division = gazetteer().divisions.get(p.key)
        if division is not None and division.level == "region":
            return "Xinjiang"
        if division is not None and division.name_en and division.name_en.isascii():
            words = division.name_en.split(" (")[0].split()
            return " ".join(w for w in words if w.lower() not in ADMIN_WORDS) or words[0]
    return word_pinyin(word.removesuffix("市").removesuffix("省").removesuffix("县"))


def _bracket_part(inner: str) -> Part:
    place = _longest_place(inner)
    if place is not None and len(place[0]) >= len(inner) - 1:
        return Part(inner, "bracket_place", _place_english(*place), place[1][0].kind == XJ)
    return Part(inner, "bracket", word_pinyin(inner))


def explain(name: ChineseName) -> list[str]:
    """One phrase per part: "新疆 = Xinjiang (region)", "中泰 = Zhongtai (trade name, pinyin)"."""
    labels = {
        "region": "region",
        "trade_name": "trade name, pinyin",
        "industry": "industry",
        "legal_form": "legal form",
        "bracket_place": "bracketed place: subsidiary or branch",
        "bracket": "bracketed",
        "xpcc": "XPCC",
    }
    return [f"{p.text} = {p.english or '?'} ({labels[p.role]})" for p in name.parts]


picklable(Part)  # (frozen: see paxta.native)
