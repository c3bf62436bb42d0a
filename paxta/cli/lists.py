"""``paxta lists``: import, show and compare the official lists."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from paxta.cli.output import console, err_console, json_option, print_json, print_table
from paxta.errors import PaxtaError
from paxta.lists import repository as repo
from paxta.lists.diff import ListDiff, diff_versions
from paxta.lists.importer import ImportResult, import_list
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
    with _store() as store:
        ensure_lists(store)
        versions = repo.current_versions(store)
    if as_json:
        print_json([v.as_json() for v in versions])
        return
    print_table(
        "Official lists (newest version of each)",
        ["source", "version", "entities", "format", "sha256", "imported (UTC)"],
        [
            (
                v.source,
                v.version,
                v.entity_count,
                v.format,
                v.sha256[:16] + "…",
                v.imported_at.isoformat(sep=" ", timespec="seconds"),
            )
            for v in versions
        ],
    )


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
    return json_option(f)


def _run_import(
    path: Path,
    source: str | None,
    fmt: str | None,
    version: str | None,
    encoding: str | None,
    mapping: tuple[str, ...],
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

        return import_list(store, path, source=source, fmt=fmt, options=options, progress=progress)


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
    as_json: bool,
) -> None:
    """Import a list file as a new version of its source.

    PATH is the DHS UFLPA page (HTML), OFAC's sdn.csv (alt.csv and add.csv beside it) or their
    folder, the BIS or CBP table, OpenSanctions FollowTheMoney JSON lines, or any CSV with --map.
    An import is all-or-nothing.
    """
    _report_import(_run_import(path, source, fmt, version, encoding, mapping), as_json)


@lists.command("update")
@click.argument("path", type=click.Path(path_type=Path))
@_import_options
def update_cmd(
    path: Path,
    source: str | None,
    fmt: str | None,
    version: str | None,
    encoding: str | None,
    mapping: tuple[str, ...],
    as_json: bool,
) -> None:
    """Bring a newer file of a list you already have, and show what changed."""
    with _store() as store:
        ensure_lists(store)
    result = _run_import(path, source, fmt, version, encoding, mapping)
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
    if as_json:
        print_json({**result.version.as_json(), "diff": diff.as_json() if diff else None})
        return
    _report_import(result, False)
    if diff:
        _print_diff(diff)


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
