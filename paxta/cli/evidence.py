"""``paxta capture`` and ``paxta evidence``: keep web pages as evidence and check them."""

from __future__ import annotations

import sys
from pathlib import Path

import click
import orjson

from paxta.cli.output import console, json_option, print_json, print_table
from paxta.cli.screen import store_with_lists
from paxta.evidence.capture import MAX_BYTES, TIMEOUT, capture, verify
from paxta.evidence.extract import evidence_about
from paxta.evidence.package import export
from paxta.evidence.records import capture_facts, list_captures, list_watches
from paxta.evidence.search import SearchIndex
from paxta.evidence.watch import add_watch, pause_watch, run_watches
from paxta.screen.matcher import Matcher
from paxta.store import session


@click.command(name="capture")
@click.argument("url")
@click.option("--case", help="The case the capture belongs to.")
@click.option(
    "--allow-private",
    is_flag=True,
    help="Allow private, loopback and link-local addresses (refused by default).",
)
@click.option("--max-bytes", default=MAX_BYTES, show_default=True, help="Largest response kept.")
@click.option(
    "--timeout",
    default=TIMEOUT,
    show_default=True,
    help="Seconds the whole capture may take (each wait, and every hop together).",
)
@click.option(
    "--tsa", help="RFC 3161 timestamp authority URL (default: $PAXTA_TSA_URL; none: no stamp)."
)
@click.option("--no-render", is_flag=True, help="Skip the Chromium screenshot and PDF.")
@json_option
def capture_cmd(
    url: str,
    case: str | None,
    allow_private: bool,
    max_bytes: int,
    timeout: float,
    tsa: str | None,
    no_render: bool,
    as_json: bool,
) -> None:
    """Capture URL as evidence: WARC of every hop, text, SHA-256 manifest, custody entry.

    With a timestamp authority, the manifest is stamped (RFC 3161) and the reply kept beside it.
    """
    with session() as store:
        found = capture(store, url, case, allow_private, max_bytes, timeout, tsa, not no_render)
    if as_json:
        print_json(found.as_json())
        return
    console.print(
        f"Captured {found.url} -> {found.final_url} ({found.status}) as {found.evidence_id}"
    )
    console.print(f"Folder: {found.folder}")
    print_table(
        None,
        ["file", "bytes", "SHA-256"],
        [(a["file"], a["bytes"], a["sha256"]) for a in found.manifest["artefacts"]],
    )


@click.group()
def evidence() -> None:
    """Captured evidence: list it, verify it."""


@evidence.command(name="list")
@json_option
def evidence_list(as_json: bool) -> None:
    """Every capture, newest first."""
    with session() as store:
        rows = list_captures(store, limit=1_000_000)
    if as_json:
        print_json(rows)
        return
    print_table(
        None,
        ["id", "url", "status", "case", "captured (UTC)"],
        [(r["evidence_id"], r["url"], r["status"], r["case_name"], r["captured_at"]) for r in rows],
    )


@evidence.command(name="verify")
@click.argument("evidence_id")
@click.option(
    "--head",
    "heads",
    multiple=True,
    metavar="SEQ:HASH",
    help="A head of the custody log you kept (paxta evidence head, or an export's): the log "
    "must still hold it.",
)
@json_option
def evidence_verify(evidence_id: str, heads: tuple[str, ...], as_json: bool) -> None:
    """Re-hash a capture and check the custody log; exit 1 if anything was tampered with."""
    from paxta.evidence.custody import parse_head

    given = [parse_head(h) for h in heads]
    with session() as store:
        problems = verify(store, evidence_id, given)
    if as_json:
        print_json({"evidence_id": evidence_id, "intact": not problems, "problems": problems})
    elif problems:
        for p in problems:
            console.print(f"[red]tampered[/red] {p}")
    else:
        console.print(
            f"{evidence_id}: every artefact matches its manifest; the custody log is intact."
        )
    if problems:
        sys.exit(1)


@evidence.command(name="head")
@json_option
def evidence_head(as_json: bool) -> None:
    """The custody log's head (SEQ:HASH): keep it outside paxta (a note, an email, a dossier);
    paxta evidence verify --head SEQ:HASH later shows whether the log was cut since."""
    from paxta.evidence.custody import head

    with session() as store:
        seq, digest = head(store)
    if as_json:
        print_json({"seq": seq, "entry_hash": digest})
    else:
        sys.stdout.write(f"{seq}:{digest}\n")


@evidence.command(name="export")
@click.argument("evidence_id")
@click.option(
    "-o", "--out", type=click.Path(path_type=Path), required=True, help="Folder to export into."
)
def evidence_export(evidence_id: str, out: Path) -> None:
    """Write a package another party can check without paxta (WACZ, SHA256SUMS, custody)."""
    with session() as store:
        target = export(store, evidence_id, out)
    sys.stdout.write(f"{target}\n")


@click.group()
def watch() -> None:
    """Watch pages for removals (schedule `paxta watch run` with cron or a systemd timer)."""


