"""``paxta serve``: the HTTP API on 127.0.0.1 (tokens required anywhere else)."""

from __future__ import annotations

import ipaddress
import os

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
def serve(host: str, port: int, tokens: str | None, workers: int) -> None:
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
