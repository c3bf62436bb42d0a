"""Trade records: import all or nothing, parties resolved against the generator's truth, every
planted laundering path found and nothing ordinary reported at high severity."""

from __future__ import annotations

import csv
import itertools
import json
import shutil
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from paxta.cli import cli
from paxta.errors import InputError, PaxtaError
from paxta.lists.shipped import ensure_lists
from paxta.store import Backend, open_store, session
from paxta.trade.exposure import find_exposure
from paxta.trade.generate import CUSTOMS_COLUMNS, generate
from paxta.trade.parties import one_address, plain_name, resolve_parties
from paxta.trade.records import import_records


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    out = tmp_path_factory.mktemp("trade")
    return out, generate(out, records=4_000, customs=2_000, seed=11, gzip_files=True)


@pytest.fixture(scope="module")
def built(
    world: tuple[Path, dict[str, Any]], tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, dict[str, Any]]:
    """The world imported and resolved once, in a home of its own; tests get a copy."""
    folder, truth = world
    home = tmp_path_factory.mktemp("built") / "home"
    with pytest.MonkeyPatch.context() as env:
        env.setenv("PAXTA_HOME", str(home))
        with session() as s:
            ensure_lists(s)
            import_records(s, folder / "ams")
            import_records(s, folder / "customs")
            resolve_parties(s, workers=1)
    return home, truth


@pytest.fixture
def store(home: Path, request: pytest.FixtureRequest) -> Iterator[Backend]:
    """The test's store: a copy of the resolved world when the test asks for ``resolved``."""
    if "resolved" in request.fixturenames:
        shutil.rmtree(home)
        shutil.copytree(request.getfixturevalue("built")[0], home)
    s = open_store()
    yield s
    s.close()


@pytest.fixture
def resolved(built: tuple[Path, dict[str, Any]]) -> dict[str, Any]:
    """The generator's truth of the resolved world in the test's store."""
    return built[1]


def _pairs(assign: dict[tuple[str, str], str | int]) -> set[tuple[Any, ...]]:
    groups: dict[Any, list[tuple[str, str]]] = defaultdict(list)
    for key, group in assign.items():
        groups[group].append(key)
    return {tuple(sorted(p)) for m in groups.values() for p in itertools.combinations(m, 2)}


def test_parties_resolve_like_the_truth(store: Backend, resolved: dict[str, Any]) -> None:
    truth = {
        (k.split("\t")[0].strip(), k.split("\t")[1]): v for k, v in resolved["parties"].items()
    }
    found = {(n, c): o for n, c, o in store.sql("SELECT name, country, org_id FROM trade_parties")}
    assert set(found) <= set(truth)  # every imported spelling is a generated one
    predicted, true = _pairs(found), _pairs({k: truth[k] for k in found})
    both = len(predicted & true)
    assert both / len(predicted) >= 0.98  # pairwise precision
    assert both / len(true) >= 0.95  # pairwise recall


def test_every_planted_path_is_found(store: Backend, resolved: dict[str, Any]) -> None:
    paths = find_exposure(store)
    orgs = resolved["orgs"]
    kinds = {"third_country": "third_country", "volume": "third_country", "direct": "direct"}

    def name(org_id: str | None) -> str:
        return orgs[org_id]["name"].upper()[:20] if org_id else ""

    for planted in resolved["paths"]:
        kind = kinds.get(planted["kind"], planted["kind"])
        hits = [
            p
            for p in paths
            if p["kind"] == kind
            and p["source"]["name"].upper()[:20] == name(planted["source"])
            and (p["via"]["name"].upper()[:20] if p["via"] else "") == name(planted["via"])
        ]
        assert hits, planted
        assert all(p["hops"][-1]["shown"] for p in hits)  # the records behind the hop
        if planted["kind"] == "volume":
            assert any("received only" in f for p in hits for f in p["findings"])
        if planted["kind"] == "kin":
            assert all(p["severity"] == "review" for p in hits)
        else:
            assert all(p["severity"] == "high" for p in hits)
            if kind == "third_country":
                made = hits[0]["hops"][1]
                assert made["observed"] is False and "inferred" in made["note"]


def test_nothing_ordinary_at_high_severity(store: Backend, resolved: dict[str, Any]) -> None:
    planted = {resolved["orgs"][p["source"]]["name"].upper()[:20] for p in resolved["paths"]}
    for p in find_exposure(store):
        if p["severity"] == "high":
            assert p["source"]["name"].upper()[:20] in planted, p["source"]


