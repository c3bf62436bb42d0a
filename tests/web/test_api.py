"""The HTTP API: yente's match shape, datasets, tokens and roles, locate, the OpenAPI spec."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
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
    client = TestClient(
        create_app(Tokens.parse("analyst:a-secret-long-enough,viewer:v-secret-long-enough"))
    )
    assert client.post("/match/default", json=_query("Hoshine")).status_code == 401
    bad = client.post("/match/default", json=_query("x"), headers={"Authorization": "Bearer no"})
    assert bad.status_code == 401
    ok = client.get("/lists", headers={"Authorization": "Bearer v-secret-long-enough"})
    assert ok.status_code == 200 and {v["source"] for v in ok.json()} >= {"uflpa", "ofac-sdn"}
    assert client.get("/healthz").status_code == 200


def test_another_sites_name_or_form_is_refused(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PAXTA_ALLOWED_HOSTS")
    local = TestClient(create_app(), base_url="http://127.0.0.1:8000")
    assert local.get("/healthz").status_code == 200
    rebound = TestClient(create_app(), base_url="http://attacker.example")  # DNS rebinding
    refused = rebound.get("/lists")
    assert refused.status_code == 403 and "not this machine" in refused.json()["detail"]
    posted = local.post(
        "/locate", json={"address": "Urumqi"}, headers={"Origin": "http://attacker.example"}
    )
    assert posted.status_code == 403 and "another site" in posted.json()["detail"]
    same = local.post(
        "/locate", json={"address": "Urumqi"}, headers={"Origin": "http://127.0.0.1:8000"}
    )
    assert same.status_code == 200
    exposed = TestClient(
        create_app(Tokens.parse("viewer:v-secret-long-enough")), base_url="http://paxta.example"
    )
    headers = {"Authorization": "Bearer v-secret-long-enough"}
    assert exposed.get("/lists", headers=headers).status_code == 200  # a token decides there


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


def _wait(client: TestClient, job: str, headers: dict[str, str] | None = None) -> dict[str, object]:
    for _ in range(300):
        state: dict[str, object] = client.get(f"/screenings/{job}", headers=headers).json()
        if state["state"] in ("done", "failed"):
            return state
        time.sleep(0.1)
    raise AssertionError("the job did not finish")


def test_screening_job_upload_progress_results(home: Path) -> None:
    client = TestClient(
        create_app(Tokens.parse("analyst:analyst-token-0001,viewer:viewer-token-00001"))
    )
    analyst, viewer = (
        {"Authorization": "Bearer analyst-token-0001"},
        {"Authorization": "Bearer viewer-token-00001"},
    )
    upload = (
        "suppliers.csv",
        "supplier\n新疆中泰化学股份有限公司\nGuangdong Baiyi Textile\n",
        "text/csv",
    )
    refused = client.post("/screenings", files={"file": upload}, headers=viewer)
    assert refused.status_code == 403  # viewers read; analysts screen
    started = client.post("/screenings", files={"file": upload}, headers=analyst)
    assert started.status_code == 202, started.text
    state = _wait(client, started.json()["job"], viewer)
    assert state["state"] == "done" and state["rows"] == 2
    assert state["decisions"] == {"match": 1, "clear": 1}
    results = client.get(f"/screenings/{started.json()['job']}/results", headers=viewer)
    rows = list(csv.DictReader(io.StringIO(results.text)))
    assert [r["paxta_decision"] for r in rows] == ["match", "clear"]
    assert client.get("/screenings/nope", headers=viewer).status_code == 404


def test_an_upload_screened_with_workers_leaves_the_index_set_aside(home: Path) -> None:
    """The server sets its index aside from Python's collector (its full passes paused every
    request); a job large enough to be screened by forked workers must not give it back."""
    import gc

    from paxta.screen.matcher import PARALLEL_ROWS

    client = TestClient(create_app())
    kept = ["made before the index was built"]  # (what is set aside is not listed)
    assert client.post("/match/default", json=_query("Hoshine")).status_code == 200
    assert all(o is not kept for o in gc.get_objects())
    names = "".join(f"Guangdong Trading Company {n}\n" for n in range(PARALLEL_ROWS))
    started = client.post("/screenings", files={"file": ("big.csv", "supplier\n" + names)})
    state = _wait(client, started.json()["job"])
    assert state["state"] == "done" and state["rows"] == PARALLEL_ROWS
    assert all(o is not kept for o in gc.get_objects())


def test_upload_limits_and_kinds(home: Path) -> None:
    client = TestClient(create_app(max_upload=1000))
    big = client.post("/screenings", files={"file": ("big.csv", "name\n" + "x" * 5000, "text/csv")})
    assert big.status_code == 413
    assert not list((home / "uploads").glob("*.csv"))
    exe = client.post(
        "/screenings", files={"file": ("tool.exe", b"MZ", "application/octet-stream")}
    )
    assert exe.status_code == 415


def test_decisions_are_recorded_and_applied(client: TestClient) -> None:
    body = {
        "query": "合盛硅业(泸州)有限公司",
        "entity_id": "uflpa-hoshine-silicon-industry-shanshan",
        "verdict": False,
        "note": "Luzhou plant",
    }
    assert client.post("/decisions", json=body).json()["recorded"] is True
    reply = client.post("/match/uflpa", json=_query("合盛硅业(泸州)有限公司")).json()
    decided = [r for r in reply["responses"]["q1"]["results"] if r["id"] == body["entity_id"]]
    assert decided == [] or decided[0]["decision"] == "clear"
    missing = client.post("/decisions", json={**body, "entity_id": "no-such"})
    assert missing.status_code == 404


def test_trace_dossier_and_evidence_endpoints(client: TestClient, runner: CliRunner) -> None:
    cases = Path(__file__).resolve().parents[2] / "examples" / "cases"
    assert runner.invoke(cli, ["case", "import", str(cases / "pvc-flooring")]).exit_code == 0
    traced = client.get("/trace/SHP-P1").json()
    assert {f["code"] for f in traced["findings"]} >= {"listed_entity", "xinjiang_origin"}
    dossier = client.get("/dossier/SHP-P1").json()
    assert dossier["summary"]["verdict"].startswith("do not release")
    assert client.get("/trace/NOPE").status_code == 404
    assert client.get("/evidence/search", params={"q": "少数民族"}).json() == []
    private = client.post("/evidence/captures", json={"url": "http://127.0.0.1:9/"})
    assert private.status_code == 400 and "private" in private.json()["detail"]


def test_jobs_are_seen_by_every_worker(home: Path) -> None:
    """Two apps on one home stand for two server workers: either answers for a job."""
    one, other = TestClient(create_app()), TestClient(create_app())
    job = one.post("/screenings", files={"file": ("s.csv", "name\n新疆中泰化学股份有限公司\n")})
    state = _wait(other, job.json()["job"])
    assert state["state"] == "done" and state["rows"] == 1
    assert "Xinjiang Zhongtai" in other.get(f"/screenings/{state['job']}/results").text
    assert other.get("/screenings/..%2F..%2Fpaxta").status_code == 404


@contextmanager
def _held_by_another_process() -> Iterator[None]:
    """The store opened by a second process (as another server worker or a CLI run would)."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, paxta.store as s; st = s.open_store(); "
            "print('held', flush=True); sys.stdin.read()",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        yield
    finally:
        holder.communicate("")


