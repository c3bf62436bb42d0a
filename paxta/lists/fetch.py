"""Fetching the lists from their publishers: conditional, retried, guarded, all-or-nothing.

Each source in the sources table (``paxta/data/lists/sources.csv``, or the user's) is one or
more files; rows of a source with the same format are the parts of one download (OFAC's CSV
trio), rows with another format are alternatives tried in order (OFAC's XML first). A download
goes to paxta's home, is checked (a bot-check page, a file no longer in its format), and is then
imported by the same code as ``paxta lists import`` (all-or-nothing, versioned, hashed, and
refused when it drops many entities at once).
"""

from __future__ import annotations

import email.utils
import os
import re
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
import orjson

from paxta import __version__
from paxta.config import inside_home, utc_now
from paxta.data import data_path
from paxta.errors import InputError, PaxtaError
from paxta.files import open_table
from paxta.lists import repository as repo
from paxta.lists.importer import ShrinkRefused, import_list
from paxta.lists.repository import ListVersion
from paxta.lists.sources import FORMATS, ReadOptions, detect_format
from paxta.store import Backend

DEFAULT_SOURCES = data_path("lists", "sources.csv")
USER_AGENT = f"paxta/{__version__} (list fetch; +https://github.com/paxta-dev/paxta)"
OFFICIAL = ("uflpa", "ofac-sdn", "bis-entity-list", "cbp-wro")
MAX_BYTES = 1 << 30
ATTEMPTS = 4
RETRY_STATUSES = {429, 500, 502, 503, 504}
MAX_RETRY_AFTER = 60.0
# Formats published behind a page that links to the current file (a new dated name each time).
LINKED = {
    "cbp-published": re.compile(
        r"""href=["']([^"']*withhold-release-orders-findings[^"']*\.csv)["']""", re.I
    ),
}
HTML_FORMATS = {"uflpa-html"}
# Words of the pages bot-protection services serve instead of the file asked for.
CHALLENGE = re.compile(
    rb"just a moment|cf-browser-verification|challenge-platform|captcha|access denied|"
    rb"pardon our interruption|request rejected|attention required|are you a robot",
    re.I,
)
IMPORTED, NOT_MODIFIED, UNCHANGED, REFUSED, FAILED = (
    "imported",
    "not-modified",
    "unchanged",
    "refused",
    "failed",
)


@dataclass(frozen=True)
class SourceFile:
    """One row of the sources table."""

    source: str
    url: str
    format: str


@dataclass
class Fetched:
    """What fetching one source did."""

    source: str
    outcome: str
    message: str
    version: ListVersion | None = None
    previous: ListVersion | None = None
    notes: list[str] = field(default_factory=list)
    removed: list[tuple[str, str]] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    state: dict[str, dict[str, str]] = field(default_factory=dict)  # validators per url

    @property
    def ok(self) -> bool:
        """True unless the download was refused or failed."""
        return self.outcome not in (REFUSED, FAILED)

    def as_json(self) -> dict[str, Any]:
        """The object ``paxta lists fetch --json`` prints for the source."""
        return {
            "source": self.source,
            "outcome": self.outcome,
            "message": self.message,
            "version": self.version.as_json() if self.version else None,
            "previous_version": self.previous.version if self.previous else None,
            "notes": self.notes,
            "removed": [{"entity_id": e, "name": n} for e, n in self.removed],
            "urls": self.urls,
        }


def sources_path(given: Path | None = None) -> Path:
    """The sources table: ``given``, ``$PAXTA_LIST_SOURCES`` or the shipped one."""
    env = os.environ.get("PAXTA_LIST_SOURCES")
    return Path(given or env or DEFAULT_SOURCES)


def read_sources(path: Path | None = None) -> dict[str, list[list[SourceFile]]]:
    """Each source's alternatives (in order), each a list of the files downloaded together."""
    p = sources_path(path)
    table = open_table(p)
    missing = [c for c in ("source", "url", "format") if c not in table.columns]
    if missing:
        raise InputError(p, f"missing column(s) {', '.join(missing)} (source,url,format)", line=1)
    out: dict[str, list[list[SourceFile]]] = {}
    for row in table.rows:
        source, url, fmt = (row.values[c].strip() for c in ("source", "url", "format"))
        if not source or not url:
            raise InputError(p, "a row needs a source and a url", line=row.line)
        if fmt not in FORMATS:
            raise InputError(
                p,
                f"unknown format {fmt!r} (formats: {', '.join(FORMATS)})",
                line=row.line,
                field="format",
            )
        if urlsplit(url).scheme not in ("http", "https"):
            raise InputError(p, f"{url!r} is not an http(s) address", line=row.line, field="url")
        alternatives = out.setdefault(source, [])
        same = next((a for a in alternatives if a[0].format == fmt), None)
        if same is None:
            alternatives.append([SourceFile(source, url, fmt)])
        else:
            same.append(SourceFile(source, url, fmt))
    return out


