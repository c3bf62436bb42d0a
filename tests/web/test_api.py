"""The HTTP API: yente's match shape, datasets, tokens and roles, locate, the OpenAPI spec."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from paxta.cli import cli
from paxta.web.app import Tokens, create_app


@pytest.fixture
def client(home: Path) -> TestClient:
    return TestClient(create_app())


def _query(*names: str, **props: list[str]) -> dict[str, object]:
    return {"queries": {"q1": {"schema": "Company", "properties": {"name": list(names), **props}}}}


def test_match_answers_in_yentes_shape(client: TestClient) -> None:
    reply = client.post("/match/default", json=_query("新疆中泰化学股份有限公司"))
    assert reply.status_code == 200
    response = reply.json()["responses"]["q1"]
    top = response["results"][0]
    assert {"id", "caption", "schema", "properties", "datasets", "score", "match"} <= set(top)
    assert top["match"] is True and top["caption"] == "Xinjiang Zhongtai Chemical Co. Ltd."
    assert "中泰 = Zhongtai" in top["explanation"]
    assert response["total"]["value"] == len(response["results"])


def test_sister_subsidiary_is_no_match_and_datasets_narrow(client: TestClient) -> None:
    sister = client.post("/match/default", json=_query("合盛硅业(泸州)有限公司")).json()
    assert all(r["match"] is False for r in sister["responses"]["q1"]["results"])
    only_uflpa = client.post("/match/uflpa", json=_query("Xinjiang Zhongtai Chemical")).json()
    assert {d for r in only_uflpa["responses"]["q1"]["results"] for d in r["datasets"]} == {"uflpa"}
    assert client.post("/match/nope", json=_query("x")).status_code == 404


def test_tokens_and_roles(home: Path) -> None:
    client = TestClient(create_app(Tokens.parse("analyst:a-secret,viewer:v-secret")))
    assert client.post("/match/default", json=_query("Hoshine")).status_code == 401
    bad = client.post("/match/default", json=_query("x"), headers={"Authorization": "Bearer no"})
    assert bad.status_code == 401
    ok = client.get("/lists", headers={"Authorization": "Bearer v-secret"})
    assert ok.status_code == 200 and {v["source"] for v in ok.json()} >= {"uflpa", "ofac-sdn"}
    assert client.get("/healthz").status_code == 200


def test_locate_and_openapi(client: TestClient) -> None:
    located = client.post("/locate", json={"address": "新疆阿克苏地区阿克苏市"}).json()
    assert located["xinjiang"] is True
    spec = client.get("/openapi.json").json()
    assert {"/match/{dataset}", "/locate", "/lists"} <= set(spec["paths"])


def test_serve_refuses_open_ports_without_tokens(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["serve", "--host", "0.0.0.0"])
    assert result.exit_code == 1 and "tokens" in result.output
    bad = runner.invoke(cli, ["serve", "--tokens", "admin:x"])
    assert bad.exit_code == 1 and "analyst:TOKEN" in bad.output
