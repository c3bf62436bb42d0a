"""Benchmark: screening at the scale of full sanctions data, on this machine.

Goals (issue: screening): against 1M realistic Chinese and English company names plus the real
lists, index build <= 60 s and <= 2 GB; 100,000 query names screened in <= 120 s; one
``paxta match`` p95 <= 20 ms in-process; >= 10x logic-v2's pairs per second on the same pairs.
Issue #22 adds: the first answer of ``paxta match NAME`` from a fresh process, the store built,
<= 2 s (timed as a user runs it, three times, each printed).

The reference names are generated from the shipped tables (places in and outside Xinjiang,
industry terms, legal forms) with seeded random trade names, half in Chinese characters and
half in English as companies write them; they are imported as a FollowTheMoney list, so the
real import and index paths run. Every step runs in a child process whose peak memory
(summed over its worker processes) is sampled.

    python bench/bench_screen_scale.py [--names 1000000] [--queries 100000]
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import sys
import tempfile
from collections import Counter
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import LogicV2, machine, run_child

# Characters common in trade names (字号), from which two-character trade names are drawn.
TRADE_CHARS = (
    "华泰盛鑫达恒通源隆兴宏嘉瑞祥丰顺昌安康宝利新远润鸿金德信益美佳诚正腾凯博龙海"
    "天永明辉晨光合中大东方元豪创科源旺福祥和凯瑞欣悦恒裕富晶丽雅锦华纺"
)
# The trade names of companies on no list: drawn from a wider set of characters, so most of
# them are in no list either (as in a supplier file), and few share an exact block with one.
WIDE_TRADE_CHARS = TRADE_CHARS + (
    "爱奥百邦保北贝本彬冰波伯灿昌超辰成承驰崇川春纯聪翠丹道登迪鼎冬敦帆方飞芬峰锋凤伏甘钢"
    "高歌耕工冠广贵桂国涵汉航浩禾荷红虹厚湖虎花怀环焕皇惠慧吉继佳坚建江杰洁锦劲晋京经精景"
    "静菊聚骏俊开康柯可克坤昆蓝朗乐雷蕾力立莲良亮林琳麟灵岭柳路禄伦罗洛满茂梅蒙孟苗民敏铭"
    "木楠宁诺欧鹏平萍朴琪启千前乾强桥勤青庆秋全泉群然仁荣融如锐森山善尚绍深升胜诗石世仕舒"
    "曙树帅双水顺硕思松素速泰坦唐涛特腾天田铁通同彤图万威伟蔚文翁沃武熙喜霞先贤翔向骁晓协"
    "星雄秀旭轩雪勋迅雅亚炎彦扬洋耀业一怡宜艺亿易毅银盈颖映勇优友宇雨玉煜元园远跃越云运韵"
    "泽展湛章招哲振征之志智忠洲竹卓子宗"
)
INDUSTRIES = [
    ("纺织", "Textile"),
    ("棉业", "Cotton"),
    ("服装", "Garment"),
    ("服饰", "Apparel"),
    ("化工", "Chemical"),
    ("硅业", "Silicon Industry"),
    ("新能源", "New Energy"),
    ("食品", "Food"),
    ("贸易", "Trading"),
    ("进出口", "Import and Export"),
    ("科技", "Technology"),
    ("物流", "Logistics"),
    ("针织", "Knitting"),
    ("印染", "Printing and Dyeing"),
    ("电子", "Electronics"),
]
LEGAL = [
    ("有限公司", "Co., Ltd."),
    ("股份有限公司", "Co., Ltd."),
    ("集团有限公司", "Group Co., Ltd."),
]

STEP_CODE = """
import sys, time, os
sys.path.insert(0, sys.argv[1])
os.environ["PAXTA_HOME"] = sys.argv[2]
step = sys.argv[3]
from paxta.store import open_store
store = open_store()
t = time.perf_counter()
if step == "import":
    from paxta.lists.importer import import_list
    from paxta.lists.shipped import ensure_lists
    ensure_lists(store)
    r = import_list(store, sys.argv[4], source="reference", fmt="ftm")
    print(f"entities={r.version.entity_count}")
elif step == "index":
    from paxta.screen.index import load_index, update_index
    print(f"names={update_index(store)}")
    print(f"features_s={time.perf_counter() - t:.1f}")
    print(f"index_names={len(load_index(store)):,}")
