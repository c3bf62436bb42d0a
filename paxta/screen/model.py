"""The fitted screening score: Fellegi-Sunter weights over the comparison levels.

``compare`` reads two names part by part and gives each part a *level* (the trade name is
``exact``, ``pinyin``, ``alias``, ``contained``, ``fuzzy_mid`` ...; the place is ``same``,
``differ``, ``query_only`` ...). Each level has an m-probability (how often a true match shows
it) and a u-probability (how often an unrelated pair that got as far as being compared shows
it); its weight is log2(m/u). Agreement on a trade name is then adjusted by how common that
trade name is among real companies (term frequency): "Future", "Overseas" or 新星 agreeing says
far less than "Hoshine" or 中泰 agreeing. The weights and the prior add up to a match weight,
turned into a probability; ``match`` and ``review`` are thresholds on it.

Every number comes from ``paxta/data/screen/model.json`` (made by ``tools/fit_screen.py``,
never edited by hand) and ``trade_frequencies.csv`` beside it; see their provenance notes.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from functools import cache
from typing import Any

import orjson

from paxta.data import data_path

# The comparisons and their levels, strongest agreement first. The fit counts these; a level
# the data never showed keeps a smoothed weight.
LEVELS: dict[str, tuple[str, ...]] = {
    "trade": (
        "exact",  # the same trade key in one script (Zhongtai = Zhongtai)
        "pinyin",  # across scripts by pinyin (中泰 = Zhongtai)
        "alias",  # the alias table's coined name (合盛 = Hoshine)
        "alias_part",  # one word of the listed trade name is the query's coined name
        "translated",  # common words translated (世纪阳光 = Century Sunshine)
        "respelled",  # one name transliterated two ways (Haramain, Haramayn)
        "slip",  # one letter off in a coined name (ESQUL)
        "slip_pinyin",  # one letter off in a pinyin name (Hafu, Huafu): as often another name
        "place_name",  # the trade names are a place's name (菏泽纺织, Heze Cotton)
        "contained",  # one trade name holds the other whole (Pioneer Overseas, Overseas)
        "fuzzy_high",  # letters 0.90 alike or more
        "fuzzy_mid",  # 0.80-0.90
        "fuzzy_low",  # below 0.80
        "same_words",  # no trade name on either side, the same words (legal form aside)
        "none",  # no trade name to compare
    ),
    "place": (
        "same",
        "same_by_address",  # the listed address or the query's address puts them together
        "bracket_same",
        "within",  # the query's address lies within the listed place
        "neither",
        "query_only",
        "listed_only",
        "differ",
        "differ_by_address",
        "bracket_differ",
        "listed_bracket_only",
        "query_bracket_only",
        "abroad",  # the query names another country
    ),
    "industry": (
        "same",
        "same_more",  # the same words, and more on one side (Gold Resources, Gold)
        "same_extra",  # the query names another line of business too
        "same_sector",
        "generic",  # only general words (Industry, Trading) on both sides
        "neither",
        "query_only",
        "listed_only",
        "one_generic",  # one side names a trade, the other only general words
        "differ",
    ),
    "legal": ("both", "query_only", "listed_only", "neither"),
    "role": (
        "both_group",
        "same",
        "query_group",
        "listed_group",
        "group_unsaid",
        "query_branch",
        "listed_branch",
    ),
    # what the listed entity is: a company, or a person (vessel, aircraft) whose whole name
    # agrees, or only a part of it
    "kind": ("company", "person", "person_part"),
    "country": ("same", "unknown", "differ"),
    # every part agrees or is absent on both sides (and something besides the trade name
    # agrees), only the trade name is there to agree, or not
    "whole": ("all_agree", "trade_only", "partly"),
    "registry": ("unknown", "differ"),
}
# Levels that say nothing is known on one side or both: no evidence either way (weight 0).
NULL_LEVELS = frozenset(
    {
        ("place", "neither"),
        ("industry", "neither"),
        ("legal", "neither"),  # a legal form is missing from many list entries, and a
        ("legal", "query_only"),  # legal form says little of which company it is: no
        ("legal", "listed_only"),  # evidence unless both name one
        ("country", "unknown"),
        ("registry", "unknown"),
    }
)
# Trade levels whose weight is adjusted by how common the agreeing value is (the values agree).
TF_LEVELS = frozenset(
    {
        "exact",
        "pinyin",
        "alias",
        "alias_part",
        "translated",
    }
)
TF_INDUSTRY = frozenset({"same", "same_more", "same_extra"})  # industry levels, likewise
TF_CLAMP = {"trade": (-8.0, 4.0), "industry": (-4.0, 2.0)}  # log2 bounds of the adjustment


@dataclass(frozen=True)
class Part:
    """One comparison's outcome: its level, its weight in the score, and why."""

    comparison: str
    level: str
    weight: float
    reason: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "comparison": self.comparison,
            "level": self.level,
            "weight": round(self.weight, 2),
            "reason": self.reason,
        }


