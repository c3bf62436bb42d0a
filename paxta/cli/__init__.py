"""The ``paxta`` command: thin commands that parse, call the library and print."""

from __future__ import annotations

import logging
import sys
from typing import Any

import click

from paxta import __version__
from paxta.errors import PaxtaError


class PaxtaGroup(click.Group):
    """A command group that turns a :class:`PaxtaError` into one sentence and exit code 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except PaxtaError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(1)
        except KeyboardInterrupt:
            click.echo("Interrupted: work finished so far was kept.", err=True)
            sys.exit(130)


@click.group(cls=PaxtaGroup)
@click.version_option(__version__, prog_name="paxta")
@click.option("-v", "--verbose", is_flag=True, help="Log what paxta does.")
def cli(verbose: bool) -> None:
    """paxta: screen, locate, trace and prove forced-labour risk in supply chains.

    Data lives under $PAXTA_HOME (default ~/.local/share/paxta).
    """
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )


def _register() -> None:
    from paxta.cli import demo, evidence, lists, locate, screen, serve, trace, trade

    cli.add_command(lists.lists)
    cli.add_command(locate.locate)
    cli.add_command(screen.match)
    cli.add_command(screen.screen)
    cli.add_command(screen.screenings_cmd)
    cli.add_command(screen.review)
    cli.add_command(screen.rescreen_cmd)
    cli.add_command(screen.aliases)
    cli.add_command(trace.case)
    cli.add_command(trace.trace)
    cli.add_command(trace.dossier)
    cli.add_command(trace.exposure_cmd)
    cli.add_command(trade.trade)
    cli.add_command(evidence.capture_cmd)
    cli.add_command(evidence.evidence)
    cli.add_command(evidence.watch)
    cli.add_command(serve.serve)
    cli.add_command(demo.demo)


_register()


def main() -> None:
    """Console entry point."""
    cli(prog_name="paxta")
