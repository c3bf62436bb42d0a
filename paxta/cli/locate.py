"""``paxta locate``: is an address (or every address in a file) in Xinjiang?"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from paxta.cli.output import console, err_console, json_option, output_file, print_json, print_table
from paxta.errors import PaxtaError
from paxta.files.writers import write_rows
from paxta.places.batch import locate_rows
from paxta.places.locator import locate_address


@click.command()
@click.argument("address_or_file")
@click.option("--column", help="With a file: the column holding the address.")
@click.option(
    "-o",
    "--out",
    type=click.Path(path_type=Path),
    help="With a file: where to write the results (.csv, .jsonl, .json, .xlsx or .html).",
)
@click.option("--encoding", help="With a file: its encoding (detected when not given).")
@json_option
def locate(
    address_or_file: str, column: str | None, out: Path | None, encoding: str | None, as_json: bool
) -> None:
    """Find the Xinjiang Uyghur Region (and the XPCC) in an address, in any script.

    ADDRESS_OR_FILE is one address in quotes, or a CSV/XLSX/JSON-lines file with --column;
    a file's rows are written with paxta_xinjiang, paxta_confidence, paxta_place and
    paxta_evidence added.
    """
    path = Path(address_or_file)
    if column is not None or (
        path.suffix.lower() in {".csv", ".xlsx", ".jsonl", ".tsv"} and path.is_file()
    ):
        _locate_file(path, column, out, encoding)
        return
    found = locate_address(address_or_file)
    if as_json:
        print_json(found.as_json())
        return
    verdict = "[bold red]Xinjiang[/bold red]" if found.xinjiang else "[green]not Xinjiang[/green]"
    console.print(f"{verdict} (confidence {found.confidence:.2f})")
    if found.place:
        console.print(
            f"Place: {found.place['name_zh']} {found.place.get('name_en') or ''} "
            f"({found.place.get('code') or found.place['key']}, {found.place['level']})"
        )
    console.print(f"Why: {found.why}")
    rows = [
        (e.text, e.kind, e.script, e.meaning, "yes" if e.used else "set aside")
        for e in found.evidence
    ]
    if rows:
        print_table(None, ["text", "kind", "script", "meaning", "counted"], rows)


def _locate_file(path: Path, column: str | None, out: Path | None, encoding: str | None) -> None:
    if column is None:
        raise PaxtaError(f"{path}: say which column holds the address with --column.")
    target = output_file(out or path.with_name(path.stem + ".located.csv"), path)
    columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    with Progress(
        *columns, console=err_console, transient=True, disable=not err_console.is_terminal
    ) as bar:
        task = bar.add_task(f"locating {path.name}", total=None)
        count = write_rows(
            locate_rows(path, column, encoding),
            target,
            lambda n: bar.update(task, description=f"locating {path.name}: {n:,} rows"),
        )
    sys.stdout.write(f"Located {count:,} addresses: {target}\n")
