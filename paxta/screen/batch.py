"""Screening a whole file: every row keeps its columns and gains the best result.

The run is saved in the store as it goes (``screenings`` and ``screening_rows``) so analysts can
review it and ``paxta rescreen`` can run it again against newer lists. The output replaces an
earlier file only when the run ends well; rows finished before a failure or an interruption
stay in ``OUT.partial`` and in the store.
"""

from __future__ import annotations

import itertools
import unicodedata
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import orjson
import pyarrow as pa

from paxta.config import utc_now
from paxta.errors import InputError, PaxtaError, sentence
from paxta.files import open_table
from paxta.files.writers import RowWriter
from paxta.names.features import name_features
from paxta.names.transliterate import to_simplified
from paxta.places.locator import Location, locate_address
from paxta.screen.comparison import CLEAR
from paxta.screen.matcher import (
    PARALLEL_ROWS,
    Match,
    Matcher,
    Query,
    best_match,
    map_queries,
    query_key,
)
from paxta.screen.model import model
from paxta.store import Backend

OUTPUT_COLUMNS = (
    "paxta_decision",
    "paxta_score",
    "paxta_entity_id",
    "paxta_list",
    "paxta_listed_name",
    "paxta_matched_name",
    "paxta_explanation",
    "paxta_list_version",
    "paxta_region",
    "paxta_region_why",
    "paxta_algorithm",
)
# Headers that name the party, most telling first (compared case- and space-insensitively).
NAME_HEADERS = (
    "name",
    "supplier",
    "supplier name",
    "supplier_name",
    "company",
    "company name",
    "company_name",
    "shipper",
    "shipper name",
    "consignee",
    "exporter",
    "manufacturer",
    "vendor",
    "vendor name",
    "party",
    "party name",
    "entity",
    "organisation",
    "organization",
    "供应商名称",
    "供应商",
    "企业名称",
    "公司名称",
    "名称",
    "发货人",
    "出口商",
    "厂商",
)
SAVE_EVERY = 5000  # rows saved to the store at a time (a save costs ~5 ms besides its rows)
PROGRESS_EVERY = 1000  # rows between progress reports
ROW_SCHEMA = pa.schema(
    [
        ("screening_id", pa.int32()),
        ("row_no", pa.int32()),
        ("line", pa.int32()),
        ("query", pa.string()),
        ("address", pa.string()),
        ("country", pa.string()),
        ("registry_id", pa.string()),
        ("decision", pa.string()),
        ("score", pa.float64()),
        ("entity_id", pa.string()),
        ("list", pa.string()),
        ("list_version", pa.string()),
        ("listed_name", pa.string()),
        ("matched_name", pa.string()),
        ("explanation", pa.string()),
        ("fingerprint", pa.string()),
        ("region", pa.string()),
        ("region_why", pa.string()),
        ("query_key", pa.string()),
    ]
)


@dataclass(frozen=True)
class Columns:
    """Which input columns hold the name and the optional address, country and registry ID."""

    name: str
    address: str | None = None
    country: str | None = None
    registry_id: str | None = None


@dataclass
class Summary:
    """What a screening run did."""

    screening_id: int
    rows: int = 0
    decisions: dict[str, int] = field(default_factory=dict)
    regions: dict[str, int] = field(default_factory=dict)  # xinjiang / xpcc -> rows
    finished: bool = False


def find_name_column(columns: list[str]) -> str | None:
    """The column that holds party names, from its header (name, supplier, 企业名称 ...)."""
    return _by_header(columns, NAME_HEADERS, loose=12)


# Headers of the optional columns, most telling first (compared as the name's headers are).
OTHER_HEADERS = {
    "address": (
        "address", "supplier address", "company address", "registered address", "full address",
        "shipper address", "factory address", "street", "location",
        "地址", "注册地址", "企业地址", "公司地址", "工厂地址", "住所", "经营场所",
    ),
    "country": (
        "country", "country code", "supplier country", "country of origin", "origin country",
        "origin", "nation", "国家", "国别", "原产国", "国家/地区",
    ),
    "registry_id": (
        "registry id", "registration number", "registration no", "uscc", "credit code",
        "unified social credit code", "tax id", "tax number", "business licence", "licence no",
        "registry", "统一社会信用代码", "信用代码", "注册号", "营业执照号", "税号",
    ),
}  # fmt: skip


