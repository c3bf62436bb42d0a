"""Is this address in the Xinjiang Uyghur Autonomous Region (or the XPCC)? Say why.

One automaton pass finds every spelling of every XUAR division, township and XPCC unit, and the
names of other provinces, cities and countries. Then context decides: a Xinjiang name used as a
street (乌鲁木齐中路, Xinjiang Road) is not Xinjiang; an explicit other province outranks a lone
ambiguous token (Qinghe, Hebei); a country other than China rules out a spelling shared with a
place abroad (Aksu, Kazakhstan); an ambiguous spelling next to its own parent or child division
(Baicheng County, Aksu) is confirmed. Registry codes (USCC) count; postal and phone codes only
support other evidence.

Addresses alike are decided once: what a set of the automaton's matches comes to, and the
answer for the way its names read (each name as written, what follows it), are kept and given
to the next address alike with its own positions. ``make`` also compiles this module with mypyc
when it can (:mod:`paxta.native`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Final, NamedTuple

from paxta.memory import remember
from paxta.places import gazetteer as gz
from paxta.places.gazetteer import Pattern, fold, gazetteer, words
from paxta.places.uscc import Uscc, find_usccs

MAX_CHARS: Final = 2_000
_LEVEL_RANK: Final = {
    "township": 5,
    "county": 4,
    "xpcc_city": 4,
    "dev_zone": 4,
    "prefecture": 3,
    "xpcc_division": 3,
    "xpcc_corps": 2,
    "region": 1,
}
_WEIGHT: Final = {gz.STRONG: 3, gz.WEAK: 1, gz.AMBIGUOUS_CN: 1, gz.AMBIGUOUS_FOREIGN: 1}
_HAN_STREET: Final = re.compile(
    r"[东西南北中]?[一二三四五六七八九十\d]{0,2}[路街巷弄]|大[道街]|胡同"
)
# (on the text as words() makes it: its only non-letters are spaces)
_LATIN_STREET: Final = re.compile(
    r" *+(?:(?:middle|east|west|north|south|central|zhong|dong|xi|nan|bei|[1-9](?:st|nd|rd|th))"
    r" ++)?(?:road|rd\b|street|st\b|avenue|ave\b|lu\b|jie\b|dadao|lane|boulevard|blvd|highway)"
)
# 第一师范 (teachers' college), 师傅 (a master) ...
_NOT_DIVISION_AFTER: Final = re.compile(r"[范傅兄姐生资长]")
_XPCC_HAN: Final = re.compile(
    r"(?:新疆)?生产建设兵团|兵团(?:[第农]?[一二三四五六七八九十]{1,3}师)?|[第农][一二三四五六七八九十]{1,3}师"
    r"|[一二三四五六七八九十零〇百]{1,4}团(?:场)?(?=[^体结队购聚伙员长委])"
)
_XPCC_LATIN: Final = re.compile(
    r"\b(?:xpcc|bingtuan|production and construction corps|"
    r"\d{1,2}(?:st|nd|rd|th) (?:agricultural )?division|"
    r"regiment \d{1,3}|\d{1,3}(?:st|nd|rd|th) regiment)\b"
)
_SEGMENT: Final = re.compile(r"[^;；]+")
_POSTAL: Final = re.compile(r"(?<!\d)8[34]\d{4}(?!\d)")
_SIX_DIGITS: Final = re.compile(r"\d{6}")  # what a registry, postal or phone code needs
_Hit = tuple[int, int, tuple[Pattern, ...]]  # a place name's start, end and what it may mean
_DECIDED: Final[dict[str, Location]] = {}
_DECIDED_MAX: Final = 20_000  # kinds of address kept (each memory is forgotten whole when full)
_ANSWERS_MAX: Final = 4  # ways of reading one set of matches kept (each a whole answer)
_STANDING: Final[dict[str, _Standing]] = {}  # by the text the automaton's matches lie in
_ONES: Final = b"\x01" * MAX_CHARS
_PHONE: Final = re.compile(r"(?:\+86[\s-]?|(?<!\d)0)(99\d|90\d)[\s)-]{0,2}\d{7,8}(?!\d)")


class Evidence(NamedTuple):
    """One piece of text that counted (or was set aside) and what it means (immutable: an
    answer holds many, and Python's collector passes over tuples of plain values)."""

    text: str
    start: int
    end: int
    kind: str
    script: str
    meaning: str
    key: str | None = None
    strength: str = gz.STRONG
    used: bool = True

    def as_json(self) -> dict[str, Any]:
        """The evidence as ``paxta locate --json`` prints it."""
        return {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "kind": self.kind,
            "script": self.script,
            "meaning": self.meaning,
            "used": self.used,
        }


_new: Final = tuple.__new__  # (Evidence._make is a Python function: a frame for each)


def _make(values: tuple[Any, ...]) -> Evidence:
    return _new(Evidence, values)


@dataclass(slots=True)
class Location:
    """The locator's answer for one address (addresses alike may share one: read it, never
    change it)."""

    xinjiang: bool
    confidence: float
    place: dict[str, Any] | None
    evidence: list[Evidence] = field(default_factory=list)
    # why, once worked out (None until :attr:`why` is first read; not compared: it follows)
    said: str | None = field(default=None, compare=False, repr=False)

    @property
    def why(self) -> str:
        """Why, in a sentence (written out from the evidence the first time it is read: most
        callers read only the decision)."""
        said = self.said
        if said is None:
            said = self.said = _why(self.xinjiang, self.evidence)
        return said

    def as_json(self) -> dict[str, Any]:
        """``{"xinjiang", "confidence", "place", "evidence", "why"}``."""
        return {
            "xinjiang": self.xinjiang,
            "confidence": round(self.confidence, 2),
            "place": self.place,
            "evidence": [e.as_json() for e in self.evidence if e.used],
            "set_aside": [e.as_json() for e in self.evidence if not e.used],
            "why": self.why,
        }


def locate_address(address: str | None) -> Location:
    """Decide whether ``address`` lies in the XUAR (or is an XPCC unit), with evidence and why.

    ``confidence`` is the confidence in the decision as stated (true or false), from 0.5 to 0.99.
    """
    text = (address or "")[:MAX_CHARS]
    if not text.strip():
        return Location(False, 0.5, None, [], "The address is empty.")
    folded = words(text)
    if ";" in text or "；" in text:
        segments = [m.span() for m in _SEGMENT.finditer(text) if m.group(0).strip()]
        if len(segments) > 1:  # "addr one; and addr two": any address in Xinjiang counts
            results = [_locate_span(text, folded, s, e) for s, e in segments]
            hit = [r for r in results if r.xinjiang]
            return (
                max(hit, key=lambda r: r.confidence)
                if hit
                else min(results, key=lambda r: r.confidence)
            )
    return _locate_span(text, folded, 0, len(text))


def _locate_span(text: str, folded: str, start: int, end: int) -> Location:
    """``text[start:end]`` located; ``folded`` is ``words(text)``, as the helpers below take it."""
    held = _matched(folded, start, end)
    hits = held.hits if not start else [(s + start, e + start, p) for s, e, p in held.hits]
    if held.coded or _SIX_DIGITS.search(folded, start, end):
        names = _scan_names(hits, _read(text, folded, hits))
        evidence = names + _scan_codes(text, fold(text), start, end)
        return _decide(evidence) if evidence else _NOTHING
    if not hits:
        return _NOTHING
    whole = start == 0 and end == len(text)
    if held.plain and whole and text == folded:
        # Every name Chinese, written as listed, ending in its administrative word (so no
        # street or division follows): the matches alone decide, at the same places.
        if held.placed is None:
            held.placed = _alike(text, folded, hits, _read(text, folded, hits))
        return held.placed
    read = _read(text, folded, hits)
    if not whole:
        return _alike(text, folded, hits, read)
    # The same matches read the same way: the same answer, at the same places.
    answers = held.answers
    answer = answers.get(read) if answers is not None else None
    if answer is None:
        answer = _alike(text, folded, hits, read)
        if answers is None:
            answers = held.answers = {}
        remember(answers, read, answer, _ANSWERS_MAX)
    return answer


def _alike(text: str, folded: str, hits: list[_Hit], read: _Read) -> Location:
    # Without codes, the decision rests on the names found, what follows each (a street?) and
    # their order (``read``): addresses alike in these are decided once. The answer is shared
    # with those that have their names at the same places too; the others get it with their
    # own places.
    location = _DECIDED.get(read)
    if location is None:
        return remember(_DECIDED, read, _decide(_scan_names(hits, read)), _DECIDED_MAX)
    for e, (s, end, _) in zip(location.evidence, hits, strict=True):
        if e.start != s or e.end != end:
            return _moved(location, hits)
    return location


def forget_decisions() -> None:
    """Forget the decisions kept for addresses alike (for measurements and tests)."""
    _DECIDED.clear()
    _STANDING.clear()


_NOTHING: Final = Location(
    False, 0.95, None, [], "No Xinjiang place name, XPCC unit or registry code found."
)


def _moved(decided: Location, hits: list[_Hit]) -> Location:
    """``decided``'s answer with its evidence where ``hits`` found it in another address (the
    evidence lies in the order of the hits, which is the same for addresses alike)."""
    return Location(
        decided.xinjiang,
        decided.confidence,
        decided.place,
        [
            _make((e[0], s, end, *e[3:]))
            for e, (s, end, _) in zip(decided.evidence, hits, strict=True)
        ],
        decided.said,
    )


def place_mentions(address: str) -> list[tuple[str, tuple[Pattern, ...]]]:
    """The place names ``address`` mentions, as written, with what each may mean: the longest
    name where names overlap, streets named after a place (Beijing South Road) left out."""
    text = address[:MAX_CHARS]
    folded = words(text)
    return [
        (text[start:end], patterns)
        for start, end, patterns in _hits(folded, 0, len(folded))
        if not _is_street(folded, end, patterns[0].script)
    ]


_Read = str  # see :func:`_read`
_STREET, _NOT_DIVISION = 1, 2  # what :func:`_read` says of a name, as bits


def _read(text: str, folded: str, hits: list[_Hit]) -> _Read:
    """Each name as written, whether it is part of a street here, and whether a 师 it ends in
    is part of a word (第一师范, a teachers' college) rather than an XPCC division: for each, its
    length, those two as bits and the name, as one string (a key the collector never sweeps;
    :func:`_scan_names` reads it back)."""
    return "".join(
        [
            chr(e - s)
            + chr(
                (_STREET if _is_street(folded, e, patterns[0].script) else 0)
                | (_NOT_DIVISION if folded[e - 1] == "师" and _is_not_division(folded, e) else 0)
            )
            + text[s:e]
            for s, e, patterns in hits
        ]
    )


def _scan_names(hits: list[_Hit], read: _Read) -> list[Evidence]:
    out: list[Evidence] = []
    at = 0
    for s, e, patterns in hits:
        said = ord(read[at + 1])
        surface = read[at + 2 : at + 2 + e - s]
        at += 2 + e - s
        out.append(
            _name_evidence(
                surface, s, e, patterns, bool(said & _STREET), bool(said & _NOT_DIVISION)
            )
        )
    return out


def _hits(folded: str, lo: int, hi: int) -> list[_Hit]:
    """Place names in ``folded[lo:hi]`` on word boundaries, the longest where they overlap, in
    the order they are written."""
    return [(s + lo, e + lo, p) for s, e, p in _matched(folded, lo, hi).hits]


@dataclass(slots=True)
class _Standing:
    """What a set of the automaton's matches comes to (kept for the next text with the same)."""

    hits: list[_Hit]  # the place names among them, as :func:`_hits` (from the span's start)
    plain: bool  # all matches Chinese, each name among them ending in its administrative word
    coded: bool  # a word an XPCC unit needs is there
    placed: Location | None = None  # the answer for a whole address written as its names
    answers: dict[_Read, Location] | None = None  # whole addresses, as read


def _matched(folded: str, lo: int, hi: int) -> _Standing:
    """What the automaton's matches in ``folded[lo:hi]`` come to (``folded`` as :func:`words`
    makes it)."""
    g = gazetteer()
    span = folded if lo == 0 and hi == len(folded) else folded[lo:hi]
    padded = f" {span} "
    matches = g.automaton.find_matches_as_indexes(padded, overlapping=True)
    # Which of them stand depends on the matches alone (a name sought whole-word carries its
    # boundaries), and many addresses name the same places: kept once worked out. They are
    # the matches of the text from where the first begins to where the last ends, so that
    # text, where it lies and how many there are say which they are (as a string: a key
    # Python's collector never sweeps).
    first, last = len(padded), 0
    for _, s, e in matches:
        first, last = min(first, s), max(last, e)
    key = f"{chr(first)}{chr(len(matches))}{padded[first:last]}"
    held = _STANDING.get(key)
    if held is None:
        pad, meanings = g.pad, g.meanings  # the text has a space in front; a padded name
        found = [  # one either side
            (s - e + 2 * pad[i], s - 1 + pad[i], e - 1 - pad[i], i)
            for i, s, e in matches
            if meanings[i]
        ]
        standing = _longest(found, hi - lo)
        hits = [(s, e, meanings[i]) for s, e, i in sorted(standing)]  # in reading order
        spelled = {i for i, _, _ in matches}
        plain = spelled.isdisjoint(g.not_han) and all(g.plain[i] for _, _, i in standing)
        coded = not spelled.isdisjoint(g.code)
        held = remember(_STANDING, key, _Standing(hits, plain, coded), _DECIDED_MAX)
    return held


def _longest(found: list[tuple[int, int, int, int]], hi: int) -> list[tuple[int, int, int]]:
    """Of overlapping hits (each ``(-length, start, end, spelling)``), the longest, then the
    first."""
    if len(found) < 2:
        return [(s, e, i) for _, s, e, i in found]
    found.sort()  # (no two hits have the same length and start)
    out: list[tuple[int, int, int]] = []
    if len(found) <= 8:  # (most addresses: a few names, compared with each other)
        for _, start, end, i in found:
            for s, e, _ in out:
                if start < e and s < end:
                    break
            else:
                out.append((start, end, i))
        return out
    taken = bytearray(hi)  # 1 where a longer name already lies
    for _, start, end, i in found:
        if taken.find(1, start, end) < 0:
            taken[start:end] = _ONES[: end - start]
            out.append((start, end, i))
    return out


def _name_evidence(
    surface: str,
    start: int,
    end: int,
    patterns: tuple[Pattern, ...],
    street: bool,
    not_division: bool,
) -> Evidence:
    xinjiang, kind, script, key, strength, said = _sense(patterns)
    if street or (xinjiang and not_division):
        meaning = f"{surface} is part of a street or other name here, not a place"
        return _make((surface, start, end, "street", script, meaning, None, gz.STRONG, False))
    return _make((surface, start, end, kind, script, surface + said, key, strength, True))


_Sense = tuple[bool, str, str, str | None, str, str]
_SENSES: Final[dict[int, _Sense]] = {}


def _sense(patterns: tuple[Pattern, ...]) -> _Sense:
    """What a place name found means, whatever it is part of: whether it may be Xinjiang, its
    kind, script, key, strength, and what is said of it after its own text (kept by the
    identity of the gazetteer's own tuple of meanings, which lives as long as the gazetteer)."""
    held = _SENSES.get(id(patterns))
    if held is not None:
        return held
    xj = [p for p in patterns if p.kind == gz.XJ]
    script = _SCRIPTS.get(patterns[0].script, "Latin")
    if xj:
        if len(xj) < len(patterns):
            p, strength = xj[0], gz.AMBIGUOUS_CN
            said = f" names {_describe(p.key)} and also a place outside Xinjiang"
        else:
            p = max(xj, key=_xj_rank) if len(xj) > 1 else xj[0]
            strength, said = p.strength, f" = {_describe(p.key)}"
        held = (True, _level(p.key), script, p.key, strength, said)
    else:
        p = patterns[0]
        kind = p.kind
        if kind == gz.CHINA:
            said = " = China"
        elif kind == gz.FOREIGN:
            said = f" = {p.key}, not China"
        elif p.strength == gz.WEAK:
            said = f" may be a city in {p.key} (pinyin; homophones exist)"
        else:
            said = f" is in {p.key}, outside Xinjiang"
        held = (False, kind, script, p.key, p.strength, said)
    _SENSES[id(patterns)] = held
    return held


_SCRIPTS: Final = {"Han": "Han", "Arabic": "Arabic", "Cyrillic": "Cyrillic"}  # the rest: Latin


def _xj_rank(p: Pattern) -> tuple[int, int]:
    """Which of a name's Xinjiang meanings it is taken for: the strongest, then the coarsest."""
    return _WEIGHT[p.strength], _LEVEL_RANK.get(_level(p.key), 0)


def _is_street(folded: str, end: int, script: str) -> bool:
    if script == "Han":
        if folded.endswith(gz.ADMIN_SUFFIXES, 0, end):
            return False  # 石河子市北四路: a city, then its street
        return _HAN_STREET.match(folded, end) is not None
    return _LATIN_STREET.match(folded, end) is not None


def _is_not_division(text: str, end: int) -> bool:
    """第一师范 is a teachers' college and 师傅 a master, not an XPCC division (师)."""
    return text[end - 1 : end] == "师" and _NOT_DIVISION_AFTER.match(text, end) is not None


@cache
def _level(key: str) -> str:
    division = gazetteer().divisions.get(key)
    return division.level if division else "place"


@cache
def _describe(key: str) -> str:
    chain = gazetteer().parents(key)
    if not chain:
        return key
    d = chain[0]
    label = f"{d.name_zh}" + (f" ({d.name_en})" if d.name_en else "")
    code = f", {d.code}" if d.code else ""
    return f"{label}, {d.level.replace('_', ' ')}{code}, Xinjiang"


def _scan_codes(text: str, folded: str, lo: int, hi: int) -> list[Evidence]:
    out: list[Evidence] = []
    for start, end, uscc in find_usccs(text, lo, hi):
        out.append(_uscc_evidence(text[start:end], start, end, uscc))
    for rx, source, script in ((_XPCC_HAN, text, "Han"), (_XPCC_LATIN, folded, "Latin")):
        for m in rx.finditer(source, lo, hi):
            if _is_not_division(source, m.end()):
                continue
            regiment_only = m.group(0).rstrip("场").endswith("团") and "兵团" not in m.group(0)
            strength = gz.WEAK if regiment_only or "division" in m.group(0) else gz.STRONG
            out.append(
                Evidence(
                    text[m.start() : m.end()],
                    m.start(),
                    m.end(),
                    "xpcc",
                    script,
                    f"{text[m.start() : m.end()]} = XPCC unit",
                    "XPCC",
                    strength,
                )
            )
    for rx, kind in ((_POSTAL, "postal_code"), (_PHONE, "phone_code")):
        for m in rx.finditer(text, lo, hi):
            out.append(
                Evidence(
                    m.group(0),
                    m.start(),
                    m.end(),
                    kind,
                    "Latin",
                    f"{m.group(0)}: a Xinjiang {kind.replace('_', ' ')} (supporting only)",
                    strength=gz.WEAK,
                )
            )
    return out


def _uscc_evidence(code: str, start: int, end: int, uscc: Uscc) -> Evidence:
    if not uscc.valid:
        meaning, kind, key = "USCC with a wrong check character: not counted", "uscc", None
    elif uscc.xinjiang:
        meaning, kind, key = (
            f"USCC registered in Xinjiang (region code {uscc.region})",
            "uscc",
            "650000",
        )
    else:
        meaning, kind, key = (
            f"USCC registered outside Xinjiang (region code {uscc.region})",
            "uscc_other",
            None,
        )
    return Evidence(code, start, end, kind, "Latin", meaning, key, used=uscc.valid)


def _decide(evidence: list[Evidence]) -> Location:
    """The decision on ``evidence`` (found in the address's order; changed where context
    changes what a piece proves)."""
    china = False
    foreign: list[Evidence] = []
    others: list[Evidence] = []
    at: list[int] = []  # where Xinjiang's evidence lies in ``evidence``
    supporting = False
    other_score = 0
    for k, e in enumerate(evidence):
        if not e.used:
            continue
        kind = e.kind
        china = china or kind == gz.CHINA or e.script == "Han"
        if kind == gz.FOREIGN:
            foreign.append(e)
        elif kind == gz.CHINA_OTHER or kind == "uscc_other":
            others.append(e)
            other_score += 2 if e.strength == gz.STRONG else 1
        elif kind == "postal_code" or kind == "phone_code":
            supporting = True
        elif e.key and kind != gz.CHINA:
            at.append(k)
    if foreign and not china:
        other_score += 2 * len(foreign)
    if len(at) > 1:
        _confirm_related(evidence, at)
    for k in at:
        e = evidence[k]
        strength = e.strength
        if foreign and not china and e.script == "Latin" and _LEVEL_RANK.get(e.kind, 9) > 2:
            strength = gz.WEAK  # a Latin spelling in an address abroad: Altai, Russia
        if strength == gz.AMBIGUOUS_FOREIGN and (china or not foreign):
            strength = gz.STRONG if china else gz.WEAK
        if strength == gz.AMBIGUOUS_FOREIGN:
            said = " (set aside: the address names another country)"
            evidence[k] = e._replace(used=False, meaning=e.meaning + said)
        elif strength != e.strength:
            evidence[k] = e._replace(strength=strength)
    at = [k for k in at if evidence[k].used]
    xj = [evidence[k] for k in at]
    xj_score = sum(_WEIGHT[e.strength] for e in xj)
    strong_others = [e for e in others if e.strength == gz.STRONG]
    if strong_others and xj and _heads_address(strong_others, xj):
        other_score += 3  # 上海市…乌鲁木齐中路 / Yecheng Street, Shanghai: the other place governs
    if xj_score and supporting:
        xj_score += 1
    decided = xj_score >= 2 and xj_score > other_score
    place = None
    if decided:
        place = _place(evidence, at)
        confidence = min(0.99, 0.55 + 0.08 * xj_score - 0.1 * other_score)
    else:
        confidence = min(0.97, 0.6 + 0.1 * other_score + (0.2 if not xj_score else 0))
    return Location(decided, max(0.5, confidence), place, evidence)


def _heads_address(others: list[Evidence], xj: list[Evidence]) -> bool:
    """Does another place govern the address? Chinese order runs from province down to street,
    English order the other way, so the governing place comes first in Han, last in Latin."""
    if all(e.script == "Han" for e in others + xj):
        return min(e.start for e in others) < min(e.start for e in xj)
    return max(e.start for e in others) > max(e.start for e in xj)


def _confirm_related(evidence: list[Evidence], at: list[int]) -> None:
    """An ambiguous or weak division next to its own parent or child is confirmed (``at``: where
    Xinjiang's evidence lies in ``evidence``)."""
    if all(evidence[k].strength == gz.STRONG or not evidence[k].key for k in at):
        return  # (most addresses: nothing to confirm)
    g = gazetteer()
    chains = {evidence[k].key: g.within(evidence[k].key or "") for k in at}
    for k in at:
        e = evidence[k]
        if e.strength == gz.STRONG or not e.key:
            continue
        for j in at:
            other = evidence[j]
            if j == k or not other.key or other.key == e.key:
                continue
            if other.key in chains[e.key] or e.key in chains.get(other.key, set()):
                said = f" (confirmed by {other.text})"
                evidence[k] = e._replace(strength=gz.STRONG, meaning=e.meaning + said)
                break


def _place(evidence: list[Evidence], at: list[int]) -> dict[str, Any] | None:
    """The place Xinjiang's evidence (``at`` in ``evidence``) names most precisely; a finer
    place of another name's elsewhere is said to be set aside."""
    divisions = gazetteer().divisions
    ranked = [k for k in at if evidence[k].key in divisions]
    if not ranked:
        return {
            "key": "XPCC",
            "level": "xpcc",
            "name_zh": "新疆生产建设兵团",
            "name_en": "Xinjiang Production and Construction Corps",
            "code": None,
        }
    xpcc = any(evidence[k].kind == "xpcc" for k in at)
    if len(ranked) == 1:  # (one place named: nothing to choose or set aside)
        return _place_named(evidence[ranked[0]].key or "", xpcc)
    keys = {k: evidence[k].key or "" for k in ranked}
    chains = {key: gazetteer().within(key) for key in keys.values()}
    ranks = {key: _LEVEL_RANK.get(_level(key), 0) for key in keys.values()}
    top = max(
        ranked,
        key=lambda k: (
            -_conflicts(keys[k], keys.values(), chains, ranks),
            ranks[keys[k]],
            _WEIGHT[evidence[k].strength],
        ),
    )
    here = keys[top]
    for k in ranked:  # a finer place of that name elsewhere: said, not used
        key = keys[k]
        apart = here not in chains[key] and key not in chains[here]
        if key != here and apart and ranks[key] > ranks[here]:
            said = f" (set aside: not in {evidence[top].text})"
            evidence[k] = evidence[k]._replace(meaning=evidence[k].meaning + said)
    return _place_named(here, xpcc)


_PLACES: Final[dict[tuple[str, bool], dict[str, Any]]] = {}


def _place_named(key: str, xpcc: bool) -> dict[str, Any]:
    """The place of division ``key`` with its parents, as an answer gives it (one dict for
    every answer naming it: read it, never change it); ``xpcc``: an XPCC unit was named."""
    held = _PLACES.get((key, xpcc))
    if held is not None:
        return held
    chain = gazetteer().parents(key)
    head = chain[0]
    place: dict[str, Any] = {
        "key": head.key,
        "code": head.code,
        "level": head.level,
        "name_zh": head.name_zh,
        "name_en": head.name_en,
    }
    for d in chain[1:]:
        place[d.level] = {"code": d.code, "name_zh": d.name_zh, "name_en": d.name_en}
    place["xpcc"] = xpcc or head.level.startswith("xpcc") or (head.code or "").startswith("6590")
    _PLACES[key, xpcc] = place  # (as many as the gazetteer has divisions, at most twice)
    return place


def _conflicts(
    key: str, named: Iterable[str], chains: dict[str, frozenset[str]], ranks: dict[str, int]
) -> int:
    """Coarser places the address names (``named``) that ``key`` does not lie in:
    新疆石河子市经济技术开发区 is Shihezi's development zone, not the one of that name in Aksu. (The
    XPCC's divisions overlay the counties rather than contain them, so they contradict nothing.)
    A function of its own: a closure over the caller's tables would make a cycle per answer
    for Python's collector to find."""
    return sum(
        1
        for o in named
        if o not in chains[key]
        and key not in chains[o]
        and ranks[o] < ranks[key]
        and _level(o) not in ("xpcc_division", "xpcc_corps")
    )


def _why(decided: bool, evidence: list[Evidence]) -> str:
    """Why, from the evidence :func:`_decide` left: Xinjiang's (strong or not) against other
    places' and countries'."""
    strong: list[str] = []
    weak: list[str] = []
    others: list[str] = []
    foreign: list[str] = []
    for e in evidence:
        if not e.used:
            continue
        kind = e.kind
        if kind == gz.FOREIGN:
            foreign.append(e.meaning)
        elif kind == gz.CHINA_OTHER or kind == "uscc_other":
            others.append(e.meaning)
        elif kind == "postal_code" or kind == "phone_code" or kind == gz.CHINA or not e.key:
            continue
        elif e.strength == gz.STRONG:
            strong.append(e.meaning)
        else:
            weak.append(e.meaning)
    against = others + foreign
    if decided:
        parts = ["In Xinjiang: " + "; ".join(strong or weak) + "."]
        if against:
            parts.append("Outweighed: " + "; ".join(against) + ".")
        return " ".join(parts)
    if against and (strong or weak):
        return "Not Xinjiang: " + "; ".join(against) + " outranks " + "; ".join(strong + weak) + "."
    if weak:
        return "Not enough to say Xinjiang: only " + "; ".join(weak) + "."
    if against:
        return "Not Xinjiang: " + "; ".join(against) + "."
    return "No Xinjiang place name, XPCC unit or registry code counted."
