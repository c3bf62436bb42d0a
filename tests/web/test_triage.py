"""Working through a screening over the API: columns found or given at upload, rows filtered,
sorted and paged in the store, decisions with a note and an undo, seen at once by /match, and
the export with who decided what and when."""

from __future__ import annotations

import csv
import io
import time
from pathlib import Path

from fastapi.testclient import TestClient
from openpyxl import load_workbook

from paxta.web.app import Tokens, create_app

ALICE = {"Authorization": "Bearer alice-analyst-token-01"}
SUPPLIERS = (
    "Supplier Name,Address,Country\n"
    "新疆中泰化学股份有限公司,,CN\n"
    "Guangdong Baiyi Textile Co Ltd,广东省佛山市南海区,CN\n"
    "Hetian Jade Cotton Trading Co,新疆和田地区和田市北京西路,CN\n"
    '"=HYPERLINK(""http://x"")",,VN\n'
)


def _screened(client: TestClient, text: str = SUPPLIERS, **form: str) -> str:
    started = client.post(
        "/screenings", files={"file": ("s.csv", text, "text/csv")}, data=form, headers=ALICE
    )
    assert started.status_code == 202, started.text
    job = str(started.json()["job"])
    for _ in range(600):
        state = client.get(f"/screenings/{job}", headers=ALICE).json()
        if state["state"] in ("done", "failed"):
            assert state["state"] == "done", state
            return job
        time.sleep(0.1)
    raise AssertionError("the job did not finish")


def _match(client: TestClient, name: str) -> bool:
    query = {"queries": {"q": {"schema": "Company", "properties": {"name": [name]}}}}
    reply = client.post("/match/default", json=query, headers=ALICE).json()
    return any(r["match"] for r in reply["responses"]["q"]["results"])


def test_triage_decide_with_a_note_undo_and_export(home: Path) -> None:
    client = TestClient(create_app(Tokens.parse("analyst:alice:alice-analyst-token-01")))
    job = _screened(client)
    rows = client.get(f"/screenings/{job}/rows", headers=ALICE).json()
    assert rows["total"] == 4 and rows["decisions"]["match"] == 1
    assert rows["states"]["open"] == 1 and rows["lists"]
    # the address column was found from its header: the Hotan supplier is located by it
    located = client.get(f"/screenings/{job}/rows?region=any", headers=ALICE).json()
    assert [r["row_no"] for r in located["rows"]] == [1, 3]
    assert "和田" in located["rows"][1]["region_why"]
    best = client.get(f"/screenings/{job}/rows?sort=score&per_page=1", headers=ALICE).json()
    assert best["rows"][0]["query"] == "新疆中泰化学股份有限公司" and best["pages"] == 4
    named = client.get(f"/screenings/{job}/rows?q=baiyi", headers=ALICE).json()
    assert [r["row_no"] for r in named["rows"]] == [2]
    assert client.get(f"/screenings/{job}/rows?q=50%25", headers=ALICE).json()["total"] == 0

    hit = client.get(f"/screenings/{job}/rows?decision=match", headers=ALICE).json()["rows"][0]
    assert hit["state"] == "open" and _match(client, hit["query"])
    said = {"query": hit["query"], "entity_id": hit["entity_id"], "verdict": False}
    reply = client.post("/decisions", json={**said, "note": "another company"}, headers=ALICE)
    assert reply.status_code == 200
    now = client.get(f"/screenings/{job}/rows?state=dismissed", headers=ALICE).json()
    assert [r["row_no"] for r in now["rows"]] == [hit["row_no"]]
    assert now["rows"][0]["decided_by"] == "alice"
    assert now["rows"][0]["decision_note"] == "another company"
    assert not _match(client, hit["query"])  # /match has the decision at once

    exported = client.get(f"/screenings/{job}/results", headers=ALICE)
    table = list(csv.DictReader(io.StringIO(exported.text)))
    assert table[0]["paxta_analyst_decision"] == "dismissed"
    assert table[0]["paxta_decided_by"] == "alice" and table[0]["paxta_note"] == "another company"
    assert table[0]["paxta_decided_at"][:4] == time.strftime("%Y")
    assert table[3]["Supplier Name"].startswith("'=")  # formula-safe
    book = client.get(f"/screenings/{job}/results?format=xlsx", headers=ALICE)
    sheet = load_workbook(io.BytesIO(book.content), read_only=True).active
    assert sheet is not None
    cells = [list(r) for r in sheet.iter_rows(values_only=True)]
    header = cells[0]
    first = dict(zip(header, cells[1], strict=True))
    assert first["paxta_analyst_decision"] == "dismissed" and isinstance(
        first["paxta_score"], int | float
    )

    undo = client.post("/decisions/withdraw", json=said | {"verdict": None}, headers=ALICE)
    assert undo.status_code == 200 and "withdrawn" in undo.json()["said"]
    again = client.get(f"/screenings/{job}/rows?decision=match", headers=ALICE).json()
    assert again["rows"][0]["state"] == "open" and again["rows"][0]["decided_by"] is None
    assert _match(client, hit["query"])
    nothing = client.post("/decisions/withdraw", json=said, headers=ALICE)
    assert nothing.status_code == 404 and "no decision" in nothing.json()["detail"]


def test_columns_given_at_upload_and_wrong_filters(home: Path) -> None:
    client = TestClient(create_app(Tokens.parse("analyst:alice:alice-analyst-token-01")))
    text = "vendor,where\nJade Cotton Trading Co,新疆和田地区和田市北京西路\n"
    unlocated = _screened(client, text)  # no address header: nothing located
    assert (
        client.get(f"/screenings/{unlocated}/rows?region=any", headers=ALICE).json()["total"] == 0
    )
    given = _screened(client, text, name_column="vendor", address_column="where")
    assert client.get(f"/screenings/{given}/rows?region=any", headers=ALICE).json()["total"] == 1
    assert client.get(f"/screenings/{given}/rows?sort=nope", headers=ALICE).status_code == 422
    assert client.get(f"/screenings/{given}/rows?min_score=2", headers=ALICE).status_code == 422
    assert client.get("/screenings/0123456789ab/rows", headers=ALICE).status_code == 404


def test_a_name_column_that_is_not_there_fails_the_job_in_words(home: Path) -> None:
    client = TestClient(create_app())
    started = client.post(
        "/screenings",
        files={"file": ("s.csv", "vendor\nX\n", "text/csv")},
        data={"name_column": "Name"},
    ).json()
    for _ in range(100):
        state = client.get(f"/screenings/{started['job']}").json()
        if state["state"] == "failed":
            break
        time.sleep(0.1)
    assert state["state"] == "failed" and "no name column 'Name'" in state["error"]
    assert "/" not in state["error"].split(":")[0]  # the file's name, not a server path
