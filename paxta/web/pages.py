"""Server-rendered pages: HTML from Jinja2 templates (autoescaped), CSS served by paxta.

Forms carry a CSRF token that must equal the one in a SameSite=Strict cookie (double submit),
so another site cannot post to paxta in the analyst's name. Pages call the same library and
job runner as the API; they hold nothing of their own.
"""

from __future__ import annotations

import csv
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Depends, FastAPI, Form, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from paxta.errors import PaxtaError
from paxta.lists.repository import current_versions
from paxta.lists.shipped import ensure_lists
from paxta.screen.batch import find_name_column
from paxta.screen.review import record_decision
from paxta.store import session
from paxta.web.jobs import Jobs

HERE = Path(__file__).parent
CSRF_COOKIE = "paxta_csrf"


def add_pages(
    app: FastAPI,
    jobs: Jobs,
    matcher_of: Callable[[str], Any],
    viewer: Callable[..., str],
    analyst: Callable[..., str],
    save_upload: Callable[..., Any],
) -> None:
    """Mount the pages and the stylesheet on ``app``."""
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home(request: Request, role: str = Depends(viewer)) -> HTMLResponse:
        with session() as store:
            ensure_lists(store)
            versions = current_versions(store)
        return templates.TemplateResponse(
            request, "home.html", {"title": "Screening", "versions": versions}
        )

    @app.get("/ui/screen", response_class=HTMLResponse, include_in_schema=False)
    def screen_form(request: Request, role: str = Depends(analyst)) -> HTMLResponse:
        token = secrets.token_urlsafe(24)
        page = templates.TemplateResponse(
            request, "screen.html", {"title": "Screen a supplier file", "csrf": token}
        )
        page.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict")
        return page

    @app.post("/ui/screen", include_in_schema=False)
    async def screen_submit(
        request: Request,
        file: UploadFile,
        csrf: str = Form(""),
        name_column: str = Form(""),
        role: str = Depends(analyst),
    ) -> RedirectResponse:
        _check_csrf(request, csrf)
        job = await save_upload(file)
        jobs.start(job[0], job[1], matcher_of("default"), name_column.strip())
        return RedirectResponse(f"/ui/jobs/{job[0].job_id}", status_code=303)

    @app.get("/ui/jobs/{job_id}", response_class=HTMLResponse, include_in_schema=False)
    def job_page(
        request: Request, job_id: str, decided: str = "", role: str = Depends(viewer)
    ) -> HTMLResponse:
        job = jobs.get(job_id)
        if job is None:
            raise HTTPException(404, f"no screening job {job_id!r}")
        rows: list[dict[str, str]] = []
        name_column = ""
        if job.state == "done":
            with jobs.results(job).open(encoding="utf-8") as f:
                reader = csv.DictReader(f)
                rows = list(reader)
                name_column = find_name_column(list(reader.fieldnames or [])) or ""
        token = secrets.token_urlsafe(24)
        page = templates.TemplateResponse(
            request,
            "job.html",
            {
                "title": "Screening results",
                "job": job.as_json(),
                "rows": rows,
                "name_column": name_column,
                "csrf": token,
                "decided": decided[:300],
            },
        )
        page.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict")
        return page

    @app.post("/ui/decisions", include_in_schema=False)
    def decide(
        request: Request,
        csrf: str = Form(""),
        job: str = Form(""),
        query: str = Form(..., max_length=1000),
        entity_id: str = Form(..., max_length=300),
        verdict: str = Form(...),
        role: str = Depends(analyst),
    ) -> RedirectResponse:
        _check_csrf(request, csrf)
        confirmed = verdict == "true"
        with session() as store:
            ensure_lists(store)
            try:
                record_decision(store, query, entity_id, confirmed, "", "web")
            except PaxtaError as exc:
                raise HTTPException(422, str(exc)) from None
        said = "confirmed" if confirmed else "dismissed"
        target = f"/ui/jobs/{quote(job)}?decided={quote(f'{query} vs {entity_id}: {said}')}"
        return RedirectResponse(target, status_code=303)


def _check_csrf(request: Request, token: str) -> None:
    cookie = request.cookies.get(CSRF_COOKIE, "")
    if not cookie or not secrets.compare_digest(cookie, token):
        raise HTTPException(403, "the form expired or came from another site: reload it")
