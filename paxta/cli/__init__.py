"""The ``paxta`` command: thin commands that parse, call the library and print."""

from __future__ import annotations

import importlib
import logging
import os
import sys
from typing import Any

import click

from paxta import __version__
from paxta.errors import PaxtaError

# Each command, where it lives and its one-line help: the commands are imported only when one
# runs, so ``paxta --help`` starts without loading the lists, DuckDB or pypinyin. A test checks
# that each line here is the command's own short help.
COMMANDS: dict[str, tuple[str, str]] = {
    "aliases": (
        "paxta.cli.screen:aliases",
        "The alias table: coined English trade names of Chinese trade names (合盛 Hoshine).",
    ),
    "capture": (
        "paxta.cli.evidence:capture_cmd",
        "Capture URL as evidence: WARC of every hop, text, SHA-256 manifest, custody...",
    ),
    "case": (
        "paxta.cli.trace:case",
        "Cases: the records of one supply chain (see docs/formats.md).",
    ),
    "demo": (
        "paxta.cli.demo:demo",
        "Run the main job on the shipped data and say where the results are.",
    ),
    "dossier": (
        "paxta.cli.trace:dossier",
        "Write OUT/dossier.json, OUT/dossier.html and OUT/dossier.pdf for SHIPMENT.",
    ),
    "evidence": ("paxta.cli.evidence:evidence", "Captured evidence: list it, verify it."),
    "exposure": (
        "paxta.cli.trace:exposure_cmd",
        "Which importers of CASE_ID receive goods from a listed or Xinjiang source,...",
    ),
    "lists": (
        "paxta.cli.lists:lists",
        "The official lists: each source with its version date, size and file hash.",
    ),
    "locate": (
        "paxta.cli.locate:locate",
        "Find the Xinjiang Uyghur Region (and the XPCC) in an address, in any script.",
    ),
    "match": (
        "paxta.cli.screen:match",
        "Screen one NAME (any script) against the lists and explain each result.",
    ),
    "rescreen": (
        "paxta.cli.screen:rescreen_cmd",
        "Run a saved screening again against the newest lists; show only what changed.",
    ),
    "review": (
        "paxta.cli.screen:review",
        "Review a saved screening's results and record them as true or false.",
    ),
    "screen": (
        "paxta.cli.screen:screen",
        "Screen every row of FILE (CSV, XLSX or JSON lines) against the lists.",
    ),
    "screenings": ("paxta.cli.screen:screenings_cmd", "List saved screenings, newest first."),
    "serve": (
        "paxta.cli.serve:serve",
        "Serve the web app and the HTTP API (OpenAPI spec at /openapi.json).",
    ),
    "trace": (
        "paxta.cli.trace:trace",
        "The upstream chain of SHIPMENT, tier by tier, with the findings on it.",
    ),
    "trade": (
        "paxta.cli.trade:trade",
        "Trade records: find Xinjiang goods laundered through third countries.",
    ),
    "watchlist": (
        "paxta.cli.lists:watchlist",
        "Supplier files re-screened at every list update (paxta lists fetch --impact).",
    ),
    "watch": (
        "paxta.cli.evidence:watch",
        "Watch pages for removals (schedule `paxta watch run` with cron or a systemd...",
    ),
}


class PaxtaGroup(click.Group):
    """A command group that turns a :class:`PaxtaError` into one sentence and exit code 1, and
    imports each command only when it is run (``COMMANDS``)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except PaxtaError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(1)
        except KeyboardInterrupt:
            click.echo("Interrupted: work finished so far was kept.", err=True)
            sys.exit(130)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            module, _, attr = COMMANDS[cmd_name][0].partition(":")
            command = getattr(importlib.import_module(module), attr)
            self.add_command(command, cmd_name)
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][1]) for name in sorted(COMMANDS)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=PaxtaGroup)
@click.version_option(__version__, prog_name="paxta")
@click.option("-v", "--verbose", is_flag=True, help="Log what paxta does.")
@click.option(
    "--engine",
    metavar="URL",
    help="The store's engine: duckdb:PATH (default: the file in paxta's home) or "
    "spark:local[N] / spark:spark://HOST:PORT ($PAXTA_ENGINE).",
)
def cli(verbose: bool, engine: str | None) -> None:
    """paxta: screen, locate, trace and prove forced-labour risk in supply chains.

    Data lives under $PAXTA_HOME (default ~/.local/share/paxta).
    """
    if engine:
        os.environ["PAXTA_ENGINE"] = engine  # every store this run opens
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )


def main() -> None:
    """Console entry point."""
    cli(prog_name="paxta")
