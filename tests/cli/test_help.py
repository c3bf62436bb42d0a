"""Every command has help, and the package runs as ``python -m paxta``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from paxta.cli import cli


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out = []
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None, name
        out.append((*prefix, name))
        if isinstance(command, click.Group):
            out.extend(_commands(command, (*prefix, name)))
    return out


@pytest.mark.parametrize("path", _commands(cli), ids=" ".join)
def test_every_command_has_help(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.output and len(result.output.splitlines()) > 3


def test_python_dash_m() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "paxta", "--version"], capture_output=True, text=True
    )
    assert done.returncode == 0 and "paxta" in done.stdout


def test_the_command_list_says_what_each_command_says() -> None:
    from paxta.cli import COMMANDS

    ctx = click.Context(cli)
    for name, (_where, short) in COMMANDS.items():
        command = cli.get_command(ctx, name)
        assert command is not None and command.get_short_help_str(limit=80) == short, name


def test_help_loads_no_command() -> None:
    code = (
        "import sys; from paxta.cli import cli\n"
        "try: cli(['--help'], prog_name='paxta')\n"
        "except SystemExit: pass\n"
        "heavy = [m for m in ('duckdb', 'pypinyin', 'pyarrow', 'paxta.cli.screen') "
        "if m in sys.modules]\n"
        "print(heavy)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.strip().endswith("[]"), done.stdout


def test_a_match_from_a_built_home_does_not_load_pandas(home: Path) -> None:
    """pandas is never needed to answer a match, and loading it cost ~0.2 s of every fresh
    process's first answer (pyarrow loads it on some calls when it is installed)."""
    code = (
        "import sys; from paxta.cli import cli\n"
        "try: cli(['match', 'Xinjiang Zhongtai Chemical'], prog_name='paxta')\n"
        "except SystemExit as e: print('exit', e.code)\n"
        "print('pandas' in sys.modules)"
    )
    env = {**os.environ, "PAXTA_HOME": str(home)}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert done.returncode == 0 and "Zhongtai" in done.stdout, done.stdout + done.stderr
    assert done.stdout.strip().endswith("False"), done.stdout
