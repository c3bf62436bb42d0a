"""A case folder: the records of one supply chain, read, validated and stored all-or-nothing.

Files (CSV, XLSX or JSON lines; ``docs/formats.md``): ``parties``, ``ownership``, ``documents``,
``movements``, ``production``. Every row is checked (required fields, dates, numbers, known
document types and processes, lot quantities); the first problem is one error naming the file,
row and field, and nothing of the case is stored. Records that contradict each other are not
errors: they are what the checks report.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa

from paxta.errors import InputError, PaxtaError
from paxta.files import open_table
from paxta.files.tables import Row
from paxta.lists.model import slug
from paxta.names.features import name_features
from paxta.screen.compare import compare
from paxta.screen.comparison import MATCH
from paxta.store import Backend

DOCUMENT_TYPES = (
    "purchase_order",
    "commercial_invoice",
    "proof_of_payment",
    "packing_list",
    "bill_of_lading",
    "waybill",
    "customs_declaration",
    "certificate_of_origin",
    "production_record",
    "business_licence",
    "test_report",
    "supplier_declaration",
    "contract",
)
PROCESSES = (
    "farming",
    "ginning",
    "spinning",
    "knitting",
    "weaving",
    "dyeing",
    "printing",
    "cutting_sewing",
    "resin",
    "compounding",
    "extrusion",
    "recycling",
    # silica and polysilicon, tomatoes, aluminium (FLETF's other high-priority sectors)
    "mining",
    "silicon_smelting",
    "polysilicon_refining",
    "wafering",
    "cell_making",
    "module_assembly",
    "tomato_processing",
    "repacking",
    "aluminium_smelting",
    "casting",
)
# Other words case files use for the same steps.
PROCESS_WORDS = {
    "cut_and_sew": "cutting_sewing",
    "sewing": "cutting_sewing",
    "garment_making": "cutting_sewing",
    "finishing": "dyeing",
    "ingot": "wafering",
    "ingot_wafering": "wafering",
    "slicing": "wafering",
    "cell": "cell_making",
    "cells": "cell_making",
    "module": "module_assembly",
    "modules": "module_assembly",
    "paste": "tomato_processing",
    "tomato_paste": "tomato_processing",
    "re_packing": "repacking",
    "aluminum_smelting": "aluminium_smelting",
    "smelting_aluminium": "aluminium_smelting",
    "polymerisation": "resin",
    "polymerization": "resin",
}
FILES = ("parties", "ownership", "documents", "movements", "production")
SUFFIXES = (".csv", ".xlsx", ".jsonl", ".json", ".tsv")
_LOT = re.compile(r"^\s*([^:]+?)\s*(?::\s*([0-9][0-9.,]*)\s*)?$")


@dataclass
class Case:
    """The validated records of one case, as column lists ready for the store."""

    case_id: str
    folder: Path
    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def shipments(self) -> list[dict[str, Any]]:
        """Movements into an importer: the shipments a trace starts from."""
        importers = {p["party_id"] for p in self.tables["case_parties"] if p["role"] == "importer"}
        return [
            {
                "shipment": m["movement_id"],
                "seller": m["seller_id"],
                "buyer": m["buyer_id"],
                "product": m["product"],
                "quantity": m["quantity"],
                "unit": m["unit"],
                "date": m["date"].isoformat() if m["date"] else None,
            }
            for m in self.tables["case_movements"]
            if m["buyer_id"] in importers
        ]


def read_case(folder: Path) -> Case:
    """Read and validate a case folder (nothing is stored)."""
    if not folder.is_dir():
        raise PaxtaError(f"{folder}: no such case folder.")
    case = Case(slug(folder.resolve().name), folder)
    found = {name: _find(folder, name) for name in FILES}
    for name in ("parties", "movements"):
        if found[name] is None:
            raise PaxtaError(
                f"{folder}: a case needs {name}.csv (or .xlsx/.jsonl): see docs/formats.md."
            )
    readers: dict[str, Callable[[Path, Row, str], dict[str, Any]]] = {
        "parties": _party,
        "ownership": _ownership,
        "documents": _document,
        "movements": _movement,
        "production": _production,
    }
    lots: list[dict[str, Any]] = []
    for name in FILES:
        path = found[name]
        rows: list[dict[str, Any]] = []
        if path is not None:
            seen: set[str] = set()
            for row in open_table(path).rows:
                record = readers[name](path, row, case.case_id)
                key = (
                    record.get("party_id") or record.get("document_id")
                    if name
                    in (
                        "parties",
                        "documents",
                    )
                    else record.get("movement_id") or record.get("record_id")
                )
                if key and name != "ownership":
                    if key in seen:
                        raise InputError(path, f"id {key!r} appears twice", line=row.line)
                    seen.add(str(key))
                lots.extend(record.pop("_lots", []))
                rows.append(record)
        case.tables[f"case_{name}"] = rows
    case.tables["case_lots"] = lots
    resolve_names(case)
    return case


def resolve_names(case: Case) -> None:
    """Movements that name a party by its name, not its id: resolve them by name matching.

    A seller, buyer or payee written as a name (阿克苏恒润轧花有限公司 for GIN) is matched
    against every name of every party; a ``match`` replaces the text with the party id and the
    movement keeps why (its link is then inferred, not observed). Anything else is left as
    written, for the ``unlisted_party`` check.
    """
    parties = case.tables["case_parties"]
    ids = {p["party_id"] for p in parties}
    named = [
        (p["party_id"], n, name_features(n))
        for p in parties
        for n in (p["name"], p["name_native"], *p["aliases"])
        if n
    ]
    for m in case.tables["case_movements"]:
        notes = []
        for role in ("seller_id", "buyer_id", "payee_id"):
            text = m[role]
            if not text or text in ids:
                continue
            query = name_features(text)
            best = max(
                ((compare(query, f), pid, n) for pid, n, f in named),
                key=lambda x: (x[0].decision == MATCH, x[0].score),
                default=None,
            )
            if best is not None and best[0].decision == MATCH:
                m[role] = best[1]
                notes.append(
                    f"{role[:-3]} written {text!r}, resolved to {best[1]} ({best[2]}) by name "
                    f"matching: {best[0].explanation}"
                )
        m["resolution"] = "; ".join(notes) or None


def _find(folder: Path, name: str) -> Path | None:
    for suffix in SUFFIXES:
        path = folder / f"{name}{suffix}"
        if path.is_file():
            return path
    return None


def _text(row: Row, key: str) -> str:
    return " ".join(row.values.get(key, "").split())


def _required(path: Path, row: Row, key: str) -> str:
    value = _text(row, key)
    if not value:
        raise InputError(path, f"{key} is empty", line=row.line, field=key)
    return value


def _date(path: Path, row: Row, key: str) -> date | None:
    value = _text(row, key)
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        raise InputError(
            path, f"{value!r} is not a date (write YYYY-MM-DD)", line=row.line, field=key
        ) from None


def _number(path: Path, row: Row, key: str, text: str | None = None) -> float | None:
    value = _text(row, key) if text is None else text
    if not value:
        return None
    try:
        return float(value.replace(",", ""))
    except ValueError:
        raise InputError(path, f"{value!r} is not a number", line=row.line, field=key) from None


def _list(row: Row, key: str) -> list[str]:
    return [v.strip() for v in re.split(r"[|;]", row.values.get(key, "")) if v.strip()]


def _choice(
    path: Path, row: Row, key: str, choices: tuple[str, ...], words: dict[str, str] | None = None
) -> str:
    value = _required(path, row, key).lower().replace(" ", "_").replace("-", "_")
    value = (words or {}).get(value, value)
    if value not in choices:
        raise InputError(
            path, f"{value!r} is not one of {', '.join(choices)}", line=row.line, field=key
        )
    return value


def _party(path: Path, row: Row, case_id: str) -> dict[str, Any]:
    return {
        "case_id": case_id,
        "party_id": _required(path, row, "party_id"),
        "name": _required(path, row, "name"),
        "name_native": _text(row, "name_native") or None,
        "aliases": _list(row, "aliases"),
        "address": _text(row, "address") or None,
        "country": _text(row, "country") or None,
        "registry_ids": [v.upper() for v in _list(row, "registry_ids")],
        "role": _text(row, "role").lower() or None,
    }


def _ownership(path: Path, row: Row, case_id: str) -> dict[str, Any]:
    share = _number(path, row, "share")
    if share is not None and not 0 <= share <= 100:
        raise InputError(path, f"share {share} is not 0-100", line=row.line, field="share")
    return {
        "case_id": case_id,
        "parent_id": _required(path, row, "parent_id"),
        "child_id": _required(path, row, "child_id"),
        "share": share,
        "source": _text(row, "source") or None,
    }


def _document(path: Path, row: Row, case_id: str) -> dict[str, Any]:
    translated = _text(row, "translated").lower()
    if translated not in ("", "yes", "no", "true", "false", "y", "n"):
        raise InputError(
            path, f"{translated!r}: write yes or no", line=row.line, field="translated"
        )
    return {
        "case_id": case_id,
        "document_id": _required(path, row, "document_id"),
        "type": _choice(path, row, "type", DOCUMENT_TYPES),
        "date": _date(path, row, "date"),
        "issuer_id": _text(row, "issuer") or None,
        "recipient_id": _text(row, "recipient") or None,
        "language": _text(row, "language").lower() or None,
        "translated": translated in ("yes", "true", "y") if translated else None,
        "file": _text(row, "file") or None,
        "sha256": _text(row, "sha256").lower() or None,
        "supports": _text(row, "supports") or None,
        "file_sha256": _file_sha256(path.parent, _text(row, "file")),
    }


def _file_sha256(folder: Path, name: str) -> str | None:
    """The SHA-256 of a document's file when it is in the case folder (never outside it)."""
    if not name:
        return None
    target = (folder / name).resolve()
    if folder.resolve() not in target.parents or not target.is_file():
        return None
    digest = hashlib.sha256()
    with target.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _lots(
    path: Path, row: Row, key: str, owner: str, kind: str, case_id: str
) -> list[dict[str, Any]]:
    out = []
    for item in _list(row, key):
        m = _LOT.match(item)
        if m is None:
            raise InputError(path, f"{item!r}: write LOT or LOT:QUANTITY", line=row.line, field=key)
        quantity = _number(path, row, key, m.group(2)) if m.group(2) else None
        out.append(
            {
                "case_id": case_id,
                "owner": owner,
                "kind": kind,
                "lot": m.group(1),
                "quantity": quantity,
            }
        )
    return out