def test_filters_narrow_the_report(store: Backend, resolved: dict[str, Any]) -> None:
    from paxta.trade.exposure import Filters

    every = find_exposure(store)
    solar = find_exposure(store, Filters(hs=("8541",)))
    assert solar and len(solar) < len(every)
    assert all(any(h.startswith("8541") for h in p["hops"][-1]["hs"]) for p in solar)


def _customs(path: Path, rows: list[list[str]], header: list[str] | None = None) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header or CUSTOMS_COLUMNS)
        writer.writerows(rows)
    return path


ROW = ["Phu Thinh Garment Co Ltd", "Lot 1, Binh Duong", "VN", "Summit Apparel Inc", "", "US",
       "2025-03-01", "6109.10", "T-SHIRTS", "100", "PCS", "20", "300", "CAT LAI"]  # fmt: skip


def test_a_broken_row_names_file_and_line_and_leaves_nothing(
    store: Backend, tmp_path: Path
) -> None:
    path = _customs(tmp_path / "c.csv", [ROW, ROW, [*ROW, "extra"]])
    with pytest.raises(InputError) as raised:
        import_records(store, path)
    assert "c.csv" in str(raised.value) and "line 4" in str(raised.value)
    assert store.scalar("SELECT count(*) FROM trade_records") == 0
    assert store.scalar("SELECT count(*) FROM trade_imports") == 0


def test_a_bad_date_names_its_line(store: Backend, tmp_path: Path) -> None:
    bad = list(ROW)
    bad[6] = "someday"
    path = _customs(tmp_path / "d.csv", [ROW, bad])
    with pytest.raises(InputError, match=r"d\.csv.*line 3.*someday"):
        import_records(store, path)
    assert store.scalar("SELECT count(*) FROM trade_records") == 0


def test_a_half_imported_ams_year_leaves_nothing(store: Backend, tmp_path: Path) -> None:
    out = tmp_path / "w"
    generate(out, records=300, customs=50, seed=3)
    shipper = next((out / "ams").glob("ams__shipper_*"))
    with shipper.open("a", encoding="utf-8") as f:
        f.write('2025999999999,"BROKEN, unterminated\n')
    with pytest.raises(InputError, match="ams__shipper"):
        import_records(store, out / "ams")
    assert store.scalar("SELECT count(*) FROM trade_records") == 0


def test_ams_dates_written_the_us_way_or_as_digits(store: Backend, tmp_path: Path) -> None:
    out = tmp_path / "w"
    generate(out, records=60, customs=10, seed=3)
    header = next((out / "ams").glob("ams__header_*"))
    rows = list(csv.reader(header.open(encoding="utf-8")))
    at = rows[0].index("estimated_arrival_date")
    rows[1][at], rows[2][at], rows[3][at] = "03/14/2025", "20250315", "2025-03-16 00:00:00"
    with header.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    import_records(store, out / "ams")
    days = {
        r[0]
        for r in store.sql(
            "SELECT CAST(date AS VARCHAR) FROM trade_records WHERE record_id IN (?, ?, ?)",
            [f"ams:{rows[i][0]}" for i in (1, 2, 3)],
        )
    }
    assert days == {"2025-03-14", "2025-03-15", "2025-03-16"}


def test_headers_mapped_and_missing_columns_named(store: Backend, tmp_path: Path) -> None:
    header = ["Shipper", *CUSTOMS_COLUMNS[1:]]
    path = _customs(tmp_path / "m.csv", [ROW], header)
    with pytest.raises(InputError, match=r"missing column.*exporter"):
        import_records(store, path)
    done = import_records(store, path, mapping={"exporter": "Shipper"})
    assert done.records == 1
    assert store.sql("SELECT exporter, hs_codes FROM trade_records") == [
        ("Phu Thinh Garment Co Ltd", ["610910"])
    ]
    with pytest.raises(PaxtaError, match="unknown column"):
        import_records(store, _customs(tmp_path / "n.csv", [ROW]), mapping={"shipper": "x"})


def test_gb18030_file_is_read_and_reimport_is_skipped(store: Backend, tmp_path: Path) -> None:
    row = list(ROW)
    row[0] = "阿克苏华孚色纺有限公司"
    path = tmp_path / "gbk.csv"
    _customs(path, [row])
    path.write_bytes(path.read_text(encoding="utf-8").encode("gb18030"))
    first = import_records(store, path)
    assert store.scalar("SELECT exporter FROM trade_records") == "阿克苏华孚色纺有限公司"
    again = import_records(store, path)
    assert again.already_imported and again.import_id == first.import_id
    assert store.scalar("SELECT count(*) FROM trade_records") == 1


