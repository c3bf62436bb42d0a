"""Server-rendered pages: HTML from Jinja2 templates (autoescaped), CSS served by paxta.

Forms carry a CSRF token that must equal the one in a SameSite=Strict cookie (double submit),
so another site cannot post to paxta in the analyst's name. Pages call the same library and
job runner as the API; they hold nothing of their own.
"""

from __future__ import annotations

import itertools
import secrets
import shutil
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import parse_qsl, quote, urlencode

from fastapi import Depends, FastAPI, Form, HTTPException, Request, UploadFile
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from paxta.config import inside_home
from paxta.errors import PaxtaError
from paxta.evidence.capture import capture
from paxta.evidence.records import capture_facts, capture_record, list_captures, list_watches
from paxta.evidence.search import SearchIndex
from paxta.evidence.watch import add_watch, event_diff, pause_watch, run_watches, watch_events
from paxta.files import open_table
from paxta.files.archive import unpack_zip
from paxta.lists.diff import diff_versions
from paxta.lists.fetch import last_checked
from paxta.lists.impact import after_update
from paxta.lists.impact import recent as recent_impacts
from paxta.lists.importer import import_list
from paxta.lists.model import slug
from paxta.lists.repository import (
    all_versions,
    current_versions,
    staleness_warning,
    version_ages,
)
from paxta.lists.shipped import ensure_lists
from paxta.profile import entity_profile, find_entities
from paxta.screen.batch import Columns, guess_columns
from paxta.screen.review import record_decision, screenings, withdraw_decision
from paxta.screen.triage import View, open_results, row_of, screening_page
from paxta.store import Backend, session
from paxta.trace.case import (
    case_ids,
    case_of_shipment,
    import_case,
    read_case,
    stored_shipments,
)
from paxta.trace.checks import HIGH, run_checks
from paxta.trace.dossier import build_dossier, flow_svg
from paxta.trace.graph import trace
from paxta.trade.dossier import trade_dossier
from paxta.trade.exposure import Filters, find_exposure, organisation
from paxta.web.jobs import Job, Jobs

HERE = Path(__file__).parent
CSRF_COOKIE = "paxta_csrf"
TOKEN_COOKIE = "paxta_token"


