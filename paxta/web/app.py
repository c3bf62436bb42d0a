"""The HTTP API: paxta's library over HTTP, nothing of its own.

``POST /match/{dataset}`` takes and returns the shape of the OpenSanctions/yente match API, so
existing screening clients work against paxta unchanged; ``default`` covers every list loaded,
any other dataset name is one list source (``uflpa``, ``ofac-sdn`` ...). Tokens: when any are
configured every request needs one (``Authorization: Bearer ...``); viewers may read, analysts
may also change things. ``paxta serve`` refuses to listen beyond loopback without tokens.
"""

from __future__ import annotations

import asyncio
import gc
import hmac
import os
import re
import secrets
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

import orjson
from fastapi import Depends, FastAPI, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, Response
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool

from paxta import __version__
from paxta.config import inside_home
from paxta.errors import PaxtaError
from paxta.evidence.capture import capture
from paxta.evidence.records import artefact_path, capture_record, list_captures, list_watches
from paxta.evidence.search import SearchIndex
from paxta.evidence.watch import event_diff, watch_events
from paxta.lists.repository import current_versions
from paxta.lists.shipped import ensure_lists
from paxta.places.locator import locate_address
from paxta.profile import entity_profile, find_entities
from paxta.screen.aliases import load_aliases
from paxta.screen.batch import Columns
from paxta.screen.matcher import Match, Matcher, load_decisions
from paxta.screen.model import model
from paxta.screen.review import record_decision, withdraw_decision
from paxta.screen.triage import MAX_PER_PAGE, PER_PAGE, View, export_with_decisions, screening_page
from paxta.store import Backend, open_store, session
from paxta.trace.case import case_of_shipment, stored_shipments
from paxta.trace.checks import run_checks
from paxta.trace.dossier import build_dossier, render_html
from paxta.trace.graph import trace
from paxta.trace.pdf import write_pdf
from paxta.trade.dossier import trade_dossier
from paxta.trade.exposure import Filters, find_exposure, organisation
from paxta.web.apidocs import describe
from paxta.web.jobs import Job, Jobs
from paxta.web.pages import TOKEN_COOKIE, add_pages, refused, stream_upload

ANALYST, VIEWER = "analyst", "viewer"
MAX_UPLOAD = 50 * 2**20
ALGORITHM_DESCRIPTION = (
    "Fellegi-Sunter weights over typed comparisons of the trade name (with its term "
    "frequency), place, industry, role, legal form, country and registry ID, fitted on real "
    "unlisted company names and positives generated from the lists; match and review are "
    "thresholds on the probability."
)


@dataclass
class Tokens:
    """Bearer tokens, their roles and (when given) their holders' names (none configured:
    open, for loopback only)."""

    roles: dict[str, str] = field(default_factory=dict)  # token -> role
    names: dict[str, str] = field(default_factory=dict)  # token -> who holds it

    @classmethod
    def parse(cls, text: str | None) -> Tokens:
        """``analyst:TOKEN,viewer:TOKEN`` (as ``$PAXTA_TOKENS`` holds them), or with the
        holder's name, ``analyst:alice:TOKEN``, which decisions are then recorded under; a token
        shorter than 16 characters is refused (it could be guessed)."""
        roles, names = {}, {}
        for item in (text or "").split(","):
            role, _, rest = item.strip().partition(":")
            name, _, token = rest.rpartition(":")
            if not token:
                continue
            if role not in (ANALYST, VIEWER):
                raise ValueError(f"token role {role!r}: write analyst:TOKEN or viewer:TOKEN")
            if len(token) < MIN_TOKEN:
                raise ValueError(
                    f"the {role} token has {len(token)} characters: use at least {MIN_TOKEN} "
                    "(python -c 'import secrets; print(secrets.token_urlsafe(24))' makes one)"
                )
            roles[token] = role
            if name.strip():
                names[token] = name.strip()
        return cls(roles, names)

    def role_of(self, header: str | None) -> str | None:
        """The role a request's Authorization header grants (None: no valid token)."""
        if not self.roles:
            return ANALYST
        token = self._given(header)
        return self.roles[token] if token else None

    def _given(self, header: str | None) -> str | None:
        if not header or not header.lower().startswith("bearer "):
            return None
        given = header[7:].strip()
        for token in self.roles:
            if hmac.compare_digest(token, given):
                return token
        return None

    def cookie_of(self, token: str) -> str:
        """What the sign-in cookie holds for ``token``: a keyed hash, never the token itself
        (a cookie read off a browser is no bearer token for the API)."""
        return hmac.new(_web_key(), token.encode(), "sha256").hexdigest()

    def role_of_cookie(self, value: str) -> str | None:
        """The role a sign-in cookie grants."""
        if not self.roles:
            return ANALYST
        token = self._signed_in(value)
        return self.roles[token] if token else None

    def _signed_in(self, value: str) -> str | None:
        for token in self.roles:
            if hmac.compare_digest(self.cookie_of(token), value):
                return token
        return None

    def holder(self, header: str | None, cookie: str | None) -> str:
        """Who a request comes from, as decisions record it: the token's holder when named,
        else the role the token grants ("" on an open loopback server)."""
        token = self._given(header) or (self._signed_in(cookie) if cookie else None)
        if token is None:
            return ""
        return self.names.get(token) or f"{self.roles[token]} token"