def guess_columns(columns: list[str]) -> Columns | None:
    """Which columns hold the name, address, country and registry ID, from the header (None
    when no name column is found); each column serves one role at most."""
    name = find_name_column(columns)
    if name is None:
        return None
    found: dict[str, str | None] = {}
    taken = {name}
    for role, headers in OTHER_HEADERS.items():
        free = [c for c in columns if c not in taken]
        found[role] = _by_header(free, headers)
        if found[role]:
            taken.add(str(found[role]))
    return Columns(name, found["address"], found["country"], found["registry_id"])


def _by_header(columns: list[str], headers: tuple[str, ...], loose: int = 3) -> str | None:
    """The column whose header is one of ``headers`` (the first of them that is), else the
    first column whose header holds one of the first ``loose`` of them ("Supplier name (EN)",
    "shipper_country_code")."""
    folded = {_fold(c): c for c in columns}
    for header in headers:
        if _fold(header) in folded:
            return folded[_fold(header)]
    for c in columns:
        if any(_fold(h) in _fold(c) for h in headers[:loose]):
            return c
    return None


def _fold(text: str) -> str:
    folded = to_simplified(unicodedata.normalize("NFKC", text)).casefold()
    return "".join(folded.split()).replace("_", "")


def clean_cell(value: str) -> str:
    """A cell as a name: control characters out, white space collapsed."""
    if not value.isprintable():
        value = "".join(ch if ch.isprintable() else " " for ch in value)
    return " ".join(value.split())


def result_columns(best: Match | None) -> dict[str, Any]:
    """The ``paxta_*`` columns for a row's best result (``clear`` when none)."""
    if best is None:
        return {
            "paxta_decision": CLEAR,
            "paxta_score": 0.0,
            "paxta_entity_id": "",
            "paxta_list": "",
            "paxta_listed_name": "",
            "paxta_matched_name": "",
            "paxta_explanation": "no listed name is likely to be this one",
            "paxta_list_version": "",
            "paxta_algorithm": model().algorithm,
        }
    return {
        "paxta_decision": best.decision,
        "paxta_score": best.score,
        "paxta_entity_id": best.entity.entity_id,
        "paxta_list": best.entity.list,
        "paxta_listed_name": best.entity.name,
        "paxta_matched_name": best.matched_name,
        "paxta_explanation": best.explanation,
        "paxta_list_version": best.entity.version,
        "paxta_algorithm": model().algorithm,
    }


def region_of(name: str, address: str = "", registry_ids: frozenset[str] = frozenset()) -> Region:
    """Whether a party is in the XUAR or of the XPCC by its name, its address or its registry
    ID, whatever the lists say: the UFLPA presumption covers goods made there, listed or not."""
    found: list[tuple[str, Location]] = []
    for field_name, text in (
        ("name", name),
        ("address", address),
        *(("registry ID", i) for i in sorted(registry_ids)),
    ):
        if field_name == "name" and _placed_elsewhere(text):
            continue  # Zhejiang Tianshan Textile: Tianshan is its trade name, not its place
        if text.strip():
            where = locate_address(text)
            if where.xinjiang:
                found.append((field_name, where))
    if not found:
        return Region("", "")
    xpcc = [(f, w) for f, w in found if (w.place or {}).get("xpcc")]
    field_name, where = (xpcc or found)[0]
    return Region("xpcc" if xpcc else "xinjiang", f"by its {field_name}: {where.why}")


def _placed_elsewhere(name: str) -> bool:
    """A name whose own region (or bracketed place) lies outside Xinjiang: a Xinjiang place word
    later in it is its trade name (天山 Tianshan, 阜康 Fukang are common ones), not where it is."""
    f = name_features(name)
    places = [*f.places, f.bracket] if f.bracket else list(f.places)
    keys = [k for p in places for k in p]
    return bool(keys) and all(k.startswith(("cn:", "country:")) for k in keys)


class Region(NamedTuple):
    """``xinjiang``, ``xpcc`` or "" for a screened party, and why (two strings in a tuple: a
    run keeps one for each distinct name, and Python's collector soon stops sweeping those)."""

    region: str
    why: str