def add_pages(
    app: FastAPI,
    jobs: Jobs,
    matcher_of: Callable[[str], Any],
    viewer: Callable[..., Awaitable[str]],
    analyst: Callable[..., Awaitable[str]],
    save_upload: Callable[..., Any],
    auth: Any,
    throttle: Any,
    allow_private: bool = False,
    decided: Callable[[], None] = lambda: None,
    holder: Callable[[Request], str] = lambda request: "",
) -> None:
    """Mount the pages, the stylesheet and the script on ``app``; ``decided`` is told of
    each analyst's decision (the matchers then read the decisions again)."""
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    banner = ListBanner()
    verdicts = ShipmentVerdicts()
    templates.env.globals["list_banner"] = banner
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    @app.exception_handler(StarletteHTTPException)  # (FastAPI's, and a route not found)
    async def sign_in_first(request: Request, exc: StarletteHTTPException) -> Response:
        """A page asked for without a valid token sends the browser to the sign-in form; a
        page that cannot be shown (no such page, not allowed) is a page that says so, in
        words; the API answers as FastAPI does."""
        path = request.url.path
        if exc.status_code == 401 and request.method == "GET" and _is_page(path):
            return RedirectResponse(f"/ui/login?next={quote(path)}", status_code=303)
        browser = request.headers.get("accept", "").startswith("text/html")
        if (_is_page(path) or browser) and exc.status_code in (
            400,
            403,
            404,
            405,
            409,
            413,
            415,
            422,
        ):
            message = _IN_WORDS.get(str(exc.detail), str(exc.detail))
            page = _form_page(
                templates, request, "error.html", {"title": "Not possible", "message": message}
            )
            page.status_code = exc.status_code
            return page
        return await http_exception_handler(request, exc)

    @app.get("/ui/login", response_class=HTMLResponse, include_in_schema=False)
    def login_form(request: Request, next: str = "/") -> HTMLResponse:
        return _form_page(
            templates, request, "login.html", {"title": "Sign in", "next": _local(next)}
        )

    @app.post("/ui/login", include_in_schema=False)
    def login(
        request: Request,
        token: str = Form(..., max_length=500),
        next: str = Form("/"),
        csrf: str = Form(""),
    ) -> Response:
        _check_csrf(request, csrf)
        client = request.client.host if request.client else "unknown"
        if auth.role_of(f"Bearer {token}") is None:
            time.sleep(throttle.failed(client))  # each failure waits longer (a thread waits)
            return _form_page(
                templates,
                request,
                "login.html",
                {"title": "Sign in", "next": _local(next), "error": "That token is not valid."},
            )
        throttle.succeeded(client)
        target = RedirectResponse(_local(next), status_code=303)
        target.set_cookie(
            TOKEN_COOKIE,
            auth.cookie_of(token),
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
        )
        return target

    @app.post("/ui/logout", include_in_schema=False)
    def logout(request: Request, csrf: str = Form("")) -> RedirectResponse:
        _check_csrf(request, csrf)
        target = RedirectResponse("/ui/login", status_code=303)
        target.delete_cookie(TOKEN_COOKIE)
        return target

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home(request: Request, role: str = Depends(viewer)) -> HTMLResponse:
        with session() as store:
            ensure_lists(store)
            versions = current_versions(store)
            checked = last_checked(store)
            impacts = recent_impacts(store, 20)
            done = [j for j in jobs.recent(50) if j.state == "done" and j.screening_id]
            still_open = open_results(store, [int(j.screening_id or 0) for j in done])
            events = [e for e in watch_events(store, 10) if e["event"] != "unchanged"]
            shipments = stored_shipments(store)
            flagged = verdicts(store, shipments[:HOME_SHIPMENTS], matcher_of("default"))
        ages = dict(version_ages(versions))
        context = {
            "title": "paxta",
            "to_review": [
                (j, still_open[int(j.screening_id or 0)])
                for j in done
                if still_open.get(int(j.screening_id or 0))
            ],
            "events": events,
            "shipments": len(shipments),
            "flagged": flagged,
            "versions": versions,
            "ages": ages,
            "checked": checked,
            "impacts": impacts,
            "role": role,
            "stale": staleness_warning(versions),
        }
        return _form_page(templates, request, "home.html", context)

    @app.get("/ui/screen", response_class=HTMLResponse, include_in_schema=False)
    def screen_form(request: Request, role: str = Depends(analyst)) -> HTMLResponse:
        with session() as store:
            saved = screenings(store)[:50]
        web = {j.screening_id for j in jobs.recent(500) if j.screening_id is not None}
        context = {
            "title": "Screen a supplier file",
            "past": jobs.recent(50),
            "saved": [s for s in saved if s["screening_id"] not in web],
        }
        return _form_page(templates, request, "screen.html", context)

    @app.post("/ui/screen", include_in_schema=False)
    async def screen_submit(
        request: Request,
        file: UploadFile,
        csrf: str = Form(""),
        role: str = Depends(analyst),
    ) -> RedirectResponse:
        _check_csrf(request, csrf)
        job, _ = await save_upload(file)
        job.state = "waiting"
        jobs.save(job)
        return RedirectResponse(f"/ui/jobs/{job.job_id}/columns", status_code=303)

    @app.get("/ui/jobs/{job_id}/columns", response_class=HTMLResponse, include_in_schema=False)
    def columns_form(request: Request, job_id: str, role: str = Depends(analyst)) -> HTMLResponse:
        job = _waiting(job_id)
        available, preview = _header_of(jobs.upload(job), job.filename)
        guessed = guess_columns(available) or Columns("")
        return _form_page(
            templates,
            request,
            "columns.html",
            {
                "title": f"Columns of {job.filename}",
                "job": job.as_json(),
                "columns": available,
                "preview": preview,
                "roles": _ROLES,
                "chosen": {
                    "name": guessed.name,
                    "address": guessed.address or "",
                    "country": guessed.country or "",
                    "registry_id": guessed.registry_id or "",
                },
            },
        )

    @app.post("/ui/jobs/{job_id}/columns", include_in_schema=False)
    def columns_submit(
        request: Request,
        job_id: str,
        csrf: str = Form(""),
        name: str = Form("", max_length=500),
        address: str = Form("", max_length=500),
        country: str = Form("", max_length=500),
        registry_id: str = Form("", max_length=500),
        role: str = Depends(analyst),
    ) -> RedirectResponse:
        _check_csrf(request, csrf)
        job = _waiting(job_id)
        available, _ = _header_of(jobs.upload(job), job.filename)
        for column in (name, address, country, registry_id):
            if column and column not in available:
                raise HTTPException(422, f"{job.filename} has no column {column!r}")
        if not name:
            raise HTTPException(422, "choose the column that holds the party names")
        columns = Columns(name, address or None, country or None, registry_id or None)
        jobs.start(job, jobs.upload(job), matcher_of("default"), columns)
        return RedirectResponse(f"/ui/jobs/{job.job_id}", status_code=303)

    def _waiting(job_id: str) -> Job:
        job = jobs.get(job_id)
        if job is None:
            raise HTTPException(404, f"no screening job {job_id!r}")
        if job.state != "waiting":
            raise HTTPException(409, f"the screening of {job.filename} has already started")
        return job

    @app.get("/ui/jobs/{job_id}", response_class=HTMLResponse, include_in_schema=False)
    def job_page(
        request: Request,
        job_id: str,
        view: Annotated[View, Depends(view_params)],
        said: str = "",
        role: str = Depends(viewer),
    ) -> HTMLResponse:
        job = jobs.get(job_id)
        if job is None:
            raise HTTPException(404, f"no screening job {job_id!r}")
        return _results_page(request, job.as_json(), view, said, role)

    @app.get("/ui/screenings/{screening_id}", response_class=HTMLResponse, include_in_schema=False)
    def screening_page_of(
        request: Request,
        screening_id: int,
        view: Annotated[View, Depends(view_params)],
        said: str = "",
        role: str = Depends(viewer),
    ) -> HTMLResponse:
        """A screening saved by ``paxta screen`` (or any), worked through as a web job is."""
        with session() as store:
            found = store.dicts(
                "SELECT input, row_count, finished FROM screenings WHERE screening_id = ?",
                [screening_id],
            )
        if not found:
            raise HTTPException(404, f"no screening {screening_id}")
        job = {
            "job": "",
            "file": Path(found[0]["input"]).name,
            "state": "done" if found[0]["finished"] else "interrupted (its rows so far)",
            "rows": found[0]["row_count"],
            "screening_id": screening_id,
            "error": None,
        }
        return _results_page(request, job, view, said, role)

    def _results_page(
        request: Request, job: dict[str, Any], view: View, said: str, role: str
    ) -> HTMLResponse:
        found = None
        if job["state"] != "failed" and job["screening_id"] is not None:
            with session() as store, refused(422):
                found = screening_page(store, job["screening_id"], view)
        filters = {
            "decision": view.decision,
            "state": view.state,
            "list": view.source,
            "region": view.region,
            "min_score": request.query_params.get("min_score", "")[:10],
            "q": view.text[:200],
            "sort": view.sort,
        }
        here = str(request.url.query)
        return _form_page(
            templates,
            request,
            "job.html",
            {
                "title": "Screening results",
                "job": job,
                "found": found,
                "filters": filters,
                "linked": lambda **change: _query({**filters, **change}),
                "here": here,
                "said": said[:300],
                "role": role,
            },
        )

    @app.post("/ui/decisions", include_in_schema=False)
    async def decide(
        request: Request,
        csrf: str = Form(""),
        job: str = Form(""),
        screening: str = Form("", max_length=20),
        act: str = Form(..., max_length=40),
        back: str = Form("", max_length=2000),
        role: str = Depends(analyst),
    ) -> RedirectResponse:
        """One row's decision: ``act`` is ROW:true, ROW:false or ROW:undo; the row's note is
        the field note-ROW (one form serves every row of the page)."""
        _check_csrf(request, csrf)
        number, _, verdict = act.partition(":")
        if not number.isdigit() or verdict not in ("true", "false", "undo"):
            raise HTTPException(422, "that decision could not be read: reload the page")
        row = int(number)
        note = str((await request.form()).get(f"note-{row}", ""))[:2000]
        if job:
            held = jobs.get(job)
            if held is None or held.screening_id is None:
                raise HTTPException(404, f"no screening job {job!r}")
            screening_id, path = held.screening_id, f"/ui/jobs/{quote(job)}"
        elif screening.isdigit():
            screening_id, path = int(screening), f"/ui/screenings/{screening}"
        else:
            raise HTTPException(422, "that decision could not be read: reload the page")
        who = holder(request) or "web"
        said, found = await run_in_threadpool(
            _decide, screening_id, row, verdict, note.strip(), who
        )
        decided()
        told = f"row {row}, {found['query']} vs {found['listed_name']}: {said}"
        kept = [(k, v) for k, v in parse_qsl(back) if k != "said"]  # the filters it came from
        target = f"{path}?{urlencode([*kept, ('said', told)])}#row-{row}"
        return RedirectResponse(target, status_code=303)

    @app.get("/ui/entities", response_class=HTMLResponse, include_in_schema=False)
    def entity_search(request: Request, q: str = "", role: str = Depends(viewer)) -> HTMLResponse:
        found = find_entities(matcher_of("default"), q) if q.strip() else []
        return _form_page(
            templates,
            request,
            "entities.html",
            {
                "title": "Listed entities",
                "q": q[:1000],
                "found": found,
                "searched": bool(q.strip()),
            },
        )

    @app.get("/ui/entities/{entity_id}", response_class=HTMLResponse, include_in_schema=False)
    def entity_page(request: Request, entity_id: str, role: str = Depends(viewer)) -> HTMLResponse:
        matcher = matcher_of("default")
        with session() as store, refused():
            profile = entity_profile(store, entity_id, matcher)
        return _form_page(
            templates, request, "entity.html", {"title": profile["name"], "e": profile}
        )

    @app.get("/ui/shipments", response_class=HTMLResponse, include_in_schema=False)
    def shipments_page(
        request: Request, case: str = "", role: str = Depends(viewer)
    ) -> HTMLResponse:
        with session() as store:
            rows = stored_shipments(store, case=case[:200] or None)
        title = f"Shipments of case {case[:200]}" if case else "Shipments"
        return _form_page(templates, request, "shipments.html", {"title": title, "rows": rows})

    @app.get("/ui/shipments/{shipment:path}", response_class=HTMLResponse, include_in_schema=False)
    def shipment_page(
        request: Request, shipment: str, case: str = "", role: str = Depends(viewer)
    ) -> HTMLResponse:
        matcher = matcher_of("default")
        with session() as store, refused():
            if case and case[:200] not in case_ids(store):
                raise PaxtaError(f"no case {case[:200]!r}")
            case_id = case[:200] or case_of_shipment(store, shipment)
            content = build_dossier(store, case_id, shipment, matcher)
        names = {p["id"]: p["name"] for p in content["parties"]}
        return _form_page(
            templates,
            request,
            "shipment.html",
            {
                "title": f"Shipment {shipment}",
                "d": content,
                "svg": Markup(flow_svg(content)),  # built from escaped values by flow_svg
                "names": names,
                "graph": chain_graph(content),
            },
        )

    @app.get("/ui/trade", response_class=HTMLResponse, include_in_schema=False)
    def trade_page(
        request: Request, importer: str = "", severity: str = "", role: str = Depends(viewer)
    ) -> HTMLResponse:
        with session() as store:
            imported = store.scalar("SELECT count(*) FROM trade_records")
            paths = find_exposure(store, Filters(importer=importer[:200]))
        if severity in ("high", "review"):
            paths = [p for p in paths if p["severity"] == severity]
        return _form_page(
            templates,
            request,
            "trade.html",
            {
                "title": "Trade exposure",
                "paths": paths[:500],
                "total": len(paths),
                "imported": imported,
                "importer": importer[:200],
                "severity": severity,
            },
        )

    @app.post("/ui/trade/paths/{path_id}/dossier", include_in_schema=False)
    def trade_dossier_submit(
        request: Request, path_id: str, csrf: str = Form(""), role: str = Depends(analyst)
    ) -> RedirectResponse:
        _check_csrf(request, csrf)
        with session() as store, refused():
            content = trade_dossier(store, path_id[:200], matcher_of("default"))
        target = f"/ui/shipments/{quote(content['shipment'])}?case={quote(content['case'])}"
        return RedirectResponse(target, status_code=303)

    @app.get(
        "/ui/trade/organisations/{org_id}", response_class=HTMLResponse, include_in_schema=False
    )
    def trade_org_page(request: Request, org_id: int, role: str = Depends(viewer)) -> HTMLResponse:
        with session() as store:
            org = organisation(store, org_id)
        if org is None:
            raise HTTPException(404, f"no trade organisation {org_id}")
        return _form_page(templates, request, "trade_org.html", {"title": org["name"], "o": org})

    @app.get("/ui/evidence", response_class=HTMLResponse, include_in_schema=False)
    def evidence_page(
        request: Request, q: str = "", case: str = "", said: str = "", role: str = Depends(viewer)
    ) -> HTMLResponse:
        hits: list[dict[str, Any]] = []
        if q.strip():
            index = SearchIndex()
            try:
                hits = [h.as_json() for h in index.search(q[:500], case or None, 50)]
            finally:
                index.close()
            for hit in hits:
                hit["parts"] = _marked(hit["snippet"], q.strip())
        with session() as store:
            captures = list_captures(store, 200, case or None)
            events = watch_events(store, 100)
            watching = list_watches(store)
        return _form_page(
            templates,
            request,
            "evidence.html",
            {
                "title": "Evidence",
                "q": q[:500],
                "case": case[:200],
                "hits": hits,
                "searched": bool(q.strip()),
                "captures": captures,
                "events": events,
                "watches": watching,
                "said": said[:300],
                "role": role,
            },
        )

    @app.post("/ui/evidence/capture", include_in_schema=False)
    def capture_submit(
        request: Request,
        url: str = Form(..., max_length=4000),
        case: str = Form("", max_length=200),
        csrf: str = Form(""),
        role: str = Depends(analyst),
    ) -> RedirectResponse:
        _check_csrf(request, csrf)
        with session() as store, refused(400):
            kept = capture(store, url.strip(), case.strip() or None, allow_private=allow_private)
        return RedirectResponse(f"/ui/evidence/{quote(kept.evidence_id)}", status_code=303)

    @app.get("/ui/evidence/{evidence_id}", response_class=HTMLResponse, include_in_schema=False)
    def capture_page(
        request: Request, evidence_id: str, role: str = Depends(viewer)
    ) -> HTMLResponse:
        matcher = matcher_of("default")
        with session() as store, refused():
            facts = capture_facts(store, evidence_id, matcher)
            record = capture_record(store, evidence_id)
        return _form_page(
            templates,
            request,
            "capture.html",
            {"title": f"Capture {evidence_id}", "c": record, "facts": facts},
        )

    @app.post("/ui/watch", include_in_schema=False)
    def watch_add(
        request: Request,
        url: str = Form(..., max_length=4000),
        terms: str = Form(..., max_length=2000),
        every: str = Form("1d", max_length=10),
        case: str = Form("", max_length=200),
        csrf: str = Form(""),
        role: str = Depends(analyst),
    ) -> RedirectResponse:
        _check_csrf(request, csrf)
        words = [t.strip() for t in terms.replace("，", ",").split(",") if t.strip()]
        with session() as store, refused(400):
            watch_id, _ = add_watch(
                store, url.strip(), words, every.strip(), allow_private, case.strip() or None
            )
        return _told("/ui/evidence", f"watch {watch_id} added: {url.strip()}", "#watches")

    @app.post("/ui/watch/{watch_id}", include_in_schema=False)
    def watch_act(
        request: Request,
        watch_id: int,
        act: str = Form(...),
        csrf: str = Form(""),
        role: str = Depends(analyst),
    ) -> RedirectResponse:
        _check_csrf(request, csrf)
        with session() as store, refused():
            if act == "run":
                events = run_watches(store, only=watch_id)
                said = f"watch {watch_id} ran: {events[0].event}" if events else ""
            elif act in ("pause", "resume"):
                pause_watch(store, watch_id, paused=act == "pause")
                said = f"watch {watch_id} {act}d"
            else:
                raise HTTPException(422, "that action could not be read: reload the page")
        return _told("/ui/evidence", said, "#watches")

    @app.get("/ui/lists", response_class=HTMLResponse, include_in_schema=False)
    def lists_page(request: Request, said: str = "", role: str = Depends(viewer)) -> HTMLResponse:
        with session() as store:
            ensure_lists(store)
            versions = current_versions(store)
            every = all_versions(store)
            impacts = recent_impacts(store, 50)
        return _form_page(
            templates,
            request,
            "lists.html",
            {
                "title": "Lists",
                "versions": versions,
                "ages": dict(version_ages(versions)),
                "every": list(reversed(every)),
                "impacts": impacts,
                "said": said[:300],
                "role": role,
            },
        )

    @app.post("/ui/lists", include_in_schema=False)
    async def list_upload(
        request: Request,
        file: UploadFile,
        source: str = Form("", max_length=100),
        csrf: str = Form(""),
        role: str = Depends(analyst),
    ) -> RedirectResponse:
        _check_csrf(request, csrf)
        name = Path(file.filename or "list").name
        path = await _kept(file, "lists", LIST_SUFFIXES)
        target = await run_in_threadpool(_update_list, path, name, source.strip() or None)
        banner.forget()  # the out-of-date warning is read again
        return RedirectResponse(target, status_code=303)

    @app.get("/ui/lists/{source}/diff", response_class=HTMLResponse, include_in_schema=False)
    def list_diff_page(
        request: Request, source: str, old: str = "", new: str = "", role: str = Depends(viewer)
    ) -> HTMLResponse:
        with session() as store, refused():
            diff = diff_versions(store, source[:100], old[:40] or None, new[:40] or None)
        title = f"{diff.source}: {diff.old.version} → {diff.new.version}"
        return _form_page(templates, request, "list_diff.html", {"title": title, "d": diff})

    @app.get("/ui/cases", response_class=HTMLResponse, include_in_schema=False)
    def cases_page(request: Request, said: str = "", role: str = Depends(viewer)) -> HTMLResponse:
        with session() as store:
            cases = [(case, len(stored_shipments(store, case=case))) for case in case_ids(store)]
        context = {"title": "Cases", "cases": cases, "said": said[:300], "role": role}
        return _form_page(templates, request, "cases.html", context)

    @app.post("/ui/cases", include_in_schema=False)
    async def case_upload(
        request: Request, file: UploadFile, csrf: str = Form(""), role: str = Depends(analyst)
    ) -> RedirectResponse:
        _check_csrf(request, csrf)
        name = Path(file.filename or "case.zip").name
        path = await _kept(file, "cases", (".zip",))
        case_id = await run_in_threadpool(_import_case_zip, path, name)
        return RedirectResponse(f"/ui/shipments?case={quote(case_id)}", status_code=303)

    @app.get("/ui/watch/events/{event_id}", response_class=HTMLResponse, include_in_schema=False)
    def event_page(request: Request, event_id: int, role: str = Depends(viewer)) -> HTMLResponse:
        with session() as store, refused():
            event = event_diff(store, event_id)
        return _form_page(
            templates,
            request,
            "event.html",
            {"title": f"Watch event {event_id}: {event['event']}", "ev": event},
        )


