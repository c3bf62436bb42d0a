"""``paxta demo``: the whole journey on the shipped data, results written to a folder."""

from __future__ import annotations

from pathlib import Path

import click
import orjson

from paxta.cli.output import console, print_table
from paxta.config import store_path
from paxta.lists import repository as repo
from paxta.lists.shipped import import_shipped
from paxta.store import open_store


@click.command()
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=Path("demo-output"),
    show_default=True,
    help="Folder for the demo's results.",
)
def demo(out: Path) -> None:
    """Run the main job on the shipped data and say where the results are."""
    out.mkdir(parents=True, exist_ok=True)
    store = open_store()
    try:
        console.rule("1. The official lists")
        for result in import_shipped(store, progress=lambda s: console.print(f"importing {s} …")):
            v = result.version
            state = "already in the store" if result.already_imported else "imported"
            console.print(f"  {v.source} {v.version}: {v.entity_count:,} entities ({state})")
        versions = repo.current_versions(store)
        print_table(
            None,
            ["source", "version", "entities", "sha256"],
            [(v.source, v.version, v.entity_count, v.sha256[:16] + "…") for v in versions],
        )
        (out / "lists.json").write_bytes(
            orjson.dumps([v.as_json() for v in versions], option=orjson.OPT_INDENT_2)
        )
    finally:
        store.close()
    console.rule("2. Locate: is a supplier's address in Xinjiang?")
    located = _locate_demo(out)
    console.rule("3. Screen: a supplier list in Chinese, English and bill-of-lading spelling")
    screened = _screen_demo(out)
    console.rule("4. Trace: three example cases, from shipment to raw material")
    dossiers = _cases_demo(out)
    console.rule("5. Trade records: laundering through third countries in bills of lading")
    trade_report, trade_dossier = _trade_demo(out)
    console.rule("Results")
    console.print(f"Store: {store_path()}")
    console.print(f"Lists summary: {out.resolve() / 'lists.json'}")
    console.print(f"Located addresses: {located}")
    console.print(f"Screened suppliers: {screened} (and .html); review them: paxta review")
    for shipment, page in dossiers:
        console.print(f"Dossier for {shipment}: {page}")
    console.print(f"Trade exposure report: {trade_report} (and .json, .csv)")
    if trade_dossier is not None:
        console.print(f"Dossier for a shipment found in trade records: {trade_dossier}")


DEMO_ADDRESSES = [
    ("Aksu Huafu (listed)", "新疆阿克苏市纺织工业城"),
    ("Shanghai trader", "上海市静安区乌鲁木齐中路100号"),
    ("Hebei cashmere mill", "Qinghe County, Xingtai, Hebei Province, China"),
    ("XPCC regiment gin", "兵团第一师十团"),
    ("Hotan garment park", "Lop County, Hotan Prefecture"),
    ("Kazakh supplier", "Aksu, Pavlodar Region, Kazakhstan"),
    ("Uyghur-script address", "ئاقسۇ شەھىرى"),
]


def _locate_demo(out: Path) -> Path:
    from paxta.files.writers import write_rows
    from paxta.places.locator import locate_address

    rows = []
    for party, address in DEMO_ADDRESSES:
        found = locate_address(address)
        place = found.place or {}
        rows.append(
            {
                "party": party,
                "address": address,
                "paxta_xinjiang": str(found.xinjiang).lower(),
                "paxta_confidence": f"{found.confidence:.2f}",
                "paxta_place": place.get("name_zh", ""),
                "paxta_why": found.why,
            }
        )
    print_table(
        None,
        ["party", "address", "Xinjiang?", "place"],
        [(r["party"], r["address"], r["paxta_xinjiang"], r["paxta_place"]) for r in rows],
    )
    target = out / "located.csv"
    write_rows(iter(rows), target)
    return target.resolve()


DEMO_SUPPLIERS = [
    ("Yarn spinner (Chinese)", "新疆中泰化学股份有限公司", "新疆乌鲁木齐市经济技术开发区"),
    ("Sister plant (Chinese)", "合盛硅业(泸州)有限公司", "四川省泸州市"),
    ("Same plant, traditional", "合盛硅業（鄯善）有限公司", "新疆吐鲁番市鄯善县"),
    ("Bill of lading", "HOSHINE SILICON IND (SHANSHAN) CO", ""),
    ("XPCC unit", "新疆生产建设兵团第一师棉麻有限责任公司", "阿拉尔市"),
    ("Garment maker (Vietnam)", "Saigon Garment Manufacturing Trading JSC", "Ho Chi Minh City"),
    ("Shares a trade name", "中泰证券股份有限公司", "山东省济南市"),
    ("Exhibitor, not listed", "Guangdong Baiyi Textile Technology Co. Ltd", "Foshan, Guangdong"),
]