def test_xlsx_and_parquet_customs_files(store: Backend, tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(CUSTOMS_COLUMNS))
    sheet.append(ROW)
    book.save(tmp_path / "c.xlsx")
    assert import_records(store, tmp_path / "c.xlsx").records == 1
    out = tmp_path / "p"
    generate(out, records=100, customs=40, seed=5, customs_format="parquet")
    assert import_records(store, out / "customs").records == 40


def test_plain_names_and_addresses() -> None:
    assert plain_name("HOA AN GARMENT CO., LTD VIETNAM", "VN") == plain_name("Hoa An Garment", "VN")
    assert plain_name("SOKHA GARMENT (CAMBDIA) CO., LTD.", "KH") == "sokha garment"
    assert one_address("Lot A5, Industrial Zone, Binh Duong", "LOT A5 INDUSTRIAL ZONE BINH DUONG")
    assert not one_address(
        "Lot A5, Industrial Zone, Binh Duong", "Lot A6, Industrial Zone, Binh Duong"
    )
    # a town is no place: two firms of Zhejiang whose names are alike stay two
    assert one_address("Jiaxing, Zhejiang, China", "Shaoxing, Zhejiang, China") is None
    assert one_address("Jiaxing, Zhejiang", "JIAXING, ZHEJIANG, CHINA") is None