# Refusals a browser gets as a page in words (the API's clients get JSON).
IN_WORDS_STATUSES = (400, 403, 404, 405, 409, 413, 415, 422)
# Starlette's own details, as an analyst reads them.
_IN_WORDS = {
    "Not Found": "There is no such page. Start again from the home page.",
    "Method Not Allowed": "This page cannot be used that way. Start again from the home page.",
}


_ROLES = (
    ("name", "Party name (required)"),
    ("address", "Address (to locate it in Xinjiang or the XPCC)"),
    ("country", "Country"),
    ("registry_id", "Registry ID (USCC, registration or tax number)"),
)
PREVIEW_ROWS = 5


def _header_of(upload: Path, filename: str) -> tuple[list[str], list[list[str]]]:
    """An upload's columns and its first rows (an error page in words when it cannot be
    read: wrong encoding, broken header ...)."""
    try:
        table = open_table(upload)
        preview = [
            [row.values.get(c, "") for c in table.columns]
            for row in itertools.islice(table.rows, PREVIEW_ROWS)
        ]
    except PaxtaError as exc:
        message = str(exc).replace(str(upload), filename)
        raise HTTPException(422, message) from None
    return table.columns, preview


def _decide(
    screening_id: int, row: int, verdict: str, note: str, who: str
) -> tuple[str, dict[str, Any]]:
    """Record (or undo) a decision on a saved row's result; say what was done."""
    with session() as store, refused(422):
        ensure_lists(store)
        found = row_of(store, screening_id, row)
        if verdict == "undo":
            return withdraw_decision(store, found["query"], found["entity_id"], who), found
        confirmed = verdict == "true"
        record_decision(store, found["query"], found["entity_id"], confirmed, note, who)
        return ("confirmed" if confirmed else "dismissed"), found


