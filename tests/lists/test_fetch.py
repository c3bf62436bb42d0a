"""`paxta lists fetch` against a real HTTP server on 127.0.0.1 serving copies of every source.

The copies are built from the shipped files in each publisher's download format (the UFLPA page
as DHS serves it, OFAC's sdn.xml and CSV trio, the Consolidated Screening List CSV, CBP's
document page and its CSV); the server answers 304s, 5xx, bot-check pages, cut files and a
changed format as the tests ask.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from xml.sax.saxutils import escape

import orjson
import pytest
from click.testing import CliRunner

from paxta.cli import cli
from paxta.data import data_path
from paxta.files import iter_csv_rows
from paxta.lists import repository as repo
from paxta.lists.fetch import Downloader, fetch_lists, last_checked
from paxta.lists.impact import signature
from paxta.lists.shipped import import_shipped
from paxta.store import Backend
from tests.conftest import UFLPA_TABLE, local_server

SHIPPED_UFLPA = data_path(
    "lists", "uflpa", "dhs_uflpa_entity_list_page_lastupdated-2025-01-14.html"
)
SDN = data_path("lists", "ofac", "sdn_2024-05-03.csv")
BIS = data_path("lists", "bis", "bis_entity_list_xinjiang_related_2026-07.csv")
CBP = data_path("lists", "cbp", "cbp_wro_findings_china_2026-06-23.csv")
NEW_NAME = "Anhui Newly Listed Textile Co., Ltd."


@dataclass
class Route:
    """What the server answers at one path."""

    body: bytes
    content_type: str = "application/octet-stream"
    etag: str = ""
    last_modified: str = ""
    fail_first: int = 0  # answer 503 this many times first
    hits: list[dict[str, str]] = field(default_factory=list)


class Site:
    """The routes of the test server, changeable while it runs."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.lock = threading.Lock()

    def handler(self) -> type[BaseHTTPRequestHandler]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                with site.lock:
                    route = site.routes.get(self.path)
                    if route is not None:
                        route.hits.append(dict(self.headers))
                if route is None:
                    self._send(404, b"not found", "text/plain")
                    return
                if route.fail_first > 0:
                    route.fail_first -= 1
                    self._send(503, b"busy", "text/plain", {"Retry-After": "0"})
                    return
                if route.etag and self.headers.get("If-None-Match") == route.etag:
                    self._send(304, b"", "", {"ETag": route.etag})
                    return
                headers = {}
                if route.etag:
                    headers["ETag"] = route.etag
                if route.last_modified:
                    headers["Last-Modified"] = route.last_modified
                self._send(200, route.body, route.content_type, headers)

            def _send(
                self, status: int, body: bytes, ctype: str, headers: dict[str, str] | None = None
            ) -> None:
                self.send_response(status)
                if ctype:
                    self.send_header("Content-Type", ctype)
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if status != 304:
                    self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        return Handler


# -- the publishers' formats, built from the shipped files -------------------------------------


def uflpa_page(extra_row: str | None = None, updated: str = "01/14/2025") -> bytes:
    html = SHIPPED_UFLPA.read_text("utf-8")
    if extra_row:
        html = html.replace(
            "<tbody>", f"<tbody><tr><td>{extra_row}</td><td>November 20, 2026</td></tr>", 1
        )
    html = html.replace("</span> 01/14/2025<", f"</span> {updated}<")
    return html.encode()


def sdn_rows() -> list[list[str]]:
    return [f for _, f in iter_csv_rows(SDN, "latin-1") if len(f) == 12]


def sdn_xml(rows: list[list[str]], declared: int | None = None) -> bytes:
    out = io.StringIO()
    out.write('<?xml version="1.0" standalone="yes"?>\n')
    out.write('<sdnList xmlns="https://tempuri.org/sdnList.xsd">')
    out.write(
        f"<publshInformation><Publish_Date>11/20/2026</Publish_Date>"
        f"<Record_Count>{declared if declared is not None else len(rows)}</Record_Count>"
        "</publshInformation>"
    )
    for f in rows:
        kind = f[2].strip()
        out.write(f"<sdnEntry><uid>{f[0]}</uid><lastName>{escape(f[1])}</lastName>")
        out.write(f"<sdnType>{'Entity' if kind == '-0-' else escape(kind)}</sdnType>")
        out.write("<programList>")
        for p in f[3].replace("] [", "|").strip("[]").split("|"):
            out.write(f"<program>{escape(p)}</program>")
        out.write("</programList></sdnEntry>")
    out.write("</sdnList>")
    return out.getvalue().encode()


