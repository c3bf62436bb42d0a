"""Build paxta/data/places/china_divisions_outside_xinjiang.csv from cpca's MIT-licensed table.

Run once by a developer (cpca is a bench dependency, not a runtime one):
    python tools/make_china_divisions.py
"""

from __future__ import annotations

import csv
from pathlib import Path

import cpca
from pypinyin import lazy_pinyin

SRC = Path(cpca.__file__).parent / "resources" / "adcodes.csv"
OUT = (
    Path(__file__).resolve().parents[1]
    / "paxta"
    / "data"
    / "places"
    / "china_divisions_outside_xinjiang.csv"
)
PLACEHOLDERS = {"市辖区", "县", "郊区", "矿区"}
SUFFIXES = (
    "特别行政区",
    "维吾尔自治区",
    "壮族自治区",
    "回族自治区",
    "自治区",
    "自治州",
    "自治县",
    "地区",
    "省",
    "市",
    "县",
    "区",
    "盟",
    "旗",
)


def stem(name: str) -> str:
    for suffix in SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def main() -> None:
    rows = []
    names: dict[str, str] = {}
    with SRC.open(encoding="utf-8") as f:
        for r in csv.DictReader(f):
            code = r["adcode"][:6]
            names[code] = r["name"]
    for code, name in sorted(names.items()):
        if code.startswith("65") or name in PLACEHOLDERS or "直辖" in name:
            continue
        level = "province" if code.endswith("0000") else "city" if code.endswith("00") else "county"
        province = names.get(code[:2] + "0000", "")
        s = stem(name)
        pinyin = "".join(lazy_pinyin(s)).capitalize() if level != "county" else ""
        rows.append(
            {
                "adcode": code,
                "name_zh": name,
                "stem_zh": s,
                "level": level,
                "province_zh": province,
                "pinyin_derived": pinyin,
            }
        )
    with OUT.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    print(f"{len(rows)} rows -> {OUT}")


if __name__ == "__main__":
    main()