elif step == "screen":
    from paxta.screen.matcher import Matcher
    from paxta.screen.batch import screen_file, Columns
    from pathlib import Path
    m = Matcher.from_store(store)
    print(f"load_s={time.perf_counter() - t:.1f}")
    s = screen_file(store, m, Path(sys.argv[4]), Path(sys.argv[5]), Columns("name"))
    print(f"rows={s.rows} " + " ".join(f"{k}={v}" for k, v in sorted(s.decisions.items())))
elif step == "match":
    import random, statistics
    from paxta.screen.matcher import Matcher
    m = Matcher.from_store(store)
    print(f"load_s={time.perf_counter() - t:.1f}")
    names = [l.strip() for l in open(sys.argv[4], encoding="utf-8")][1:1001]
    times = []
    for n in names:
        s = time.perf_counter(); m.match(n); times.append(time.perf_counter() - s)
    times.sort()
    print(f"p50_ms={times[len(times)//2]*1000:.2f} p95_ms={times[int(len(times)*0.95)]*1000:.2f}")
print(f"seconds={time.perf_counter() - t:.1f}")
"""


def company(
    rng: random.Random, places: list[tuple[str, str]], chars: str = TRADE_CHARS
) -> tuple[str, str]:
    """One company's Chinese name and its English name, its trade name drawn from ``chars``."""
    from paxta.names.transliterate import word_pinyin

    region_zh, region_en = rng.choice(places)
    trade = "".join(rng.sample(chars, 2))
    industry_zh, industry_en = rng.choice(INDUSTRIES)
    legal_zh, legal_en = rng.choice(LEGAL)
    zh = f"{region_zh}{trade}{industry_zh}{legal_zh}"
    en = f"{region_en} {word_pinyin(trade)} {industry_en} {legal_en}"
    return zh, en


def places() -> list[tuple[str, str]]:
    """Prefecture-level places in and outside Xinjiang, in Chinese and pinyin."""
    from paxta.data import data_path
    from paxta.names.transliterate import word_pinyin

    out = []
    with data_path("places", "china_divisions_outside_xinjiang.csv").open(encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["level"] in ("city", "province") and r["stem_zh"]:
                out.append((r["stem_zh"], word_pinyin(r["stem_zh"])))
    with data_path("places", "xinjiang_gazetteer.csv").open(encoding="utf-8") as f:
        for r in csv.DictReader(f):
            stem = r["name_zh"].removesuffix("市").removesuffix("县").removesuffix("地区")
            if r["level"] in ("prefecture", "county") and 2 <= len(stem) <= 4:
                out.append((stem, word_pinyin(stem)))
    return out


def supplier_names(n: int, seed: int, listed: list[str]) -> tuple[list[str], Counter[str]]:
    """``n`` names as a supplier file holds them, and how many of each kind: half Chinese
    registered names, a third bill-of-lading English (abbreviated, cut at 35 characters), the
    rest real company names from ``background_companies.csv``; their trade names are drawn from
    ``WIDE_TRADE_CHARS``, so most are on no list; one in a hundred is one of ``listed`` in
    bill-of-lading form."""
    from screen_set import background_rows, bol_form

    rng = random.Random(seed)
    where = places()
    real = [r["name"] for r in background_rows()]
    out: list[str] = []
    kinds: Counter[str] = Counter()
    for _ in range(n):
        roll = rng.random()
        if roll < 0.01 and listed:
            out.append(bol_form(rng.choice(listed), rng))
            kinds["listed, bill-of-lading form"] += 1
        elif roll < 0.51:
            out.append(company(rng, where, WIDE_TRADE_CHARS)[0])
            kinds["Chinese registered name"] += 1
        elif roll < 0.84:
            out.append(bol_form(company(rng, where, WIDE_TRADE_CHARS)[1], rng)[:35].rstrip())
            kinds["bill-of-lading English"] += 1
        else:
            out.append(rng.choice(real))
            kinds["real unlisted company"] += 1
    return out, kinds


def generate(folder: Path, n_names: int, n_queries: int, seed: int) -> tuple[Path, Path]:
    """The reference list (FtM JSON lines) and the query file (CSV)."""
    rng = random.Random(seed)
    where = places()
    reference = folder / "reference.ftm.json"
    seen: set[str] = set()
    kept: list[tuple[str, str]] = []
    with reference.open("wb") as f:
        i = 0
        while i < n_names:
            zh, en = company(rng, where)
            if zh in seen:
                continue
            seen.add(zh)
            name = zh if i % 2 == 0 else en
            entity = {
                "id": f"ref-{i}",
                "schema": "Company",
                "properties": {"name": [name], "country": ["cn"]},
            }
            f.write(orjson.dumps(entity) + b"\n")
            if len(kept) < max(n_queries // 100, 1):
                kept.append((zh, en))
            i += 1
    listed = [en.upper().replace(",", "").replace(".", "") for _, en in kept]
    names, kinds = supplier_names(n_queries, seed + 1, listed)
    queries = folder / "queries.csv"
    with queries.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["name"])
        w.writerows([n] for n in names)
    print(f"{n_queries:,} queries: " + ", ".join(f"{v:,} {k}" for k, v in kinds.items()))
    return reference, queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--names", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--quick", action="store_true", help="20,000 names, 2,000 queries (make bench-quick)"
    )
    args = parser.parse_args()
    if args.quick:
        args.names, args.queries = 20_000, 2_000
    folder = Path(tempfile.mkdtemp(prefix="paxta-bench-scale-"))
    home = folder / "home"
    reference, queries = generate(folder, args.names, args.queries, args.seed)
    bench_dir = str(Path(__file__).resolve().parent)
    print(f"{args.names:,} reference names, {args.queries:,} queries; machine: {machine()}")
    for step, extra in (
        ("import", [str(reference)]),
        ("index", []),
        ("screen", [str(queries), str(folder / "screened.csv")]),
        ("match", [str(queries)]),
    ):
        seconds, peak, out = run_child(STEP_CODE, bench_dir, str(home), step, *extra)
        print(f"{step:<7} {seconds:7.1f} s wall, peak {peak:,.0f} MB | {out.strip()}")
    first_answer(home, queries)
    pairs(queries)
    os.environ.pop("PAXTA_HOME", None)


