"""``paxta trade``: import customs and bill-of-lading records, resolve their parties, report
the exposure they show."""

from __future__ import annotations

import html
import sys
from datetime import date
from pathlib import Path
from typing import Any

import click
import orjson

from paxta.cli.output import console, json_option, output_file, print_json, print_table
from paxta.cli.screen import store_with_lists
from paxta.errors import PaxtaError


@click.group()
def trade() -> None:
    """Trade records: find Xinjiang goods laundered through third countries."""


@trade.command(name="import")
@click.argument("path", type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["ams", "customs"]),
    help="ams (CBP AMS bulk files) or customs (the generic layout); detected when not given.",
)
@click.option(
    "--map",
    "mapping",
    multiple=True,
    metavar="COLUMN=HEADER",
    help="Map a customs column to your file's header, e.g. --map exporter=Shipper.",
)
@click.option("--encoding", help="The files' encoding (detected when not given).")
@click.option("--no-resolve", is_flag=True, help="Import only; resolve parties later.")
def import_cmd(
    path: Path, fmt: str | None, mapping: tuple[str, ...], encoding: str | None, no_resolve: bool
) -> None:
    """Import PATH (a file or a folder of yearly files), all or nothing, then resolve parties."""
    from paxta.trade.records import import_records

    pairs = {}
    for m in mapping:
        column, sep, header = m.partition("=")
        if not sep or not column.strip() or not header.strip():
            raise PaxtaError(f"--map {m!r}: write it as COLUMN=HEADER, e.g. exporter=Shipper.")
        pairs[column.strip().lower()] = header.strip()
    if not path.exists():  # before the store is opened (and the lists loaded into it)
        raise PaxtaError(f"{path}: no such file or folder.")
    with store_with_lists() as store:
        done = import_records(
            store, path, fmt, pairs, encoding, progress=lambda s: console.print(f"  {s} …")
        )
        if done.already_imported:
            console.print(f"{path}: already imported (import {done.import_id}, same files).")
        else:
            console.print(
                f"Imported {done.records:,} {done.format} records from {len(done.files)} file(s) "
                f"(import {done.import_id})."
            )
        if not no_resolve and not done.already_imported:
            _resolve(store)


@trade.command()
def resolve() -> None:
    """Cluster the party spellings of all imported records into organisations; screen and
    locate each organisation once."""
    with store_with_lists() as store:
        _resolve(store)


def _resolve(store: Any) -> None:
    from paxta.trade.parties import resolve_parties

    r = resolve_parties(store, progress=lambda s: console.print(f"  {s} …"))
    console.print(
        f"{r.spellings:,} spellings → {r.organisations:,} organisations "
        f"({r.pairs_compared:,} pairs compared); {r.listed:,} on a list or under review, "
        f"{r.in_xinjiang:,} located in Xinjiang."
    )


@trade.command(name="exposure")
@click.option("--importer", default="", help="Only importers whose name contains this.")
@click.option("--hs", default="", help="Only paths shipping these HS codes, e.g. 52,61.")
@click.option(
    "--since", type=click.DateTime(["%Y-%m-%d"]), help="Only records from this date (YYYY-MM-DD)."
)
@click.option(
    "-o",
    "--out",
    type=click.Path(path_type=Path),
    help="Write the report: .html, .csv, .xlsx or .json.",
)
@json_option
def exposure_cmd(importer: str, hs: str, since: Any, out: Path | None, as_json: bool) -> None:
    """Paths from listed or Xinjiang sources to US and EU importers, with the records behind
    every hop."""
    from paxta.trade.exposure import Filters, find_exposure, path_rows

    if out is not None and out.suffix.lower() not in (".json", ".csv", ".xlsx", ".html", ".htm"):
        raise PaxtaError(f"{out}: write .html, .csv, .xlsx or .json.")
    if out is not None:
        output_file(out)
    filters = Filters(
        importer=importer,
        hs=tuple(h.strip() for h in hs.split(",") if h.strip()),
        since=since.date() if since else None,
    )
    with store_with_lists() as store:
        if not store.scalar("SELECT count(*) FROM trade_records"):
            raise PaxtaError("no trade records yet: run paxta trade import PATH first.")
        if not store.scalar("SELECT count(*) FROM trade_orgs"):
            _resolve(store)
        paths = find_exposure(store, filters)
    if out is not None:
        _write(paths, out)
        console.print(f"{len(paths)} paths written to {out}")
    if as_json:
        print_json({"paths": paths})
        return
    if out is None:
        rows = path_rows(paths)
        print_table(
            f"{len(paths)} exposure paths",
            ["severity", "kind", "source", "via", "importer", "records", "findings"],
            [
                (
                    r["severity"],
                    r["kind"],
                    r["source"],
                    r["via"],
                    r["importer"],
                    r["records_out"],
                    r["findings"][:80],
                )
                for r in rows
            ],
        )