def test_cli_import_and_exposure_report(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "w"
    made = runner.invoke(
        cli, ["trade", "generate", str(out), "--records", "1500", "--customs", "600"]
    )
    assert made.exit_code == 0, made.output
    for folder in ("ams", "customs"):
        done = runner.invoke(cli, ["trade", "import", str(out / folder)])
        assert done.exit_code == 0, done.output
    shown = runner.invoke(cli, ["trade", "exposure", "--json"])
    assert shown.exit_code == 0, shown.output
    paths = json.loads(shown.output)["paths"]
    assert {p["kind"] for p in paths} >= {"direct", "third_country", "kin"}
    page = tmp_path / "report.html"
    written = runner.invoke(cli, ["trade", "exposure", "-o", str(page)])
    assert written.exit_code == 0, written.output
    assert "<script" not in page.read_text(encoding="utf-8")
    missing = runner.invoke(cli, ["trade", "import", str(tmp_path / "nothing")])
    assert missing.exit_code == 1 and "no such file" in missing.output


def test_api_and_pages_show_the_exposure(
    store: Backend, resolved: dict[str, Any], home: Path
) -> None:
    from fastapi.testclient import TestClient

    from paxta.web.app import create_app

    store.close()  # the app opens the store itself
    client = TestClient(create_app())
    body = client.get("/trade/exposure", params={"severity": "high"}).json()
    assert body["total"] >= 5 and all(p["severity"] == "high" for p in body["paths"])
    third = next(p for p in body["paths"] if p["kind"] == "third_country")
    org = client.get(f"/trade/organisations/{third['via']['org_id']}").json()
    assert any(p["id"] == third["id"] for p in org["paths"])
    assert org["spellings_written"] and all(s["reason"] for s in org["spellings_written"])
    assert client.get("/trade/organisations/999999").status_code == 404
    page = client.get("/ui/trade", params={"severity": "high"})
    assert page.status_code == 200 and third["importer"]["name"] in page.text
    detail = client.get(f"/ui/trade/organisations/{third['via']['org_id']}")
    assert detail.status_code == 200 and "(inferred)" in detail.text
    assert third["hops"][0]["shown"][0]["record_id"] in detail.text
    made = client.post(f"/trade/paths/{third['id']}/dossier").json()
    assert made["summary"]["verdict"].startswith("do not release")
    assert client.post("/trade/paths/kin-1-0-999999/dossier").status_code == 404
    form = client.post(
        f"/ui/trade/paths/{third['id']}/dossier",
        data={"csrf": client.cookies["paxta_csrf"]},
        follow_redirects=False,
    )
    assert form.status_code == 303 and "case=trade-" in form.headers["location"]
    shipment = client.get(form.headers["location"])
    assert shipment.status_code == 200 and third["importer"]["name"] in shipment.text


def test_bills_to_order_name_their_buyer_by_the_notify_party(
    store: Backend, resolved: dict[str, Any]
) -> None:
    named = dict(store.sql("SELECT importer_named_by, count(*) FROM trade_records GROUP BY 1"))
    assert named["notify party"] >= 50 and named["consignee"] > named["notify party"]
    left = store.scalar(
        "SELECT count(*) FROM trade_records WHERE format = 'ams' AND upper(importer) LIKE 'TO %'"
    )
    assert left == 0


def test_a_party_field_that_names_no_party_stays_apart(store: Backend, tmp_path: Path) -> None:
    ensure_lists(store)
    listed = ["XINJIANG ZHONGTAI CHEMICAL CO LTD", "Urumqi, Xinjiang", "CN"]
    rows = [
        [*listed, "TO ORDER", "", "US", "2025-03-01", "390410", "PVC RESIN", "", "", "20000"],
        [*listed, "TO THE ORDER OF HSBC", "", "US", "2025-04-01", "390410", "PVC", "", "", "5"],
        ["ANH PHAT PLASTIC CO", "Hai Phong", "VN", "TO ORDER", "", "US", "2025-05-01",
         "391810", "VINYL FLOORING", "", "", "900"],
    ]  # fmt: skip
    path = tmp_path / "to-order.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(CUSTOMS_COLUMNS)
        w.writerows([[*r, "", "Hai Phong"] for r in rows])
    import_records(store, path)
    resolve_parties(store, workers=1)
    placeholders = store.dicts(
        "SELECT p.name, p.reason, o.decision, o.spellings FROM trade_parties p "
        "JOIN trade_orgs o USING (org_id) WHERE p.name LIKE 'TO %'"
    )
    assert len(placeholders) == 2  # one org each: TO ORDER from two shippers is no one company
    assert all(p["spellings"] == 1 and p["decision"] == "clear" for p in placeholders)
    assert all("placeholder" in p["reason"] for p in placeholders)
    paths = find_exposure(store)
    direct = [p for p in paths if p["kind"] == "direct" and p["severity"] == "high"]
    assert direct and all("name no importer" in " ".join(p["findings"]) for p in direct)


def test_a_dossier_for_a_shipment_found_in_trade_records(
    store: Backend, resolved: dict[str, Any], runner: CliRunner, tmp_path: Path
) -> None:
    from paxta.screen.matcher import Matcher
    from paxta.trade.dossier import trade_dossier

    third = next(
        p for p in find_exposure(store) if p["kind"] == "third_country" and p["severity"] == "high"
    )
    content = trade_dossier(store, third["id"], Matcher.from_store(store))
    assert content["summary"]["verdict"].startswith("do not release")
    chain = content["chain"]
    assert chain[0]["to"] == f"org-{third['importer']['org_id']}"  # the shipment into the importer
    made = [x for x in chain if x["kind"] == "production"]
    assert made and all(x["basis"] == "inferred" for x in made)
    inbound = [x for x in chain if x["kind"] == "movement" and x["tier"] > 1]
    assert inbound and all(x["basis"] == "observed" for x in inbound)
    assert {e["type"] for e in content["exhibits"]} <= {"bill_of_lading", "customs_declaration"}
    codes = {f["code"] for f in content["findings"]}
    assert codes & {"listed_entity", "xinjiang_location", "xinjiang_origin"}, codes
    store.close()
    out = tmp_path / "dossier"
    done = runner.invoke(cli, ["trade", "dossier", third["id"], "-o", str(out)])
    assert done.exit_code == 0, done.output
    assert (out / "dossier.pdf").stat().st_size > 1000
    assert "<script" not in (out / "dossier.html").read_text(encoding="utf-8")
    missing = runner.invoke(cli, ["trade", "dossier", "direct-1-0-999999", "-o", str(out)])
    assert missing.exit_code == 1 and "no exposure path" in missing.output


def test_a_source_under_review_is_one_path_whatever_its_importers(
    store: Backend, resolved: dict[str, Any]
) -> None:
    grouped = find_exposure(store)
    every = find_exposure(store, group=False)
    review = [p for p in every if p["severity"] == "review" and p["kind"] == "direct"]
    sources = {p["source"]["org_id"] for p in review}
    kept = [p for p in grouped if p["severity"] == "review" and p["kind"] == "direct"]
    assert len(kept) == len(sources) < len(review)
    assert sum(1 + len(p["also_to"]) for p in kept) == len(review)  # none lost
    high = [p["id"] for p in every if p["severity"] == "high"]
    assert [p["id"] for p in grouped if p["severity"] == "high"] == high