def first_answer(home: Path, queries: Path, runs: int = 3) -> None:
    """``paxta match NAME`` as a user runs it, a fresh process each time (the store built)."""
    import subprocess
    import time

    with queries.open(encoding="utf-8") as f:
        name = next(csv.DictReader(f))["name"]
    paxta = Path(sys.executable).parent / "paxta"
    env = {**os.environ, "PAXTA_HOME": str(home)}
    took = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run([str(paxta), "match", name], env=env, check=True, capture_output=True)
        took.append(time.perf_counter() - t)
    print(f"first   paxta match from a fresh process: {', '.join(f'{s:.2f}' for s in took)} s")


def pairs(queries: Path, n: int = 3000) -> None:
    """paxta's compare and logic-v2 on the same candidate pairs (query vs its top candidates)."""
    import time

    from paxta.names.features import name_features
    from paxta.screen.compare import compare

    with queries.open(encoding="utf-8") as f:
        names = [r["name"] for r in csv.DictReader(f)][:n]
    rng = random.Random(7)
    pairs_ = [(a, rng.choice(names)) for a in names]
    pairs_ += [(a, a.upper()) for a in names[: n // 3]]
    v2 = LogicV2()
    left = [v2.company(a) for a, _ in pairs_]
    right = [v2.company(b) for _, b in pairs_]
    t = time.perf_counter()
    for a, b in zip(left, right, strict=True):
        v2.score(a, b)
    v2_rate = len(pairs_) / (time.perf_counter() - t)
    t = time.perf_counter()
    for a, b in pairs_:  # features included: the fair comparison with logic-v2's own parsing
        compare(name_features(a), name_features(b))
    ours = len(pairs_) / (time.perf_counter() - t)
    fa = {a: name_features(a) for a, _ in pairs_} | {b: name_features(b) for _, b in pairs_}
    t = time.perf_counter()
    for a, b in pairs_:
        compare(fa[a], fa[b])
    indexed = len(pairs_) / (time.perf_counter() - t)
    print(
        f"pairs/s on {len(pairs_):,} pairs: logic-v2 {v2_rate:,.0f}; paxta with parsing "
        f"{ours:,.0f} ({ours / v2_rate:.1f}x); paxta on indexed features {indexed:,.0f} "
        f"({indexed / v2_rate:.1f}x)"
    )


if __name__ == "__main__":
    main()
