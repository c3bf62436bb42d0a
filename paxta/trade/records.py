"""Import trade records: US CBP AMS bill-of-lading files and generic customs declarations.

Both become rows of ``trade_records`` (one per bill of lading or declaration line): exporter and
importer as written, with their addresses and countries, date, HS codes, description, quantity,
weight in kilograms, value and ports, plus the file and line (or AMS identifier) it came from.
DuckDB reads the files (CSV, gzip, Parquet) set-based; XLSX is read row by row. An import is one
transaction: a broken row names its file and line and leaves nothing behind.
"""

from __future__ import annotations

import codecs
import gzip
import hashlib
import re
import tempfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa

from paxta.config import inside_home
from paxta.errors import InputError, PaxtaError
from paxta.files.text import detect_encoding
from paxta.names.party import PLACEHOLDER_PATTERN
from paxta.store import Backend, InvalidInput

AMS = "ams"
CUSTOMS = "customs"
FORMATS = (AMS, CUSTOMS)
AMS_FILE = re.compile(r"ams__(header|billgen|shipper|consignee|notifyparty|cargodesc|tariff)_")
AMS_REQUIRED = {
    "header": ("identifier", "estimated_arrival_date", "foreign_port_of_lading"),
    "shipper": ("identifier", "shipper_party_name", "country_code"),
    "consignee": ("identifier", "consignee_name", "country_code"),
}
CUSTOMS_COLUMNS = (
    "exporter",
    "exporter_address",
    "exporter_country",
    "importer",
    "importer_address",
    "importer_country",
    "date",
    "hs_code",
    "description",
    "quantity",
    "unit",
    "weight_kg",
    "value_usd",
    "port",
)
CUSTOMS_REQUIRED = ("exporter", "importer", "date", "hs_code")
TABLE_SUFFIXES = (".csv", ".csv.gz", ".txt", ".tsv", ".xlsx", ".parquet")
POUNDS = 0.45359237
AMS_SLICE = 2_000_000  # bills joined at a time (memory: about 1 GB a slice)


@dataclass(frozen=True)
class TradeImport:
    """What an import did."""

    import_id: int
    format: str
    files: tuple[str, ...]
    records: int
    already_imported: bool = False