def _screen_demo(out: Path) -> Path:
    import csv

    from paxta.screen.batch import Columns, screen_file
    from paxta.screen.matcher import Matcher

    source = out / "suppliers.csv"
    with source.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["role", "supplier", "address"])
        w.writerows(DEMO_SUPPLIERS)
    store = open_store()
    try:
        matcher = Matcher.from_store(store)
        targets = [out / "screened.csv", out / "screened.html"]
        for target in targets:
            screen_file(store, matcher, source, target, Columns("supplier", "address"))
    finally:
        store.close()
    with targets[0].open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    print_table(
        None,
        ["supplier", "decision", "listed name", "why"],
        [
            (r["supplier"], r["paxta_decision"], r["paxta_listed_name"], r["paxta_explanation"])
            for r in rows
        ],
    )
    return targets[0].resolve()


EXAMPLE_CASES = Path(__file__).resolve().parents[2] / "examples" / "cases"


def _cases_demo(out: Path) -> list[tuple[str, Path]]:
    from paxta.screen.matcher import Matcher
    from paxta.trace.case import import_case, read_case
    from paxta.trace.dossier import build_dossier, write_dossier

    if not EXAMPLE_CASES.is_dir():
        console.print("(the example cases ship with the source tree: examples/cases/)")
        return []
    store = open_store()
    written = []
    try:
        matcher = Matcher.from_store(store)
        rows = []
        for folder in sorted(p for p in EXAMPLE_CASES.iterdir() if p.is_dir()):
            found = read_case(folder)
            import_case(store, found)
            for shipment in found.shipments():
                sid = shipment["shipment"]
                content = build_dossier(store, found.case_id, sid, matcher)
                _, page = write_dossier(content, out / "dossiers" / found.case_id)
                written.append((sid, page.resolve()))
                counts = content["summary"]["findings"]
                codes = sorted({f["code"] for f in content["findings"]})
                rows.append(
                    (found.case_id, sid, content["summary"]["verdict"], counts["high"],
                     counts["medium"], ", ".join(codes) or "none")
                )  # fmt: skip
    finally:
        store.close()
    print_table(None, ["case", "shipment", "verdict", "high", "medium", "finding codes"], rows)
    return written


def _trade_demo(out: Path) -> tuple[Path, Path | None]:
    """Generate a year of bills of lading and third-country declarations with planted paths,
    import them, resolve the parties and write the exposure report."""
    from paxta.cli.trade import exposure_html
    from paxta.files.writers import write_rows
    from paxta.lists.shipped import ensure_lists
    from paxta.screen.matcher import Matcher
    from paxta.trace.dossier import write_dossier
    from paxta.trade.dossier import trade_dossier
    from paxta.trade.exposure import find_exposure, path_rows
    from paxta.trade.generate import generate
    from paxta.trade.parties import resolve_parties
    from paxta.trade.records import import_records

    data = out / "trade-data"
    truth = generate(data, records=20_000, customs=8_000)
    console.print(
        f"generated {truth['records']:,} bills of lading (AMS layout) and "
        f"{truth['customs_records']:,} declarations in {data}"
    )
    store = open_store()
    try:
        ensure_lists(store)
        for folder in ("ams", "customs"):
            done = import_records(store, data / folder)
            state = "already imported" if done.already_imported else "imported"
            console.print(f"  {done.format}: {done.records:,} records ({state})")
        r = resolve_parties(store)
        console.print(
            f"  {r.spellings:,} spellings -> {r.organisations:,} organisations; "
            f"{r.listed} on a list or under review, {r.in_xinjiang} located in Xinjiang"
        )
        paths = find_exposure(store)
        high = [p for p in paths if p["severity"] == "high"]
        third = next((p for p in high if p["kind"] == "third_country"), None)
        dossier = None
        if third is not None:  # a dossier for the latest shipment on a laundering path
            content = trade_dossier(store, third["id"], Matcher.from_store(store))
            _, dossier = write_dossier(content, out / "dossiers" / content["case"])
            console.print(f"  dossier for {content['shipment']} ({third['id']}): {dossier}")
    finally:
        store.close()
    print_table(
        f"{len(paths)} exposure paths ({len(high)} high)",
        ["severity", "kind", "source", "via", "importer"],
        [
            (p["severity"], p["kind"], p["source"]["name"], (p["via"] or {}).get("name", ""),
             p["importer"]["name"])
            for p in paths[:12]
        ],
    )  # fmt: skip
    page = out / "trade-exposure.html"
    page.write_text(exposure_html(paths), encoding="utf-8")
    (out / "trade-exposure.json").write_bytes(
        orjson.dumps({"paths": paths}, option=orjson.OPT_INDENT_2)
    )
    write_rows(path_rows(paths), out / "trade-exposure.csv")
    return page, dossier