def _movement(path: Path, row: Row, case_id: str) -> dict[str, Any]:
    movement_id = _required(path, row, "movement_id")
    quantity = _number(path, row, "quantity")
    if quantity is not None and quantity < 0:
        raise InputError(path, "quantity is negative", line=row.line, field="quantity")
    basis = _text(row, "basis").lower() or "documents"
    if basis not in ("documents", "declaration"):
        raise InputError(
            path, f"{basis!r}: write documents or declaration", line=row.line, field="basis"
        )
    return {
        "case_id": case_id,
        "movement_id": movement_id,
        "document_id": _text(row, "document_id") or None,
        "seller_id": _required(path, row, "seller"),
        "buyer_id": _required(path, row, "buyer"),
        "payee_id": _text(row, "payee") or None,
        "product": _text(row, "product") or None,
        "hs_code": _text(row, "hs_code") or None,
        "quantity": quantity,
        "unit": _text(row, "unit") or None,
        "port_from": _text(row, "port_from") or None,
        "port_to": _text(row, "port_to") or None,
        "date": _date(path, row, "date"),
        "basis": basis,
        "resolution": None,
        "_lots": _lots(path, row, "lots", movement_id, "moved", case_id),
    }


def _production(path: Path, row: Row, case_id: str) -> dict[str, Any]:
    record_id = _required(path, row, "record_id")
    share = _number(path, row, "recycled_share")
    start, end = _date(path, row, "start_date"), _date(path, row, "end_date")
    return {
        "case_id": case_id,
        "record_id": record_id,
        "document_id": _text(row, "document_id") or None,
        "facility_id": _required(path, row, "facility"),
        "process": _choice(path, row, "process", PROCESSES, PROCESS_WORDS),
        "unit": _text(row, "unit") or None,
        "start_date": start,
        "end_date": end,
        "recycled_share": share,
        "recycled_origin": _text(row, "recycled_origin") or None,
        "_lots": _lots(path, row, "inputs", record_id, "in", case_id)
        + _lots(path, row, "outputs", record_id, "out", case_id),
    }