def import_records(
    store: Backend,
    path: str | Path,
    fmt: str | None = None,
    mapping: dict[str, str] | None = None,
    encoding: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> TradeImport:
    """Import a file or a folder of trade records, all or nothing.

    ``fmt`` is ``ams`` or ``customs`` (detected from the file names and headers when not given);
    ``mapping`` maps the generic customs columns to the file's headers (``exporter=Shipper``).
    """
    root = Path(path)
    if not root.exists():
        raise PaxtaError(f"{root}: no such file or folder.")
    files = _files(root)
    if not files:
        raise PaxtaError(f"{root}: no trade files (CSV, gzip CSV, XLSX or Parquet) there.")
    return import_files(store, files, fmt, mapping, encoding, progress)


def import_files(
    store: Backend,
    files: list[Path],
    fmt: str | None = None,
    mapping: dict[str, str] | None = None,
    encoding: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> TradeImport:
    """Import these trade files, all or nothing (see :func:`import_records`)."""
    fmt = fmt or detect_format(files)
    if fmt not in FORMATS:
        raise PaxtaError(f"unknown trade format {fmt!r}; use one of: {', '.join(FORMATS)}.")
    digest = _digest(files)
    known = store.sql(
        "SELECT import_id, records FROM trade_imports WHERE sha256 = ? AND format = ?",
        [digest, fmt],
    )
    if known:
        return TradeImport(known[0][0], fmt, tuple(map(str, files)), known[0][1], True)
    import_id = int(store.scalar("SELECT coalesce(max(import_id), 0) + 1 FROM trade_imports"))
    scratch_root = inside_home("tmp")
    scratch_root.mkdir(parents=True, exist_ok=True)
    if not store.capabilities.local_file:
        units = import_units(files, fmt)
        if len(units) > 1:
            count = _import_on_workers(store, import_id, units, fmt, mapping, encoding, digest)
            return TradeImport(import_id, fmt, tuple(map(str, files)), count)
        done = _import_through_duckdb(store, import_id, files, fmt, mapping, encoding, progress)
        return TradeImport(import_id, fmt, tuple(map(str, files)), done.records)
    with tempfile.TemporaryDirectory(prefix="trade-", dir=scratch_root) as scratch:
        readable = [_utf8(f, encoding, Path(scratch)) for f in files]
        # customs rows numbered in file order (a row's line), for this import only; AMS records
        # are named by their identifier, and their joins keep less in memory without the order
        store.sql(f"SET preserve_insertion_order = {'false' if fmt == AMS else 'true'}")
        try:
            _in_one_transaction(store, import_id, fmt, files, readable, mapping, progress, digest)
        finally:
            store.sql("SET preserve_insertion_order = false")
    count = int(store.scalar("SELECT records FROM trade_imports WHERE import_id = ?", [import_id]))
    return TradeImport(import_id, fmt, tuple(map(str, files)), count)


def import_units(files: list[Path], fmt: str) -> list[list[Path]]:
    """The parts of an import that can be read apart: an AMS year (its bills are in that
    year's files of every kind), a customs file."""
    if fmt != AMS:
        return [[f] for f in files]
    years: dict[str, list[Path]] = {}
    for f in files:
        year = re.search(r"ams__[a-z]+_(\d{4})", f.name)
        years.setdefault(year.group(1) if year else "", []).append(f)
    return [years[y] for y in sorted(years)]


UNIT_ERROR = "_error"


def _import_on_workers(
    store: Backend,
    import_id: int,
    units: list[list[Path]],
    fmt: str,
    mapping: dict[str, str] | None,
    encoding: str | None,
    digest: str,
) -> int:
    """Each unit read, checked and joined by the same DuckDB code on a worker of the engine
    (so no one machine reads the whole import); the records flow back through the engine into
    the warehouse, the import's row last. A unit's one-sentence error stops the import before
    anything is appended. The files must be where every worker can read them (a shared
    filesystem on a cluster)."""
    from functools import partial

    rows = ", ".join(
        f"({i}, '{_q(chr(10).join(str(f.resolve()) for f in unit))}')"
        for i, unit in enumerate(units)
    )
    store.step(f"import: {len(units)} parts read on the workers")
    store.map_batches(
        f"SELECT unit, paths FROM (VALUES {rows}) AS u(unit, paths)",
        partial(_import_unit, import_id=import_id, fmt=fmt, mapping=mapping, encoding=encoding),
        _unit_schema(),
        "trade_unit_records",
    )
    failed = store.sql(
        f"SELECT {UNIT_ERROR} FROM trade_unit_records WHERE {UNIT_ERROR} IS NOT NULL LIMIT 1"
    )
    if failed:
        raise PaxtaError(str(failed[0][0]))
    count = int(store.scalar("SELECT count(*) FROM trade_unit_records"))
    if count == 0:
        raise PaxtaError(f"{units[0][0].parent}: no records in the files.")
    columns = ", ".join(RECORD_SCHEMA.names)
    store.step("import: appended to the warehouse")
    store.sql(f"INSERT INTO trade_records SELECT {columns} FROM trade_unit_records")
    store.append(
        "trade_imports",
        pa.table(
            {
                "import_id": pa.array([import_id], pa.int32()),
                "format": [fmt],
                "files": [[str(f) for unit in units for f in unit]],
                "sha256": [digest],
                "records": pa.array([count], pa.int64()),
                "imported_at": [datetime.now(UTC).replace(tzinfo=None)],
            }
        ),
    )
    return count


RECORD_SCHEMA = pa.schema(
    [
        ("import_id", pa.int32()),
        ("record_id", pa.string()),
        ("format", pa.string()),
        ("file", pa.string()),
        ("line", pa.int64()),
        ("bol", pa.string()),
        ("date", pa.date32()),
        ("exporter", pa.string()),
        ("exporter_address", pa.string()),
        ("exporter_country", pa.string()),
        ("importer", pa.string()),
        ("importer_address", pa.string()),
        ("importer_country", pa.string()),
        ("hs_codes", pa.list_(pa.string())),
        ("description", pa.string()),
        ("quantity", pa.float64()),
        ("unit", pa.string()),
        ("weight_kg", pa.float64()),
        ("value_usd", pa.float64()),
        ("port_lading", pa.string()),
        ("port_unlading", pa.string()),
        ("importer_named_by", pa.string()),
    ]
)


def _unit_schema() -> pa.Schema:
    return RECORD_SCHEMA.append(pa.field(UNIT_ERROR, pa.string()))


def _import_unit(
    batch: pa.RecordBatch,
    import_id: int,
    fmt: str,
    mapping: dict[str, str] | None,
    encoding: str | None,
) -> Iterable[pa.RecordBatch]:
    """On a worker: each unit of ``batch`` imported into a scratch DuckDB store by the same
    code as on one machine; its records as batches, or one row holding its error."""
    from paxta.store import DuckDBStore

    schema = _unit_schema()
    for paths in batch.column("paths").to_pylist():
        files = [Path(p) for p in str(paths).split("\n")]
        scratch_root = inside_home("tmp")
        scratch_root.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="trade-unit-", dir=scratch_root) as scratch:
            local = DuckDBStore(Path(scratch) / "unit.duckdb", lock_wait=0)
            try:
                try:
                    import_files(local, files, fmt, mapping, encoding)
                except PaxtaError as exc:
                    empty = {
                        n: pa.nulls(1, t) for n, t in zip(schema.names, schema.types, strict=True)
                    }
                    empty[UNIT_ERROR] = pa.array([str(exc)])
                    yield from pa.table(empty, schema=schema).to_batches()
                    continue
                query = (
                    f"SELECT * REPLACE ({import_id}::INTEGER AS import_id), "
                    f"NULL::VARCHAR AS {UNIT_ERROR} FROM trade_records"
                )
                for part in local.iter_batches(query):
                    yield from pa.Table.from_batches([part]).cast(schema).to_batches()
            finally:
                local.close()


def _import_through_duckdb(
    store: Backend,
    import_id: int,
    files: list[Path],
    fmt: str,
    mapping: dict[str, str] | None,
    encoding: str | None,
    progress: Callable[[str], None] | None,
) -> TradeImport:
    """An engine that does not read local files in its SQL (Spark) gets the records read,
    checked and joined by a scratch DuckDB store (the same code, the same errors), written as
    Parquet and appended in one statement per table: the records first, the import's row last,
    so a failure leaves no import that claims them."""
    from paxta.store import DuckDBStore

    with tempfile.TemporaryDirectory(prefix="trade-", dir=inside_home("tmp")) as scratch:
        local = DuckDBStore(Path(scratch) / "import.duckdb")
        try:
            done = import_files(local, files, fmt, mapping, encoding, progress)
            store.step("import: appended to the warehouse")
            for table in ("trade_records", "trade_imports"):
                out = Path(scratch) / f"{table}.parquet"
                local.sql(
                    f"COPY (SELECT * REPLACE ({import_id} AS import_id) FROM {table}) "
                    f"TO '{_q(out)}' (FORMAT parquet)"
                )
                store.append_parquet(table, out)
        finally:
            local.close()
    return done


def _in_one_transaction(
    store: Backend,
    import_id: int,
    fmt: str,
    files: list[Path],
    readable: list[Path],
    mapping: dict[str, str] | None,
    progress: Callable[[str], None] | None,
    digest: str,
) -> None:
    """Every record of ``files`` and the import's own row, or nothing. AMS files are read into
    tables on disk first, outside the transaction, and dropped after."""
    staged: list[str] = []
    try:
        if fmt == AMS:
            staged = _stage_ams(store, files, readable, progress)
        with store.transaction():
            if fmt == AMS:
                _import_ams(store, import_id, staged, progress)
            else:
                _import_customs(store, import_id, files, readable, mapping or {}, progress)
            count = int(
                store.scalar("SELECT count(*) FROM trade_records WHERE import_id = ?", [import_id])
            )
            if count == 0:
                raise PaxtaError(f"{files[0].parent}: no records in the files.")
            store.sql(
                "INSERT INTO trade_imports VALUES (?, ?, ?, ?, ?, ?)",
                [import_id, fmt, [str(f) for f in files], digest, count, datetime.now(UTC)],
            )
    finally:
        for kind in staged:
            store.sql(f"DROP TABLE IF EXISTS trade_stage_{kind}")


def detect_format(files: Iterable[Path]) -> str:
    """``ams`` when the files are named as CBP's AMS bulk files, else ``customs``."""
    return AMS if any(AMS_FILE.search(f.name) for f in files) else CUSTOMS


def _files(root: Path) -> list[Path]:
    found = sorted(root.rglob("*")) if root.is_dir() else [root]
    return [f for f in found if f.is_file() and f.name.lower().endswith(TABLE_SUFFIXES)]


def _digest(files: list[Path]) -> str:
    h = hashlib.sha256()
    for f in files:
        h.update(f.name.encode())
        with f.open("rb") as stream:
            for block in iter(lambda: stream.read(1 << 20), b""):
                h.update(block)
    return h.hexdigest()


def _utf8(path: Path, encoding: str | None, scratch: Path) -> Path:
    """``path`` itself when it is UTF-8 (or not text), else a UTF-8 copy in ``scratch``."""
    name = path.name.lower()
    if name.endswith((".xlsx", ".parquet")):
        return path
    opener = gzip.open if name.endswith(".gz") else open
    if encoding is None:
        with opener(path, "rb") as f:
            sample = f.read(256 * 1024)
        probe = scratch / "probe"
        probe.write_bytes(sample)
        encoding = detect_encoding(probe)
    if codecs.lookup(encoding).name == "utf-8":
        return path
    copy = scratch / (path.name.removesuffix(".gz") + ".utf8.csv")
    with opener(path, "rb") as raw, copy.open("w", encoding="utf-8", newline="") as out:
        text = codecs.getreader(encoding)(raw, "strict")
        number = 0
        try:
            for number, line in enumerate(text, start=1):
                out.write(line[1:] if number == 1 and line.startswith("\ufeff") else line)
        except UnicodeDecodeError:
            raise InputError(path, f"not valid {encoding}", line=number + 1) from None
    return copy


def _csv(path: Path, header: list[str]) -> str:
    """A DuckDB table function reading ``path`` strictly by its own header, all as text."""
    escaped = str(path).replace("'", "''")
    columns = ", ".join(f"'{c.replace(chr(39), chr(39) * 2)}': 'VARCHAR'" for c in header)
    delim = "\\t" if path.name.lower().endswith(".tsv") else ","
    return (
        f"read_csv('{escaped}', header = true, auto_detect = false, delim = '{delim}', "
        f"quote = '\"', escape = '\"', columns = {{{columns}}}, strict_mode = true, "
        "null_padding = false, filename = true)"
    )


def _check_csv(store: Backend, path: Path, readable: Path, parse: bool = True) -> str:
    """The table function that reads the file strictly by its own header; with ``parse``,
    the whole file is parsed once here, so a broken row stops the import, named."""
    header = _header(path, readable)
    duplicated = sorted({c for c in header if header.count(c) > 1})
    if duplicated or not all(header):
        problem = f"column {duplicated[0]!r} twice" if duplicated else "an empty column name"
        raise InputError(path, f"the header has {problem}", line=1)
    reader = _csv(readable, header)
    if parse:
        try:
            store.sql(f"SELECT count(*) FROM {reader}")
        except InvalidInput as exc:
            raise _read_error(path, exc) from None
    return reader


def _read_error(path: Path, exc: InvalidInput) -> InputError:
    """A DuckDB CSV error as one sentence naming the file and line."""
    text = str(exc)
    line = re.search(r"Line: (\d+)", text)
    found = re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", text)
    if found:
        problem = f"expected {found.group(1)} columns, found {found.group(2)}"
    elif "unterminated quote" in text.lower() or "quote" in text.lower():
        problem = "a quoted field is not closed"
    elif "utf" in text.lower() or "unicode" in text.lower():
        problem = "not valid UTF-8 (pass --encoding, e.g. gb18030)"
    else:
        problem = text.splitlines()[0]
    return InputError(path, problem, line=int(line.group(1)) if line else None)


def _header(path: Path, readable: Path) -> list[str]:
    import csv

    if readable.name.lower().endswith(".parquet"):
        import pyarrow as pa
        import pyarrow.parquet as pq

        try:
            return [c.lower() for c in pq.read_schema(readable).names]
        except (pa.ArrowException, OSError) as exc:
            raise InputError(path, f"not a readable Parquet file ({exc})") from None
    opener = gzip.open if readable.name.lower().endswith(".gz") else open
    try:
        with opener(readable, "rt", encoding="utf-8-sig", errors="replace") as f:
            first = f.readline()
        header = [c.strip().lower() for c in next(csv.reader([first.rstrip("\r\n")]), [])]
    except (OSError, EOFError, zlib.error) as exc:
        raise InputError(path, f"not a readable gzip file ({exc})") from None
    except csv.Error as exc:
        raise InputError(path, f"the header is not a CSV row ({exc})", line=1) from None
    if not any(header):
        raise InputError(path, "the file is empty: a header row is expected", line=1)
    if any(ch < " " for c in header for ch in c):
        raise InputError(path, "the header holds control characters: is this a text file?", line=1)
    return header


# --- AMS ----------------------------------------------------------------------------------------


def _stage_ams(
    store: Backend,
    files: list[Path],
    readable: list[Path],
    progress: Callable[[str], None] | None,
) -> list[str]:
    """Each AMS kind read once into a table on disk (that pass is where a broken row is named);
    returns the kinds staged."""
    kinds: dict[str, list[tuple[Path, Path]]] = {}
    for f, r in zip(files, readable, strict=True):
        m = AMS_FILE.search(f.name)
        if m:
            kinds.setdefault(m.group(1), []).append((f, r))
    for kind in ("header", "shipper", "consignee"):
        if kind not in kinds:
            raise PaxtaError(
                f"{files[0].parent}: no ams__{kind}_* file; an AMS import needs the header, "
                "shipper and consignee files (tariff and cargodesc add HS codes and goods)."
            )
    for kind, pairs in kinds.items():
        for f, r in pairs:
            header = _header(f, r)
            missing = [c for c in AMS_REQUIRED.get(kind, ("identifier",)) if c not in header]
            if missing:
                raise InputError(f, f"missing column(s) {', '.join(missing)}", line=1)
    for kind, pairs in kinds.items():
        if progress:
            progress(f"reading ams {kind} ({len(pairs)} file(s))")
        for n, (f, r) in enumerate(pairs):
            reader = _check_csv(store, f, r, parse=False)
            rows = f"SELECT * REPLACE ('{_q(f)}' AS filename) FROM {reader}"
            target = f"trade_stage_{kind}"
            try:
                store.sql(
                    f"CREATE OR REPLACE TABLE {target} AS {rows}"
                    if n == 0
                    else f"INSERT INTO {target} BY NAME {rows}"
                )
            except InvalidInput as exc:
                raise _read_error(f, exc) from None
    return list(kinds)


def _import_ams(
    store: Backend, import_id: int, kinds: list[str], progress: Callable[[str], None] | None
) -> None:
    """The staged kinds joined a slice of identifiers at a time: a year of 15M bills fits the
    store's memory limit."""
    total = int(store.scalar("SELECT count(*) FROM trade_stage_header"))
    slices = max(1, -(-total // AMS_SLICE))
    cols = {k: _columns(store, f"trade_stage_{k}") for k in kinds}
    for part in range(slices):
        if progress:
            progress(f"joining the AMS files into records ({part + 1} of {slices})")
        sources = {
            k: f"(SELECT * FROM trade_stage_{k} WHERE hash(identifier) % {slices} = {part})"
            for k in kinds
        }
        _join_ams(store, import_id, sources, cols)


def _join_ams(
    store: Backend, import_id: int, sources: dict[str, str], cols: dict[str, set[str]]
) -> None:
    """One slice of identifiers: header, shipper, consignee, HS codes, goods and bill number
    joined into records."""

    def col(kind: str, name: str, default: str = "NULL") -> str:
        return f"{kind[0]}.{name}" if name in cols.get(kind, ()) else default

    def address(kind: str, prefix: str) -> str:
        fields = [f"{prefix}_address_{i}" for i in range(1, 5)]
        fields += ["city", "state_province", "zip_code"]
        present = [f"nullif(trim({c}), '')" for c in fields if c in cols[kind]]
        return f"concat_ws(', ', {', '.join(present)})" if present else "NULL"

    shipper = (
        "SELECT identifier, any_value(shipper_party_name) AS name, "
        f"any_value({address('shipper', 'shipper_party')}) AS address, "
        "any_value(upper(trim(country_code))) AS country "
        f"FROM {sources['shipper']} GROUP BY identifier"
    )
    consignee = (
        "SELECT identifier, any_value(consignee_name) AS name, "
        f"any_value({address('consignee', 'consignee')}) AS address, "
        "any_value(upper(trim(country_code))) AS country "
        f"FROM {sources['consignee']} GROUP BY identifier"
    )
    notify = (
        "SELECT identifier, any_value(notify_party_name) AS name, "
        f"any_value({address('notifyparty', 'notify_party')}) AS address, "
        f"any_value(upper(trim({col('notifyparty', 'country_code')}))) AS country "
        f"FROM {sources['notifyparty']} n WHERE NOT {_no_party('notify_party_name')} "
        # only the bills consigned to order need their notify party (a few in a hundred)
        f"AND identifier IN (SELECT identifier FROM {sources['consignee']} "
        f"WHERE {_no_party('consignee_name')}) GROUP BY identifier"
        if "notify_party_name" in cols.get("notifyparty", ())
        else "SELECT NULL::VARCHAR AS identifier, NULL::VARCHAR AS name, NULL::VARCHAR AS address, "
        "NULL::VARCHAR AS country WHERE false"
    )
    # A bill consigned TO ORDER names its buyer as the notify party: that is the importer.
    to_notify = f"({_no_party('c.name')} AND n.name IS NOT NULL)"
    tariff = (
        "SELECT identifier, list(DISTINCT regexp_replace(harmonized_number, '[^0-9]', '', 'g')) "
        "FILTER (WHERE harmonized_number IS NOT NULL AND trim(harmonized_number) <> '') AS hs "
        f"FROM {sources['tariff']} GROUP BY identifier"
        if "harmonized_number" in cols.get("tariff", ())
        else "SELECT NULL::VARCHAR AS identifier, NULL::VARCHAR[] AS hs WHERE false"
    )
    cargo = (
        "SELECT identifier, string_agg(description_text, ' ') AS description "
        f"FROM {sources['cargodesc']} GROUP BY identifier"
        if "description_text" in cols.get("cargodesc", ())
        else "SELECT NULL::VARCHAR AS identifier, NULL::VARCHAR AS description WHERE false"
    )
    bol = (
        "SELECT identifier, any_value(coalesce(nullif(house_bol_number, ''), master_bol_number)) "
        f"AS bol FROM {sources['billgen']} GROUP BY identifier"
        if "master_bol_number" in cols.get("billgen", ())
        else "SELECT NULL::VARCHAR AS identifier, NULL::VARCHAR AS bol WHERE false"
    )
    weight = col("header", "weight")
    unit = col("header", "weight_unit", "''")
    kg = (
        f"CASE WHEN lower({unit}) LIKE 'p%' OR lower({unit}) LIKE 'lb%' "
        f"THEN try_cast({weight} AS DOUBLE) * {POUNDS} "
        f"WHEN lower({unit}) LIKE 't%' OR lower({unit}) LIKE 'm%' "
        f"THEN try_cast({weight} AS DOUBLE) * 1000 ELSE try_cast({weight} AS DOUBLE) END"
    )
    arrival = "estimated_arrival_date"
    bad = store.sql(
        f"SELECT filename, identifier, estimated_arrival_date FROM {sources['header']} "
        "WHERE estimated_arrival_date IS NOT NULL AND trim(estimated_arrival_date) <> '' "
        f"AND {_date(arrival, US_DATE)} IS NULL LIMIT 1"
    )
    if bad:
        raise InputError(
            Path(bad[0][0]),
            f"record {bad[0][1]}: estimated_arrival_date {bad[0][2]!r} is not a date",
        )
    store.sql(
        f"""INSERT INTO trade_records
        SELECT {import_id}, 'ams:' || h.identifier, 'ams', h.filename, NULL, b.bol,
            {_date("h." + arrival, US_DATE)},
            s.name, s.address, s.country,
            CASE WHEN {to_notify} THEN n.name ELSE c.name END,
            CASE WHEN {to_notify} THEN n.address ELSE c.address END,
            coalesce(CASE WHEN {to_notify} THEN n.country ELSE c.country END, 'US'),
            coalesce(t.hs, []), g.description,
            try_cast({col("header", "manifest_quantity")} AS DOUBLE),
            {col("header", "manifest_unit")}, {kg}, NULL,
            h.foreign_port_of_lading, {col("header", "port_of_unlading")},
            CASE WHEN {to_notify} THEN 'notify party' ELSE 'consignee' END
        FROM {sources["header"]} h
        LEFT JOIN ({shipper}) s USING (identifier)
        LEFT JOIN ({consignee}) c USING (identifier)
        LEFT JOIN ({notify}) n USING (identifier)
        LEFT JOIN ({tariff}) t USING (identifier)
        LEFT JOIN ({cargo}) g USING (identifier)
        LEFT JOIN ({bol}) b USING (identifier)"""
    )


US_DATE = "%m/%d/%Y"  # how US files write a date that is not ISO
DAY_FIRST = "%d/%m/%Y"  # how Vietnamese, Bangladeshi, Indian ... declarations write it


def _date(text: str, slashed: str) -> str:
    """SQL: the date in ``text``: ISO (with a time after it or not), YYYYMMDD, or slashed in the
    file's country's order."""
    t = f"trim({text})"
    return (
        f"coalesce(try_cast(left({t}, 10) AS DATE), try_strptime({t}, '{slashed}')::DATE, "
        f"try_strptime({t}, '%Y%m%d')::DATE)"
    )


def _no_party(column: str) -> str:
    """SQL: the party field names no party (TO ORDER, SAME AS CONSIGNEE, N/A, empty)."""
    return (
        f"(coalesce(trim({column}), '') = '' OR "
        f"regexp_matches({column}, '{PLACEHOLDER_PATTERN.replace(chr(39), chr(39) * 2)}', 'i'))"
    )


def _columns(store: Backend, table: str) -> set[str]:
    return {r[0] for r in store.sql(f"SELECT column_name FROM (DESCRIBE {table})")}


def _q(path: Path | str) -> str:
    return str(path).replace("'", "''")


# --- generic customs ------------------------------------------------------------------------------


def _import_customs(
    store: Backend,
    import_id: int,
    files: list[Path],
    readable: list[Path],
    mapping: dict[str, str],
    progress: Callable[[str], None] | None,
) -> None:
    unknown = set(mapping) - set(CUSTOMS_COLUMNS)
    if unknown:
        raise PaxtaError(
            f"--map names unknown column(s) {', '.join(sorted(unknown))}; "
            f"the customs columns are: {', '.join(CUSTOMS_COLUMNS)}."
        )
    for f, r in zip(files, readable, strict=True):
        if progress:
            progress(f"reading {f.name}")
        header = _header(f, r) if not f.name.lower().endswith(".xlsx") else None
        if f.name.lower().endswith(".xlsx"):
            source, header = _xlsx(store, f)
        elif f.name.lower().endswith(".parquet"):
            source = f"(SELECT *, row_number() OVER () + 1 AS _line FROM read_parquet('{_q(r)}'))"
        else:
            reader = _check_csv(store, f, r)
            source = f"(SELECT *, row_number() OVER () + 1 AS _line FROM {reader})"
        chosen = {c: mapping.get(c, c).lower() for c in CUSTOMS_COLUMNS}
        columns = header or []
        missing = [
            f"{c}" + (f" (mapped to {chosen[c]!r})" if c in mapping else "")
            for c in CUSTOMS_REQUIRED
            if chosen[c] not in (header or [])
        ]
        if missing:
            raise InputError(
                f,
                f"missing column(s) {', '.join(missing)}; map yours: --map exporter=Shipper ...",
                line=1,
            )

        def pick(
            c: str, cast: str = "", chosen: dict[str, str] = chosen, columns: list[str] = columns
        ) -> str:
            name = chosen[c]
            if name not in columns:
                return "NULL"
            ref = f'"{name}"'
            text = f"nullif(trim(CAST({ref} AS VARCHAR)), '')"
            if cast == "number":
                return f"try_cast(replace({text}, ',', '') AS DOUBLE)"
            return text

        date = pick("date")
        bad = store.sql(
            f"SELECT _line, {date} FROM {source} WHERE {date} IS NOT NULL "
            f"AND {_date(date, DAY_FIRST)} IS NULL LIMIT 1"
        )
        if bad:
            raise InputError(f, f"date {bad[0][1]!r} is not a date", line=int(bad[0][0]))
        empty = store.sql(
            f"SELECT _line FROM {source} WHERE {pick('exporter')} IS NULL "
            f"AND {pick('importer')} IS NULL LIMIT 1"
        )
        if empty:
            raise InputError(f, "neither an exporter nor an importer", line=int(empty[0][0]))
        store.sql(
            f"""INSERT INTO trade_records
            SELECT {import_id}, '{_q(Path(f.name))}:' || _line, 'customs', '{_q(f)}', _line, NULL,
                {_date(date, DAY_FIRST)},
                {pick("exporter")}, {pick("exporter_address")},
                upper({pick("exporter_country")}), {pick("importer")},
                {pick("importer_address")}, upper({pick("importer_country")}),
                CASE WHEN {pick("hs_code")} IS NULL THEN []
                    ELSE [regexp_replace({pick("hs_code")}, '[^0-9]', '', 'g')] END,
                {pick("description")}, {pick("quantity", "number")}, {pick("unit")},
                {pick("weight_kg", "number")}, {pick("value_usd", "number")}, {pick("port")}, NULL,
                'importer'
            FROM {source}"""
        )


def _xlsx(store: Backend, path: Path) -> tuple[str, list[str]]:
    """An XLSX sheet as a temporary table, with the line of each row."""
    from paxta.files.tables import open_table

    table = open_table(path)
    header = [h.strip().lower() for h in table.columns]
    values: dict[str, list[str]] = {h: [] for h in header}
    lines: list[int] = []
    for row in table.rows:
        lines.append(row.line)
        for h, original in zip(header, table.columns, strict=True):
            values[h].append(row.values.get(original, ""))
    name = "trade_xlsx"
    columns = ", ".join(f'"{h}" VARCHAR' for h in header)
    store.sql(f"CREATE OR REPLACE TEMP TABLE {name} ({columns}, _line BIGINT)")
    data = pa.table({**{h: pa.array(v, pa.string()) for h, v in values.items()}, "_line": lines})
    store.append(name, data)
    return name, header