MIN_TOKEN = 16
MAX_QUERIES = 100  # queries in one /match request (yente's batch limit is of this size)


def _web_key() -> bytes:
    """The key of the sign-in cookies, kept in paxta's home (shared by every worker)."""
    path = inside_home("web.key")
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(secrets.token_bytes(32))
    return path.read_bytes()


class SignInThrottle:
    """Failed sign-ins from one client wait longer each time (0.25 s, doubling, at most 10 s,
    forgotten after 15 quiet minutes), so guessing a token is slow."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._failed: dict[str, tuple[int, float]] = {}

    def failed(self, client: str) -> float:
        """Count a failure; the seconds this answer waits."""
        now = time.monotonic()
        with self._lock:
            count, last = self._failed.get(client, (0, now))
            count = 1 if now - last > 900 else count + 1
            self._failed[client] = (count, now)
            if len(self._failed) > 10_000:  # many clients: forget the oldest
                oldest = sorted(self._failed.items(), key=lambda kv: kv[1][1])[:5_000]
                for key, _ in oldest:
                    self._failed.pop(key, None)
        return float(min(0.25 * 2.0 ** (count - 1), 10.0))

    def succeeded(self, client: str) -> None:
        """Forget a client's failures."""
        with self._lock:
            self._failed.pop(client, None)


def _iso_day(value: Any) -> Any:
    """A date in a query is written YYYY-MM-DD (not a number of days since 1970)."""
    if not isinstance(value, date) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(value)):
        raise ValueError("a date is written YYYY-MM-DD")
    return value


IsoDay = Annotated[date, BeforeValidator(_iso_day)]


