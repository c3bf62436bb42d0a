"""schemathesis against paxta's published OpenAPI spec: no request the spec allows makes the
server fail, and every answer matches what the spec says of it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import Case
from schemathesis.specs.openapi.checks import positive_data_acceptance

from paxta.web.app import create_app

# (built at import, before any fixture: the test client's name is given here)
schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(hosts=("testserver",)))


@pytest.fixture(autouse=True)
def _own_home(home: Path) -> None:
    """Every example runs in the test's own paxta home (the app opens the store per request)."""


# Capturing is left out: a generated URL would reach the internet (the API refuses private
# addresses, so no local server can stand in); tests/web/test_api.py covers that endpoint.
@schema.exclude(path="/evidence/captures").parametrize()
@settings(
    max_examples=int(os.environ.get("PAXTA_FUZZ_EXAMPLES", "25")),
    derandomize=True,  # seeded: the same examples on every run (make fuzz runs many more)
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_keeps_its_spec(case: Case) -> None:
    excluded = []
    if case.operation.path == "/screenings":
        # The spec cannot say which file names paxta reads (.csv, .xlsx, .jsonl, .tsv); any
        # other kind is refused with 415, as documented, and tested in test_api.py.
        excluded.append(positive_data_acceptance)
    case.call_and_validate(excluded_checks=excluded)
