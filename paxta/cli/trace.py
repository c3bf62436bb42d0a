"""``paxta case import``, ``paxta trace`` and ``paxta dossier``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from paxta.cli.output import console, json_option, print_json, print_table
from paxta.cli.screen import store_with_lists
from paxta.screen.matcher import Matcher
from paxta.trace.case import case_of_shipment, import_case, read_case
from paxta.trace.checks import CaseData, run_checks, to_check
from paxta.trace.dossier import build_dossier, write_dossier
from paxta.trace.graph import trace as trace_chain


@click.group()
def case() -> None:
    """Cases: the records of one supply chain (see docs/formats.md)."""


@case.command(name="import")
@click.argument("folder", type=click.Path(path_type=Path))
@json_option
def case_import(folder: Path, as_json: bool) -> None:
    """Validate and store the case in FOLDER (all or nothing); list its shipments."""
    found = read_case(folder)
    with store_with_lists() as store:
        import_case(store, found)
    shipments = found.shipments()
    if as_json:
        print_json([{**s, "case": found.case_id} for s in shipments])
        return
    console.print(
        f"Imported case {found.case_id}: "
        + ", ".join(f"{len(v)} {k.removeprefix('case_')}" for k, v in found.tables.items())
    )
    print_table(
        "Shipments",
        ["shipment", "seller", "buyer", "product", "quantity", "date"],
        [
            (
                s["shipment"],
                s["seller"],
                s["buyer"],
                s["product"],
                f"{s['quantity']} {s['unit']}",
                s["date"],
            )
            for s in shipments
        ],
    )


@click.command()
@click.argument("shipment")
@json_option
def trace(shipment: str, as_json: bool) -> None:
    """The upstream chain of SHIPMENT, tier by tier, with the findings on it."""
    with store_with_lists() as store:
        case_id = case_of_shipment(store, shipment)
        chain = trace_chain(store, case_id, shipment)
        matcher = Matcher.from_store(store)
        data = CaseData.load(store, case_id)
        findings = run_checks(store, chain, matcher, data=data)
        checks = to_check(data, chain, matcher)
    if as_json:
        print_json(
            {
                "case": case_id,
                "shipment": shipment,
                "tiers": chain.tiers,
                "links": [link.as_json() for link in chain.links],
                "findings": [f.as_json() for f in findings],
                "to_check": checks,
            }
        )
        return
    print_table(
        f"Shipment {shipment} (case {case_id})",
        ["tier", "link", "step", "from", "to", "lots", "basis", "source"],
        [
            (
                x.tier,
                x.link_id,
                x.process or x.product or x.kind,
                x.seller,
                x.buyer,
                ", ".join(x.lots_in),
                x.basis,
                x.source,
            )
            for x in chain.links
        ],
    )
    print_table(
        "Findings",
        ["severity", "code", "tier", "party", "finding"],
        [(f.severity, f.code, f.tier, f.party, f.message) for f in findings],
    )
    if checks:
        print_table(
            "To check: possible list matches (not findings)",
            ["tier", "party", "listed entity", "list", "probability", "why"],
            [
                (
                    x["tier"],
                    x["party_name"],
                    x["listed_name"],
                    x["list"],
                    f"{x['probability']:.2f}",
                    x["explanation"],
                )
                for x in checks
            ],
        )


@click.command()
@click.argument("shipment")
@click.option(
    "-o", "--out", type=click.Path(path_type=Path), required=True, help="Folder for the dossier."
)
@click.option(
    "--prepared-by",
    help="Who prepared the dossier, for its sign-off block (default: your login name).",
)
def dossier(shipment: str, out: Path, prepared_by: str | None) -> None:
    """Write OUT/dossier.json, OUT/dossier.html and OUT/dossier.pdf for SHIPMENT."""
    import getpass

    if prepared_by is None:
        try:
            prepared_by = getpass.getuser()
        except (KeyError, OSError):
            prepared_by = None
    with store_with_lists() as store:
        case_id = case_of_shipment(store, shipment)
        matcher = Matcher.from_store(store)
        content = build_dossier(store, case_id, shipment, matcher, prepared_by=prepared_by)
    emit_dossier(content, out)


def emit_dossier(content: dict[str, Any], out: Path) -> None:
    """Write the dossier's three files and print the verdict and where they are."""
    as_json, page = write_dossier(content, out)
    pdf = page.with_suffix(".pdf")
    sys.stdout.write(f"{content['summary']['verdict']}\n{as_json}\n{page}\n{pdf}\n")


@click.command(name="exposure")
@click.argument("case_id")
@click.option("--tiers", default=8, show_default=True, help="How many links upstream to look.")
@click.option("--limit", default=50, show_default=True, help="How many pairs to print.")
@json_option
def exposure_cmd(case_id: str, tiers: int, limit: int, as_json: bool) -> None:
    """Which importers of CASE_ID receive goods from a listed or Xinjiang source, and how far."""
    from paxta.trace.exposure import exposure, read_exposure, risk_sources

    with store_with_lists() as store:
        sources = risk_sources(store, case_id, Matcher.from_store(store))
        pairs = exposure(store, case_id, sources, tiers)
        shown = read_exposure(store, limit)
    rows = [{"importer": e.importer, "source": e.source, "tiers": e.tiers} for e in shown]
    if as_json:
        print_json({"case": case_id, "sources": sources, "pairs": pairs, "exposure": rows})
        return
    console.print(
        f"{len(sources)} risk sources; {pairs:,} importer-source pairs within {tiers} tiers."
    )
    print_table(None, ["importer", "source", "tiers"], [tuple(r.values()) for r in rows])