class EntityQuery(BaseModel):
    """One query, as yente takes it."""

    schema_: str = Field("Company", alias="schema")
    properties: dict[str, list[str]] = Field(default_factory=dict)

    @field_validator("properties")
    @classmethod
    def _whole_characters(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        """A lone surrogate (half of a UTF-16 pair, which JSON can escape) is no character:
        it becomes U+FFFD, so the query is answered instead of failing."""
        return {k: [_characters(v) for v in vs] for k, vs in value.items()}


def _characters(text: str) -> str:
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


class MatchRequest(BaseModel):
    """yente's match request body."""

    queries: dict[str, EntityQuery]


class MatchResult(BaseModel):
    """One listed entity a query may be, as yente reports it (with paxta's decision)."""

    id: str
    caption: str
    schema_: str = Field(alias="schema")
    properties: dict[str, list[str]]
    datasets: list[str]
    score: float
    match: bool
    decision: str
    explanation: str
    list_version: str
    features: dict[str, float] = Field(
        default_factory=dict, description="Each compared part's level and its weight."
    )


class MatchAnswer(BaseModel):
    """The answer to one query."""

    status: int
    results: list[MatchResult]
    total: dict[str, Any]
    query: dict[str, Any]


class MatcherInfo(BaseModel):
    """The algorithm that scored the results (yente's ``matcher``)."""

    name: str
    description: str


class MatchResponse(BaseModel):
    """yente's match response body."""

    responses: dict[str, MatchAnswer]
    matcher: MatcherInfo
    algorithm: str
    limit: int


DECISIONS_RECHECK = 2.0  # seconds between looks at the decisions table (one small query)


class Matchers:
    """One matcher per dataset, kept; the list versions are checked at most every few seconds,
    and a dataset is reloaded when they changed."""

    def __init__(self, recheck_seconds: float = 10.0) -> None:
        self._lock = threading.Lock()
        self._first = threading.Lock()
        self._building: set[str] = set()
        self._held: dict[str, tuple[tuple[Any, ...], Matcher]] = {}
        self._versions: tuple[Any, ...] = ()
        self._checked = 0.0
        self._recheck = recheck_seconds
        self._decisions_seen: tuple[Any, ...] = ()
        self._decisions_checked = 0.0

    def _current(self) -> tuple[Any, ...]:
        now = time.monotonic()
        if self._versions and now - self._checked < self._recheck:
            if now - self._decisions_checked >= DECISIONS_RECHECK:
                self._check_decisions(now)
            return self._versions
        try:
            # Known versions need no waiting for a store another process holds: keep them.
            store = open_store(lock_wait=0 if self._versions else None)
        except PaxtaError:
            if self._versions:  # another process holds the store: keep what we have
                self._checked = now  # and look again after the usual interval
                return self._versions
            raise
        try:
            ensure_lists(store)
            self._versions = tuple(
                sorted((v.source, v.version_id) for v in current_versions(store))
            )
            self._read_decisions(store, now)
        finally:
            store.close()
        self._checked = now
        return self._versions

    def _check_decisions(self, now: float) -> None:
        try:
            store = open_store(lock_wait=0)
        except PaxtaError:  # another process holds the store: look again later
            self._decisions_checked = now
            return
        try:
            self._read_decisions(store, now)
        finally:
            store.close()

    def _read_decisions(self, store: Backend, now: float) -> None:
        """Analysts' decisions (from this server, another worker or the CLI): the held
        matchers take new ones at once, with the aliases a confirmation taught or an undo
        forgot, without building their index again."""
        seen = tuple(store.sql("SELECT count(*), max(decided_at) FROM decisions")[0])
        if seen != self._decisions_seen:
            decisions, aliases = load_decisions(store), load_aliases(store)
            for _, matcher in self._held.values():
                matcher.decisions, matcher.aliases = decisions, aliases
            self._decisions_seen = seen
        self._decisions_checked = now

    def decided(self) -> None:
        """A decision was recorded here: the next request reads the decisions again."""
        with self._lock:
            self._decisions_checked = 0.0

    def ready(self, dataset: str) -> bool:
        """True when ``dataset``'s matcher is loaded and its versions were checked lately, so
        :meth:`get` returns at once."""
        fresh = time.monotonic() - self._checked < self._recheck
        return fresh and dataset in self._held and self._held[dataset][0] == self._versions

    def get(self, dataset: str) -> Matcher:
        """The dataset's matcher. When the lists changed, the new one is built in the
        background and the one held answers meanwhile (a new list of 200,000 entities takes a
        while to index: requests must not queue behind it)."""
        with self._lock:
            versions = self._current()
            sources = sorted({s for s, _ in versions})
            if dataset != "default" and dataset not in sources:
                raise HTTPException(404, f"no dataset {dataset!r}: use default or one of {sources}")
            held = self._held.get(dataset)
            if held is not None:
                if held[0] != versions and dataset not in self._building:
                    self._building.add(dataset)
                    threading.Thread(
                        target=self._rebuild, args=(dataset, versions), daemon=True
                    ).start()
                return held[1]
        with self._first:  # nothing to answer with yet: the first request builds it
            held = self._held.get(dataset)
            if held is None:
                held = (versions, self._build(dataset))
                with self._lock:
                    self._held[dataset] = held
            return held[1]

    @staticmethod
    def _build(dataset: str) -> Matcher:
        with session() as store:
            matcher = Matcher.from_store(store, None if dataset == "default" else [dataset])
        # The index is millions of long-lived objects: the collector's full passes over them
        # paused every request for a quarter second every few seconds. Moved out of its reach
        # (a replaced index is still freed by reference counting).
        gc.collect()
        gc.freeze()
        return matcher

    def _rebuild(self, dataset: str, versions: tuple[Any, ...]) -> None:
        try:
            matcher = self._build(dataset)
            with self._lock:
                self._held[dataset] = (versions, matcher)
        except (PaxtaError, HTTPException):
            pass  # the store is busy: the next request after the recheck tries again
        finally:
            with self._lock:
                self._building.discard(dataset)


class CaptureRequest(BaseModel):
    """A page to keep as evidence."""

    url: str = Field(max_length=4000)
    case: str | None = Field(None, max_length=200)


def _safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text)[:80] or "shipment"


def _case(store: Backend, shipment: str) -> str:
    with refused():
        return case_of_shipment(store, shipment)


class LocateRequest(BaseModel):
    """An address in any script."""

    address: str = Field(max_length=10_000)


def _content(*media_types: str) -> dict[int | str, dict[str, Any]]:
    """The 200 response of a route that answers with a file, not JSON."""
    return {200: {"content": {m: {} for m in media_types}, "description": "The file"}}


class Problem(BaseModel):
    """What went wrong, in one sentence."""

    detail: str


def _errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    said = {
        400: "The request could not be read, or paxta refused it (the detail says why)",
        401: "No valid bearer token",
        403: "The token's role may not do this",
        404: "Not found",
        409: "Not ready yet",
        413: "The upload is too large",
        503: "The store is busy (another paxta process holds it) or cannot be opened",
        415: "paxta does not read this kind of file",
    }
    return {code: {"model": Problem, "description": said[code]} for code in codes}


class Open(BaseModel):
    """A typed object that may carry more fields than it names (kept in the response)."""

    model_config = ConfigDict(extra="allow")


class FindingOut(Open):
    """One problem a check found: a stable code, a severity, where, its documents, a sentence."""

    code: str
    severity: str
    tier: int | None
    party: str | None
    documents: list[str]
    message: str


class TraceOut(BaseModel):
    """A shipment traced back through its tiers."""

    case: str
    shipment: str
    tiers: dict[str, int]
    links: list[dict[str, Any]]
    findings: list[FindingOut]


