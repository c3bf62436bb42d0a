"""``paxta lists``: import, show and compare the official lists."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
import orjson
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from paxta.cli.output import console, err_console, json_option, print_json, print_table
from paxta.errors import PaxtaError
from paxta.lists import repository as repo
from paxta.lists.diff import ListDiff, diff_versions
from paxta.lists.importer import ImportResult, ShrinkRefused, import_list
from paxta.lists.shipped import ensure_lists, import_shipped
from paxta.lists.sources import FORMATS, ReadOptions
from paxta.store import Backend, open_store


@contextmanager
def _store() -> Iterator[Backend]:
    store = open_store()
    try:
        yield store
    finally:
        store.close()


@click.group(invoke_without_command=True)
@json_option
@click.pass_context
def lists(ctx: click.Context, as_json: bool) -> None:
    """The official lists: each source with its version date, size and file hash.

    With no subcommand, shows the newest version of every source (the shipped lists are loaded
    on first use).
    """
    if ctx.invoked_subcommand is not None:
        return
    from paxta.lists.fetch import last_checked

    with _store() as store:
        ensure_lists(store)
        versions = repo.current_versions(store)
        checked = last_checked(store)
    ages = dict(repo.version_ages(versions))
    if as_json:
        print_json(
            [
                {
                    **v.as_json(),
                    "published": v.version,
                    "age_days": ages.get(v.source),
                    "last_checked": _when(checked[v.source][0]) if v.source in checked else None,
                    "last_check": checked[v.source][1] if v.source in checked else None,
                }
                for v in versions
            ]
        )
        return
    print_table(
        "Official lists (newest version of each)",
        ["source", "published", "age", "entities", "format", "imported (UTC)", "last checked"],
        [
            (
                v.source,
                v.version,
                f"{ages[v.source]:,} days" if v.source in ages else "",
                v.entity_count,
                v.format,
                _when(v.imported_at),
                f"{_when(checked[v.source][0])} ({checked[v.source][1]})"
                if v.source in checked
                else "never (paxta lists fetch)",
            )
            for v in versions
        ],
    )
    stale = repo.staleness_warning(versions)
    if stale:
        err_console.print(stale, style="yellow", highlight=False)


def _when(moment: Any) -> str:
    return moment.isoformat(sep=" ", timespec="minutes") if moment else ""


def _parse_map(values: tuple[str, ...]) -> dict[str, str]:
    mapping = {}
    for item in values:
        field, sep, column = item.partition("=")
        if not sep or not field or not column:
            raise PaxtaError(f"--map {item!r}: write it as FIELD=COLUMN, e.g. name=Company.")
        mapping[field.strip()] = column.strip()
    return mapping


def _import_options(f: Any) -> Any:
    f = click.option(
        "--map",
        "mapping",
        multiple=True,
        metavar="FIELD=COLUMN",
        help="For CSV lists: which column holds a field (name, aliases, id ...).",
    )(f)
    f = click.option("--encoding", help="The file's encoding, when not the format's own.")(f)
    f = click.option("--version", "version", help="The version date, when the file does not say.")(
        f
    )
    f = click.option(
        "--format",
        "fmt",
        type=click.Choice(list(FORMATS)),
        help="The file's format (detected from its content when not given).",
    )(f)
    f = click.option("--source", help="The list's name, e.g. uflpa (default: the format's).")(f)
    f = _allow_shrink(f)
    return json_option(f)


def _allow_shrink(f: Any) -> Any:
    return click.option(
        "--allow-shrink",
        is_flag=True,
        help="Import even when the file drops many of the list's entities at once.",
    )(f)


def _run_import(
    path: Path,
    source: str | None,
    fmt: str | None,
    version: str | None,
    encoding: str | None,
    mapping: tuple[str, ...],
    allow_shrink: bool = False,
) -> ImportResult:
    options = ReadOptions(encoding=encoding, version=version, mapping=_parse_map(mapping))
    columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    with (
        _store() as store,
        Progress(
            *columns, console=err_console, transient=True, disable=not err_console.is_terminal
        ) as bar,
    ):
        task = bar.add_task(f"importing {path.name}", total=None)

        def progress(n: int) -> None:
            bar.update(task, description=f"importing {path.name}: {n:,} entities")

        try:
            return import_list(
                store,
                path,
                source=source,
                fmt=fmt,
                options=options,
                progress=progress,
                allow_shrink=allow_shrink,
            )
        except ShrinkRefused as exc:
            _print_removed(exc.removed)
            raise


def _report_import(result: ImportResult, as_json: bool) -> None:
    v = result.version
    if as_json:
        print_json(
            {**v.as_json(), "already_imported": result.already_imported, "notes": result.notes}
        )
        return
    if result.already_imported:
        console.print(
            f"{v.source} {v.version}: these files are already imported "
            f"({v.entity_count:,} entities); nothing changed."
        )
    else:
        console.print(
            f"Imported {v.source} version {v.version}: {v.entity_count:,} entities "
            f"(sha256 {v.sha256[:16]}…)."
        )
    for note in result.notes:
        console.print(f"Note: {note}")


@lists.command("import")
@click.argument("path", type=click.Path(path_type=Path))
@_import_options
def import_cmd(
    path: Path,
    source: str | None,
    fmt: str | None,
    version: str | None,
    encoding: str | None,
    mapping: tuple[str, ...],
    allow_shrink: bool,
    as_json: bool,
) -> None:
    """Import a list file as a new version of its source.

    PATH is the DHS UFLPA page (HTML), OFAC's sdn.csv (alt.csv and add.csv beside it) or their
    folder, the BIS or CBP table, OpenSanctions FollowTheMoney JSON lines, or any CSV with --map.
    An import is all-or-nothing.
    """
    _report_import(
        _run_import(path, source, fmt, version, encoding, mapping, allow_shrink), as_json
    )


@lists.command("update")
@click.argument("path", type=click.Path(path_type=Path))
@_import_options
@click.option("--impact", is_flag=True, help="Re-screen what you hold and report what changed.")
def update_cmd(
    path: Path,
    source: str | None,
    fmt: str | None,
    version: str | None,
    encoding: str | None,
    mapping: tuple[str, ...],
    allow_shrink: bool,
    as_json: bool,
    impact: bool,
) -> None:
    """Bring a newer file of a list you already have, and show what changed."""
    from paxta.lists.impact import Impact, after_update

    with _store() as store:
        ensure_lists(store)
    result = _run_import(path, source, fmt, version, encoding, mapping, allow_shrink)
    if result.already_imported:
        _report_import(result, as_json)
        return
    with _store() as store:
        previous = [
            v
            for v in repo.all_versions(store, result.version.source)
            if v.version_id != result.version.version_id
        ]
        diff = (
            diff_versions(
                store,
                result.version.source,
                f"#{previous[-1].version_id}",
                f"#{result.version.version_id}",
            )
            if previous
            else None
        )
        lines: list[Impact] = []
        if impact:
            lines, _ = after_update(store, previous[-1] if previous else None, result.version)
    if as_json:
        data = {**result.version.as_json(), "diff": diff.as_json() if diff else None}
        if impact:
            data["impact"] = [x.as_json() for x in lines]
        print_json(data)
        return
    _report_import(result, False)
    if diff:
        _print_diff(diff)
    if impact:
        for x in lines:
            console.print(x.line, highlight=False)
        if not lines:
            console.print("Nothing you hold is touched by this update.")


@lists.command("seed")
@json_option
def seed_cmd(as_json: bool) -> None:
    """Import the lists shipped with paxta (identical files are skipped)."""
    with _store() as store:
        results = import_shipped(store)
    if as_json:
        print_json(
            [{**r.version.as_json(), "already_imported": r.already_imported} for r in results]
        )
        return
    for r in results:
        _report_import(r, False)


@lists.command("show")
@click.argument("entity_id")
@json_option
def show_cmd(entity_id: str, as_json: bool) -> None:
    """Show one listed entity: names by kind, programs, addresses, identifiers, source."""
    with _store() as store:
        ensure_lists(store)
        found = repo.find_entity(store, entity_id)
    if found is None:
        raise PaxtaError(f"no listed entity has the id {entity_id!r}.")
    version, e = found
    if as_json:
        data = e.content()
        data["names"] = [{"name": n.value, "kind": n.kind, "script": n.script} for n in e.names]
        data["identifiers"] = [vars(i) for i in e.identifiers]
        data["programs"] = [vars(p) for p in e.programs]
        print_json({**data, "list_version": version.as_json()})
        return
    console.print(f"[bold]{e.name}[/bold]  ({e.id}, {e.schema})")
    console.print(f"List: {version.source} version {version.version}")
    rows = [(n.kind, n.value, n.script) for n in e.names]
    rows += [("program", f"{p.code}", p.effective_date or "") for p in e.programs]
    rows += [("scope", e.scope, "")] if e.scope else []
    rows += [("address", a, "") for a in e.addresses]
    rows += [("country", c, "") for c in e.countries]
    rows += [(f"id ({i.kind})", i.value, "") for i in e.identifiers]
    rows += [("remarks", e.remarks, "")] if e.remarks else []
    rows += [("source", e.source_url, "")] if e.source_url else []
    print_table(None, ["field", "value", ""], rows)


@lists.command("diff")
@click.argument("source")
@click.argument("old", required=False)
@click.argument("new", required=False)
@json_option
def diff_cmd(source: str, old: str | None, new: str | None, as_json: bool) -> None:
    """Entities added, removed and changed between two versions of SOURCE.

    OLD and NEW are version dates (or #ID); without them, the two newest versions.
    """
    with _store() as store:
        diff = diff_versions(store, source, old, new)
    if as_json:
        print_json(diff.as_json())
    else:
        _print_diff(diff)


def _print_diff(diff: ListDiff) -> None:
    console.print(
        f"{diff.source}: {diff.old.version} → {diff.new.version}: "
        f"{len(diff.added)} added, {len(diff.removed)} removed, {len(diff.changed)} changed"
    )
    rows = [("added", e.name, "; ".join(p.code for p in e.programs)) for e in diff.added]
    rows += [("removed", e.name, "; ".join(p.code for p in e.programs)) for e in diff.removed]
    for c in diff.changed:
        what = "; ".join(
            f"{f.field}: +{', '.join(f.added) or '-'} / -{', '.join(f.removed) or '-'}"
            for f in c.changes
        )
        rows.append(("changed", c.name, what))
    if rows:
        print_table(None, ["", "entity", "details"], rows)


def _print_removed(removed: list[tuple[str, str]]) -> None:
    rows = [("removed", name, entity_id) for entity_id, name in removed[:200]]
    if len(removed) > 200:
        rows.append(("", f"... and {len(removed) - 200:,} more", ""))
    err_console.print(f"Entities the new file drops ({len(removed):,}):")
    table_console = err_console
    from rich.table import Table

    table = Table(show_lines=False)
    for column in ("", "entity", "id"):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*row)
    table_console.print(table)


@lists.command("fetch")
@click.argument("sources", nargs=-1)
@click.option("--all", "every", is_flag=True, help="Every source in the sources table.")
@click.option(
    "--sources",
    "table",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Your sources table (CSV: source,url,format); default $PAXTA_LIST_SOURCES or paxta's.",
)
@click.option(
    "--from",
    "mirror",
    type=click.Path(path_type=Path, file_okay=False),
    help="Import from a mirror folder (MIRROR/SOURCE/files) instead of downloading.",
)
@click.option(
    "--save",
    type=click.Path(path_type=Path, file_okay=False),
    help="Also copy each imported download to SAVE/SOURCE/ (a mirror for offline machines).",
)
@click.option("--impact", is_flag=True, help="Re-screen what you hold and report what changed.")
@click.option(
    "--webhook",
    envvar="PAXTA_WEBHOOK_URL",
    help="POST the impact lines here as JSON (signed with $PAXTA_WEBHOOK_SECRET).",
)
@_allow_shrink
@click.option("--json", "as_json", is_flag=True, help="Print JSON lines for machines (cron).")
def fetch_cmd(
    sources: tuple[str, ...],
    every: bool,
    table: Path | None,
    mirror: Path | None,
    save: Path | None,
    impact: bool,
    webhook: str | None,
    allow_shrink: bool,
    as_json: bool,
) -> None:
    """Download the lists from their publishers and import what is new.

    With no SOURCE, fetches the lists you have (the four official ones in a fresh store).
    Conditional requests (ETag, Last-Modified), retries, proxies from the environment
    (HTTPS_PROXY). A download that is a bot-check page, changed format or drops many entities
    at once is refused (--allow-shrink to accept a real shrink). Exit 0 when every source was
    imported or had nothing new; 1 when any was refused or failed.
    """
    from paxta.lists.fetch import IMPORTED, fetch_lists
    from paxta.lists.impact import Impact, after_update

    failed = False
    with _store() as store:
        ensure_lists(store)

        def progress(source: str) -> None:
            if not as_json and err_console.is_terminal:
                err_console.print(f"checking {source} ...", style="dim")

        results = fetch_lists(
            store,
            list(sources),
            every=every,
            sources=table,
            mirror=mirror,
            save=save,
            allow_shrink=allow_shrink,
            progress=progress,
        )
        for r in results:
            failed |= not r.ok
            lines: list[Impact] = []
            hook_error = None
            if r.outcome == IMPORTED and r.version is not None and (impact or webhook):
                lines, hook_error = after_update(store, r.previous, r.version, webhook)
            if as_json:
                sys.stdout.write(orjson.dumps({"type": "fetch", **r.as_json()}).decode() + "\n")
                for x in lines:
                    sys.stdout.write(
                        orjson.dumps({"type": "impact", "source": r.source, **x.as_json()}).decode()
                        + "\n"
                    )
            else:
                style = "" if r.ok else "red"
                console.print(f"{r.source}: {r.message}", style=style, highlight=False)
                for note in r.notes:
                    console.print(f"  Note: {note}", highlight=False)
                if r.removed:
                    _print_removed(r.removed)
                if r.outcome == IMPORTED and r.previous is not None and r.version is not None:
                    diff = diff_versions(
                        store, r.source, f"#{r.previous.version_id}", f"#{r.version.version_id}"
                    )
                    console.print(
                        f"  {r.previous.version} → {r.version.version}: {len(diff.added)} added, "
                        f"{len(diff.removed)} removed, {len(diff.changed)} changed",
                        highlight=False,
                    )
                if impact and r.outcome == IMPORTED:
                    if lines:
                        for x in lines:
                            console.print(f"  {x.line}", highlight=False)
                    else:
                        console.print("  Nothing you hold is touched by this update.")
            if hook_error is not None:
                err_console.print(f"Warning: {hook_error}", style="yellow", highlight=False)
                failed = True
    if failed:
        raise SystemExit(1)


@click.group(invoke_without_command=True)
@json_option
@click.pass_context
def watchlist(ctx: click.Context, as_json: bool) -> None:
    """Supplier files re-screened at every list update (paxta lists fetch --impact).

    With no subcommand, lists the watched files.
    """
    if ctx.invoked_subcommand is not None:
        return
    from paxta.lists.watchlist import watchlists

    with _store() as store:
        found = watchlists(store)
    if as_json:
        print_json(
            [
                {"name": w.name, "path": w.path, "rows": w.row_count, "sha256": w.sha256}
                for w in found
            ]
        )
        return
    if not found:
        console.print("No supplier file is watched: paxta watchlist add FILE.")
        return
    print_table(
        "Watched supplier files",
        ["name", "rows", "file"],
        [(w.name, f"{w.row_count:,}", w.path) for w in found],
    )


@watchlist.command("add")
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--name", "label", help="What to call it (default: the file's name).")
@click.option("--name-column", help="The column of party names (found from the header).")
@click.option("--address-column", help="A column of addresses.")
@click.option("--country-column", help="A column of countries.")
@click.option("--id-column", help="A column of registry IDs (USCC ...).")
@click.option("--ref-column", help="Your own supplier number, shown in the impact lines.")
@click.option("--encoding", help="The file's encoding, when not detected.")
def watchlist_add(
    path: Path,
    label: str | None,
    name_column: str | None,
    address_column: str | None,
    country_column: str | None,
    id_column: str | None,
    ref_column: str | None,
    encoding: str | None,
) -> None:
    """Watch a supplier file (CSV, XLSX, JSON lines): its rows are kept in paxta's store and
    screened again at every list update. Adding a file under a name already watched replaces it."""
    from paxta.lists.watchlist import add_watchlist
    from paxta.screen.batch import Columns

    columns = Columns(name_column or "", address_column, country_column, id_column)
    with _store() as store:
        w = add_watchlist(store, path, columns, ref_column, label, encoding)
    console.print(f"Watching {w.name}: {w.row_count:,} suppliers from {path}.")


@watchlist.command("remove")
@click.argument("name")
def watchlist_remove(name: str) -> None:
    """Stop watching the supplier file NAME."""
    from paxta.lists.watchlist import remove_watchlist

    with _store() as store:
        remove_watchlist(store, name)
    console.print(f"No longer watching {name}.")
