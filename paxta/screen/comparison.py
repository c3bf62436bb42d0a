"""What a comparison of two names records: its levels, the relation, the decision.

A :class:`Comparison` is the vector the fitted model weighs and the explanation reads: for each
part of the name (trade name, place, industry, role ...) its level and the reason, the relation
the two names are in (a subsidiary, a group member ...), the probability and the decision.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from paxta.native import picklable
from paxta.screen.model import Part

# The version of the comparison logic (which levels a pair is read into). Raised by hand when
# that logic changes; the fitted model's algorithm name carries it (paxta-fs-<version>-<hash>).
COMPARISON_VERSION = 2

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


def relate(out: Comparison, relation: str, part: str, as_if: str = "") -> None:
    """Name the relation the two names are in (the first one found stands), the part that
    makes it one (a subsidiary's place, a group's role ...), and the level that part would
    have without the difference that makes the relation (none: no evidence either way)."""
    if not out.relation:
        out.relation, out.relation_part, out.relation_level = relation, part, as_if


def set_level(out: Comparison, comparison: str, level: str, reason: str = "") -> None:
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


def levels_of(out: Comparison) -> dict[str, str]:
    return {comparison: level for comparison, (level, _) in out.levels.items()}


picklable(Context)  # (frozen: see paxta.native)
