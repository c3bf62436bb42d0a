"""The labelled address set for the locator benchmark, built from shipped data by fixed rules.

Positives (in Xinjiang): every county-level unit and a sample of townships of the gazetteer,
written in Chinese (simplified and traditional), pinyin, English, Uyghur Arabic and Uyghur Latin
where the gazetteer has them, with and without the region word, with streets and numbers; XPCC
divisions and regiments; real BIS Entity List addresses that name a Xinjiang place, with the
region words ("Xinjiang", "XUAR", "Uyghur Autonomous Region") removed.
Negatives (elsewhere): real BIS addresses outside Xinjiang; a seeded sample of every other
province's cities and counties in Chinese and pinyin; the traps (streets named after Xinjiang
places in other cities, pinyin shared with other counties, Aksu and Altay abroad, 新材料).

The rules were written before any figure was measured and were not changed to improve one.
"""

from __future__ import annotations

import csv
import random
import re
from collections.abc import Iterator

from paxta.data import data_path

STREETS_ZH = ["解放路", "人民路", "团结路", "友好路", "光明路", "建设路", "胜利路", "文化路"]
STREETS_EN = [
    "Jiefang Road",
    "Renmin Road",
    "Tuanjie Road",
    "Youhao Road",
    "Guangming Road",
    "Jianshe Road",
    "Industrial Park",
    "Economic Development Zone",
]
REGION_WORDS = re.compile(
    r",?\s*(Xinjiang Uygur Autonomous Region|Xinjiang Uyghur Autonomous "
    r"Region|Uighur Autonomous Region|Xinjiang|XUAR)\b",
    re.I,
)


def _read(*parts: str) -> list[dict[str, str]]:
    with data_path(*parts).open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def iter_positives(rnd: random.Random) -> Iterator[tuple[str, str]]:
    gaz = {r["key"]: r for r in _read("places", "xinjiang_gazetteer.csv")}
    for r in gaz.values():
        if r["level"] not in ("county", "xpcc_city") or r["status"] != "current":
            continue
        parent = gaz.get(r["parent_key"], {})
        n = rnd.randint(1, 299)
        zh, pz = (
            r["name_zh"],
            parent.get("name_zh", "") if parent.get("level") == "prefecture" else "",
        )
        yield f"新疆维吾尔自治区{pz}{zh}{rnd.choice(STREETS_ZH)}{n}号", "zh+region"
        yield f"{pz}{zh}{rnd.choice(STREETS_ZH)}{n}号", "zh"
        if r["name_zh_trad"]:
            yield f"{r['name_zh_trad']}{rnd.choice(STREETS_ZH)}{n}號", "zh-trad"
        en = r["name_en"] or r["pinyin_plain"]
        pen = parent.get("name_en", "") if pz else ""
        yield f"No. {n} {rnd.choice(STREETS_EN)}, {en}{', ' + pen if pen else ''}, China", "en"
        yield (
            f"{r['pinyin_plain']} {rnd.choice(['Xian', 'Shi', 'County', 'City'])}, China",
            "pinyin",
        )
        if r["uey"]:
            yield r["uey"], "uyghur-arabic"
        if r["uly"]:
            yield f"{r['uly']}, China", "uyghur-latin"
    towns = [t for t in _read("places", "xinjiang_townships.csv")]
    for t in rnd.sample(towns, 150):
        yield f"{t['county_name_zh']}{t['name_zh']}{rnd.choice(STREETS_ZH)}", "township"
    for t in towns:
        if t["xpcc_regiment"]:
            yield f"兵团{t['name_zh']}({t['xpcc_regiment']})", "xpcc"
    for part, _ in _bis_parts():
        if REGION_WORDS.search(part) or "Urumqi" in part:
            stripped = REGION_WORDS.sub("", part).strip(" ,")
            yield stripped, "bis-real-stripped"


def _bis_parts() -> Iterator[tuple[str, str]]:
    for r in _read("lists", "bis", "bis_entity_list_xinjiang_related_2026-07.csv"):
        for part in r["address"].split("; and "):
            yield part.strip(), r["country"]


def iter_negatives(rnd: random.Random) -> Iterator[tuple[str, str]]:
    for part, _ in _bis_parts():
        if not (
            REGION_WORDS.search(part)
            or re.search(
                r"Urumqi|Kashgar|Hotan|Aksu|Turpan|Yili|Hami|"
                r"Altay|Changji|Karamay|Korla|Shihezi|"
                r"Kashi|Yutian|Bortala|Tacheng|Akesu",
                part,
            )
        ):
            yield part, "bis-real"
    others = _read("places", "china_divisions_outside_xinjiang.csv")
    provinces = {r["name_zh"]: r for r in others if r["level"] == "province"}
    for r in rnd.sample(others, 900):
        prov = provinces.get(r["province_zh"], {})
        n = rnd.randint(1, 299)
        yield f"{r['province_zh']}{r['name_zh']}{rnd.choice(STREETS_ZH)}{n}号", "zh"
        yield f"{r['name_zh']}{rnd.choice(STREETS_ZH)}{n}号", "zh-no-province"
        if prov.get("pinyin_derived"):
            yield (
                f"No. {n} {rnd.choice(STREETS_EN)}, {prov['pinyin_derived']}, China",
                "en-province",
            )
    gaz = _read("places", "xinjiang_gazetteer.csv")
    cities = ["上海市", "北京市", "青岛市", "广州市", "深圳市", "杭州市", "天津市", "西安市"]
    cities_en = ["Shanghai", "Beijing", "Qingdao", "Guangzhou", "Shenzhen", "Hangzhou", "Tianjin"]
    for r in gaz:
        if r["level"] not in ("prefecture", "county") or not r["pinyin_plain"]:
            continue
        stem = re.sub(
            r"((蒙古|哈萨克|回族|柯尔克孜|塔吉克|锡伯)?自治[州县]|地区|市|县|区)$", "", r["name_zh"]
        )
        if len(stem) >= 2:
            yield f"{rnd.choice(cities)}{stem}路{rnd.randint(1, 999)}号", "trap-street-zh"
        yield (
            f"No. {rnd.randint(1, 999)} {r['pinyin_plain']} Road, {rnd.choice(cities_en)}",
            "trap-street-en",
        )
        for collision in filter(None, r["pinyin_collisions_outside_xj"].split(";")):
            m = re.match(r"(.+?)\((.+?)\)", collision.strip())
            if m:
                yield f"{m.group(1)}, {m.group(2)}", "trap-collision-zh"
                prov = provinces.get(m.group(2), {}).get("pinyin_derived", "")
                if prov:
                    yield f"{r['pinyin_plain']}, {prov} Province, China", "trap-collision-en"
    for text in (
        "Aksu, Pavlodar Region, Kazakhstan",
        "Aksu, Antalya, Turkey",
        "Altay, Russia",
        "Aral, Kyzylorda Region, Kazakhstan",
        "Manas, Bishkek, Kyrgyzstan",
        "北京市新材料产业园",
        "江苏省新能源科技园",
        "Xili, Nanshan, Shenzhen",
    ):
        yield text, "trap-other"


def labelled_set(seed: int = 2026) -> list[tuple[str, bool, str]]:
    """(address, in_xinjiang, group) rows, deterministic for a seed."""
    rnd = random.Random(seed)
    rows = [(a, True, g) for a, g in iter_positives(rnd) if a]
    rows += [(a, False, g) for a, g in iter_negatives(rnd) if a]
    return rows
