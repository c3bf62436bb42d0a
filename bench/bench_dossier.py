"""Benchmark: the dossier of a large case (issue: the dossier a customs reviewer accepts).

Goal: a dossier PDF for a 30-party, 200-document case in <= 10 s. A case is generated in the
documented format (docs/formats.md): a garment importer, a garment maker, fabric mills,
spinners, ginners and farms (30 parties, each selling to one buyer downstream), every movement
with its invoice, packing list, transport document and proof of payment, every production step
with its record and test report, business licences and certificates of origin (200 documents).
Printed: importing the case, building the dossier (trace, checks, screening of every party),
writing JSON, HTML and PDF, each timed; the HTML page beside the PDF is the in-run baseline.

    python bench/bench_dossier.py [--quick]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import machine

LEVELS = [("importer", 1), ("garment_maker", 1), ("fabric_mill", 4), ("spinner", 6),
          ("ginner", 9), ("farm", 9)]  # fmt: skip
PROCESS = {"garment_maker": "cutting_sewing", "fabric_mill": "knitting", "spinner": "spinning",
           "ginner": "ginning"}  # fmt: skip
PRODUCT = {"garment_maker": "cotton t-shirts", "fabric_mill": "cotton fabric",
           "spinner": "cotton yarn", "ginner": "cotton lint", "farm": "seed cotton"}  # fmt: skip
PLACES = ["Dhaka, Bangladesh", "Ho Chi Minh City, Vietnam", "Shaoxing, Zhejiang",
          "Wuxi, Jiangsu", "Korla, Xinjiang", "Karachi, Pakistan", "Izmir, Turkey"]  # fmt: skip


def write_case(folder: Path, scale: int = 1) -> tuple[int, int]:
    """The case files; (parties, documents)."""
    folder.mkdir(parents=True, exist_ok=True)
    levels = [(role, n * (scale if role not in ("importer", "garment_maker") else 1))
              for role, n in LEVELS]  # fmt: skip
    tiers: list[list[str]] = []
    parties = ["party_id,name,address,country,role"]
    for t, (role, n) in enumerate(levels):
        ids = [f"{role[:3].upper()}{i}" for i in range(n)]
        tiers.append(ids)
        for i, pid in enumerate(ids):
            place = PLACES[(t + i) % len(PLACES)]
            parties.append(f'{pid},"Example {role.replace("_", " ")} {i} Co., Ltd.","{place}",'
                           f"{place.rsplit(', ', 1)[-1]},{role}")  # fmt: skip
    movements = ["movement_id,seller,buyer,product,quantity,unit,lots,date,document_id"]
    production = ["record_id,facility,process,inputs,outputs,unit,start_date,end_date,document_id"]
    documents = ["document_id,type,date,issuer,recipient,language,supports"]
    day = 1

    def doc(kind: str, issuer: str, recipient: str, supports: str) -> str:
        documents.append(f"D{len(documents)},{kind},2026-01-{(len(documents) % 27) + 1:02d},"
                         f"{issuer},{recipient},en,{supports}")  # fmt: skip
        return f"D{len(documents) - 1}"

    bought: dict[str, list[str]] = {}
    for t in range(len(tiers) - 1, 1, -1):  # farms first: lots flow downstream
        role = levels[t][0]
        for i, seller in enumerate(tiers[t]):
            buyer = tiers[t - 1][i % len(tiers[t - 1])]
            if role != "farm":
                inputs = bought.get(seller, [])
                pid = f"P-{seller}"
                record = doc("production_record", seller, seller, pid)
                doc("test_report", seller, seller, pid)
                production.append(
                    f"{pid},{seller},{PROCESS[role]},{'|'.join(f'{lot}:100' for lot in inputs)},"
                    f"OUT-{seller}:90,kg,2026-01-{day:02d},2026-01-{day + 1:02d},{record}"
                )
            mid = f"M-{seller}"
            transport = doc("bill_of_lading" if t <= 2 else "waybill", seller, buyer, mid)
            for kind in ("commercial_invoice", "packing_list", "proof_of_payment"):
                doc(kind, seller, buyer, mid)
            lot = f"OUT-{seller}" if role != "farm" else f"LOT-{seller}"
            movements.append(f"{mid},{seller},{buyer},{PRODUCT[role]},100,kg,{lot},"
                             f"2026-02-{min(27, 1 + len(tiers) - t):02d},{transport}")  # fmt: skip
            bought.setdefault(buyer, []).append(lot)
        day = min(day + 2, 25)
    garment = tiers[1][0]
    record = doc("production_record", garment, garment, f"P-{garment}")
    production.append(
        f"P-{garment},{garment},cutting_sewing,{'|'.join(f'{lot}:100' for lot in bought[garment])},"
        f"SHIP-LOT:90,kg,2026-02-20,2026-02-22,{record}"
    )
    importer = tiers[0][0]
    transport = doc("bill_of_lading", garment, importer, "SHP-1")
    for kind in ("commercial_invoice", "packing_list", "proof_of_payment", "customs_declaration"):
        doc(kind, garment, importer, "SHP-1")
    movements.append(f"SHP-1,{garment},{importer},cotton t-shirts,90,kg,SHIP-LOT,2026-03-01,"
                     f"{transport}")  # fmt: skip
    parties_ids = [p for tier in tiers for p in tier]
    for pid in parties_ids:
        doc("business_licence", pid, "", "")
        if len(documents) > 200 * scale:
            break
    while len(documents) <= 200 * scale:
        doc("certificate_of_origin", garment, importer, "SHP-1")
    for name, rows in (("parties", parties), ("movements", movements),
                       ("production", production), ("documents", documents)):  # fmt: skip
        (folder / f"{name}.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return len(parties) - 1, len(documents) - 1


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="the same case (it is small)")
    parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="paxta-dossier-"))
    os.environ["PAXTA_HOME"] = str(work / "home")
    from paxta.lists.shipped import ensure_lists
    from paxta.screen.matcher import Matcher
    from paxta.store import open_store
    from paxta.trace.case import import_case, read_case
    from paxta.trace.dossier import build_dossier, dossier_json, render_html
    from paxta.trace.pdf import write_pdf

    store = open_store()
    ensure_lists(store)
    matcher = Matcher.from_store(store)
    case = work / "big-case"
    parties, documents = write_case(case)
    t = time.perf_counter()
    import_case(store, read_case(case))
    imported = time.perf_counter() - t
    t = time.perf_counter()
    content = build_dossier(store, "big-case", "SHP-1", matcher, prepared_by="bench")
    built = time.perf_counter() - t
    out = work / "out"
    out.mkdir()
    t = time.perf_counter()
    (out / "dossier.json").write_bytes(dossier_json(content))
    as_json = time.perf_counter() - t
    t = time.perf_counter()
    (out / "dossier.html").write_text(render_html(content), encoding="utf-8")
    as_html = time.perf_counter() - t
    t = time.perf_counter()
    write_pdf(content, out / "dossier.pdf")
    as_pdf = time.perf_counter() - t
    store.close()
    total = built + as_json + as_html + as_pdf
    print(f"# Dossier of a large case, {time.strftime('%Y-%m-%d')}, {machine()}")
    print(f"case: {parties} parties, {documents} documents, {len(content['chain'])} links traced, "
          f"{len(content['parties'])} parties in the chain, {len(content['findings'])} findings, "
          f"{len(content['exhibits'])} exhibits")  # fmt: skip
    print("| step | seconds |\n|---|---|")
    for label, s in (
        ("import the case", imported),
        ("build (trace, checks, screening)", built),
        ("dossier.json", as_json),
        ("dossier.html (baseline)", as_html),
        ("dossier.pdf", as_pdf),
        ("dossier, all three (goal <= 10 s)", total),
    ):
        print(f"| {label} | {s:.2f} |")
    print(
        f"PDF {(out / 'dossier.pdf').stat().st_size / 1e3:,.0f} kB; "
        f"goal {'met' if total <= 10 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
