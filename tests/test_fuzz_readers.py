"""Fuzzing every reader of user files: whatever the bytes, paxta answers with one sentence (a
PaxtaError) or reads the file; never another exception, never a half-written store.

Seeded and bounded: ``make test`` runs a few dozen examples per reader
(``PAXTA_FUZZ_EXAMPLES``, default 30); ``make fuzz`` runs many more. Files are built from
the formats' own column names and hostile cells (quotes, new lines, CJK, NULs, huge numbers,
dates that are not dates), or are raw bytes.
"""

from __future__ import annotations

import gzip
import io
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from paxta.errors import PaxtaError
from paxta.files import open_table
from paxta.lists.importer import import_list
from paxta.lists.sources import FORMATS
from paxta.places.locator import locate_address
from paxta.store import Backend, open_store
from paxta.trace.case import read_case
from paxta.trade.records import CUSTOMS_COLUMNS, import_records

EXAMPLES = int(os.environ.get("PAXTA_FUZZ_EXAMPLES", "30"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=False,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)
CELLS = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "",
            '"',
            '""',
            "a,b",
            "line\nbreak",
            "line\rbreak",
            "新疆维吾尔自治区乌鲁木齐市",
            "\x00",
            "9" * 40,
            "-1",
            "2025-02-30",
            "13/45/2025",
            "1e309",
            "NaN",
            "=cmd()",
            "\ufeff",
            "\ud7ff",
            "Xinjiang Production and Construction Corps",
            "TO ORDER",
            "61",
            "kg",
            "LB",
            "T",
        ]
    ),
)
HEADERS = sorted(
    {
        *CUSTOMS_COLUMNS,
        "name",
        "aliases",
        "country",
        "address",
        "federal_register_citations",
        "order_type",
        "status",
        "date",
        "id",
        "source",
        "alt_names",
        "addresses",
        "start_date",
        "Effective Date",
        "Entity",
        "WRO/Finding",
        "party_id",
        "role",
        "document_id",
        "type",
        "movement_id",
        "from_party",
        "to_party",
        "lot",
        "quantity",
        "unit",
        "shipped",
    }
)


@st.composite
def csv_files(draw: st.DrawFn) -> bytes:
    """A CSV of known column names and hostile cells, in some encoding, maybe broken."""
    columns = draw(st.lists(st.sampled_from(HEADERS), min_size=1, max_size=8, unique=True))
    rows = draw(st.lists(st.lists(CELLS, min_size=0, max_size=len(columns) + 2), max_size=12))
    out = io.StringIO()
    import csv

    writer = csv.writer(out, lineterminator=draw(st.sampled_from(["\n", "\r\n", "\r"])))
    writer.writerow(columns)
    writer.writerows(rows)
    text = out.getvalue()
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "latin-1", "utf-16"]))
    data = text.encode(encoding, errors="replace")
    if draw(st.booleans()):
        data = data[: draw(st.integers(0, len(data)))]  # cut anywhere
    return data


ANY_FILE = st.one_of(csv_files(), st.binary(max_size=2000))


@pytest.fixture
def workdir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="paxta-fuzz-") as folder:
        yield Path(folder)


@pytest.fixture
def fuzz_store(home: Path) -> Iterator[Backend]:
    store = open_store()
    yield store
    store.close()


def _one_sentence(call: object) -> None:
    try:
        call()  # type: ignore[operator]
    except PaxtaError as exc:
        text = str(exc)
        assert text and "Traceback" not in text


@seed(20261206)
@FUZZ
@given(data=ANY_FILE, suffix=st.sampled_from([".csv", ".tsv", ".txt", ".jsonl", ".xlsx"]))
def test_tables_users_bring(workdir: Path, data: bytes, suffix: str) -> None:
    path = workdir / f"input{suffix}"
    path.write_bytes(data)

    def read() -> None:
        table = open_table(path)
        for _ in table.rows:
            pass

    _one_sentence(read)


@seed(20261207)
@FUZZ
@given(
    data=ANY_FILE,
    fmt=st.sampled_from(sorted(FORMATS)),
    name=st.sampled_from(
        ["list.csv", "sdn.csv", "sdn.xml", "page.html", "entities.ftm.json", "consolidated.csv"]
    ),
)
def test_every_list_format(
    fuzz_store: Backend, workdir: Path, data: bytes, fmt: str, name: str
) -> None:
    path = workdir / name
    path.write_bytes(data)
    before = fuzz_store.scalar("SELECT count(*) FROM entities")
    try:
        result = import_list(fuzz_store, path, source="fuzz", fmt=fmt)
    except PaxtaError as exc:
        assert str(exc)
        assert fuzz_store.scalar("SELECT count(*) FROM entities") == before  # all or nothing
    else:
        after = fuzz_store.scalar("SELECT count(*) FROM entities")
        assert result.already_imported or after == before + result.version.entity_count


@seed(20261208)
@FUZZ
@given(data=ANY_FILE, gz=st.booleans())
def test_trade_records(fuzz_store: Backend, workdir: Path, data: bytes, gz: bool) -> None:
    path = workdir / ("records.csv.gz" if gz else "records.csv")
    path.write_bytes(gzip.compress(data) if gz else data)
    before = fuzz_store.scalar("SELECT count(*) FROM trade_records")
    try:
        import_records(fuzz_store, path, fmt="customs")
    except PaxtaError as exc:
        assert str(exc)
        assert fuzz_store.scalar("SELECT count(*) FROM trade_records") == before


@seed(20261209)
@FUZZ
@given(parties=ANY_FILE, movements=ANY_FILE)
def test_case_folders(workdir: Path, parties: bytes, movements: bytes) -> None:
    folder = workdir / "case"
    folder.mkdir(exist_ok=True)
    (folder / "parties.csv").write_bytes(parties)
    (folder / "movements.csv").write_bytes(movements)
    _one_sentence(lambda: read_case(folder))


@seed(20261210)
@FUZZ
@given(text=st.text(max_size=300))
def test_addresses(text: str) -> None:
    located = locate_address(text)
    assert isinstance(located.xinjiang, bool)
