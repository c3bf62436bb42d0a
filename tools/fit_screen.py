"""Fit the screening model: term frequencies, m- and u-probabilities, prior and thresholds.

    python tools/fit_screen.py [--out paxta/data/screen] [--review-rate 0.02]

Writes ``trade_frequencies.csv`` and ``model.json`` (with the fit's own figures in it). Needs the
``fit`` extra (wordfreq) for how common words are in general text. Nothing is edited by hand:

- **Term frequencies** (how many company names carry a trade word): counted in the fit half of
  ``paxta/data/names/background_companies.csv`` (real companies on no list) and in the listed
  names, and, for words those few thousand names cannot tell about, estimated from wordfreq's
  frequency of the word in general text (English words; Chinese words by their pinyin), scaled
  by the ratio the two sources show for words both know.
- **u** (how often an unrelated pair that was compared shows a level): every candidate pair the
  index gives for the fit half of the background names (none of them is listed).
- **m** (how often a true match shows it): the best pair of each labelled positive with the
  listed entity it is, generated from the lists and the shipped names
  (``bench/screen_set.py``: other names of listed entities in bill-of-lading form, the dev part
  of the Chinese names the press prints, bill-of-lading renderings, one-letter slips, listed
  persons' names given name first) and the listed names of the developers' probe sets
  (``bench/probe/``: registered Chinese names, news and Japanese forms of listed companies,
  written from general knowledge; the generated sets never add the industry words a registered
  name carries). m is shrunk toward u by ``SHRINK`` pseudo-pairs, and a level no pair
  shows weighs nothing.
- **Prior**: one supplier in a hundred listed (an assumption, stated in the file), spread over
  the pairs compared per name.
- **Thresholds**: ``review`` where ``--review-rate`` of the fit-half background names would be
  reviewed, ``match`` where one in two thousand would match, never below 0.5.

The other half of the background names is never read here: bench/bench_screen.py measures on it.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import math
import os
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from paxta.screen.comparison import COMPARISON_VERSION, agreed_value  # noqa: E402
from paxta.screen.model import tf_key  # noqa: E402

LISTED_SHARE = 0.01  # the assumed share of screened names that are listed (for the prior)
MATCH_RATE = 0.0005  # the share of fit-half background names allowed at match
SLIP_SHARE = 0.05  # the assumed share of bill-of-lading names with a slip in the trade name
SMOOTH = 0.5  # added to every level's count (u)
SHRINK = 50.0  # pseudo-pairs that pull m toward u (see main)
MIN_PAIRS = 1  # a level no pair shows weighs nothing
WORDFREQ_TOP = 60_000  # general words read from wordfreq, per language
# Levels that say the names share nothing: never evidence for a match, whatever the counts.
NO_EVIDENCE = frozenset({("trade", "none"), ("trade", "fuzzy_low")})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "paxta" / "data" / "screen")
    parser.add_argument("--review-rate", type=float, default=0.02)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    os.environ.setdefault("PAXTA_HOME", tempfile.mkdtemp(prefix="paxta-fit-"))
    args.out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()

    from screen_set import (
        Groups,
        as_deployed,
        background_rows,
        fit_half,
        held_out,
        labelled_set,
        person_cases,
        press_rows,
        probe_cases,
        typo_cases,
    )

    from paxta.lists.shipped import ensure_lists
    from paxta.screen.aliases import load_aliases
    from paxta.screen.index import load_index
    from paxta.screen.matcher import Matcher
    from paxta.screen.model import LEVELS, NULL_LEVELS, Model, use_model
    from paxta.store import open_store

    store = open_store()
    ensure_lists(store)
    groups = Groups(store)
    index = load_index(store)
    dev_pairs = [
        (r["name_zh_as_stated"], r["matched_list_name"])
        for r in press_rows()
        if not held_out(r["name_zh_as_stated"])
    ]
    matcher = Matcher(index, load_aliases(None, pairs=dev_pairs))
    background = [r for r in background_rows() if fit_half(r)]
    listed_names = [n for names in groups.names.values() for n, _ in names]
    print(f"fit half: {len(background):,} background names; {len(listed_names):,} listed names")

    frequencies, tf_unknown = term_frequencies([r["name"] for r in background], listed_names)
    with (args.out / "trade_frequencies.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["key", "per_name"])
        for key in sorted(frequencies):
            w.writerow([key, f"{frequencies[key]:.3g}"])
    from paxta.screen import model as model_module

    model_module._frequencies.cache_clear()

    # A neutral model (no weights) while the levels are counted.
    neutral = Model("fitting", 0.0, {}, {}, tf_unknown, 1.01, 0.0)
    use_model(neutral)
    cases = labelled_set(store, args.seed, 400) + typo_cases(groups, args.seed)
    cases += person_cases(groups, args.seed) + probe_cases(groups)
    positives = [c for c in as_deployed(cases, args.seed) if c.expected and not c.held_out]
    # The slip set has four slips for each listed name: weighed so that slips are SLIP_SHARE
    # of the positives, as in the bill-of-lading names they stand for.
    n_slips = sum(c.category == "probe-typo" for c in positives)
    slip_weight = SLIP_SHARE * (len(positives) - n_slips) / max(n_slips, 1) / (1 - SLIP_SHARE)
    pos_counts: dict[str, Counter[str]] = defaultdict(Counter)  # (weighted counts)
    neg_counts: dict[str, Counter[str]] = defaultdict(Counter)
    pos_tf: dict[str, list[float]] = defaultdict(list)
    neg_tf: dict[str, list[float]] = defaultdict(list)
    from paxta.screen.model import trade_frequency

    found = 0
    for case in positives:
        best = None
        for result, entry in matcher.compared(case.query):
            if groups.group(entry.entity.entity_id) != case.expected or not result.parts:
                continue
            strength = (-_order(result.parts[0].level), len(result.agree) - len(result.differ))
            if best is None or strength > best[0]:
                best = (strength, result)
        if best is None:
            continue
        found += 1
        weight = slip_weight if case.category == "probe-typo" else 1.0
        _count(best[1], pos_counts, pos_tf, trade_frequency, tf_unknown, weight)
    n_pairs = 0
    for row in background:
        for result, _ in matcher.compared(row["name"]):
            if result.parts:
                n_pairs += 1
                _count(result, neg_counts, neg_tf, trade_frequency, tf_unknown)
    print(
        f"positives: {found:,} of {len(positives):,} found among the candidates; "
        f"negative pairs: {n_pairs:,}"
    )

    levels: dict[str, dict[str, dict[str, float]]] = {}
    for comparison, names in LEVELS.items():
        neg_total = sum(neg_counts[comparison].values()) + SMOOTH * len(names)
        levels[comparison] = {}
        n_pos = sum(pos_counts[comparison].values())
        for level in names:
            u = (neg_counts[comparison][level] + SMOOTH) / neg_total
            # m shrunk toward u by SHRINK pseudo-pairs: a level the positives rarely show
            # (they are generated, and miss kinds of real renderings) says little either way
            m = (pos_counts[comparison][level] + SHRINK * u) / (n_pos + SHRINK)
            weight = math.log2(m / u)
            seen = pos_counts[comparison][level] + neg_counts[comparison][level]
            if seen < MIN_PAIRS:
                weight = 0.0  # too few pairs show it to say anything
            if (comparison, level) in NO_EVIDENCE:
                weight = min(weight, 0.0)
            if (comparison, level) in NULL_LEVELS:
                weight = 0.0
            levels[comparison][level] = {
                "m": round(m, 6),
                "u": round(u, 6),
                "weight": round(weight, 3),
                "n_match": pos_counts[comparison][level],
                "n_other": neg_counts[comparison][level],
            }
    tf_reference = {
        level: round(math.exp(statistics.fmean(math.log(x) for x in values)), 9)
        for level, values in neg_tf.items()
        if len(values) >= 5
    }
    pairs_per_name = n_pairs / max(len(background), 1)
    prior = math.log2(LISTED_SHARE / ((1 - LISTED_SHARE) * max(pairs_per_name, 1.0)))
    raw = {
        "algorithm": "",
        "prior": round(prior, 3),
        "levels": levels,
        "tf_reference": tf_reference,
        "tf_unknown": tf_unknown,
        "thresholds": {"match": 1.01, "review": 0.0},
    }
    from paxta.screen.model import load_model

    unthresholded = load_model(raw)
    use_model(unthresholded)
    tops = []
    for row in background:
        plain, related = 0.0, 0.0
        for result, _ in matcher.compared(row["name"]):
            if result.relation:
                related = max(related, result.score if result.decision != "clear" else 0.0)
            else:
                plain = max(plain, result.score)
        tops.append((plain, related))
    _distribution(tops, matcher, positives, groups)
    review = _quantile([max(p, r) for p, r in tops], 1 - args.review_rate)
    match = max(0.5, _quantile([p for p, _ in tops], 1 - MATCH_RATE), review)
    digest = hashlib.sha256(orjson.dumps(levels, option=orjson.OPT_SORT_KEYS)).hexdigest()
    raw["algorithm"] = f"paxta-fs-{COMPARISON_VERSION}-{digest[:8]}"
    raw["thresholds"] = {"match": round(match, 4), "review": round(review, 4)}
    raw["fit"] = {
        "date": date.today().isoformat(),
        "background_names": len(background),
        "negative_pairs": n_pairs,
        "positives": found,
        "listed_share_assumed": LISTED_SHARE,
        "review_rate_target": args.review_rate,
        "match_rate_target": MATCH_RATE,
        "lists": [f"{s} {v}" for s, v in index.versions],
        "seconds": round(time.perf_counter() - t0, 1),
    }
    (args.out / "model.json").write_bytes(
        orjson.dumps(raw, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"
    )
    use_model(None)
    print(f"{raw['algorithm']}: prior {prior:.2f}, match >= {match:.4f}, review >= {review:.4f}")
    for comparison, by_level in levels.items():
        shown = ", ".join(f"{k} {v['weight']:+.1f}" for k, v in by_level.items())
        print(f"  {comparison}: {shown}")
    print(f"written to {args.out} in {time.perf_counter() - t0:.0f} s")


def _distribution(tops, matcher, positives, groups) -> None:  # type: ignore[no-untyped-def]
    """How the top scores of the background names and of the positives are spread."""
    best = []
    for case in positives:
        found = matcher.match(case.query, limit=1)
        ok = found and groups.group(found[0].entity.entity_id) == case.expected
        best.append(found[0].score if ok and found[0].decision != "clear" else 0.0)
    for t in (0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95):
        neg = sum(max(p, r) >= t for p, r in tops) / len(tops)
        neg_plain = sum(p >= t for p, _ in tops) / len(tops)
        pos = sum(b >= t for b in best) / len(best)
        print(f"  p >= {t:<5} background {neg:.4f} (plain {neg_plain:.4f}), positives {pos:.3f}")


def _order(level: str) -> int:
    from paxta.screen.model import LEVELS

    return LEVELS["trade"].index(level) if level in LEVELS["trade"] else 99


def _count(result, counts, tfs, trade_frequency, floor, weight=1.0) -> None:  # type: ignore[no-untyped-def]
    """Count a pair's levels (pairs decided by a rule, not the model, are left out)."""
    if any(p.comparison == "rule" for p in result.parts):
        return
    for p in result.parts:
        counts[p.comparison][p.level] += weight
        key, words = tf_key(p.comparison, p.level), agreed_value(result, p.comparison)
        if key is not None and words:
            prefix = "" if p.comparison == "trade" else f"{p.comparison}:"
            tfs[key].append(trade_frequency(tuple(prefix + w for w in words), floor))


