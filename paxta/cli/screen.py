"""``paxta match``, ``screen``, ``screenings``, ``review``, ``rescreen`` and ``aliases``."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from paxta.cli.output import console, err_console, json_option, output_file, print_json, print_table
from paxta.errors import PaxtaError
from paxta.files.writers import WRITABLE, write_rows
from paxta.lists.repository import (
    current_versions,
    resolve_sources,
    staleness_warning,
    version_age,
)
from paxta.lists.shipped import ensure_lists
from paxta.screen.aliases import add_alias, load_aliases
from paxta.screen.batch import Columns, latest_screening, screen_file
from paxta.screen.matcher import Matcher
from paxta.screen.model import model
from paxta.screen.review import (
    algorithm_change,
    record_decision,
    rescreen,
    saved_rows,
    screenings,
    withdraw_decision,
)
from paxta.screen.triage import row_of
from paxta.store import Backend, session

F = TypeVar("F", bound=Callable[..., Any])
_DECISION_STYLE = {"match": "bold red", "review": "yellow", "clear": "green"}


@contextmanager
def store_with_lists(warn: bool = True) -> Iterator[Backend]:
    """The store, with the shipped lists loaded on first use; closed afterwards. With ``warn``
    (and no ``--json``), lists older than ``$PAXTA_MAX_LIST_AGE`` days are named on standard
    error at the end."""
    ctx = click.get_current_context(silent=True)
    if ctx is not None and ctx.params.get("as_json"):
        warn = False  # JSON output carries its own warnings, where it has any
    with session() as store:
        ensure_lists(store)
        stale = staleness_warning(current_versions(store)) if warn else ""
        yield store
    if stale:
        err_console.print(stale, style="yellow", highlight=False)


def lists_used(store: Backend, lists: list[str] | None = None) -> list[dict[str, object]]:
    """The list versions a screening uses, with their age in days."""
    wanted = None if lists is None else set(resolve_sources(store, lists))
    versions = [v for v in current_versions(store) if wanted is None or v.source in wanted]
    return [
        {"source": v.source, "version": v.version, "age_days": version_age(v)} for v in versions
    ]


def lists_line(used: list[dict[str, object]]) -> str:
    """ "Lists: uflpa 2025-01-14 (690 days old), ..." """
    parts = [
        f"{u['source']} {u['version']}"
        + (f" ({u['age_days']:,} days old)" if u["age_days"] is not None else "")
        for u in used
    ]
    return "Lists: " + ", ".join(parts)


def _lists_option(f: F) -> F:
    return click.option(
        "--lists",
        "lists_",
        help="Comma-separated list sources to screen against (default: all), "
        "e.g. uflpa,ofac-sdn,bis-entity-list,cbp-wro.",
    )(f)


def _chosen(lists_: str | None) -> list[str] | None:
    return [x.strip() for x in lists_.split(",") if x.strip()] if lists_ else None


def _progress(label: str) -> Progress:
    columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    return Progress(
        *columns, console=err_console, transient=True, disable=not err_console.is_terminal
    )


@click.command()
@click.argument("name")
@click.option("--address", help="The party's address (located, shown with the result).")
@click.option("--country", help="The party's country (a different listed country is a review).")
@click.option("--id", "registry_id", help="A registry ID such as the USCC.")
@click.option("--limit", default=5, show_default=True, help="How many results to show.")
@_lists_option
@json_option
def match(
    name: str,
    address: str | None,
    country: str | None,
    registry_id: str | None,
    limit: int,
    lists_: str | None,
    as_json: bool,
) -> None:
    """Screen one NAME (any script) against the lists and explain each result."""
    with store_with_lists(warn=False) as store:
        matcher = Matcher.from_store(store, _chosen(lists_))
        stale = staleness_warning(current_versions(store))
        used = lists_used(store, _chosen(lists_))
    if not as_json:
        err_console.print(lists_line(used), style="dim", highlight=False)
        if stale:
            err_console.print(stale, style="yellow", highlight=False)
    ids = frozenset([registry_id.strip().upper()]) if registry_id else frozenset()
    countries = frozenset([country]) if country else frozenset()
    found = matcher.match(name, ids, countries, limit=limit, address=address or "")
    located = None
    if address:
        from paxta.places.locator import locate_address

        located = locate_address(address)
    if as_json:
        data: dict[str, object] = {
            "query": name,
            "matches": [m.as_json() for m in found],
            "lists": used,
        }
        if stale:
            data["warnings"] = [stale]
        if located is not None:
            data["address"] = located.as_json()
        print_json(data)
        return
    if located is not None:
        where = "in Xinjiang" if located.xinjiang else "not in Xinjiang"
        console.print(f"Address: {where} ({located.why})")
    if not found:
        console.print("[green]clear[/green]: no listed name is likely to be this one.")
        return
    for m in found:
        style = _DECISION_STYLE.get(m.decision, "")
        console.print(
            f"[{style}]{m.decision}[/{style}] {m.score:.2f}  {m.entity.name}  "
            f"[dim]({m.entity.list} {m.entity.version}, {m.entity.entity_id})[/dim]"
        )
        if m.matched_name != m.entity.name:
            console.print(f"    matched name: {m.matched_name}")
        console.print(f"    {m.explanation}")


@click.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--out",
    type=click.Path(path_type=Path),
    help=f"Output file ({', '.join(WRITABLE)}); default FILE.screened.csv.",
)
@click.option("--name-column", help="Column of party names (found from the header if not given).")
@click.option("--address-column", help="Column of addresses (each is located too).")
@click.option("--country-column", help="Column of countries.")
@click.option("--id-column", help="Column of registry IDs (USCC ...).")
@click.option("--encoding", help="The file's encoding (detected when not given).")
@_lists_option
def screen(
    file: Path,
    out: Path | None,
    name_column: str | None,
    address_column: str | None,
    country_column: str | None,
    id_column: str | None,
    encoding: str | None,
    lists_: str | None,
) -> None:
    """Screen every row of FILE (CSV, XLSX or JSON lines) against the lists.

    Each row keeps its columns and gains paxta_decision (match, review, clear), paxta_score,
    paxta_entity_id, paxta_list, paxta_listed_name, paxta_matched_name, paxta_explanation and
    paxta_list_version. The run is saved for paxta review and paxta rescreen.
    """
    target = output_file(out or file.with_name(file.stem + ".screened.csv"), file)
    columns = Columns(name_column or "", address_column, country_column, id_column)
    with store_with_lists(warn=False) as store, _progress("screening") as bar:
        task = bar.add_task(f"loading the index for {file.name}", total=None)
        matcher = Matcher.from_store(store, _chosen(lists_))
        stale = staleness_warning(current_versions(store))
        used = lists_line(lists_used(store, _chosen(lists_)))
        bar.update(task, description=f"screening {file.name}")
        if not store.capabilities.local_file:  # an engine that reads the file where it lies
            from paxta.screen.scale import screen_in_engine

            summary = screen_in_engine(store, matcher, str(file), str(target), columns)
        else:
            summary = screen_file(
                store,
                matcher,
                file,
                target,
                columns,
                encoding,
                lambda n: bar.update(task, description=f"screening {file.name}: {n:,} rows"),
            )
    counts = ", ".join(f"{summary.decisions.get(d, 0):,} {d}" for d in ("match", "review", "clear"))
    regions = summary.regions.get("xinjiang", 0) + summary.regions.get("xpcc", 0)
    where = (
        f"; {regions:,} in Xinjiang by name, address or registry ID "
        f"({summary.regions.get('xpcc', 0):,} of them XPCC)"
        if regions
        else "; none in Xinjiang by name, address or registry ID"
    )
    sys.stdout.write(
        f"Screened {summary.rows:,} rows ({counts}{where}): {target}\n"
        f"Saved as screening {summary.screening_id}: paxta review {summary.screening_id}\n"
        f"{used}\n"
    )
    if stale:
        err_console.print(stale, style="yellow", highlight=False)


@click.command(name="screenings")
@json_option
def screenings_cmd(as_json: bool) -> None:
    """List saved screenings, newest first."""
    with store_with_lists() as store:
        rows = screenings(store)
    if as_json:
        print_json(rows)
        return
    print_table(
        None,
        ["id", "input", "when", "rows", "match", "review", "finished"],
        [
            (
                r["screening_id"],
                r["input"],
                str(r["created_at"])[:19],
                r["row_count"],
                r["matches"],
                r["reviews"],
                "yes" if r["finished"] else "no (interrupted)",
            )
            for r in rows
        ],
    )


@click.command()
@click.argument("screening", type=int, required=False)
@click.option("--mark", nargs=2, metavar="ROW VERDICT", help="Record ROW as true or false.")
@click.option("--undo", type=int, metavar="ROW", help="Withdraw the decision on ROW's result.")
@click.option("--note", default="", help="A note kept with the decision.")
@click.option("--analyst", default="", help="Who decided (kept with the decision).")
@click.option("--all", "show_all", is_flag=True, help="Show match rows too, not only review.")
@json_option
def review(
    screening: int | None,
    mark: tuple[str, str] | None,
    undo: int | None,
    note: str,
    analyst: str,
    show_all: bool,
    as_json: bool,
) -> None:
    """Review a saved screening's results and record them as true or false.

    Without --mark, lists the rows to review (or asks for each when run in a terminal).
    A decision applies to later screens until the list entry or the name changes.
    """
    with store_with_lists() as store:
        sid = screening or latest_screening(store)
        if mark is not None:
            row_no, verdict = int(mark[0]), _verdict(mark[1])
            _decide(store, sid, row_no, verdict, note, analyst)
            return
        if undo is not None:
            try:
                found = row_of(store, sid, undo)
                said = withdraw_decision(store, found["query"], found["entity_id"], analyst)
            except PaxtaError as exc:
                raise click.BadParameter(str(exc), param_hint="--undo") from None
            console.print(f"Row {undo}: {found['query']} vs {found['listed_name']}: {said}.")
            return
        rows = [r for r in saved_rows(store, sid) if r["decision"] in _shown(show_all)]
        if as_json:
            print_json(rows)
            return
        if not rows:
            console.print(f"Screening {sid}: nothing to review.")
            return
        if sys.stdin.isatty() and sys.stdout.isatty():
            _interactive(store, sid, rows, analyst)
            return
        print_table(
            f"Screening {sid}: {len(rows)} rows to review",
            ["row", "query", "decision", "listed name", "list", "explanation"],
            [
                (
                    r["row_no"],
                    r["query"],
                    r["decision"],
                    r["listed_name"],
                    r["list"],
                    r["explanation"],
                )
                for r in rows
            ],
        )
        console.print(f"Record a verdict: paxta review {sid} --mark ROW true|false")


def _shown(show_all: bool) -> tuple[str, ...]:
    return ("match", "review") if show_all else ("review",)


def _verdict(text: str) -> bool:
    value = text.strip().lower()
    if value in {"true", "t", "yes", "y", "1", "match"}:
        return True
    if value in {"false", "f", "no", "n", "0", "clear"}:
        return False
    raise click.BadParameter(f"{text!r}: say true or false.", param_hint="VERDICT")


def _decide(store: Backend, sid: int, row_no: int, verdict: bool, note: str, analyst: str) -> None:
    rows = [r for r in saved_rows(store, sid) if r["row_no"] == row_no]
    if not rows or not rows[0]["entity_id"]:
        raise click.BadParameter(f"screening {sid} has no result on row {row_no} to decide.")
    row = rows[0]
    learned = record_decision(store, row["query"], row["entity_id"], verdict, note, analyst)
    said = "true (the same entity)" if verdict else "false (not the entity)"
    console.print(f"Row {row_no}: {row['query']} vs {row['listed_name']}: recorded {said}.")
    if learned:
        console.print(learned)


def _interactive(store: Backend, sid: int, rows: list[dict[str, object]], analyst: str) -> None:
    for r in rows:
        console.rule(f"row {r['row_no']}")
        console.print(f"query:  {r['query']}\nlisted: {r['listed_name']} ({r['list']})")
        console.print(f"why:    {r['explanation']}")
        answer = click.prompt("Same entity? [t]rue / [f]alse / [s]kip / [q]uit", default="s")
        if answer.lower().startswith("q"):
            return
        if answer.lower().startswith(("t", "f")):
            _decide(store, sid, int(str(r["row_no"])), answer.lower().startswith("t"), "", analyst)


@click.command(name="rescreen")
@click.argument("screening", type=int, required=False)
@click.option("-o", "--out", type=click.Path(path_type=Path), help="Write the changes to a file.")
@_lists_option
@json_option
def rescreen_cmd(
    screening: int | None, out: Path | None, lists_: str | None, as_json: bool
) -> None:
    """Run a saved screening again against the newest lists; show only what changed."""
    with store_with_lists() as store:
        sid = screening or latest_screening(store)
        matcher = Matcher.from_store(store, _chosen(lists_))
        changed_algorithm = algorithm_change(store, sid)
        new_id, changes = rescreen(store, matcher, sid)
    if out is not None:
        write_rows((c.as_json() for c in changes), output_file(out))
    if as_json:
        print_json(
            {
                "screening": sid,
                "new_screening": new_id,
                "algorithm": model().algorithm,
                "algorithm_changed": changed_algorithm,
                "changes": [c.as_json() for c in changes],
            }
        )
        return
    if changed_algorithm:
        console.print(f"[yellow]{changed_algorithm}[/yellow]")
    if not changes:
        console.print(
            f"Screening {sid} against the newest lists: nothing changed (saved as {new_id})."
        )
        return
    print_table(
        f"Screening {sid}: {len(changes)} rows changed (saved as {new_id})",
        ["row", "query", "before", "after", "entity now", "why"],
        [(c.row_no, c.query, c.before, c.after, c.after_entity, c.explanation) for c in changes],
    )


@click.group()
def aliases() -> None:
    """The alias table: coined English trade names of Chinese trade names (合盛 Hoshine)."""


@aliases.command(name="add")
@click.argument("han")
@click.argument("latin")
def aliases_add(han: str, latin: str) -> None:
    """Record that Chinese trade name HAN is written LATIN in English (合盛 Hoshine)."""
    with store_with_lists() as store:
        alias = add_alias(store, han, latin)
    console.print(f"Added: {alias.han} = {alias.latin}")


@aliases.command(name="list")
@json_option
def aliases_list(as_json: bool) -> None:
    """Every alias and where it came from (seed, shipped names, analyst, user)."""
    with store_with_lists() as store:
        table = load_aliases(store)
    rows = [{"han": a.han, "latin": a.latin, "source": a.source} for a in table.rows]
    if as_json:
        print_json(rows)
        return
    print_table(None, ["Chinese", "English", "source"], [tuple(r.values()) for r in rows])