def sdn_csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode("latin-1")


def csl_csv(rows: list[dict[str, str]] | None = None) -> bytes:
    columns = [
        "_id",
        "source",
        "entity_number",
        "type",
        "programs",
        "name",
        "title",
        "addresses",
        "federal_register_notice",
        "start_date",
        "end_date",
        "standard_order",
        "license_requirement",
        "license_policy",
        "call_sign",
        "vessel_type",
        "gross_tonnage",
        "gross_registered_tonnage",
        "vessel_flag",
        "vessel_owner",
        "remarks",
        "source_list_url",
        "alt_names",
        "citizenships",
        "dates_of_birth",
        "nationalities",
        "places_of_birth",
        "source_information_url",
        "ids",
    ]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, columns)
    writer.writeheader()
    with open(BIS, encoding="utf-8") as f:
        for i, row in enumerate(csv.DictReader(f)):
            writer.writerow(
                {
                    "_id": f"el{i}",
                    "source": "Entity List (EL) - Bureau of Industry and Security",
                    "type": "Entity",
                    "name": row["name"],
                    "addresses": row["address"].replace("; and ", "; "),
                    "federal_register_notice": row["federal_register_citations"],
                    "start_date": "2020-06-05",
                    "alt_names": row["aliases"].replace(" | ", "; "),
                    "license_requirement": row["license_requirement"],
                }
            )
    writer.writerow(
        {
            "_id": "sdn1",
            "source": "Specially Designated Nationals (SDN) - Treasury Department",
            "type": "Entity",
            "name": "Not An Entity List Row Ltd.",
        }
    )
    for extra in rows or []:
        writer.writerow(extra)
    return buffer.getvalue().encode()