def test_a_store_held_by_another_process_is_a_clear_503(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from paxta.store import open_store

    open_store().close()  # create it
    with _held_by_another_process():
        monkeypatch.setenv("PAXTA_LOCK_WAIT", "0.3")
        reply = TestClient(create_app()).get("/lists")
        assert reply.status_code == 503
        assert "in use by another paxta process" in reply.json()["detail"]
    assert TestClient(create_app()).get("/lists").status_code == 200  # free again


def test_match_keeps_answering_while_another_process_holds_the_store(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import paxta.web.app as web
    from paxta.store import open_store

    waits: list[float | None] = []

    def spy(path: object = None, lock_wait: float | None = None) -> object:
        waits.append(lock_wait)
        return open_store(lock_wait=lock_wait)

    monkeypatch.setattr(web, "open_store", spy)
    matchers = web.Matchers(recheck_seconds=0.0)
    matchers.get("default")  # the lists are loaded (and may be waited for) once
    with _held_by_another_process():
        found = matchers.get("default").match("新疆中泰化学股份有限公司")
        assert found and found[0].decision == "match"  # answered with the lists it had
        assert waits[0] is None and waits[-1] == 0  # and never waited for the other process


def test_a_lone_surrogate_in_a_name_is_answered(client: TestClient) -> None:
    body = b'{"queries": {"q": {"schema": "Company", "properties": {"name": ["\\ud800Zhongtai"]}}}}'
    r = client.post("/match/default", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 200
    assert r.json()["responses"]["q"]["query"]["properties"]["name"] == ["\ufffdZhongtai"]


def test_shipment_ids_with_a_slash(client: TestClient, runner: CliRunner, tmp_path: Path) -> None:
    import shutil

    case = tmp_path / "slash"
    shutil.copytree(
        Path(__file__).resolve().parents[2] / "examples" / "cases" / "cotton-tshirt", case
    )
    for name in ("movements.csv", "documents.csv"):
        path = case / name
        path.write_text(path.read_text(encoding="utf-8").replace("SHP-1", "MAEU/SHP-1"), "utf-8")
    assert runner.invoke(cli, ["case", "import", str(case)]).exit_code == 0
    traced = client.get("/trace/MAEU/SHP-1")
    assert traced.status_code == 200 and traced.json()["shipment"] == "MAEU/SHP-1"
    assert client.get("/dossier/MAEU/SHP-1").json()["shipment"] == "MAEU/SHP-1"
    assert client.get("/dossier/MAEU%2FSHP-1/html").status_code == 200
    assert client.get("/ui/shipments/MAEU/SHP-1").status_code == 200


def test_weak_tokens_are_refused_and_failed_sign_ins_wait_longer() -> None:
    from paxta.web.app import SignInThrottle

    with pytest.raises(ValueError, match="at least 16"):
        Tokens.parse("analyst:x")
    throttle = SignInThrottle()
    waits = [throttle.failed("10.0.0.9") for _ in range(8)]
    assert waits == sorted(waits) and waits[0] == 0.25 and waits[-1] == 10.0
    assert throttle.failed("10.0.0.10") == 0.25  # another client starts afresh
    throttle.succeeded("10.0.0.9")
    assert throttle.failed("10.0.0.9") == 0.25


def test_match_bounds_its_queries_and_its_limit(client: TestClient) -> None:
    many = {
        "queries": {
            str(i): {"schema": "Company", "properties": {"name": ["x"]}} for i in range(101)
        }
    }
    too_many = client.post("/match/default", json=many)
    assert too_many.status_code == 413 and "at most 100" in too_many.text
    huge = client.post("/match/default", params={"limit": 2**64}, json=_query("Camel Group"))
    assert huge.status_code == 422
    batch = {
        "queries": {
            str(i): {"schema": "Company", "properties": {"name": ["Camel Group"]}}
            for i in range(100)
        }
    }
    answered = client.post("/match/default", json=batch)
    assert answered.status_code == 200 and len(answered.json()["responses"]) == 100


def test_every_response_carries_the_security_headers(client: TestClient) -> None:
    for path in ("/healthz", "/ui/login", "/static/paxta.css", "/no-such-page", "/lists"):
        response = client.get(path)
        assert response.headers["X-Content-Type-Options"] == "nosniff", path
        assert response.headers["X-Frame-Options"] == "DENY", path
        policy = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy, path
    refused = client.get("/healthz", headers={"Host": "attacker.example"})
    assert refused.status_code == 403 and refused.headers["X-Frame-Options"] == "DENY"


def test_the_spec_describes_every_operation_and_its_bearer_scheme(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            assert operation.get("description"), (method, path)
            if path != "/healthz":
                assert operation["security"] == [{"bearer": []}, {}], (method, path)


def test_results_as_a_workbook_with_scores_as_numbers_and_no_formulas(client: TestClient) -> None:
    from openpyxl import load_workbook

    upload = ("s.csv", 'name\n新疆中泰化学股份有限公司\n=HYPERLINK("http://x")\n', "text/csv")
    job = client.post("/screenings", files={"file": upload}).json()["job"]
    assert _wait(client, job)["state"] == "done"
    got = client.get(f"/screenings/{job}/results", params={"format": "xlsx"})
    assert got.status_code == 200 and got.headers["content-type"].startswith(
        "application/vnd.openxmlformats"
    )
    sheet = load_workbook(io.BytesIO(got.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header = rows[0]
    first = dict(zip(header, rows[1], strict=True))
    assert first["paxta_decision"] == "match" and isinstance(first["paxta_score"], int | float)
    assert dict(zip(header, rows[2], strict=True))["name"].startswith("'=")  # text, not a formula
    assert client.get(f"/screenings/{job}/results", params={"format": "pdf"}).status_code == 422


def test_a_decision_reaches_every_worker_without_a_restart(home: Path) -> None:
    # Two apps over one home stand for two server workers; each has built its matcher already.
    one = TestClient(create_app(), base_url="http://127.0.0.1")
    two = TestClient(create_app(), base_url="http://127.0.0.1")
    name = "Xinjiang Zhongtai Chemical Co. Ltd."

    def results(client: TestClient) -> list[dict[str, object]]:
        reply = client.post("/match/default", json=_query(name)).json()
        found: list[dict[str, object]] = reply["responses"]["q1"]["results"]
        return found

    def said_of(client: TestClient, entity_id: object) -> str:
        return next(str(r["explanation"]) for r in results(client) if r["id"] == entity_id)

    before = results(one)[0]
    assert results(two)[0]["id"] == before["id"] and before["decision"] == "match"
    body = {"query": name, "entity_id": before["id"], "verdict": False, "note": "test"}
    assert one.post("/decisions", json=body).json()["recorded"] is True
    assert "analyst rejected" in said_of(one, before["id"])  # at once where it was made
    time.sleep(2.1)  # the other worker reads the decisions again within two seconds
    assert "analyst rejected" in said_of(two, before["id"])


def test_a_page_that_does_not_exist_says_so_in_words(client: TestClient) -> None:
    browser = {"Accept": "text/html,application/xhtml+xml"}
    for path in ("/ui/no-such-page", "/no-such-page"):
        page = client.get(path, headers=browser)
        assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
        assert "There is no such page" in page.text and "Not Found" not in page.text
    api = client.get("/no-such-page", headers={"Accept": "application/json"})
    assert api.status_code == 404 and api.json() == {"detail": "Not Found"}


def test_an_alias_a_confirmation_taught_is_learned_and_forgotten_by_every_worker(
    home: Path,
) -> None:
    """Confirming 新疆飞鸿纺织 as Baoding LYSZD teaches 飞鸿 = Lyszd: another worker's held
    matcher finds 保定飞鸿贸易 by it within two seconds, and forgets it when the confirmation is
    undone, without building its index again."""
    one = TestClient(create_app(), base_url="http://127.0.0.1")
    two = TestClient(create_app(), base_url="http://127.0.0.1")
    entity = "uflpa-baoding-lyszd-trade-and-business"

    def found(client: TestClient) -> bool:
        reply = client.post("/match/default", json=_query("保定飞鸿贸易有限公司")).json()
        return any(r["id"] == entity for r in reply["responses"]["q1"]["results"])

    assert not found(one) and not found(two)
    body = {"query": "新疆飞鸿纺织有限公司", "entity_id": entity, "verdict": True}
    assert one.post("/decisions", json=body).json()["learned"] == "alias learned: 飞鸿 = Lyszd"
    time.sleep(2.1)  # the other worker reads the decisions again within two seconds
    assert found(two)
    undo = {"query": "新疆飞鸿纺织有限公司", "entity_id": entity}
    assert one.post("/decisions/withdraw", json=undo).json()["withdrawn"] is True
    time.sleep(2.1)
    assert not found(two) and not found(one)
