"""The API's own description: a sentence for every operation, the bearer scheme declared, and
``/docs`` (Swagger UI) served by paxta itself, from the files the ``fastapi-offline`` package
ships (MIT; Swagger UI is Apache-2.0), so the page works without a network and under paxta's
content security policy (no inline script: the page's one script is a static file)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

HERE = Path(__file__).parent

# What each operation does, as a user of the API reads it (also in docs/api.md).
DESCRIPTIONS: dict[tuple[str, str], str] = {
    ("get", "/healthz"): "Whether the server answers (no token needed).",
    ("get", "/lists"): "The official lists loaded: source, version, publication date, entities.",
    ("post", "/match/{dataset}"): (
        "Screen up to 200 names (yente's request shape) against the lists of a dataset "
        "(`default` for all); each answer with its decision, score and explanation."
    ),
    ("post", "/screenings"): (
        "Upload a supplier file (CSV, XLSX, JSON lines) to screen in the background; answers "
        "with the job id to poll."
    ),
    ("get", "/screenings/{job_id}"): "A screening job's state, progress and counts.",
    ("get", "/screenings/{job_id}/results"): (
        "A finished screening's every row (CSV, or XLSX with ?format=xlsx) with the analysts' "
        "standing decisions, who made them and when."
    ),
    ("get", "/screenings/{job_id}/rows"): (
        "A page of a finished screening's rows, filtered (result, analyst state, list, region, "
        "score, name) and sorted, with counts per result and per analyst state."
    ),
    ("post", "/decisions/withdraw"): (
        "Undo the standing decision on a name against a listed entity (kept on record as "
        "withdrawn); the result is open again everywhere."
    ),
    ("post", "/decisions"): (
        "Record an analyst's decision on a result (the name and the listed entity are or are "
        "not the same); later screens show it."
    ),
    ("get", "/trace/{shipment}"): (
        "Trace a shipment back through its tiers: links (observed or inferred), tiers and findings."
    ),
    ("get", "/dossier/{shipment}/pdf"): "The shipment's dossier as a PDF.",
    ("get", "/dossier/{shipment}/html"): "The shipment's dossier as one HTML page.",
    ("get", "/dossier/{shipment}"): "The shipment's dossier as JSON (what the PDF and HTML show).",
    ("get", "/evidence/search"): "Search the text of captured pages.",
    ("post", "/evidence/captures"): (
        "Capture a web page as evidence (WARC, screenshot, text, hashes, timestamp)."
    ),
    ("get", "/evidence"): "The captured pages, newest first.",
    ("get", "/evidence/{evidence_id}"): "One capture: its manifest and whether its files verify.",
    ("get", "/evidence/{evidence_id}/files/{name}"): "One file of a capture, as captured.",
    ("get", "/watch"): "The pages watched for changes and removals.",
    ("get", "/watch/events"): "What the watches found, newest first.",
    ("get", "/watch/events/{event_id}"): "One watch event, with the change it records.",
    ("get", "/entities"): "Search the listed entities by name.",
    ("get", "/entities/{entity_id}"): "One listed entity with its names, identifiers and lists.",
    ("get", "/shipments"): "The shipments of the imported cases.",
    ("get", "/trade/exposure"): (
        "Paths in the imported trade records from Xinjiang or listed parties to importers."
    ),
    ("get", "/trade/organisations/{org_id}"): (
        "One organisation of the trade records, with the parties resolved to it."
    ),
    ("post", "/trade/paths/{path_id}/dossier"): (
        "Turn a trade-record path into a case and build its dossier."
    ),
    ("post", "/locate"): (
        "Whether addresses or registry codes are in Xinjiang or the XPCC, with the evidence."
    ),
}
OPEN = {("get", "/healthz")}  # answered without a token


def describe(app: FastAPI) -> None:
    """Give ``app`` its described OpenAPI document and the ``/docs`` page."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            schema.setdefault("components", {})["securitySchemes"] = {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A token from `paxta serve --token` (or $PAXTA_TOKENS); "
                    "not needed on 127.0.0.1 when the server was started without one.",
                }
            }
            for path, operations in schema.get("paths", {}).items():
                for method, operation in operations.items():
                    said = DESCRIPTIONS.get((method, _plain(path)))
                    if said:
                        operation["description"] = said
                    if (method, _plain(path)) not in OPEN:
                        # the bearer token; none on a loopback server started without tokens
                        operation["security"] = [{"bearer": []}, {}]
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    bundle = _swagger_files()
    if bundle is None:
        return
    app.mount("/static/swagger", StaticFiles(directory=str(bundle)), name="swagger")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(
            (HERE / "templates" / "docs.html").read_text(encoding="utf-8"),
            headers={"Content-Security-Policy": DOCS_CSP},
        )


# Swagger UI sets inline styles from its script; nothing else is loosened.
DOCS_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)


def _plain(path: str) -> str:
    """``/trace/{shipment}`` for ``/trace/{shipment:path}`` (as the schema writes it)."""
    return path.replace(":path}", "}")


def _swagger_files() -> Path | None:
    """Where ``fastapi-offline`` keeps Swagger UI's files (None when it is not installed)."""
    try:
        import fastapi_offline
    except ImportError:
        return None
    folder = Path(fastapi_offline.__file__).parent / "static"
    return folder if (folder / "swagger-ui-bundle.js").is_file() else None
