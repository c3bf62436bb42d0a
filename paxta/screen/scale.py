"""Screening a file too large for one machine: the engine reads it where it lies, a batch
function screens the rows on every worker (the matcher shared with each once), the engine writes
the result, and the saved rows are inserted set-based. Nothing of the file passes through the
process that started the run.

The rows gain the same ``paxta_*`` columns as ``paxta screen`` on one machine; the output is CSV
(a folder of part files on Spark) or Parquet, by its suffix.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

import pyarrow as pa

from paxta.errors import InputError
from paxta.screen.batch import (
    Columns,
    Summary,
    _address_columns,
    _new_screening,
    _query_parts,
    _record,
    cell_countries,
    match_fields,
    region_of,
    resolve_columns,
    result_columns,
)
from paxta.screen.matcher import Matcher, match_many
from paxta.store import Backend, InvalidInput
from paxta.store.backend import Shared

RESULTS = ("paxta_decision", "paxta_score", "paxta_entity_id", "paxta_list", "paxta_listed_name",
           "paxta_matched_name", "paxta_explanation", "paxta_list_version", "paxta_algorithm",
           "paxta_region", "paxta_region_why")  # fmt: skip
SAVED = ("query", "address", "country", "registry_id", "decision", "score", "entity_id", "list",
         "list_version", "listed_name", "matched_name", "explanation", "fingerprint",
         "query_key")  # fmt: skip


def screen_in_engine(
    store: Backend, matcher: Matcher, path: str, out: str, columns: Columns | None = None
) -> Summary:
    """Screen every row of ``path`` (CSV or Parquet) into ``out`` inside the engine, saving the
    run like :func:`paxta.screen.batch.screen_file`."""
    try:
        available = [c for c in store.read_table(path, "sc_input") if c != "_row"]
    except InvalidInput as exc:
        raise InputError(Path(path), f"cannot be read ({exc})") from None
    cols = resolve_columns(Path(path), available, columns)
    summary = Summary(_new_screening(store, Path(path), Path(out), cols, matcher))
    extra = ["paxta_address_xinjiang", "paxta_address_place"] if cols.address else []
    schema = pa.schema(
        [("_row", pa.int64())]
        + [(c, pa.string()) for c in available]
        + [(c, pa.float64() if c == "paxta_score" else pa.string()) for c in RESULTS]
        + [(c, pa.string()) for c in extra]
        + [(f"_{c}", pa.float64() if c == "score" else pa.string()) for c in SAVED]
    )
    one = store.capabilities.max_parallelism == 1
    fn = partial(_screen_batch, store.share(matcher), cols, schema, 0 if one else 1)
    quoted = ", ".join(f'"{c}"' for c in ["_row", *available])
    store.map_batches(f"SELECT {quoted} FROM sc_input", fn, schema, "sc_out")
    shown = ", ".join(f'"{c}"' for c in [*available, *RESULTS, *extra])
    store.export(f"SELECT {shown} FROM sc_out ORDER BY _row", out)
    store.sql(
        f"""INSERT INTO screening_rows (screening_id, row_no, line, query, address, country,
            registry_id, decision, score, entity_id, list, list_version, listed_name,
            matched_name, explanation, fingerprint, query_key, region, region_why)
        SELECT ?, CAST(_row AS INTEGER), CAST(_row + 1 AS INTEGER),
            {", ".join(f"_{c}" for c in SAVED)}, paxta_region, paxta_region_why
        FROM sc_out""",
        [summary.screening_id],
    )
    for decision, region, n in store.sql(
        "SELECT paxta_decision, paxta_region, count(*) FROM sc_out GROUP BY ALL"
    ):
        summary.decisions[decision] = summary.decisions.get(decision, 0) + n
        if region:
            summary.regions[region] = summary.regions.get(region, 0) + n
        summary.rows += n
    summary.finished = True
    _record(store, summary)
    for name in ("sc_out", "sc_input"):
        store.sql(f"DROP TABLE IF EXISTS {name}")
    return summary


def _screen_batch(
    shared: Shared, cols: Columns, schema: pa.Schema, workers: int, batch: pa.RecordBatch
) -> pa.Table:
    """The rows of one batch with their results (and the fields the run saves)."""
    matcher: Matcher = shared.value
    rows: list[dict[str, Any]] = batch.to_pylist()
    values = [{k: ("" if v is None else str(v)) for k, v in r.items() if k != "_row"} for r in rows]
    parts = [_query_parts(v, cols) for v in values]
    queries = [
        (name, ids, cell_countries(v.get(cols.country, "") if cols.country else ""), address)
        for v, (name, address, ids) in zip(values, parts, strict=True)
    ]
    out = []
    for row, v, (name, address, ids), best in zip(
        rows, values, parts, match_many(matcher, queries, workers), strict=True
    ):
        region = region_of(name, address, ids)
        saved = {
            "query": name,
            "address": v.get(cols.address, "") if cols.address else None,
            "country": v.get(cols.country, "") if cols.country else None,
            "registry_id": v.get(cols.registry_id, "") if cols.registry_id else None,
            **match_fields(best, name),
        }
        out.append(
            {
                **row,
                **result_columns(best),
                "paxta_region": region.region,
                "paxta_region_why": region.why,
                **(_address_columns(address) if cols.address else {}),
                **{f"_{k}": saved[k] for k in SAVED},
            }
        )
    return pa.Table.from_pylist(out, schema=schema)