def chosen_sources(
    store: Backend, table: dict[str, list[list[SourceFile]]], names: list[str], every: bool
) -> list[str]:
    """The sources a fetch covers: the named ones, every one (``--all``), or by default the
    sources the store holds that the table knows (the four official lists in a fresh store)."""
    if every:
        return list(table)
    if names:
        unknown = [n for n in names if n not in table]
        if unknown:
            raise PaxtaError(
                f"no source {', '.join(map(repr, unknown))} in the sources table "
                f"(sources: {', '.join(table)})."
            )
        return list(dict.fromkeys(names))
    held = {v.source for v in repo.current_versions(store)}
    return [s for s in table if s in held] or [s for s in OFFICIAL if s in table]


class Downloader:
    """An HTTP client for list downloads: paxta's user agent, proxies from the environment,
    retries with back-off, a size limit on the decoded body."""

    def __init__(
        self, timeout: float = 60.0, backoff: float | None = None, max_bytes: int = MAX_BYTES
    ) -> None:
        self.client = httpx.Client(
            follow_redirects=True,
            trust_env=True,  # HTTPS_PROXY, NO_PROXY, SSL_CERT_FILE ...
            timeout=timeout,
            headers={"User-Agent": USER_AGENT, "Accept": "*/*"},
        )
        env = os.environ.get("PAXTA_FETCH_BACKOFF")
        self.backoff = backoff if backoff is not None else float(env) if env else 2.0
        self.max_bytes = max_bytes

    def close(self) -> None:
        """Close the connections."""
        self.client.close()

    def get(self, url: str, target: Path, known: dict[str, str] | None = None) -> httpx.Response:
        """GET ``url`` into ``target`` (with If-None-Match / If-Modified-Since from ``known``);
        the response (its body is in the file). Retries connection errors, 429 and 5xx."""
        headers = {}
        if known and known.get("etag"):
            headers["If-None-Match"] = known["etag"]
        if known and known.get("last_modified"):
            headers["If-Modified-Since"] = known["last_modified"]
        for attempt in range(1, ATTEMPTS + 1):
            try:
                with self.client.stream("GET", url, headers=headers) as response:
                    if response.status_code in RETRY_STATUSES and attempt < ATTEMPTS:
                        self._pause(attempt, response.headers.get("retry-after"))
                        continue
                    if response.status_code == 200:
                        self._save(response, url, target)
                    return response
            except httpx.TransportError as exc:
                if attempt == ATTEMPTS:
                    raise PaxtaError(
                        f"{url}: the download failed after {ATTEMPTS} tries ({exc})."
                    ) from None
                self._pause(attempt, None)
        raise AssertionError("unreachable")

    def _pause(self, attempt: int, retry_after: str | None) -> None:
        wait = self.backoff * 2 ** (attempt - 1)
        if retry_after and retry_after.strip().isdigit():
            wait = max(wait, min(float(retry_after), MAX_RETRY_AFTER))
        time.sleep(wait)

    def _save(self, response: httpx.Response, url: str, target: Path) -> None:
        size = 0
        with open(target, "wb") as f:
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > self.max_bytes:
                    raise PaxtaError(f"{url}: the file is larger than {self.max_bytes:,} bytes.")
                f.write(chunk)
        if stamp := response.headers.get("last-modified"):
            try:
                when = email.utils.parsedate_to_datetime(stamp).timestamp()
                os.utime(target, (when, when))  # the import reads a file's date from it
            except (TypeError, ValueError):
                pass


def fetch_lists(
    store: Backend,
    names: list[str] | None = None,
    *,
    every: bool = False,
    sources: Path | None = None,
    mirror: Path | None = None,
    save: Path | None = None,
    allow_shrink: bool = False,
    downloader: Downloader | None = None,
    progress: Callable[[str], None] | None = None,
) -> list[Fetched]:
    """Fetch the chosen sources (or import them from ``mirror``), one after another.

    Each source is recorded in ``list_fetches`` whatever its outcome; a failure of one source
    does not stop the others.
    """
    table = read_sources(sources)
    chosen = chosen_sources(store, table, names or [], every)
    own = downloader is None
    client = downloader or Downloader()
    results = []
    try:
        for source in chosen:
            if progress:
                progress(source)
            if mirror is not None:
                result = _from_mirror(store, source, table[source], mirror, allow_shrink)
            else:
                result = _fetch_source(store, source, table[source], client, allow_shrink, save)
            _record(store, result)
            results.append(result)
    finally:
        if own:
            client.close()
    return results