class EntityProfile(Open):
    """Everything paxta holds about one listed entity, and its entries on other lists."""

    entity_id: str
    name: str
    on_list: str = Field(alias="list")
    list_version: str
    schema_: str = Field(alias="schema")
    countries: list[str]
    identifiers: list[dict[str, Any]]
    programs: list[dict[str, Any]]
    names: list[dict[str, Any]]
    places: list[dict[str, Any]]
    history: list[dict[str, Any]]
    same_entity: list[dict[str, Any]]


class WatchOut(Open):
    """A watched page."""

    watch_id: int
    url: str
    terms: list[str]
    every_seconds: int
    case_name: str | None
    paused: bool


class WatchEventOut(Open):
    """What one run of a watch found."""

    event_id: int
    watch_id: int
    url: str
    event: str
    happened_at: str


class ExposureOut(Open):
    """Exposure paths found in the trade records."""

    total: int
    paths: list[dict[str, Any]]


class Health(BaseModel):
    """The server is up."""

    status: str
    version: str


class ListVersionOut(BaseModel):
    """One list version the server screens against."""

    source: str
    version: str
    entities: int
    sha256: str
    imported_at: str
    format: str
    version_id: int
    files: str
    source_url: str | None


class JobState(BaseModel):
    """A screening job: its state, progress and counts."""

    job: str
    file: str
    state: str  # waiting, queued, running, done, failed
    rows: int
    screening_id: int | None
    decisions: dict[str, int] | None
    error: str | None


class Recorded(BaseModel):
    """A decision recorded, and the alias it taught (if any)."""

    recorded: bool
    learned: str


class Withdrawn(BaseModel):
    """A decision withdrawn."""

    withdrawn: bool
    said: str


class EntityHit(BaseModel):
    """A listed entity a searched name may be."""

    entity_id: str
    name: str
    list: str
    matched_name: str
    decision: str
    score: float


class ShipmentRow(BaseModel):
    """A shipment a trace can start from."""

    case: str
    shipment: str
    seller: str | None
    buyer: str | None
    product: str | None
    quantity: float | None
    unit: str | None
    date: str | None


class PlaceEvidence(BaseModel):
    """One piece of evidence the locator weighed."""

    text: str
    start: int
    end: int
    kind: str
    script: str
    meaning: str
    used: bool


class LocationOut(BaseModel):
    """Whether an address lies in the XUAR or is an XPCC unit, with evidence and why."""

    xinjiang: bool
    confidence: float
    place: dict[str, Any] | None
    evidence: list[PlaceEvidence]
    why: str


class WithdrawRequest(BaseModel):
    """Which decision to withdraw (undo): the newest on a query name against an entity."""

    query: str = Field(max_length=1000)
    entity_id: str = Field(max_length=300)


class ScreeningRow(BaseModel):
    """A saved screening row with the analyst's standing decision on its result."""

    row_no: int
    line: int | None
    query: str
    address: str | None
    country: str | None
    registry_id: str | None
    decision: str
    score: float
    entity_id: str | None
    list: str | None
    listed_name: str | None
    matched_name: str | None
    explanation: str | None
    region: str | None
    region_why: str | None
    state: str  # open, confirmed, dismissed, changed ("" for a clear row)
    decided_by: str | None
    decided_at: str | None
    decision_note: str | None


class RowsPage(BaseModel):
    """One page of a screening's rows and the counts to triage by."""

    rows: list[ScreeningRow]
    total: int
    page: int
    pages: int
    decisions: dict[str, int]
    states: dict[str, int]
    lists: list[str]


class DecisionRequest(BaseModel):
    """An analyst's verdict on a query name against a listed entity."""

    query: str = Field(max_length=1000)
    entity_id: str = Field(max_length=300)
    verdict: bool
    note: str = Field("", max_length=2000)
    analyst: str = Field("", max_length=200)


# Every response: scripts, styles and images from paxta itself only, no framing, no sniffing.
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
DOCUMENT_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    """A row as JSON holds it (times as ISO text)."""
    at = row.get("decided_at")
    return {**row, "decided_at": at.isoformat(timespec="seconds") if at else None}


def _screening(job: Job) -> int:
    if job.screening_id is None:  # (a job saved by an older paxta)
        raise HTTPException(409, "this screening was not saved in the store: screen the file again")
    return job.screening_id


