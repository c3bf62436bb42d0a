"""Printing for people (rich tables) and machines (JSON)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click
import orjson
from rich.console import Console
from rich.table import Table

console = Console()
err_console = Console(stderr=True)


def print_json(data: Any) -> None:
    """Print ``data`` as indented JSON on standard output."""
    sys.stdout.write(
        orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS).decode()
    )
    sys.stdout.write("\n")


def print_table(title: str | None, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Print a readable table with a title and one line per row."""
    table = Table(title=title, show_lines=False, title_justify="left")
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*("" if v is None else str(v) for v in row))
    console.print(table)


def json_option(f: Any) -> Any:
    """The shared ``--json`` flag."""
    return click.option("--json", "as_json", is_flag=True, help="Print JSON for machines.")(f)


def output_file(out: Path, *inputs: Path) -> Path:
    """``out`` checked before any work: not one of the input files (the results would overwrite
    what they are read from) and in a folder that exists."""
    from paxta.errors import PaxtaError

    for given in inputs:
        if given.exists() and out.exists() and out.resolve() == given.resolve():
            raise PaxtaError(f"-o {out} is the input file; write the results to another file.")
    if not out.parent.is_dir():
        raise PaxtaError(f"-o {out}: the folder {out.parent} does not exist.")
    if out.is_dir():
        raise PaxtaError(f"-o {out} is a folder; give a file name (.csv, .xlsx, .json ...).")
    return out