@trade.command(name="dossier")
@click.argument("path_id")
@click.option(
    "-o", "--out", type=click.Path(path_type=Path), required=True, help="Folder for the dossier."
)
@click.option(
    "--record", help="The shipment: a record id of the path's last hop (default: latest)."
)
def dossier_cmd(path_id: str, out: Path, record: str | None) -> None:
    """Write OUT/dossier.json, .html and .pdf for a shipment on exposure path PATH_ID (the
    ids are in paxta trade exposure --json and on the web app's trade pages)."""
    from paxta.cli.trace import emit_dossier
    from paxta.screen.matcher import Matcher
    from paxta.trade.dossier import trade_dossier

    with store_with_lists() as store:
        content = trade_dossier(store, path_id, Matcher.from_store(store), record)
    emit_dossier(content, out)


def _write(paths: list[dict[str, Any]], out: Path) -> None:
    from paxta.files.writers import write_rows
    from paxta.trade.exposure import path_rows

    suffix = out.suffix.lower()
    output_file(out)
    if suffix == ".json":
        out.write_bytes(orjson.dumps({"paths": paths}, option=orjson.OPT_INDENT_2))
    elif suffix in (".csv", ".xlsx"):
        write_rows(path_rows(paths), out)
    elif suffix in (".html", ".htm"):
        out.write_text(exposure_html(paths), encoding="utf-8")
    else:
        raise PaxtaError(f"{out}: write .html, .csv, .xlsx or .json.")


def exposure_html(paths: list[dict[str, Any]]) -> str:
    """The report as one self-contained page; every value escaped."""
    e = html.escape
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        "<title>paxta: trade exposure</title><style>body{font-family:sans-serif;margin:1rem}"
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2rem .4rem;"
        "font-size:.85rem;vertical-align:top}.high{background:#fde2e2}.review{background:#fff4d6}"
        "</style></head><body>",
        f"<h1>Trade exposure: {len(paths)} paths</h1>",
        f"<p>Generated {e(date.today().isoformat())}. A hop marked observed is backed by the "
        "records listed; the making of goods inside a firm is inferred.</p>",
    ]
    for n, p in enumerate(paths, start=1):
        chain = " → ".join(
            e(x["name"]) for x in (p["source"], p["via"], p["importer"]) if x is not None
        )
        parts.append(f"<section class='{e(p['severity'])}'><h2>{n}. {e(p['kind'])} "
                     f"({e(p['severity'])}): {chain}</h2>")  # fmt: skip
        for who in ("source", "via", "importer"):
            party = p[who]
            if party and party["why"]:
                parts.append(f"<p><b>{e(who)}</b>: {e(party['why'])}</p>")
        for finding in p["findings"]:
            parts.append(f"<p><b>finding</b>: {e(finding)}</p>")
        if p.get("also_to"):
            others = ", ".join(f"{e(a['name'])} ({a['records']})" for a in p["also_to"])
            parts.append(f"<p>also to {len(p['also_to'])} other importers: {others}</p>")
        for hop in p["hops"]:
            state = "observed" if hop["observed"] else "inferred"
            head = f"{e(hop['from'])} → {e(hop['to'])} ({state})"
            if not hop["observed"]:
                parts.append(f"<p>{head}: {e(hop['note'])}</p>")
                continue
            parts.append(
                f"<p>{head}: {hop['records']} records, {hop['weight_kg']:,} kg, "
                f"{e(str(hop['first']))} to {e(str(hop['last']))}</p><table><tr><th>record</th>"
                "<th>bill of lading</th><th>date</th><th>HS</th><th>kg</th></tr>"
            )
            for r in hop["shown"]:
                parts.append(
                    f"<tr><td>{e(r['record_id'])}</td><td>{e(r['bol'] or '')}</td>"
                    f"<td>{e(str(r['date']))}</td><td>{e(' '.join(r['hs_codes']))}</td>"
                    f"<td>{e(str(r['weight_kg']))}</td></tr>"
                )
            parts.append("</table>")
        parts.append("</section>")
    parts.append("</body></html>")
    return "".join(parts)


@trade.command()
@click.argument("out", type=click.Path(path_type=Path))
@click.option("--records", default=20_000, show_default=True, help="US bills of lading.")
@click.option("--customs", default=8_000, show_default=True, help="Third-country declarations.")
@click.option("--seed", default=7, show_default=True)
@click.option("--gzip", "gz", is_flag=True, help="Write the AMS files gzip-compressed.")
def generate(out: Path, records: int, customs: int, seed: int, gz: bool) -> None:
    """Write a generated trade data set (AMS + customs layout, with its truth.json) to OUT."""
    from paxta.trade.generate import generate as make

    truth = make(out, records, customs, seed, gz)
    sys.stdout.write(
        f"{truth['records']:,} bills of lading in {out / 'ams'}, "
        f"{truth['customs_records']:,} declarations in {out / 'customs'}, "
        f"{len(truth['paths'])} planted paths in {out / 'truth.json'}\n"
    )