SEVERE = ("high", "medium")


def chain_graph(content: dict[str, Any]) -> dict[str, Any]:
    """A dossier's parties and goods movements as the shipment page's graph draws them: each
    party with its whole name, tier, country, worst finding and listed entity; each movement
    numbered as in the dossier's chart, with what it carried and the documents it rests on."""
    worst: dict[str, str] = {}
    counts: dict[str, int] = {}
    entity: dict[str, str] = {}
    for f in content["findings"]:
        party = f.get("party") or ""
        counts[party] = counts.get(party, 0) + 1
        if f["severity"] in SEVERE and worst.get(party) != "high":
            worst[party] = f["severity"]
        if f.get("entity_id"):
            entity.setdefault(party, f["entity_id"])
    for c in content.get("to_check", []):
        entity.setdefault(c["party"], c["entity_id"])
    parties = []
    for p in content["parties"]:
        where = ", ".join(x for x in (f"tier {p['tier']}", p.get("country") or "") if x)
        native = f"\n{p['name_native']}" if p.get("name_native") else ""
        parties.append(
            {
                "id": p["id"],
                "name": p["name"],
                "label": f"{p['name']}{native}\n{where}",
                "tier": p["tier"],
                "country": p.get("country") or "",
                "role": p.get("role") or "",
                "severity": worst.get(p["id"], "none"),
                "findings": counts.get(p["id"], 0),
                "entity": entity.get(p["id"], ""),
            }
        )
    known = {p["id"] for p in parties}
    links = []
    for n, link in enumerate(content["chain"], 1):
        if link["kind"] != "movement" or link["from"] not in known or link["to"] not in known:
            continue
        amount = f"{link['quantity']:,g} {link['unit'] or ''}".strip() if link["quantity"] else ""
        goods = ", ".join(x for x in (link.get("product") or "", amount) if x)
        said = f"{goods} ({link['basis']}); documents: {link.get('source') or 'none'}"
        links.append(
            {"n": n, "from": link["from"], "to": link["to"], "basis": link["basis"], "said": said}
        )
    top = max((p["tier"] for p in parties), default=0)
    return {"parties": parties, "links": links, "top": top}