def cbp_csv() -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(
        [
            "Effective Date",
            "Calendar Year",
            "Country Code",
            "Country",
            "Merchandise",
            "WRO/Finding",
            "Industry",
            "Status",
            "Press Release",
            "Entity",
            "Remarks",
        ]
    )
    with open(CBP, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            y, m, d = row["date"].split("-")
            writer.writerow(
                [
                    f"{m}/{d}/{y}",
                    y,
                    "CN",
                    row["country"],
                    row["merchandise"],
                    row["order_type"],
                    row["industry"],
                    row["status"],
                    "",
                    row["name"],
                    row["remarks"] + "\u00a0",
                ]
            )
    return buffer.getvalue().encode("cp1252")


def ftm_lines() -> bytes:
    """OpenSanctions' FollowTheMoney export of the UFLPA list, one company per entity key."""
    out = []
    seen: set[str] = set()
    with open(UFLPA_TABLE, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["entity_key"] in seen:
                continue
            seen.add(row["entity_key"])
            out.append(
                orjson.dumps(
                    {
                        "id": f"os-{len(seen)}",
                        "schema": "Company",
                        "datasets": ["us_dhs_uflpa"],
                        "last_change": "2026-11-20T00:00:00",
                        "properties": {
                            "name": [row["primary_name"]],
                            "country": ["cn"],
                            "program": [row["section"]],
                        },
                    }
                )
            )
    return b"\n".join(out) + b"\n"


@pytest.fixture
def site() -> Iterator[tuple[Site, str]]:
    s = Site()
    with local_server(s.handler()) as base:
        yield s, base


def publish(site: Site, base: str, tmp_path: Path) -> Path:
    """Serve every source as its publisher does; the sources table pointing at them."""
    stamp = formatdate(1_795_000_000, usegmt=True)
    rows = sdn_rows()
    site.routes.update(
        {
            "/uflpa-entity-list": Route(uflpa_page(), "text/html", '"u1"', stamp),
            "/ofac/sdn.xml": Route(sdn_xml(rows), "text/xml", '"x1"'),
            "/ofac/sdn.csv": Route(sdn_csv(rows), "text/csv"),
            "/csl/consolidated.csv": Route(csl_csv(), "text/csv", '"c1"'),
            "/cbp/document": Route(
                b"<html><body>"
                b'<a href="/files/withhold-release-orders-findings-fy26-2026-05-01.csv">old</a> '
                b'<a href="/files/withhold-release-orders-findings-fy26-2026-11-20.csv">current</a>'
                b"</body></html>",
                "text/html",
            ),
            "/files/withhold-release-orders-findings-fy26-2026-11-20.csv": Route(
                cbp_csv(), "text/csv"
            ),
            "/os/us_dhs_uflpa/entities.ftm.json": Route(ftm_lines(), "application/json"),
        }
    )
    table = tmp_path / "sources.csv"
    table.write_text(
        "source,url,format\n"
        f"uflpa,{base}/uflpa-entity-list,uflpa-html\n"
        f"ofac-sdn,{base}/ofac/sdn.xml,ofac-xml\n"
        f"ofac-sdn,{base}/ofac/sdn.csv,ofac-sdn\n"
        f"bis-entity-list,{base}/csl/consolidated.csv,csl\n"
        f"cbp-wro,{base}/cbp/document,cbp-published\n"
        f"opensanctions-uflpa,{base}/os/us_dhs_uflpa/entities.ftm.json,ftm\n"
    )
    return table


def fast() -> Downloader:
    return Downloader(timeout=10, backoff=0.01)


def outcomes(results: list) -> dict[str, str]:
    return {r.source: r.outcome for r in results}


# -- the tests -------------------------------------------------------------------------------


def test_every_source_is_fetched_in_its_publishers_format(
    store: Backend, site: tuple[Site, str], tmp_path: Path
) -> None:
    s, base = site
    table = publish(s, base, tmp_path)
    import_shipped(store)
    results = fetch_lists(store, sources=table, downloader=fast())
    assert outcomes(results) == {
        "uflpa": "unchanged",  # the same page as shipped: its bytes are already imported
        "ofac-sdn": "imported",
        "bis-entity-list": "imported",
        "cbp-wro": "imported",
    }
    current = {v.source: v for v in repo.current_versions(store)}
    assert current["ofac-sdn"].version == "2026-11-20"  # the XML's publication date
    assert current["ofac-sdn"].format == "ofac-xml"
    assert current["ofac-sdn"].entity_count == len(sdn_rows())
    assert current["cbp-wro"].version == "2026-11-20"  # the newest CSV the page links to
    assert current["bis-entity-list"].entity_count == 73  # the Entity List rows only
    hits = s.routes["/uflpa-entity-list"].hits
    assert "paxta/" in hits[0]["User-Agent"]
    # The CBP page's newest file is the one downloaded, the older link left alone.
    assert s.routes["/files/withhold-release-orders-findings-fy26-2026-11-20.csv"].hits
    checked = last_checked(store)
    assert checked["ofac-sdn"][1] == "imported"
    assert "opensanctions-uflpa" not in checked  # fetched only when named or with --all
    named = fetch_lists(store, ["opensanctions-uflpa"], sources=table, downloader=fast())
    assert outcomes(named) == {"opensanctions-uflpa": "imported"}
    os_version = repo.latest_version(store, "opensanctions-uflpa")
    assert os_version.version == "2026-11-20" and os_version.entity_count > 100


def test_a_second_fetch_is_conditional_and_imports_nothing(
    store: Backend, site: tuple[Site, str], tmp_path: Path
) -> None:
    s, base = site
    table = publish(s, base, tmp_path)
    fetch_lists(store, ["uflpa", "bis-entity-list"], sources=table, downloader=fast())
    before = len(repo.all_versions(store))
    again = fetch_lists(store, ["uflpa", "bis-entity-list"], sources=table, downloader=fast())
    assert outcomes(again) == {"uflpa": "not-modified", "bis-entity-list": "not-modified"}
    assert s.routes["/uflpa-entity-list"].hits[-1].get("If-None-Match") == '"u1"'
    assert len(repo.all_versions(store)) == before


def test_a_busy_publisher_is_retried(
    store: Backend, site: tuple[Site, str], tmp_path: Path
) -> None:
    s, base = site
    table = publish(s, base, tmp_path)
    s.routes["/cbp/document"].fail_first = 2
    results = fetch_lists(store, ["cbp-wro"], sources=table, downloader=fast())
    assert outcomes(results) == {"cbp-wro": "imported"}
    assert len(s.routes["/cbp/document"].hits) == 3


def test_a_publisher_down_for_good_fails_and_keeps_the_list(
    store: Backend, site: tuple[Site, str], tmp_path: Path
) -> None:
    s, base = site
    table = publish(s, base, tmp_path)
    import_shipped(store)
    s.routes["/cbp/document"].fail_first = 99
    results = fetch_lists(store, ["cbp-wro"], sources=table, downloader=fast())
    assert results[0].outcome == "failed" and "503" in results[0].message
    assert repo.latest_version(store, "cbp-wro").version == "2026-06-23"


def test_a_bot_check_page_is_refused(
    store: Backend, site: tuple[Site, str], tmp_path: Path
) -> None:
    s, base = site
    table = publish(s, base, tmp_path)
    import_shipped(store)
    s.routes["/csl/consolidated.csv"] = Route(
        b"<!DOCTYPE html><html><head><title>Just a moment...</title></head>"
        b"<body>Checking your browser</body></html>",
        "text/html",
    )
    results = fetch_lists(store, ["bis-entity-list"], sources=table, downloader=fast())
    assert results[0].outcome == "refused"
    assert "bot-check page" in results[0].message
    assert repo.latest_version(store, "bis-entity-list").format == "bis-csv"


def test_a_changed_format_is_refused(
    store: Backend, site: tuple[Site, str], tmp_path: Path
) -> None:
    s, base = site
    table = publish(s, base, tmp_path)
    s.routes["/csl/consolidated.csv"] = Route(
        orjson.dumps({"results": [{"name": "X"}]}), "application/json"
    )
    results = fetch_lists(store, ["bis-entity-list"], sources=table, downloader=fast())
    assert results[0].outcome == "refused"
    assert "no longer in the csl format" in results[0].message


def test_a_cut_xml_is_refused_and_the_csv_alternative_is_not_tried_blindly(
    store: Backend, site: tuple[Site, str], tmp_path: Path
) -> None:
    s, base = site
    table = publish(s, base, tmp_path)
    rows = sdn_rows()
    fetch_lists(store, ["ofac-sdn"], sources=table, downloader=fast())
    # The publisher's file says 14,965 entries but the download holds 100 fewer.
    s.routes["/ofac/sdn.xml"] = Route(sdn_xml(rows[:-100], declared=len(rows)), "text/xml", '"x2"')
    results = fetch_lists(store, ["ofac-sdn"], sources=table, downloader=fast())
    assert results[0].outcome == "refused"
    assert "may be cut" in results[0].message
    assert repo.latest_version(store, "ofac-sdn").entity_count == len(rows)


def test_a_file_that_loses_many_entities_is_refused_unless_allowed(
    store: Backend, site: tuple[Site, str], tmp_path: Path
) -> None:
    s, base = site
    table = publish(s, base, tmp_path)
    rows = sdn_rows()
    fetch_lists(store, ["ofac-sdn"], sources=table, downloader=fast())
    # Cut cleanly: a valid file, its count consistent, the last 100 entities gone.
    s.routes["/ofac/sdn.xml"] = Route(sdn_xml(rows[:-100]), "text/xml", '"x3"')
    refused = fetch_lists(store, ["ofac-sdn"], sources=table, downloader=fast())[0]
    assert refused.outcome == "refused"
    assert len(refused.removed) == 100
    assert "--allow-shrink" in refused.message
    assert repo.latest_version(store, "ofac-sdn").entity_count == len(rows)
    allowed = fetch_lists(store, ["ofac-sdn"], sources=table, downloader=fast(), allow_shrink=True)
    assert allowed[0].outcome == "imported"
    assert repo.latest_version(store, "ofac-sdn").entity_count == len(rows) - 100


def test_a_truncated_sdn_csv_is_refused_by_lists_import(runner: CliRunner, tmp_path: Path) -> None:
    trio = tmp_path / "ofac"
    trio.mkdir()
    rows = sdn_rows()
    (trio / "sdn.csv").write_bytes(sdn_csv(rows) + b"\x1a")
    assert runner.invoke(cli, ["lists", "import", str(trio / "sdn.csv")]).exit_code == 0
    cut = tmp_path / "cut"
    cut.mkdir()
    (cut / "sdn.csv").write_bytes(sdn_csv(rows[:-100]))  # cut at a line end, no end marker
    result = runner.invoke(cli, ["lists", "import", str(cut / "sdn.csv")])
    assert result.exit_code == 1
    assert "100 of the" in result.output and "--allow-shrink" in result.output
    ok = runner.invoke(cli, ["lists", "import", "--allow-shrink", str(cut / "sdn.csv")])
    assert ok.exit_code == 0, ok.output


def test_impact_names_the_watched_supplier_and_posts_a_signed_webhook(
    runner: CliRunner, site: tuple[Site, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    s, base = site
    table = publish(s, base, tmp_path)
    suppliers = tmp_path / "suppliers.csv"
    suppliers.write_text(
        "supplier_no,supplier_name,country\n"
        "1203,Shenzhen Harbour Lights Trading Co.,China\n"
        f"1204,{NEW_NAME.replace(',', '')},China\n"
        "1205,Guangzhou Pearl River Garments Co. Ltd.,China\n",
        encoding="utf-8",
    )
    added = runner.invoke(cli, ["watchlist", "add", str(suppliers), "--ref-column", "supplier_no"])
    assert added.exit_code == 0, added.output
    received: list[tuple[bytes, str]] = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((body, self.headers.get("X-Paxta-Signature", "")))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    monkeypatch.setenv("PAXTA_FETCH_BACKOFF", "0.01")
    monkeypatch.setenv("PAXTA_WEBHOOK_SECRET", "s3cret")
    first = runner.invoke(cli, ["lists", "fetch", "uflpa", "--sources", str(table)])
    assert first.exit_code == 0, first.output
    s.routes["/uflpa-entity-list"] = Route(uflpa_page(NEW_NAME, "11/20/2026"), "text/html", '"u2"')
    with local_server(Hook) as hook:
        result = runner.invoke(
            cli,
            [
                "lists",
                "fetch",
                "uflpa",
                "--sources",
                str(table),
                "--impact",
                "--json",
                "--webhook",
                f"{hook}/paxta",
            ],
        )
    assert result.exit_code == 0, result.output
    lines = [orjson.loads(line) for line in result.output.splitlines() if line.startswith("{")]
    fetched = [x for x in lines if x["type"] == "fetch"]
    impacts = [x for x in lines if x["type"] == "impact"]
    assert fetched[0]["outcome"] == "imported" and fetched[0]["version"]["version"] == "2026-11-20"
    assert [x["line"] for x in impacts] == [
        f"Supplier 1204 {NEW_NAME.replace(',', '')} is now listed: UFLPA Entity List "
        f"({NEW_NAME}), added 2026-11-20"
    ]
    assert impacts[0]["change"] == "listed" and impacts[0]["decision"] == "match"
    body, signed = received[0]
    assert signed == signature("s3cret", body)
    assert hmac.compare_digest(
        signed, "sha256=" + hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    )
    assert orjson.loads(body)["changes"][0]["ref"] == "suppliers row 2"
    # Fetched again: nothing new, no impact, exit 0.
    quiet = runner.invoke(cli, ["lists", "fetch", "uflpa", "--sources", str(table), "--impact"])
    assert quiet.exit_code == 0 and "not modified" in quiet.output


def test_impact_reports_a_delisted_case_party(
    store: Backend, site: tuple[Site, str], tmp_path: Path
) -> None:
    s, base = site
    table = publish(s, base, tmp_path)
    fetch_lists(store, ["cbp-wro"], sources=table, downloader=fast())
    store.sql(
        "INSERT INTO case_parties (case_id, party_id, name, country, role) "
        "VALUES ('c1', 'p1', 'Hetian Taida Apparel Co., Ltd.', 'China', 'manufacturer')"
    )
    from paxta.lists.impact import assess

    old = repo.latest_version(store, "cbp-wro")
    csv_body = cbp_csv().decode("cp1252").splitlines()
    kept = [line for line in csv_body if "Hetian Taida" not in line]
    s.routes["/files/withhold-release-orders-findings-fy26-2026-11-20.csv"] = Route(
        ("\r\n".join(kept) + "\r\n").encode("cp1252"), "text/csv"
    )
    result = fetch_lists(store, ["cbp-wro"], sources=table, downloader=fast())[0]
    assert result.outcome == "imported", result.message
    lines = assess(store, old, result.version)
    assert [(x.held.kind, x.change) for x in lines] == [("case", "delisted")]
    assert "is no longer on the CBP Withhold Release Orders" in lines[0].line


def test_a_mirror_folder_imports_without_a_network(runner: CliRunner, tmp_path: Path) -> None:
    mirror = tmp_path / "mirror"
    (mirror / "cbp-wro").mkdir(parents=True)
    (mirror / "cbp-wro" / "withhold-release-orders-findings-fy26-2026-11-20.csv").write_bytes(
        cbp_csv()
    )
    (mirror / "uflpa").mkdir()
    (mirror / "uflpa" / "page.json").write_text('{"not": "a list"}')
    result = runner.invoke(cli, ["lists", "fetch", "cbp-wro", "uflpa", "--from", str(mirror)])
    assert result.exit_code == 1  # the uflpa folder holds no UFLPA page
    assert "cbp-wro: imported version 2026-11-20" in result.output
    assert "uflpa: " in result.output and "refused" in result.output


def test_the_sources_table_is_checked(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "sources.csv"
    bad.write_text("source,url,format\nuflpa,https://example.org/x,uflpa-pdf\n")
    result = runner.invoke(cli, ["lists", "fetch", "--sources", str(bad)])
    assert result.exit_code == 1
    assert "unknown format 'uflpa-pdf'" in result.output and "line 2" in result.output


def test_lists_shows_published_and_last_checked(
    runner: CliRunner, site: tuple[Site, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    s, base = site
    table = publish(s, base, tmp_path)
    monkeypatch.setenv("PAXTA_MAX_LIST_AGE", "30")
    runner.invoke(cli, ["lists", "fetch", "cbp-wro", "--sources", str(table)])
    result = runner.invoke(cli, ["lists", "--json"])
    rows = {r["source"]: r for r in orjson.loads(result.output)}
    assert rows["cbp-wro"]["published"] == "2026-11-20"
    assert rows["cbp-wro"]["last_check"] == "imported" and rows["cbp-wro"]["last_checked"]
    assert rows["uflpa"]["last_checked"] is None
    text = runner.invoke(cli, ["lists"])
    assert "out-of-date lists" in text.output and "uflpa 2025-01-14" in text.output


def test_serve_fetches_on_its_own_and_the_home_page_shows_the_impact(
    home: Path, site: tuple[Site, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fastapi.testclient import TestClient

    from paxta.cli.serve import fetch_periodically
    from paxta.lists.watchlist import add_watchlist
    from paxta.store import session
    from paxta.web.app import create_app

    s, base = site
    table = publish(s, base, tmp_path)
    monkeypatch.setenv("PAXTA_LIST_SOURCES", str(table))
    monkeypatch.setenv("PAXTA_FETCH_BACKOFF", "0.01")
    suppliers = tmp_path / "suppliers.csv"
    suppliers.write_text(f'name\nShenzhen Harbour Lights Trading Co.\n"{NEW_NAME}"\n', "utf-8")
    with session() as store:
        import_shipped(store)
        add_watchlist(store, suppliers)
    s.routes["/uflpa-entity-list"] = Route(uflpa_page(NEW_NAME, "11/20/2026"), "text/html")
    fetch_periodically(0, rounds=1)
    with session() as store:
        assert repo.latest_version(store, "uflpa").version == "2026-11-20"
        assert {r: c[1] for r, c in last_checked(store).items()}["uflpa"] == "imported"
    monkeypatch.setenv("PAXTA_MAX_LIST_AGE", "100000")
    page = TestClient(create_app()).get("/")
    assert page.status_code == 200
    assert f"Supplier 2 {NEW_NAME} is now listed: UFLPA Entity List" in page.text
    assert 'id="list-age"' not in page.text  # no list is older than the user allows
    monkeypatch.setenv("PAXTA_MAX_LIST_AGE", "10")  # a stricter user: every page says so
    entities = TestClient(create_app()).get("/ui/entities")
    assert 'id="list-age"' in entities.text and "uflpa 2026-11-20" in entities.text


def test_a_file_without_a_date_is_versioned_by_its_modification_date(
    runner: CliRunner, tmp_path: Path, empty_home: Path
) -> None:
    import os
    import shutil

    plain = tmp_path / "entity_list.csv"
    shutil.copy(BIS, plain)
    when = 1_772_323_200  # 2026-03-01 UTC
    os.utime(plain, (when, when))
    result = runner.invoke(cli, ["lists", "import", str(plain), "--json"])
    data = orjson.loads(result.stdout)
    assert data["version"] == "2026-03-01"
    assert any("modification date" in note for note in data["notes"])


def test_the_same_files_under_other_names_are_the_same_version(
    store: Backend, tmp_path: Path
) -> None:
    import shutil

    from paxta.lists.importer import import_list

    import_shipped(store)
    renamed = tmp_path / "ofac"
    renamed.mkdir()
    for src, dst in (
        ("sdn_2024-05-03.csv", "sdn.csv"),
        ("alt_2026-06_sdn-2024-05-03-entities.csv", "alt.csv"),
        ("add_2026-06_sdn-2024-05-03-entities.csv", "add.csv"),
    ):
        shutil.copy(data_path("lists", "ofac", src), renamed / dst)
    again = import_list(store, renamed, source="ofac-sdn")
    assert again.already_imported
    assert again.version.version == "2024-05-03"  # as old as its oldest part


def test_lists_update_reports_the_impact_on_a_saved_screening(
    runner: CliRunner, tmp_path: Path
) -> None:
    suppliers = tmp_path / "suppliers.csv"
    suppliers.write_text(f'name\nShenzhen Harbour Lights Trading Co.\n"{NEW_NAME}"\n', "utf-8")
    screened = runner.invoke(cli, ["screen", str(suppliers)])
    assert screened.exit_code == 0, screened.output
    assert "Lists: " in screened.output and "days old" in screened.output
    page = tmp_path / "uflpa_page_2026-11-20.html"
    page.write_bytes(uflpa_page(NEW_NAME, "11/20/2026"))
    result = runner.invoke(cli, ["lists", "update", str(page), "--impact", "--json"])
    assert result.exit_code == 0, result.output
    data = orjson.loads(result.stdout)
    assert [e["name"] for e in data["diff"]["added"]] == [NEW_NAME]
    assert [x["line"] for x in data["impact"]] == [
        f"Screening 1 row 2 {NEW_NAME} is now listed: UFLPA Entity List ({NEW_NAME}), "
        "added 2026-11-20"
    ]


def test_the_shipped_ofac_trio_is_consistent_and_orphans_are_reported(
    store: Backend, tmp_path: Path
) -> None:
    from paxta.lists.importer import import_list

    shipped = next(r for r in import_shipped(store) if r.version.source == "ofac-sdn")
    assert shipped.version.version == "2024-05-03" and shipped.notes == []
    trio = tmp_path / "ofac"
    trio.mkdir()
    (trio / "sdn_2024-05-03.csv").write_bytes(sdn_csv(sdn_rows()[:10]) + b"\x1a")
    first = sdn_rows()[0][0]
    (trio / "alt_2026-06.csv").write_bytes(
        f'{first},1,"aka","FIRST ALIAS",-0-\r\n99999999,2,"aka","NOBODY",-0-\r\n'.encode()
    )
    mixed = import_list(store, trio, source="ofac-mixed")
    assert mixed.version.version == "2024-05-03"  # as old as its oldest part
    assert any("1 rows name 1 entities that are not in" in n for n in mixed.notes)