def import_case(store: Backend, case: Case) -> None:
    """Store a validated case, replacing an earlier import of the same case; all or nothing."""
    with store.transaction():
        for table in (*(f"case_{n}" for n in FILES), "case_lots"):
            store.sql(f"DELETE FROM {table} WHERE case_id = ?", [case.case_id])
            rows = case.tables.get(table, [])
            if rows:
                store.append(table, pa.Table.from_pylist(rows))


def case_ids(store: Backend) -> list[str]:
    """The cases in the store."""
    return [r[0] for r in store.sql("SELECT DISTINCT case_id FROM case_movements ORDER BY 1")]


def stored_shipments(
    store: Backend, limit: int = 1000, case: str | None = None
) -> list[dict[str, Any]]:
    """Movements into an importer across the stored cases, or one case (the shipments a trace
    starts from), newest first."""
    where = "WHERE m.case_id = ? " if case else ""
    return store.dicts(
        "SELECT m.case_id AS case, m.movement_id AS shipment, s.name AS seller, "
        "b.name AS buyer, m.product, m.quantity, m.unit, CAST(m.date AS VARCHAR) AS date "
        "FROM case_movements m JOIN case_parties b ON b.case_id = m.case_id "
        "AND b.party_id = m.buyer_id AND b.role = 'importer' "
        "LEFT JOIN case_parties s ON s.case_id = m.case_id AND s.party_id = m.seller_id "
        f"{where}ORDER BY m.date DESC NULLS LAST, m.case_id, m.movement_id LIMIT ?",
        [*([case] if case else []), limit],
    )


def case_of_shipment(store: Backend, shipment: str) -> str:
    """The case a shipment (movement id) belongs to."""
    rows = store.sql("SELECT case_id FROM case_movements WHERE movement_id = ?", [shipment])
    if not rows:
        raise PaxtaError(f"no shipment {shipment!r}: import its case with paxta case import DIR.")
    if len(rows) > 1:
        raise PaxtaError(
            f"shipment {shipment!r} is in several cases: {', '.join(r[0] for r in rows)}."
        )
    return str(rows[0][0])