@dataclass(frozen=True)
class Model:
    """The fitted parameters (see the module docstring)."""

    algorithm: str
    prior: float  # log2 prior odds of a match among compared pairs
    weights: dict[str, dict[str, float]]  # comparison -> level -> log2(m/u)
    tf_reference: dict[str, float]  # trade level -> the typical term frequency at that level
    tf_unknown: float  # the share of a word no table knows
    match: float  # probability thresholds
    review: float

    def weight(self, comparison: str, level: str) -> float:
        return self.weights.get(comparison, {}).get(level, 0.0)

    def tf_adjustment(self, comparison: str, level: str, words: tuple[str, ...]) -> float:
        """log2(typical frequency / this value's frequency) for an agreeing trade name or
        industry: agreeing on a rare one says more than agreeing on a common one."""
        key = tf_key(comparison, level)
        if key is None or not words:
            return 0.0
        reference = self.tf_reference.get(key)
        if reference is None:
            return 0.0
        prefix = "" if comparison == "trade" else f"{comparison}:"
        share = trade_frequency(tuple(prefix + w for w in words), self.tf_unknown)
        adjust = math.log2(reference / share)
        low, high = TF_CLAMP[comparison]
        return min(max(adjust, low), high)

    def probability(self, weight: float) -> float:
        """The match probability of a total match weight (prior included)."""
        return 1.0 / (1.0 + math.exp2(-weight))


def tf_key(comparison: str, level: str) -> str | None:
    """The reference key of a level whose weight is adjusted by term frequency, else None."""
    if comparison == "trade" and level in TF_LEVELS:
        return level
    if comparison == "industry" and level in TF_INDUSTRY:
        return f"industry:{level}"
    return None


def model() -> Model:
    """The model in use: the shipped fitted one, unless :func:`use_model` set another."""
    return _in_use[0] or shipped_model()


_in_use: list[Model | None] = [None]


def use_model(m: Model | None) -> None:
    """Screen with ``m`` from now on (the fit's provisional weights); None: the shipped one."""
    _in_use[0] = m


@cache
def shipped_model() -> Model:
    """The fitted model shipped in ``paxta/data/screen/model.json``."""
    return load_model(orjson.loads(data_path("screen", "model.json").read_bytes()))


def load_model(raw: dict[str, Any]) -> Model:
    """A model from the JSON ``tools/fit_screen.py`` writes."""
    weights = {
        comparison: {level: float(v["weight"]) for level, v in levels.items()}
        for comparison, levels in raw["levels"].items()
    }
    return Model(
        algorithm=str(raw["algorithm"]),
        prior=float(raw["prior"]),
        weights=weights,
        tf_reference={k: float(v) for k, v in raw["tf_reference"].items()},
        tf_unknown=float(raw["tf_unknown"]),
        match=float(raw["thresholds"]["match"]),
        review=float(raw["thresholds"]["review"]),
    )


@cache
def _frequencies() -> dict[str, float]:
    path = data_path("screen", "trade_frequencies.csv")
    with path.open(encoding="utf-8") as f:
        return {r["key"]: float(r["per_name"]) for r in csv.DictReader(f)}


def word_frequency(word: str, unknown: float) -> float:
    """The share of company names that carry ``word`` (a Latin word or a pinyin key);
    ``unknown`` for a word the table does not hold."""
    return _frequencies().get(word, unknown)


def trade_frequency(words: tuple[str, ...], unknown: float) -> float:
    """How common a trade name of these words is. Words of one name are not independent (East
    Asia, Golden Star), so they combine as wordfreq combines the words of a phrase: one over
    the sum of one over each share (about half the rarest word's share for two words)."""
    return 1.0 / sum(1.0 / max(word_frequency(w, unknown), 1e-9) for w in words)
