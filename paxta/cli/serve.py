"""``paxta serve``: the HTTP API on 127.0.0.1 (tokens required anywhere else)."""

from __future__ import annotations

import ipaddress
import logging
import os
import sys
import threading
import time

import click

from paxta.errors import PaxtaError


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True)
@click.option(
    "--tokens",
    envvar="PAXTA_TOKENS",
    help="analyst:TOKEN,viewer:TOKEN (default $PAXTA_TOKENS); required beyond loopback.",
)
@click.option("--workers", default=1, show_default=True, help="Worker processes (one per core).")
@click.option(
    "--fetch-every",
    type=click.FloatRange(min=0),
    default=0,
    envvar="PAXTA_FETCH_EVERY",
    help="Fetch the lists from their publishers every so many hours, with their impact "
    "(0: never; $PAXTA_FETCH_EVERY).",
)
def serve(host: str, port: int, tokens: str | None, workers: int, fetch_every: float) -> None:
    """Serve the web app and the HTTP API (OpenAPI spec at /openapi.json)."""
    import uvicorn

    from paxta.web.app import Tokens, create_app

    try:
        auth = Tokens.parse(tokens)
    except ValueError as exc:
        raise PaxtaError(f"--tokens: {exc}.") from None
    if not _loopback(host) and not auth.roles:
        raise PaxtaError(
            f"{host} is reachable beyond this machine: give tokens with --tokens or $PAXTA_TOKENS."
        )
    # Matching runs in a thread and holds the interpreter; a shorter switch interval than
    # Python's 5 ms lets the event loop answer (and /healthz) between its steps.
    sys.setswitchinterval(0.001)
    if fetch_every:
        threading.Thread(
            target=fetch_periodically, args=(fetch_every * 3600,), daemon=True, name="list-fetch"
        ).start()
    if workers > 1:  # each worker builds the app from the environment
        os.environ["PAXTA_TOKENS"] = tokens or ""
        uvicorn.run(
            "paxta.web.app:app_from_env",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level="warning",
        )
        return
    uvicorn.run(create_app(auth), host=host, port=port, log_level="warning")


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def fetch_periodically(seconds: float, rounds: int | None = None) -> None:
    """Fetch the lists (with their impact, and the webhook of ``$PAXTA_WEBHOOK_URL``) now and
    then every ``seconds``; each round is logged, and a failed round does not stop the next."""
    from paxta.lists.fetch import IMPORTED, fetch_lists
    from paxta.lists.impact import after_update
    from paxta.store import session

    log = logging.getLogger("paxta.fetch")
    done = 0
    while rounds is None or done < rounds:
        try:
            with session() as store:
                for r in fetch_lists(store):
                    log.warning("list fetch: %s: %s", r.source, r.message)
                    if r.outcome != IMPORTED or r.version is None:
                        continue
                    hook = os.environ.get("PAXTA_WEBHOOK_URL")
                    lines, hook_error = after_update(store, r.previous, r.version, hook)
                    log.warning("list fetch: %s: %d impact lines", r.source, len(lines))
                    if hook_error:
                        log.warning("list fetch: %s", hook_error)
        except PaxtaError as exc:
            log.warning("list fetch: %s", exc)
        done += 1
        if rounds is None or done < rounds:
            time.sleep(seconds)