@watch.command(name="add")
@click.argument("url")
@click.option("--terms", required=True, help="Comma-separated terms, e.g. 维吾尔,少数民族.")
@click.option("--every", default="1d", show_default=True, help="How often: 30m, 12h, 1d, 1w.")
@click.option("--case", help="The case the captures belong to.")
@click.option("--allow-private", is_flag=True, help="Allow private and loopback addresses.")
def watch_add(url: str, terms: str, every: str, case: str | None, allow_private: bool) -> None:
    """Watch URL for TERMS; the page is captured now as the baseline."""
    words = [t.strip() for t in terms.replace("，", ",").split(",") if t.strip()]
    with session() as store:
        watch_id, evidence_id = add_watch(store, url, words, every, allow_private, case)
    console.print(f"Watch {watch_id}: {url} for {', '.join(words)}; baseline {evidence_id}")


@watch.command(name="run")
@click.option("--all", "everything", is_flag=True, help="Run every watch, due or not.")
@click.option("--id", "only", type=int, help="Run this watch now (paused or not).")
@json_option
def watch_run(everything: bool, only: int | None, as_json: bool) -> None:
    """One pass over the due watches that are not paused: one event per page (JSON lines with
    --json)."""
    with session() as store:
        events = run_watches(store, everything, only)
    if as_json:
        for e in events:
            sys.stdout.write(orjson.dumps(e.as_json()).decode() + "\n")
        return
    print_table(
        None,
        ["url", "event", "terms (before -> after)", "note"],
        [
            (
                e.url,
                e.event,
                ", ".join(f"{t} {b}->{a}" for t, (b, a) in e.terms.items()),
                "; ".join(e.removed[:2]) or e.note,
            )
            for e in events
        ],
    )


@watch.command(name="pause")
@click.argument("watch_id", type=int)
def watch_pause(watch_id: int) -> None:
    """Leave a watch out of passes until it is resumed."""
    with session() as store:
        pause_watch(store, watch_id)
    console.print(f"Watch {watch_id} paused.")


@watch.command(name="resume")
@click.argument("watch_id", type=int)
def watch_resume(watch_id: int) -> None:
    """Run a paused watch again in passes."""
    with session() as store:
        pause_watch(store, watch_id, paused=False)
    console.print(f"Watch {watch_id} resumed.")


@watch.command(name="list")
@json_option
def watch_list(as_json: bool) -> None:
    """Every watch."""
    with session() as store:
        rows = list_watches(store)
    if as_json:
        print_json(rows)
        return
    print_table(
        None,
        ["id", "url", "terms", "every (s)", "last run", "baseline"],
        [
            (
                r["watch_id"],
                r["url"],
                ", ".join(r["terms"]),
                r["every_seconds"],
                r["last_run"],
                r["last_evidence_id"],
            )
            for r in rows
        ],
    )


@evidence.command(name="search")
@click.argument("query")
@click.option("--case", help="Only captures of this case.")
@click.option("--limit", default=20, show_default=True)
@json_option
def evidence_search(query: str, case: str | None, limit: int, as_json: bool) -> None:
    """Search every captured text (Chinese and English), best first, with snippets."""
    index = SearchIndex()
    try:
        hits = index.search(query, case, limit)
    finally:
        index.close()
    if as_json:
        print_json([h.as_json() for h in hits])
        return
    if not hits:
        console.print("No capture holds that.")
    for h in hits:
        console.print(f"[bold]{h.evidence_id}[/bold] {h.url} ({h.score:.2f})")
        console.print(f"    {h.snippet}", markup=False)


@evidence.command(name="extract")
@click.argument("evidence_id")
@json_option
def evidence_extract(evidence_id: str, as_json: bool) -> None:
    """Facts in a capture's text (terms, numbers with units, places, dates) with their spans."""
    with store_with_lists() as store:
        facts = capture_facts(store, evidence_id, Matcher.from_store(store))
    if as_json:
        print_json({"evidence_id": evidence_id, "facts": facts})
        return
    print_table(
        None,
        ["kind", "text", "span", "value"],
        [(f["kind"], f["text"], f"{f['start']}-{f['end']}", f["value"]) for f in facts],
    )


@evidence.command(name="about")
@click.argument("entity_id")
@json_option
def evidence_about_cmd(entity_id: str, as_json: bool) -> None:
    """The captures whose text names a listed entity (found by paxta evidence extract)."""
    with session() as store:
        rows = evidence_about(store, entity_id)
    if as_json:
        print_json(rows)
        return
    print_table(
        f"Evidence naming {entity_id}",
        ["evidence", "url", "captured (UTC)", "as written", "span", "decision"],
        [
            (
                r["evidence_id"],
                r["url"],
                str(r["captured_at"])[:19],
                r["name"],
                f"{r['start_at']}-{r['end_at']}",
                r["decision"],
            )
            for r in rows
        ],
    )