def _fetch_source(
    store: Backend,
    source: str,
    alternatives: list[list[SourceFile]],
    client: Downloader,
    allow_shrink: bool,
    save: Path | None,
) -> Fetched:
    previous = repo.latest_version(store, source)
    known = _known(store, source) if previous is not None else {}
    failures: list[str] = []
    refused = False
    for parts in alternatives:
        work = inside_home("downloads", source, utc_now().strftime("%Y%m%dT%H%M%S%f"))
        work.mkdir(parents=True, exist_ok=True)
        try:
            files, responses, modified = _download(client, parts, work, known)
        except PaxtaError as exc:  # try the next alternative, if any
            failures.append(str(exc))
            refused |= isinstance(exc, _Refusal)
            shutil.rmtree(work, ignore_errors=True)
            continue
        urls = [str(r.url) for r in responses]
        state = {
            p.url: _validators(r) or known.get(p.url, {})
            for p, r in zip(parts, responses, strict=True)
        }
        if not modified:
            shutil.rmtree(work, ignore_errors=True)
            when = previous.version if previous else "?"
            return Fetched(
                source,
                NOT_MODIFIED,
                f"not modified since version {when}",
                previous,
                previous,
                urls=urls,
                state=state,
            )
        result = _import(store, source, parts[0].format, files, work, previous, allow_shrink)
        result.urls, result.state = urls, state
        if result.outcome == IMPORTED and save is not None:
            target = save / source
            target.mkdir(parents=True, exist_ok=True)
            for f in files:
                shutil.copy2(f, target / f.name)
        if result.outcome != IMPORTED:
            shutil.rmtree(work, ignore_errors=True)
        return result
    return Fetched(source, REFUSED if refused else FAILED, " / ".join(failures), previous=previous)


def _validators(response: httpx.Response) -> dict[str, str]:
    found = {
        "etag": response.headers.get("etag", ""),
        "last_modified": response.headers.get("last-modified", ""),
    }
    return {k: v for k, v in found.items() if v}


def _download(
    client: Downloader, parts: list[SourceFile], work: Path, known: dict[str, dict[str, str]]
) -> tuple[list[Path], list[httpx.Response], bool]:
    """Download every part; (files, responses, whether anything changed). When some parts are
    unchanged and others not, the unchanged ones are downloaded again without conditions."""
    got = [_get(client, p, work, known.get(p.url)) for p in parts]
    if all(file is None for _, file in got):
        return [], [r for r, _ in got], False
    if any(file is None for _, file in got):
        got = [_get(client, p, work, None) for p in parts]
    return [file for _, file in got if file is not None], [r for r, _ in got], True


def _get(
    client: Downloader, part: SourceFile, work: Path, known: dict[str, str] | None
) -> tuple[httpx.Response, Path | None]:
    """The response and the file it was saved as (None: not modified since ``known``)."""
    target = work / "download.part"
    response = client.get(part.url, target, known)
    if response.status_code == 304:
        return response, None
    if response.status_code != 200:
        raise PaxtaError(f"{part.url}: the publisher answered {response.status_code}.")
    with open(target, "rb") as f:
        body_head = f.read(65536)
    pattern = LINKED.get(part.format)
    if pattern is not None and _is_html(body_head):
        page = target.read_text("utf-8", errors="replace")
        links = sorted({urljoin(str(response.url), m) for m in pattern.findall(page)}, key=_dated)
        if not links:
            _check_challenge(part, body_head)
            raise PaxtaError(
                f"{part.url}: the page links to no {part.format} file: the publisher may have "
                "changed the page."
            )
        linked = SourceFile(part.source, links[-1], part.format)
        return _get(client, linked, work, None)
    saved = work / _file_name(response, part)
    target.rename(saved)
    _check_content(part, saved, body_head)
    return response, saved


def _dated(url: str) -> tuple[str, str]:
    found = re.findall(r"20\d\d-\d\d-\d\d", url)
    return (max(found) if found else "", url)


def _file_name(response: httpx.Response, part: SourceFile) -> str:
    name = Path(urlsplit(str(response.url)).path).name
    name = re.sub(r"[^\w.-]", "_", name)[:120]
    if not name or "." not in name:
        ext = {"uflpa-html": ".html", "ofac-xml": ".xml", "ftm": ".ftm.json"}.get(
            part.format, ".csv"
        )
        name = f"{part.source}{ext}"
    return name


def _is_html(head: bytes) -> bool:
    start = head.lstrip()[:512].lower()
    return start.startswith((b"<!doctype html", b"<html")) or b"<html" in start