LIST_SUFFIXES = (".html", ".htm", ".csv", ".tsv", ".xlsx", ".json", ".jsonl", ".zip")
MAX_FILE = 200 * 1024 * 1024  # bytes of a list or case upload


async def _kept(file: UploadFile, kind: str, suffixes: tuple[str, ...]) -> Path:
    """An upload written under paxta's home (its own folder; only the file's name kept),
    refused in words when of another kind or too large."""
    name = Path(file.filename or "upload").name
    if Path(name).suffix.lower() not in suffixes:
        raise HTTPException(415, f"{name}: upload a {', '.join(suffixes)} file")
    folder = inside_home("uploads", kind, secrets.token_hex(8))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    if not await stream_upload(file, path, MAX_FILE):
        shutil.rmtree(folder, ignore_errors=True)
        raise HTTPException(413, f"{name}: uploads are limited to {MAX_FILE:,} bytes")
    return path


async def stream_upload(file: UploadFile, target: Path, limit: int) -> bool:
    """Write an upload to ``target`` as it streams in; False (and nothing kept) when it is
    larger than ``limit`` bytes."""
    size = 0
    with target.open("wb") as out:
        while chunk := await file.read(1 << 20):
            size += len(chunk)
            if size > limit:
                out.close()
                target.unlink(missing_ok=True)
                return False
            out.write(chunk)
    return True