def _quantile(values: list[float], q: float) -> float:
    """The smallest threshold t with at most a share 1 - q of ``values`` at or above it."""
    ordered = sorted(values)
    k = min(math.floor(q * len(ordered)), len(ordered) - 1)
    above = ordered[k]
    return min(1.0, math.nextafter(above, 2.0)) if above > 0 else 0.0


def term_frequencies(background: list[str], listed: list[str]) -> tuple[dict[str, float], float]:
    """The share of company names carrying each trade word or pinyin key, and the share used
    for a key no source knows.

    Three estimates, the largest kept: the share among the background names; for a Latin word,
    its frequency in English text (wordfreq), scaled by the ratio the two show for words both
    know; for a pinyin key, the chance that a Chinese trade name is those syllables, from the
    syllables of the background's Chinese trade names (中泰 is as common as 中 and 泰 are)."""
    from wordfreq import top_n_list, word_frequency

    from paxta.names.features import name_features
    from paxta.names.transliterate import is_pinyin, syllables
    from paxta.screen.tradename import value_words
    from paxta.scripts import HAN, detect_script

    def words_of(name: str) -> set[str]:
        f = name_features(name)
        out: set[str] = set()
        for key in f.keys:
            out.update(value_words(f, key))
        return {w for w in out if w and not w.startswith("@")}

    bg = Counter(w for name in background for w in words_of(name))
    n_bg = len(background)
    syllable_counts: Counter[str] = Counter()
    for name in background:
        f = name_features(name)
        if detect_script(name) == HAN and f.trade:
            syllable_counts.update(syllables(f.trade))
    n_syllables = sum(syllable_counts.values())
    known = {s for s in syllable_counts}

    def by_syllables(key: str) -> float:
        parts = split_pinyin(key, known)
        if not parts:
            return 0.0
        share = 1.0
        for part in parts:
            share *= (syllable_counts[part] + 0.5) / n_syllables
        return share

    english = {
        w: word_frequency(w, "en")
        for w in top_n_list("en", WORDFREQ_TOP)
        if w.isascii() and w.isalpha() and len(w) >= 2
    }
    ratios = [bg[w] / n_bg / english[w] for w in bg if bg[w] >= 3 and english.get(w)]
    scale = statistics.median(ratios) if ratios else 1.0
    keys = set(bg) | set(english) | {w for name in set(listed) for w in words_of(name)}
    out: dict[str, float] = {}
    for key in keys:
        share = max(
            (bg[key] + 0.5) / n_bg if bg[key] else 0.0,
            scale * english.get(key, 0.0),
            by_syllables(key) if is_pinyin(key) else 0.0,
        )
        if share > 0:
            out[key] = min(share, 1.0)
    industry = Counter(stem for name in background for stem in set(name_features(name).industry))
    for stem in industry.keys() | {s for name in set(listed) for s in name_features(name).industry}:
        out[f"industry:{stem}"] = (industry[stem] + 0.5) / n_bg
    listed_shares = [out[w] for name in set(listed) for w in words_of(name) if w in out]
    unknown = math.exp(statistics.fmean(math.log(x) for x in listed_shares))
    print(
        f"term frequencies: {len(out):,} words; English scale {scale:.3g} from {len(ratios):,} "
        f"words; {len(syllable_counts):,} syllables; unknown word {unknown:.2e}"
    )
    return out, unknown


def split_pinyin(key: str, known: set[str]) -> list[str]:
    """``key`` as the fewest syllables of ``known`` (zhongtai: zhong, tai); [] when it is not."""
    best: list[list[str] | None] = [[]] + [None] * len(key)
    for end in range(1, len(key) + 1):
        for start in range(max(0, end - 6), end):
            head, held = best[start], best[end]
            fewer = held is None or (head is not None and len(head) + 1 < len(held))
            if head is not None and key[start:end] in known and fewer:
                best[end] = [*head, key[start:end]]
    return best[-1] or []


if __name__ == "__main__":
    main()
