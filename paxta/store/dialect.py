"""paxta's SQL is written in DuckDB's dialect; other engines get it translated by sqlglot.

sqlglot (MIT) parses the statement and writes it for the target: ``list(...)`` becomes
``collect_list``, ``{'a': x}`` a ``struct``, ``unnest`` in FROM a ``LATERAL VIEW explode``,
``arg_max`` ``max_by``, ``VARCHAR[]`` ``ARRAY<STRING>``. What it cannot know is settled here:
tables are Parquet, constraints are dropped (the DuckDB store keeps them; Spark's Parquet
tables have none), a temporary table is a checkpointed view.
Translations are cached by statement text; parameters stay ``?``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_CREATE_TEMP = re.compile(
    r"^\s*CREATE\s+(?:OR\s+REPLACE\s+)?TEMP(?:ORARY)?\s+TABLE\s+(\w+)\s+AS\s+(.*)$",
    re.I | re.S,
)
_DROP = re.compile(r"^\s*DROP\s+TABLE\s+(?:IF\s+EXISTS\s+)?(\w+)\s*$", re.I)
_CREATE_TABLE = re.compile(r"^\s*CREATE\s+TABLE\b", re.I)
_CONSTRAINT = re.compile(r"\s+(?:PRIMARY\s+KEY|NOT\s+NULL)\b", re.I)


@dataclass(frozen=True)
class Statement:
    """A statement for the target engine: plain SQL, a temporary table to keep (``temp`` is
    its name and ``sql`` its query), or a temporary table to drop."""

    sql: str
    temp: str = ""
    drop: str = ""


@lru_cache(maxsize=4096)
def to_spark(query: str) -> Statement:
    """``query`` (DuckDB's dialect) for Spark SQL."""
    import sqlglot

    temp = _CREATE_TEMP.match(query)
    if temp:
        return Statement(_one(sqlglot, temp.group(2)), temp=temp.group(1))
    drop = _DROP.match(query)
    if drop:
        return Statement("", drop=drop.group(1))
    if _CREATE_TABLE.match(query):
        body = _one(sqlglot, _CONSTRAINT.sub("", query))
        return Statement(f"{body} USING parquet")
    return Statement(_one(sqlglot, query))


def _one(sqlglot: object, query: str) -> str:
    out: list[str] = sqlglot.transpile(query, read="duckdb", write="spark")  # type: ignore[attr-defined]
    if len(out) != 1:
        raise ValueError(f"one statement expected, got {len(out)}: {query[:80]!r}")
    return out[0]