def _unpacked(path: Path, name: str) -> Path:
    """A zip upload unpacked beside itself (the folder inside it), or the file itself."""
    if path.suffix.lower() != ".zip":
        return path
    with refused(400):
        return unpack_zip(path, path.parent / "unpacked", name)


def _update_list(path: Path, name: str, source: str | None) -> str:
    """Import a newer list file, keep its impact; the page that says what changed."""
    given = _unpacked(path, name)
    with session() as store, refused(400):
        ensure_lists(store)
        try:
            result = import_list(store, given, source=source)
        except PaxtaError as exc:
            raise PaxtaError(str(exc).replace(str(path.parent), "the upload")) from None
        version = result.version
        if result.already_imported:
            said = (
                f"{name}: already imported as {version.source} {version.version}; nothing changed"
            )
            return f"/ui/lists?said={quote(said)}"
        earlier = [
            v for v in all_versions(store, version.source) if v.version_id != version.version_id
        ]
        after_update(store, earlier[-1] if earlier else None, version)
    if not earlier:
        said = f"{name}: imported {version.source} {version.version} ({version.entity_count:,})"
        return f"/ui/lists?said={quote(said)}"
    return (
        f"/ui/lists/{quote(version.source)}/diff?old=%23{earlier[-1].version_id}"
        f"&new=%23{version.version_id}"
    )