def screen_file(
    store: Backend,
    matcher: Matcher,
    path: Path,
    out: Path,
    columns: Columns | None = None,
    encoding: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> Summary:
    """Screen every row of ``path`` into ``out``, saving the run in the store."""
    table = open_table(path, encoding=encoding)
    cols = resolve_columns(path, table.columns, columns)
    summary = Summary(_new_screening(store, path, out, cols, matcher))
    pending: list[dict[str, Any]] = []
    writer = RowWriter(out, title=f"paxta screening of {path.name}")
    try:
        with writer:
            for row_no, (line, values, name, (best, region, extra)) in enumerate(
                _screen_rows(table.rows, cols, matcher), 1
            ):
                result = result_columns(best)
                result["paxta_region"], result["paxta_region_why"] = region.region, region.why
                writer.write({**values, **result, **extra})
                saved = _saved_row(summary.screening_id, row_no, line, name, values, cols, best)
                pending.append({**saved, "region": region.region, "region_why": region.why})
                if region.region:
                    summary.regions[region.region] = summary.regions.get(region.region, 0) + 1
                summary.rows = row_no
                decision = str(result["paxta_decision"])
                summary.decisions[decision] = summary.decisions.get(decision, 0) + 1
                if len(pending) >= SAVE_EVERY:
                    with store.transaction():  # a killed run still says how far it got
                        _save_rows(store, pending)
                        _record(store, summary)
                if progress is not None and row_no % PROGRESS_EVERY == 0:
                    progress(row_no)
        summary.finished = True
    except BaseException as exc:
        _save_rows(store, pending)
        if summary.rows == 0:  # nothing finished: no screening to keep
            store.sql("DELETE FROM screenings WHERE screening_id = ?", [summary.screening_id])
            raise
        _record(store, summary)
        if isinstance(exc, PaxtaError):
            raise PaxtaError(
                f"{sentence(str(exc))} The {summary.rows:,} rows screened before it are kept in "
                f"{writer.partial} and as screening {summary.screening_id}."
            ) from None
        raise
    _save_rows(store, pending)
    _record(store, summary)
    return summary


def _record(store: Backend, summary: Summary) -> None:
    store.sql(
        "UPDATE screenings SET row_count = ?, finished = ? WHERE screening_id = ?",
        [summary.rows, summary.finished, summary.screening_id],
    )


def resolve_columns(
    path: Path,
    available: list[str],
    given: Columns | None,
    extra: tuple[tuple[str, str | None], ...] = (),
) -> Columns:
    """The columns a file's rows are read by: the given ones, the name column found from the
    header when not given; an error naming any column (or ``extra`` (label, column)) the file
    does not have."""
    if given is None or not given.name:
        found = find_name_column(available)
        if found is None:
            raise InputError(
                path,
                f"no column of party names found among {', '.join(available)}: "
                "give one with --name-column",
                line=1,
            )
        given = Columns(found, *(given.address, given.country, given.registry_id) if given else ())
    for label, column in (
        ("name", given.name),
        ("address", given.address),
        ("country", given.country),
        ("id", given.registry_id),
        *extra,
    ):
        if column is not None and column not in available:
            raise InputError(
                path,
                f"no {label} column {column!r} (columns: {', '.join(available)})",
                line=1,
            )
    return given


Screened = tuple[Match | None, "Region", dict[str, Any]]


def _screen_rows(
    rows: Iterator[Any], cols: Columns, matcher: Matcher
) -> Iterator[tuple[int, dict[str, str], str, Screened]]:
    """Each row (its line, its cells and its name as screened) with its best result, its
    region and its address columns; large files are screened in parallel, in order."""
    held: deque[tuple[int, dict[str, str], str]] = deque()  # rows read, awaiting their result

    def queries() -> Iterator[Query]:
        for row in rows:
            values: dict[str, str] = row.values
            name, address, ids = _query_parts(values, cols)
            held.append((row.line, values, name))
            countries = cell_countries(values.get(cols.country, "") if cols.country else "")
            yield name, ids, countries, address

    first = list(itertools.islice(queries(), PARALLEL_ROWS))
    stream = itertools.chain(first, queries())
    workers = 1 if len(first) < PARALLEL_ROWS else 0
    each = _screened_with_address if cols.address else _screened
    for screened in map_queries(matcher, stream, each, workers):
        yield *held.popleft(), screened


def _screened(matcher: Matcher, query: Query) -> Screened:
    """A query's best result and region (in the worker that matched it)."""
    name, ids, _, address = query
    return best_match(matcher, query), region_of(name, address, ids), {}


def _screened_with_address(matcher: Matcher, query: Query) -> Screened:
    """As :func:`_screened`, with the located address's columns."""
    best, region, _ = _screened(matcher, query)
    return best, region, _address_columns(query[3])


def _query_parts(values: dict[str, str], cols: Columns) -> tuple[str, str, frozenset[str]]:
    """A row's name, address and registry IDs, as screened."""
    return (
        clean_cell(values.get(cols.name, "")),
        clean_cell(values.get(cols.address, "")) if cols.address else "",
        cell_ids(values.get(cols.registry_id, "") if cols.registry_id else ""),
    )


def cell_ids(cell: str) -> frozenset[str]:
    """Registry IDs in a cell (comma- or semicolon-separated), upper case."""
    return frozenset(v.strip().upper() for v in cell.replace(";", ",").split(",") if v.strip())


def cell_countries(cell: str) -> frozenset[str]:
    """Countries in a cell (comma- or semicolon-separated)."""
    if not cell:  # (most files have no country column)
        return _NO_COUNTRIES
    return frozenset(v.strip() for v in cell.replace(";", ",").split(",") if v.strip())


_NO_COUNTRIES: frozenset[str] = frozenset()


def _address_columns(address: str) -> dict[str, Any]:
    found = locate_address(address)
    place = found.place or {}
    return {
        "paxta_address_xinjiang": str(found.xinjiang).lower(),
        "paxta_address_place": place.get("name_zh", ""),
    }


def _new_screening(store: Backend, path: Path, out: Path, cols: Columns, matcher: Matcher) -> int:
    screening_id = int(store.scalar("SELECT coalesce(max(screening_id), 0) + 1 FROM screenings"))
    options = orjson.dumps(
        {
            "name_column": cols.name,
            "address_column": cols.address,
            "country_column": cols.country,
            "id_column": cols.registry_id,
        }
    ).decode()
    versions = orjson.dumps([f"{s} {v}" for s, v in matcher.index.versions]).decode()
    store.sql(
        "INSERT INTO screenings VALUES (?, ?, ?, ?, ?, ?, 0, false, ?)",
        [
            screening_id,
            str(path.resolve()),
            str(out.resolve()),
            options,
            versions,
            utc_now(),
            model().algorithm,
        ],
    )
    return screening_id


def _saved_row(
    screening_id: int,
    row_no: int,
    line: int,
    name: str,
    values: dict[str, str],
    cols: Columns,
    best: Match | None,
) -> dict[str, Any]:
    """A row as the store keeps it; ``name`` is its name cell as screened."""
    return {
        "screening_id": screening_id,
        "row_no": row_no,
        "line": line,
        "query": name,
        "address": values.get(cols.address, "") if cols.address else None,
        "country": values.get(cols.country, "") if cols.country else None,
        "registry_id": values.get(cols.registry_id, "") if cols.registry_id else None,
        **match_fields(best, name),
    }


def match_fields(best: Match | None, query: str) -> dict[str, Any]:
    """A saved row's result columns (``clear`` and empty when there is no result), with the
    query as analysts' decisions on its result are keyed."""
    return {
        "query_key": query_key(query) if best else None,
        "decision": best.decision if best else CLEAR,
        "score": best.score if best else 0.0,
        "entity_id": best.entity.entity_id if best else None,
        "list": best.entity.list if best else None,
        "list_version": best.entity.version if best else None,
        "listed_name": best.entity.name if best else None,
        "matched_name": best.matched_name if best else None,
        "explanation": best.explanation if best else None,
        "fingerprint": best.entity.fingerprint if best else None,
    }


def _save_rows(store: Backend, rows: list[dict[str, Any]]) -> None:
    if rows:
        store.append("screening_rows", pa.Table.from_pylist(rows, schema=ROW_SCHEMA))
        rows.clear()


def latest_screening(store: Backend) -> int:
    """The newest screening's id."""
    value = store.scalar("SELECT max(screening_id) FROM screenings")
    if value is None:
        raise PaxtaError("no screening saved yet: run paxta screen FILE first.")
    return int(value)
