"""A dossier for a shipment found in trade records, made by the case dossier's code.

An exposure path (source → third-country firm → importer, or source → importer) becomes a case:
its organisations are the parties, each record behind a hop is a movement with its bill of lading
or customs declaration as the document, and the making of goods inside the third-country firm is
a production step with no document (so the trace marks it inferred and the checks say the
production record is missing). The shipment is one record of the last hop: the latest unless the
user names one. Its inputs are the source's records that reached the firm within the window
before it and carry an HS code the shipment's goods can be made of. The case is stored as
``trade-<path id>`` (replacing an earlier one), so the trace, the web app's shipment page and
the PDF all read it like any other case.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from paxta.errors import PaxtaError
from paxta.lists.model import slug
from paxta.screen.matcher import Matcher
from paxta.store import Backend
from paxta.trace.case import Case, import_case
from paxta.trace.checks import MEDIUM, Finding
from paxta.trace.dossier import build_dossier
from paxta.trade.exposure import HS_CHAIN, WINDOW_DAYS, find_path

INPUTS_KEPT = 200  # inbound records a dossier lists (the latest before the shipment)
PROCESS = "manufacturing"  # what the third-country firm did is inferred: no yield is assumed


def trade_dossier(
    store: Backend, path_id: str, matcher: Matcher, record: str | None = None
) -> dict[str, Any]:
    """The dossier of one shipment on exposure path ``path_id`` (its latest, or ``record``)."""
    path = find_path(store, path_id)
    if path is None:
        raise PaxtaError(
            f"no exposure path {path_id!r}: paxta trade exposure --json lists the paths' ids."
        )
    case, shipment = path_case(store, path, record)
    import_case(store, case)
    return build_dossier(store, case.case_id, shipment, matcher, extra=_findings(path))


def path_case(store: Backend, path: dict[str, Any], record: str | None = None) -> tuple[Case, str]:
    """The case a path makes, and the shipment (movement id) the dossier starts from."""
    case_id = slug(f"trade-{path['id']}")
    source, via, importer = path["source"], path["via"], path["importer"]
    seller = via or source
    shipped = _records(store, seller["org_id"], importer["org_id"])
    if record is not None:
        shipped = [r for r in shipped if r["record_id"] == record]
        if not shipped:
            raise PaxtaError(
                f"record {record!r} is not a shipment from {seller['name']} to "
                f"{importer['name']} on path {path['id']}."
            )
    if not shipped:
        raise PaxtaError(f"path {path['id']}: its records are no longer in the store.")
    out = shipped[-1]
    inputs: list[dict[str, Any]] = []
    if via is not None:
        window = out["date"] - timedelta(days=WINDOW_DAYS) if out["date"] else None
        inputs = [
            r
            for r in _records(store, source["org_id"], via["org_id"])
            if (window is None or (r["date"] and window <= r["date"] <= out["date"]))
            and _made_of(r["hs_codes"], out["hs_codes"])
        ][-INPUTS_KEPT:]
    parties = [(source, "exporter"), *([(via, "manufacturer")] if via else []),
               (importer, "importer")]  # fmt: skip
    tables: dict[str, list[dict[str, Any]]] = {
        "case_parties": [_party(store, case_id, org, role) for org, role in parties],
        "case_documents": [],
        "case_movements": [],
        "case_production": [],
        "case_lots": [],
        "case_ownership": [],
    }
    for r in inputs:
        _movement(tables, case_id, r, source, via, f"in:{r['record_id']}")
    _movement(tables, case_id, out, seller, importer, f"out:{out['record_id']}")
    if via is not None:
        made = f"made-at-{via['org_id']}"
        tables["case_production"].append(
            {
                "case_id": case_id,
                "record_id": made,
                "document_id": None,
                "facility_id": _pid(via),
                "process": PROCESS,
                "unit": "kg",
                "start_date": None,
                "end_date": None,
                "recycled_share": None,
                "recycled_origin": None,
            }
        )
        for kind, lots in (("in", [(f"in:{r['record_id']}", r) for r in inputs]),
                           ("out", [(f"out:{out['record_id']}", out)])):  # fmt: skip
            tables["case_lots"] += [
                {
                    "case_id": case_id,
                    "owner": made,
                    "kind": kind,
                    "lot": lot,
                    "quantity": r["weight_kg"],
                }
                for lot, r in lots
            ]
    return Case(case_id, Path(case_id), tables), out["record_id"]


def _findings(path: dict[str, Any]) -> tuple[Finding, ...]:
    """What the trade records say beyond the case's own records: volumes out of all proportion
    to inputs, an importer the records do not name, a trade name shared with a listed group."""
    where = {"trade_volume": path["via"], "hidden_party": path["importer"],
             "trade_name_kin": path["source"]}  # fmt: skip
    return tuple(
        Finding(code, MEDIUM, None, _pid(where[code]) if where.get(code) else None, (), text)
        for code, text in zip(path["finding_codes"], path["findings"], strict=True)
    )


def _spellings(store: Backend, org: dict[str, Any]) -> list[str]:
    rows = store.sql(
        "SELECT name FROM trade_parties WHERE org_id = ? AND name <> ? "
        "ORDER BY records DESC, name LIMIT 20",
        [org["org_id"], org["name"]],
    )
    return [r[0] for r in rows]


def _records(store: Backend, seller: int, buyer: int) -> list[dict[str, Any]]:
    return store.dicts(
        """SELECT r.* FROM trade_records r
        JOIN trade_parties pe ON pe.name = r.exporter
            AND pe.country = coalesce(r.exporter_country, '')
        JOIN trade_parties pi ON pi.name = r.importer
            AND pi.country = coalesce(r.importer_country, '')
        WHERE pe.org_id = ? AND pi.org_id = ?
        ORDER BY r.date NULLS FIRST, r.record_id""",
        [seller, buyer],
    )


def _made_of(inputs: list[str], outputs: list[str]) -> bool:
    return any(
        i.startswith(a) and o.startswith(b) for a, b in HS_CHAIN for i in inputs for o in outputs
    )


def _pid(org: dict[str, Any]) -> str:
    return f"org-{org['org_id']}"


def _party(store: Backend, case_id: str, org: dict[str, Any], role: str) -> dict[str, Any]:
    """An organisation as a case party: its name, the address most of its records give, and
    its other spellings as aliases (the screening reads them all)."""
    address = store.scalar("SELECT address FROM trade_orgs WHERE org_id = ?", [org["org_id"]])
    return {
        "case_id": case_id,
        "party_id": _pid(org),
        "name": org["name"],
        "name_native": None,
        "aliases": _spellings(store, org),
        "address": address,
        "country": org["country"] or None,
        "registry_ids": [],
        "role": role,
    }


def _movement(
    tables: dict[str, list[dict[str, Any]]],
    case_id: str,
    r: dict[str, Any],
    seller: dict[str, Any],
    buyer: dict[str, Any],
    lot: str,
) -> None:
    document = r["bol"] or r["record_id"]
    if any(d["document_id"] == document for d in tables["case_documents"]):
        document = f"{document} ({r['record_id']})"  # one master bill over several records
    kind = "bill_of_lading" if r["format"] == "ams" else "customs_declaration"
    tables["case_documents"].append(
        {
            "case_id": case_id,
            "document_id": document,
            "type": kind,
            "date": r["date"],
            "issuer_id": _pid(seller),
            "recipient_id": _pid(buyer),
            "language": None,
            "translated": None,
            "file": f"{r['file']}" + (f" line {r['line']}" if r["line"] else ""),
            "sha256": None,
            "supports": r["record_id"],
        }
    )
    tables["case_movements"].append(
        {
            "case_id": case_id,
            "movement_id": r["record_id"],
            "document_id": document,
            "seller_id": _pid(seller),
            "buyer_id": _pid(buyer),
            "payee_id": None,
            "product": r["description"],
            "hs_code": " ".join(r["hs_codes"]) or None,
            "quantity": r["weight_kg"],
            "unit": "kg",
            "port_from": r["port_lading"],
            "port_to": r["port_unlading"],
            "date": r["date"],
            "basis": "documents",
            "resolution": None,
        }
    )
    tables["case_lots"].append(
        {
            "case_id": case_id,
            "owner": r["record_id"],
            "kind": "moved",
            "lot": lot,
            "quantity": r["weight_kg"],
        }
    )