def _import_case_zip(path: Path, name: str) -> str:
    """Import a case folder uploaded as a zip; its case id."""
    folder = _unpacked(path, name)
    if folder == path.parent / "unpacked":  # files at the top: the case is named by the zip
        folder = folder.rename(path.parent / slug(Path(name).stem))
    with session() as store, refused(400):
        try:
            case = read_case(folder)
        except PaxtaError as exc:
            raise PaxtaError(str(exc).replace(str(folder.parent) + "/", "")) from None
        import_case(store, case)
    return case.case_id


def _told(path: str, said: str, anchor: str = "") -> RedirectResponse:
    return RedirectResponse(f"{path}?said={quote(said[:300])}{anchor}", status_code=303)


def view_params(
    decision: str = "",
    state: str = "",
    list: str = "",
    region: str = "",
    min_score: str = "",
    q: str = "",
    sort: str = "row",
    page: int = 1,
) -> View:
    """The results page's filters, sort and page, as its query string gives them."""
    return View(decision, state, list[:100], region, _score(min_score), q, sort, page)


def _score(text: str) -> float:
    """A minimum score as typed in the filter form (empty or not a number: none)."""
    try:
        return float(text) if text.strip() else 0.0
    except ValueError:
        raise HTTPException(422, f"score {text[:20]!r}: use a number from 0 to 1") from None