def _check_challenge(part: SourceFile, head: bytes) -> None:
    if m := CHALLENGE.search(head):
        raise _Refusal(
            f"{part.url}: the publisher answered with a bot-check page "
            f'("{m.group(0).decode("ascii", "replace")}"), not the list; try again later or '
            "from another network."
        )


def _check_content(part: SourceFile, path: Path, head: bytes) -> None:
    """Refuse a bot-check page or a file that is no longer in the source's format."""
    if not head.strip():
        raise _Refusal(f"{part.url}: the publisher sent an empty file.")
    expected = FORMATS[part.format]
    if expected.sniff(path, head):
        return
    if _is_html(head) or part.format in HTML_FORMATS:
        _check_challenge(part, head)
    try:
        found = detect_format(path).name
    except PaxtaError:
        found = "a format paxta does not recognise"
    if _is_html(head) and part.format not in HTML_FORMATS:
        found = "an HTML page"
    raise _Refusal(
        f"{part.url}: refused: the file is no longer in the {part.format} format "
        f"({expected.description}); it looks like {found}. The publisher may have changed it."
    )


class _Refusal(PaxtaError):
    """A download that arrived but must not be imported."""


def _import(
    store: Backend,
    source: str,
    fmt: str,
    files: list[Path],
    work: Path,
    previous: ListVersion | None,
    allow_shrink: bool,
) -> Fetched:
    path = work if len(files) > 1 else files[0]
    try:
        result = import_list(
            store, path, source=source, fmt=fmt, options=ReadOptions(), allow_shrink=allow_shrink
        )
    except ShrinkRefused as exc:
        return Fetched(source, REFUSED, str(exc), previous=previous, removed=exc.removed)
    except PaxtaError as exc:
        return Fetched(source, REFUSED, f"refused: {exc}", previous=previous)
    if result.already_imported:
        return Fetched(
            source,
            UNCHANGED,
            f"the publisher's file is version {result.version.version}, already imported",
            result.version,
            previous,
            result.notes,
        )
    return Fetched(
        source,
        IMPORTED,
        f"imported version {result.version.version}: {result.version.entity_count:,} entities",
        result.version,
        previous,
        result.notes,
    )


def _from_mirror(
    store: Backend,
    source: str,
    alternatives: list[list[SourceFile]],
    mirror: Path,
    allow_shrink: bool,
) -> Fetched:
    """Import a source from a mirror folder: ``MIRROR/<source>/`` holds its files."""
    folder = mirror / source
    files = sorted(p for p in folder.glob("*") if p.is_file()) if folder.is_dir() else []
    previous = repo.latest_version(store, source)
    if not files:
        return Fetched(
            source, FAILED, f"{folder}: no files for {source} in the mirror", previous=previous
        )
    formats = {part[0].format for part in alternatives}
    try:
        found = detect_format(folder if len(files) > 1 else files[0]).name
    except PaxtaError as exc:
        return Fetched(source, REFUSED, f"refused: {exc}", previous=previous)
    if found not in formats:
        return Fetched(
            source,
            REFUSED,
            f"{folder}: refused: the files are {found}, not {' or '.join(sorted(formats))}",
            previous=previous,
        )
    result = _import(store, source, found, files, folder, previous, allow_shrink)
    result.urls = [str(f) for f in files]
    return result


def _known(store: Backend, source: str) -> dict[str, dict[str, str]]:
    """The validators (ETag, Last-Modified) of the source's last successful fetch."""
    row = store.sql(
        "SELECT etags FROM list_fetches WHERE source = ? AND outcome IN (?, ?, ?) "
        "ORDER BY fetch_id DESC LIMIT 1",
        [source, IMPORTED, NOT_MODIFIED, UNCHANGED],
    )
    return orjson.loads(row[0][0]) if row else {}


def _record(store: Backend, result: Fetched) -> None:
    state = result.state
    with store.transaction():
        fetch_id = int(store.scalar("SELECT coalesce(max(fetch_id), 0) + 1 FROM list_fetches"))
        store.sql(
            "INSERT INTO list_fetches VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                fetch_id,
                result.source,
                utc_now().replace(microsecond=0),
                result.outcome,
                orjson.dumps(list(result.urls)).decode(),
                orjson.dumps(state or {}).decode(),
                result.version.version_id if result.version else None,
                result.message,
            ],
        )


def last_checked(store: Backend) -> dict[str, tuple[Any, str, str]]:
    """Each source's last check: (when, outcome, message)."""
    rows = store.sql(
        "SELECT source, checked_at, outcome, message FROM list_fetches "
        "QUALIFY row_number() OVER (PARTITION BY source ORDER BY fetch_id DESC) = 1"
    )
    return {r[0]: (r[1], r[2], r[3] or "") for r in rows}