def _secured(response: Response) -> Response:
    """``response`` with the security headers (a policy a route set for itself is kept)."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    response.headers.setdefault("Content-Security-Policy", PAGE_CSP)
    return response


def create_app(
    tokens: Tokens | None = None,
    max_upload: int = MAX_UPLOAD,
    allow_private: bool = False,
    hosts: tuple[str, ...] = (),
) -> FastAPI:
    """The API application. ``allow_private`` lets captures reach private and loopback
    addresses: for tests against a local server only; ``paxta serve`` never sets it. ``hosts``:
    names answered without tokens besides loopback and ``$PAXTA_ALLOWED_HOSTS``."""
    app = FastAPI(
        docs_url=None,  # (FastAPI's page loads Swagger UI from a CDN: paxta serves its own)
        redoc_url=None,
        title="paxta",
        version=__version__,
        responses=_errors(400, 401, 403, 404, 503),
        description="Screen, locate, trace and prove forced-labour risk in supply chains.",
    )
    auth = tokens or Tokens()
    allowed = _allowed_hosts() | {h.lower() for h in hosts}

    @app.middleware("http")
    async def same_site(request: Request, call_next: Any) -> Response:
        """Open to this machine only when no token is configured: a page elsewhere that points
        its own name at 127.0.0.1 (DNS rebinding) is refused by its Host; a form posted from
        another site is refused by its Origin, token or not."""
        host = _host_name(request.headers.get("host", ""))
        if not auth.roles and host not in allowed:
            return _secured(
                _refused(f"Host {host!r} is not this machine's (set $PAXTA_ALLOWED_HOSTS)")
            )
        origin = request.headers.get("origin")
        unsafe = request.method not in ("GET", "HEAD", "OPTIONS")
        if unsafe and origin and origin != "null" and _host_name(urlsplit(origin).netloc) != host:
            return _secured(_refused(f"a request from another site ({origin}) is refused"))
        response: Response = await call_next(request)
        return _secured(response)

    @app.exception_handler(PaxtaError)
    async def store_unavailable(request: Request, exc: PaxtaError) -> Response:
        """A library error no endpoint turned into a 4xx: the store could not be used."""
        body = orjson.dumps({"detail": str(exc)})
        return Response(body, status_code=503, media_type="application/json")

    matchers = Matchers()
    jobs = Jobs()
    throttle = SignInThrottle()
    match_slot = asyncio.Semaphore(1)

    # Dependencies are coroutines so FastAPI calls them on the event loop, not in a thread.
    async def viewer(request: Request) -> str:
        role = auth.role_of(request.headers.get("authorization"))
        if role is None and _cookie_may_sign_in(request):
            role = auth.role_of_cookie(request.cookies[TOKEN_COOKIE])
        if role is None:
            if request.headers.get("authorization") or TOKEN_COOKIE in request.cookies:
                await asyncio.sleep(throttle.failed(_client(request)))
            raise HTTPException(
                401, "a valid bearer token is required", {"WWW-Authenticate": "Bearer"}
            )
        return role

    @app.get("/healthz", response_model=Health)
    async def healthz() -> dict[str, str]:  # on the event loop: answers when threads are busy
        return {"status": "ok", "version": __version__}

    @app.get("/lists", response_model=list[ListVersionOut])
    def lists(role: str = Depends(viewer)) -> list[dict[str, Any]]:
        with session() as store:
            ensure_lists(store)
            return [v.as_json() for v in current_versions(store)]

    @app.post("/match/{dataset}", response_model=MatchResponse, responses=_errors(413))
    async def match(
        dataset: str,
        body: MatchRequest,
        limit: int = Query(5, ge=1, le=50, description="Results per query."),
        role: str = Depends(viewer),
    ) -> Response:
        if len(body.queries) > MAX_QUERIES:
            raise HTTPException(
                413, f"{len(body.queries):,} queries in one request: send at most {MAX_QUERIES}"
            )

        def answer() -> dict[str, Any]:
            matcher = matchers.get(dataset)
            return {key: _respond(matcher, q, limit) for key, q in body.queries.items()}

        # Answered in a thread, never on the event loop, and one batch at a time: matching is
        # Python work that holds the interpreter, so more threads would only take turns with
        # the loop; one leaves the loop free to accept requests and answer /healthz
        # (bench/bench_load.py measures it with 50 clients while a list is imported).
        async with match_slot:
            responses = await run_in_threadpool(answer)
        algorithm = model().algorithm
        about = {"name": algorithm, "description": ALGORITHM_DESCRIPTION}
        return Response(
            orjson.dumps(
                {"responses": responses, "matcher": about, "algorithm": algorithm, "limit": limit}
            ),
            media_type="application/json",
        )

    async def analyst(request: Request) -> str:
        role = await viewer(request)
        if role != ANALYST:
            raise HTTPException(403, "this needs an analyst token")
        return role

    async def save_upload(file: UploadFile) -> tuple[Job, Path]:
        """Stream an upload to paxta's home, refusing kinds and sizes it does not take."""
        try:
            job, target = jobs.new(file.filename or "upload.csv")
        except PaxtaError as exc:
            raise HTTPException(415, str(exc)) from None
        if not await stream_upload(file, target, max_upload):
            jobs.discard(job)
            raise HTTPException(413, f"uploads are limited to {max_upload:,} bytes")
        return job, target

    @app.post("/screenings", status_code=202, response_model=JobState, responses=_errors(413, 415))
    async def start_screening(
        file: UploadFile,
        name_column: Annotated[str, Form(max_length=500)] = "",
        address_column: Annotated[str, Form(max_length=500)] = "",
        country_column: Annotated[str, Form(max_length=500)] = "",
        id_column: Annotated[str, Form(max_length=500)] = "",
        role: str = Depends(analyst),
    ) -> dict[str, Any]:
        given = (name_column, address_column, country_column, id_column)
        job, target = await save_upload(file)
        columns = None
        if any(given):  # else found from the header
            columns = Columns(*(c.strip() or None for c in given))  # type: ignore[arg-type]
        jobs.start(job, target, matchers.get("default"), columns)
        return job.as_json()

    @app.get("/screenings/{job_id}", response_model=JobState)
    def screening_state(job_id: str, role: str = Depends(viewer)) -> dict[str, Any]:
        return _job(job_id).as_json()

    @app.get(
        "/screenings/{job_id}/results",
        responses={
            **_errors(409),
            200: {
                "content": {"text/csv": {}, XLSX: {}},
                "description": "CSV, or XLSX with ?format=xlsx (cells a spreadsheet would run "
                "as formulas start with an apostrophe in both)",
            },
        },
        response_class=Response,
    )
    def screening_results(
        job_id: str, format: Literal["csv", "xlsx"] = "csv", role: str = Depends(viewer)
    ) -> FileResponse:
        job = _done(job_id)
        folder = inside_home("web", "exports")
        folder.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(suffix=f".{format}", dir=folder)
        os.close(fd)
        with session() as store, refused():
            path = export_with_decisions(store, _screening(job), jobs.results(job), Path(name))
        return FileResponse(
            path,
            media_type=XLSX if format == "xlsx" else "text/csv",
            filename=f"screened.{format}",
            background=BackgroundTask(path.unlink, missing_ok=True),
        )

    @app.get("/screenings/{job_id}/rows", response_model=RowsPage, responses=_errors(409))
    def screening_rows(
        job_id: str,
        decision: Literal["", "match", "review", "clear"] = "",
        state: Literal["", "open", "confirmed", "dismissed", "changed"] = "",
        list: str = Query("", max_length=100),
        region: Literal["", "xinjiang", "xpcc", "any"] = "",
        min_score: float = Query(0.0, ge=0.0, le=1.0),
        q: str = Query("", max_length=200),
        sort: Literal["row", "score", "decision"] = "row",
        page: int = Query(1, ge=1, le=1_000_000),
        per_page: int = Query(PER_PAGE, ge=1, le=MAX_PER_PAGE),
        role: str = Depends(viewer),
    ) -> dict[str, Any]:
        view = View(decision, state, list, region, min_score, q, sort, page, per_page)
        job = _done(job_id)
        with session() as store, refused(422):
            found = screening_page(store, _screening(job), view)
        return {
            "rows": [_plain(r) for r in found.rows],
            "total": found.total,
            "page": found.view.page,
            "pages": found.pages,
            "decisions": found.decisions,
            "states": found.states,
            "lists": found.lists,
        }

    def _done(job_id: str) -> Job:
        job = _job(job_id)
        if job.state != "done":
            raise HTTPException(409, f"job {job_id} is {job.state}")
        return job

    def _job(job_id: str) -> Job:
        job = jobs.get(job_id)
        if job is None:
            raise HTTPException(404, f"no screening job {job_id!r}")
        return job

    @app.post("/decisions", response_model=Recorded)
    def decide(
        body: DecisionRequest, request: Request, role: str = Depends(analyst)
    ) -> dict[str, Any]:
        who = body.analyst or _holder(request)
        with session() as store, refused():
            ensure_lists(store)
            learned = record_decision(
                store, body.query, body.entity_id, body.verdict, body.note, who
            )
        matchers.decided()
        return {"recorded": True, "learned": learned}

    @app.post("/decisions/withdraw", response_model=Withdrawn)
    def withdraw(
        body: WithdrawRequest, request: Request, role: str = Depends(analyst)
    ) -> dict[str, Any]:
        with session() as store, refused():
            said = withdraw_decision(store, body.query, body.entity_id, _holder(request))
        matchers.decided()
        return {"withdrawn": True, "said": said}

    def _holder(request: Request) -> str:
        return (
            auth.holder(request.headers.get("authorization"), request.cookies.get(TOKEN_COOKIE))
            or "web"
        )

    # Shipment ids may hold "/" (a bill of lading number such as MAEU/123): {shipment:path}.
    @app.get("/trace/{shipment:path}", response_model=TraceOut)
    def trace_shipment(shipment: str, role: str = Depends(viewer)) -> dict[str, Any]:
        with session() as store:
            case_id = _case(store, shipment)
            chain = trace(store, case_id, shipment)
            findings = run_checks(store, chain, matchers.get("default"))
        return {
            "case": case_id,
            "shipment": shipment,
            "tiers": chain.tiers,
            "links": [link.as_json() for link in chain.links],
            "findings": [f.as_json() for f in findings],
        }

    def dossier_of(shipment: str) -> dict[str, Any]:
        matcher = matchers.get("default")
        with session() as store:
            return build_dossier(store, _case(store, shipment), shipment, matcher)

    @app.get(
        "/dossier/{shipment:path}/pdf",
        responses=_content("application/pdf"),
        response_class=Response,
    )
    def dossier_pdf(shipment: str, role: str = Depends(viewer)) -> FileResponse:
        content = dossier_of(shipment)
        folder = inside_home("web", "dossiers")
        folder.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(suffix=".pdf", dir=folder)
        os.close(fd)
        path = write_pdf(content, Path(name))
        return FileResponse(
            path,
            media_type="application/pdf",
            filename=f"dossier-{_safe_name(shipment)}.pdf",
            background=BackgroundTask(path.unlink, missing_ok=True),
        )

    @app.get(
        "/dossier/{shipment:path}/html", responses=_content("text/html"), response_class=Response
    )
    def dossier_html(shipment: str, role: str = Depends(viewer)) -> HTMLResponse:
        # (a document of its own: its one <style>, no script, nothing fetched)
        return HTMLResponse(
            render_html(dossier_of(shipment)), headers={"Content-Security-Policy": DOCUMENT_CSP}
        )

    @app.get("/dossier/{shipment:path}")  # after /pdf and /html, which it would also match
    def dossier(shipment: str, role: str = Depends(viewer)) -> dict[str, Any]:
        return dossier_of(shipment)

    @app.get("/evidence/search")
    def evidence_search(
        q: str = Query(min_length=1, max_length=500),
        case: str | None = None,
        limit: int = 20,
        role: str = Depends(viewer),
    ) -> list[dict[str, Any]]:
        index = SearchIndex()
        try:
            return [h.as_json() for h in index.search(q, case, max(1, min(limit, 100)))]
        finally:
            index.close()

    @app.post("/evidence/captures", status_code=201)
    def evidence_capture(body: CaptureRequest, role: str = Depends(analyst)) -> dict[str, Any]:
        # The API never captures private addresses: that is a local user's choice.
        with session() as store, refused(400):
            return capture(store, body.url, body.case, allow_private=allow_private).as_json()

    @app.get("/evidence")
    def evidence_list(
        case: str | None = None, limit: int = 200, role: str = Depends(viewer)
    ) -> list[dict[str, Any]]:
        with session() as store:
            return list_captures(store, max(1, min(limit, 5000)), case)

    @app.get("/evidence/{evidence_id}")
    def evidence_one(evidence_id: str, role: str = Depends(viewer)) -> dict[str, Any]:
        with session() as store, refused():
            return capture_record(store, evidence_id)

    @app.get(
        "/evidence/{evidence_id}/files/{name}",
        responses=_content("application/octet-stream", "image/png"),
        response_class=Response,
    )
    def evidence_file(evidence_id: str, name: str, role: str = Depends(viewer)) -> FileResponse:
        with session() as store, refused():
            path = artefact_path(store, evidence_id, name)
        # Captured pages are never rendered by paxta's origin: everything but the screenshot
        # is sent as a download, with no MIME sniffing.
        inline = name.endswith(".png")
        return FileResponse(
            path,
            media_type="image/png" if inline else "application/octet-stream",
            filename=None if inline else name,
            headers={"X-Content-Type-Options": "nosniff", "Content-Security-Policy": "sandbox"},
        )

    @app.get("/watch", response_model=list[WatchOut])
    def watches(role: str = Depends(viewer)) -> list[dict[str, Any]]:
        with session() as store:
            return list_watches(store)

    @app.get("/watch/events", response_model=list[WatchEventOut])
    def events(limit: int = 200, role: str = Depends(viewer)) -> list[dict[str, Any]]:
        with session() as store:
            return watch_events(store, max(1, min(limit, 5000)))

    @app.get("/watch/events/{event_id}")
    def event_one(event_id: int, role: str = Depends(viewer)) -> dict[str, Any]:
        with session() as store, refused():
            return event_diff(store, event_id)

    @app.get("/entities", response_model=list[EntityHit])
    def entities(
        q: str = Query(min_length=1, max_length=1000),
        limit: int = 20,
        role: str = Depends(viewer),
    ) -> list[dict[str, Any]]:
        return find_entities(matchers.get("default"), q, max(1, min(limit, 50)))

    @app.get("/entities/{entity_id}", response_model=EntityProfile)
    def entity(entity_id: str, role: str = Depends(viewer)) -> dict[str, Any]:
        matcher = matchers.get("default")
        with session() as store, refused():
            return entity_profile(store, entity_id, matcher)

    @app.get("/shipments", response_model=list[ShipmentRow])
    def shipments(
        case: str | None = None, limit: int = 1000, role: str = Depends(viewer)
    ) -> list[dict[str, Any]]:
        with session() as store:
            return stored_shipments(store, max(1, min(limit, 100_000)), case)

    @app.get("/trade/exposure", response_model=ExposureOut)
    def trade_exposure(
        importer: str = Query("", max_length=200),
        hs: str = Query("", max_length=200),
        since: IsoDay | None = None,
        severity: str = Query("", pattern="^(|high|review)$"),
        limit: int = 500,
        role: str = Depends(viewer),
    ) -> dict[str, Any]:
        """Exposure paths in the imported trade records (``paxta trade exposure``)."""
        filters = Filters(importer, tuple(h for h in hs.split(",") if h.strip()), since)
        with session() as store:
            paths = find_exposure(store, filters)
        if severity:
            paths = [p for p in paths if p["severity"] == severity]
        return {"total": len(paths), "paths": paths[: max(1, min(limit, 10_000))]}

    @app.get("/trade/organisations/{org_id}")
    def trade_organisation(org_id: int, role: str = Depends(viewer)) -> dict[str, Any]:
        """One resolved trade party: spellings, screening, location, its paths."""
        with session() as store:
            org = organisation(store, org_id)
        if org is None:
            raise HTTPException(404, f"no trade organisation {org_id}")
        return org

    @app.post("/trade/paths/{path_id}/dossier")
    def trade_path_dossier(
        path_id: str, record: str | None = None, role: str = Depends(analyst)
    ) -> dict[str, Any]:
        """The dossier of a shipment on an exposure path (its latest, or ``record``); the path
        is stored as case ``trade-<path id>``, so ``/dossier/...`` and the pages read it too."""
        with session() as store, refused():
            return trade_dossier(store, path_id[:200], matchers.get("default"), record)

    describe(app)  # (its /static/swagger before the pages' /static)
    add_pages(
        app,
        jobs,
        matchers.get,
        viewer,
        analyst,
        save_upload,
        auth,
        throttle,
        allow_private,
        matchers.decided,
        _holder,
    )

    @app.post("/locate", response_model=LocationOut)
    def locate(body: LocateRequest, role: str = Depends(viewer)) -> dict[str, Any]:
        return locate_address(body.address).as_json()

    return app


LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")


def _allowed_hosts() -> frozenset[str]:
    """The names this server answers to without tokens: loopback, and ``$PAXTA_ALLOWED_HOSTS``
    (comma-separated)."""
    extra = os.environ.get("PAXTA_ALLOWED_HOSTS", "")
    return frozenset(LOOPBACK_NAMES) | {h.strip().lower() for h in extra.split(",") if h.strip()}


def _host_name(host: str) -> str:
    """A Host header's name without its port ("[::1]:8000" -> "::1")."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def _refused(detail: str) -> Response:
    return Response(
        orjson.dumps({"detail": detail}), status_code=403, media_type="application/json"
    )


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _cookie_may_sign_in(request: Request) -> bool:
    """The sign-in cookie (SameSite=Strict) serves reads and the pages' own forms, which carry a
    CSRF token; the API's other writes need the Authorization header."""
    if TOKEN_COOKIE not in request.cookies:
        return False
    return request.method in ("GET", "HEAD") or request.url.path.startswith("/ui/")


def _respond(matcher: Matcher, query: EntityQuery, limit: int) -> dict[str, Any]:
    props = query.properties
    names = [n for n in props.get("name", []) if isinstance(n, str) and n.strip()][:20]
    ids = frozenset(
        v.strip().upper()
        for key in ("registrationNumber", "idNumber", "taxNumber", "leiCode")
        for v in props.get(key, [])
        if v.strip()
    )
    countries = frozenset(props.get("country", []) + props.get("jurisdiction", []))
    address = "; ".join(a for a in props.get("address", [])[:5] if isinstance(a, str))[:2000]
    best: dict[str, Match] = {}
    for name in names:
        for m in matcher.match(name[:1000], ids, countries, limit=limit, address=address):
            held = best.get(m.entity.entity_id)
            if held is None or m.outranks_decision(held):
                best[m.entity.entity_id] = m
    ranked = sorted(best.values(), key=lambda m: (m.decision != "match", -m.score))[:limit]
    return {
        "status": 200,
        "results": [_result(m) for m in ranked],
        "total": {"value": len(ranked), "relation": "eq"},
        "query": {"schema": query.schema_, "properties": props},
    }


def _result(m: Match) -> dict[str, Any]:
    return {
        "id": m.entity.entity_id,
        "caption": m.entity.name,
        "schema": m.entity.schema or "LegalEntity",
        "properties": {"name": [m.entity.name], "alias": [m.matched_name]},
        "datasets": [m.entity.list],
        "score": m.score,
        "match": m.decision == "match",
        "decision": m.decision,
        "explanation": m.explanation,
        "list_version": m.entity.version,
        "features": m.features(),
    }


def app_from_env() -> FastAPI:
    """The application with tokens from ``$PAXTA_TOKENS`` (for ``uvicorn --factory`` workers)."""
    import os

    return create_app(Tokens.parse(os.environ.get("PAXTA_TOKENS")))