def _query(values: dict[str, Any]) -> str:
    """A page's query string with only the values given (the empty ones left out)."""
    return urlencode({k: v for k, v in values.items() if v not in ("", None, 1, "row")})


def _is_page(path: str) -> bool:
    return path == "/" or path.startswith("/ui/")


@contextmanager
def refused(status: int = 404) -> Iterator[None]:
    """A PaxtaError (something not there: 404; input the library refuses: 400) becomes that
    HTTP status with the library's sentence."""
    try:
        yield
    except PaxtaError as exc:
        raise HTTPException(status, str(exc)) from None


def _marked(snippet: str, query: str) -> list[tuple[str, bool]]:
    """A snippet cut into (text, is_match) parts, for a template to escape and mark."""
    parts: list[tuple[str, bool]] = []
    lowered, needle, at = snippet.lower(), query.lower(), 0
    while needle:
        found = lowered.find(needle, at)
        if found < 0:
            break
        parts += [(snippet[at:found], False), (snippet[found : found + len(needle)], True)]
        at = found + len(needle)
    parts.append((snippet[at:], False))
    return [p for p in parts if p[0]]


def _form_page(
    templates: Jinja2Templates, request: Request, name: str, context: dict[str, Any]
) -> HTMLResponse:
    """A page whose forms carry a fresh CSRF token, set in the cookie they are checked against."""
    token = secrets.token_urlsafe(24)
    page = templates.TemplateResponse(request, name, {**context, "csrf": token})
    page.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict")
    return page


def _local(target: str) -> str:
    """Only a path on this site (never another site) as the place to go after signing in."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _check_csrf(request: Request, token: str) -> None:
    cookie = request.cookies.get(CSRF_COOKIE, "")
    if not cookie or not secrets.compare_digest(cookie, token):
        raise HTTPException(403, "the form expired or came from another site: reload it")


HOME_SHIPMENTS = 50  # the newest shipments the home page checks for high findings


class ShipmentVerdicts:
    """The shipments with high findings, for the home page: traced and checked again only
    when the cases or the lists changed since (a cheap look at both on each call)."""

    def __init__(self) -> None:
        self._seen: tuple[Any, ...] = ()
        self._flagged: list[dict[str, Any]] = []
        self._lock = threading.Lock()

    def __call__(
        self, store: Backend, shipments: list[dict[str, Any]], matcher: Any
    ) -> list[dict[str, Any]]:
        state = (
            tuple(store.sql("SELECT count(*), max(date) FROM case_movements")[0]),
            tuple(store.sql("SELECT count(*) FROM case_documents")[0]),
            tuple(sorted((v.source, v.version_id) for v in current_versions(store))),
            tuple((s["case"], s["shipment"]) for s in shipments),
        )
        with self._lock:
            if state != self._seen:
                self._flagged = [
                    {**s, "high": high}
                    for s in shipments
                    if (high := _high_findings(store, s, matcher))
                ]
                self._seen = state
            return self._flagged


def _high_findings(store: Backend, shipment: dict[str, Any], matcher: Any) -> int:
    chain = trace(store, shipment["case"], shipment["shipment"])
    return sum(f.severity == HIGH for f in run_checks(store, chain, matcher))


class ListBanner:
    """The out-of-date warning every page shows (``$PAXTA_MAX_LIST_AGE``), read from the store
    at most once a minute."""

    def __init__(self, every: float = 60.0) -> None:
        self._text = ""
        self._at = -every
        self._every = every

    def forget(self) -> None:
        """Read the lists again on the next page (they were just updated)."""
        self._at = -self._every

    def __call__(self) -> str:
        now = time.monotonic()
        if now - self._at >= self._every:
            try:
                with session() as store:
                    self._text = staleness_warning(current_versions(store))
            except PaxtaError:
                pass  # a store another process holds: keep the last warning
            self._at = now
        return self._text
