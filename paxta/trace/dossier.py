"""The dossier a customs reviewer reads: the chain, its documents, its gaps, the findings.

``dossier.json`` holds the content for machines; ``dossier.html`` lays it out as a reviewer
reads it: executive summary with a numbered exhibit index, contents, a numbered flow chart of the
chain (SVG), the parties, a tier-by-tier documentation table with its gaps, the mass-balance
table, the findings with their exhibits, the list versions used, and an EU Forced Labour
Regulation view. Every value from the case is escaped: a document can carry hostile text.
"""

from __future__ import annotations

import hashlib
import html
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from typing import Any

import orjson

from paxta import __version__
from paxta.config import utc_now
from paxta.lists.repository import ListVersion, current_versions, max_list_age, version_age
from paxta.screen.matcher import Matcher
from paxta.screen.model import model
from paxta.store import Backend
from paxta.trace.checks import (
    HIGH,
    MEDIUM,
    SEVERITIES,
    CaseData,
    Finding,
    around_the_chain,
    missing_documents,
    run_checks,
    to_check,
    xinjiang_reason,
)
from paxta.trace.graph import Trace, trace

EU_RISK_PRODUCTS = ("cotton", "yarn", "fabric", "garment", "t-shirt", "polysilicon", "tomato",
                    "aluminium", "aluminum", "pvc", "resin")  # fmt: skip


def build_dossier(
    store: Backend,
    case_id: str,
    shipment: str,
    matcher: Matcher,
    extra: tuple[Finding, ...] = (),
    prepared_by: str | None = None,
) -> dict[str, Any]:
    """The dossier's content (``extra``: findings made outside the case's records, such as the
    volumes a firm ships in trade records; ``prepared_by``: who prepared it, for the sign-off).
    The same case gives the same content, in the same order, apart from ``generated_at``."""
    chain = trace(store, case_id, shipment)
    data = CaseData.load(store, case_id)
    findings = sorted(
        run_checks(store, chain, matcher, data=data) + list(extra),
        key=lambda f: (SEVERITIES.index(f.severity), f.tier or 0, f.code, f.party or "", f.message),
    )
    exhibits = _exhibits(data, chain)
    number = {d: i for i, d in enumerate(exhibits, 1)}
    counts = Counter(f.severity for f in findings)
    verdict = (
        "do not release: high-severity findings"
        if counts[HIGH]
        else "review: findings to resolve"
        if counts[MEDIUM]
        else "no finding above low"
    )
    return {
        "case": case_id,
        "shipment": shipment,
        "generated_at": utc_now().isoformat(timespec="seconds"),
        "summary": {
            "verdict": verdict,
            "findings": {s: counts.get(s, 0) for s in SEVERITIES},
            "tiers": max(chain.tiers.values(), default=0),
            "parties": len(chain.tiers),
            "links_observed": sum(1 for x in chain.links if x.basis == "observed"),
            "links_inferred": sum(1 for x in chain.links if x.basis == "inferred"),
        },
        "exhibits": [
            {"number": number[d], "document": d, **_document(data, data.documents.get(d))}
            for d in exhibits
        ],
        "parties": [_party(data, p, chain.tiers[p]) for p in chain.parties()],
        "beside_the_chain": [
            {**_party(data, p, tier), "how": how}
            for p, (tier, how) in sorted(around_the_chain(data, chain).items())
        ],
        "chain": [link.as_json() for link in chain.links],
        "documentation": _documentation(data, chain),
        "mass_balance": _mass_balance(data, chain),
        "findings": [
            {
                **f.as_json(),
                "party_name": data.name(f.party) if f.party else None,
                "exhibits": [number[d] for d in f.documents if d in number],
            }
            for f in findings
        ],
        "to_check": to_check(data, chain, matcher),
        "evidence": _evidence(store, case_id),
        "list_versions": [
            {"source": v.source, "version": v.version, "sha256": v.sha256}
            for v in sorted(current_versions(store), key=lambda v: v.source)
        ],
        "algorithm": {"screening": model().algorithm, "paxta": __version__},
        "sign_off": {"prepared_by": prepared_by, "reviewed_by": None, "date": None},
        "eu_forced_labour_regulation": _eu_view(data, chain),
    }


def _exhibits(data: CaseData, chain: Trace) -> list[str]:
    out: list[str] = []
    for link in chain.links:
        for d in data.supports.get(link.link_id, []):
            if d not in out:
                out.append(d)
    return out


def _document(data: CaseData, doc: dict[str, Any] | None) -> dict[str, Any]:
    if doc is None:
        return {"type": None, "note": "named but not among the case's documents"}
    computed = doc.get("file_sha256")
    if computed:
        integrity = (
            "file hashed"
            if not doc["sha256"] or doc["sha256"] == computed
            else ("the file differs from the SHA-256 the case states")
        )
    else:
        integrity = "no file supplied"
    return {
        "type": doc["type"],
        "date": doc["date"].isoformat() if doc["date"] else None,
        "issuer": doc["issuer_id"],
        "issuer_name": data.name(doc["issuer_id"]) if doc["issuer_id"] else None,
        "recipient": doc["recipient_id"],
        "recipient_name": data.name(doc["recipient_id"]) if doc["recipient_id"] else None,
        "language": doc["language"],
        "translated": doc["translated"],
        "file": doc["file"],
        "sha256": computed,
        "sha256_stated": doc["sha256"],
        "integrity": integrity,
    }


def _evidence(store: Backend, case_id: str) -> list[dict[str, Any]]:
    """Pages captured for the case (``paxta capture --case``), each with its integrity now."""
    from paxta.evidence.capture import verify

    rows = store.dicts(
        "SELECT evidence_id, url, status, captured_at, manifest_sha256 FROM evidence "
        "WHERE case_name = ? ORDER BY captured_at, evidence_id",
        [case_id],
    )
    out = []
    for r in rows:
        problems = verify(store, r["evidence_id"])
        out.append(
            {
                "evidence_id": r["evidence_id"],
                "url": r["url"],
                "status": r["status"],
                "captured_at": r["captured_at"].isoformat(timespec="seconds"),
                "manifest_sha256": r["manifest_sha256"],
                "integrity": "intact" if not problems else "; ".join(problems),
            }
        )
    return out


def _party(data: CaseData, party: str, tier: int) -> dict[str, Any]:
    p = data.parties.get(party)
    if p is None:
        return {"id": party, "tier": tier, "name": party, "note": "not in the party list"}
    return {
        "id": party,
        "tier": tier,
        "name": p["name"],
        "name_native": p["name_native"],
        "role": p["role"],
        "address": p["address"],
        "country": p["country"],
        "registry_ids": list(p["registry_ids"] or ()),
    }


def _documentation(data: CaseData, chain: Trace) -> list[dict[str, Any]]:
    rows = []
    for link in chain.links:
        docs = data.supports.get(link.link_id, [])
        types = sorted({data.documents[d]["type"] for d in docs if d in data.documents})
        rows.append(
            {
                "tier": link.tier,
                "link": link.link_id,
                "kind": link.process or link.kind,
                "from": data.name(link.seller),
                "to": data.name(link.buyer),
                "documents": docs,
                "types": types,
                "missing": missing_documents(data, link.link_id),
                "basis": link.basis,
            }
        )
    return rows


def _mass_balance(data: CaseData, chain: Trace) -> list[dict[str, Any]]:
    rows = []
    for link in chain.links:
        if link.kind != "production":
            continue
        p = data.production[link.link_id]
        ins = sum(q or 0 for q in data.lot_quantities(link.link_id, "in").values())
        outs = sum(q or 0 for q in data.lot_quantities(link.link_id, "out").values())
        rows.append(
            {
                "tier": link.tier,
                "record": link.link_id,
                "facility": data.name(link.seller),
                "process": p["process"],
                "input": ins,
                "output": outs,
                "unit": p["unit"],
                "yield": round(outs / ins, 3) if ins else None,
            }
        )
    return rows


def _eu_view(data: CaseData, chain: Trace) -> dict[str, Any]:
    products = sorted({link.product for link in chain.links if link.product})
    risky = [p for p in products if any(w in p.lower() for w in EU_RISK_PRODUCTS)]
    # Only parties actually in the region (their address or registry code), not those tied to
    # it by a group or a listing.
    areas = sorted(p for p in chain.tiers if xinjiang_reason(data.parties.get(p)))
    return {
        "risk_areas": ["Xinjiang Uyghur Autonomous Region"] if areas else [],
        "parties_in_risk_areas": [data.name(a) for a in areas],
        "risk_products": risky,
        "due_diligence_steps": [
            "supply chain traced to raw material where records allow",
            "parties screened against UFLPA, OFAC, BIS and CBP lists",
            "addresses and registry codes located",
            "documents checked against each other",
        ],
    }


def write_dossier(content: dict[str, Any], folder: Path) -> tuple[Path, Path]:
    """``dossier.json``, ``dossier.html`` and ``dossier.pdf`` in ``folder``."""
    from paxta.trace.pdf import write_pdf

    folder.mkdir(parents=True, exist_ok=True)
    as_json = folder / "dossier.json"
    as_json.write_bytes(dossier_json(content))
    page = folder / "dossier.html"
    page.write_text(render_html(content), encoding="utf-8")
    write_pdf(content, folder / "dossier.pdf")
    return as_json, page


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def render_html(c: dict[str, Any]) -> str:
    """The dossier as one self-contained HTML page."""
    s = c["summary"]
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>Dossier {_e(c['shipment'])}</title><style>{_CSS}</style></head><body>",
        f"<h1>Supply-chain dossier: shipment {_e(c['shipment'])}</h1>",
        f"<p>Case {_e(c['case'])}, generated {_e(c['generated_at'])} UTC by paxta.</p>",
        "<nav><h2>Contents</h2><ol><li><a href='#summary'>Executive summary</a></li>"
        "<li><a href='#chain'>Flow of goods</a></li><li><a href='#parties'>Parties</a></li>"
        "<li><a href='#docs'>Documentation by tier</a></li><li><a href='#mass'>Mass balance</a>"
        "</li><li><a href='#findings'>Findings</a></li><li><a href='#check'>To check</a></li>"
        "<li><a href='#evidence'>Captured evidence</a></li><li><a href='#lists'>List versions"
        "</a></li><li><a href='#eu'>EU Forced Labour Regulation</a></li>"
        "<li><a href='#signoff'>Sign-off</a></li></ol></nav>",
        "<h2 id='summary'>1. Executive summary</h2>",
        f"<p class='verdict'>{_e(s['verdict'])}</p>",
        "<p>"
        + ", ".join(f"{_e(n)} {_e(k)}" for k, n in s["findings"].items())
        + f" findings over {s['parties']} parties and {s['tiers']} tiers; "
        f"{s['links_observed']} links observed in documents, {s['links_inferred']} inferred.</p>",
        "<h3>Exhibit index</h3><table><tr><th>#</th><th>document</th><th>type</th><th>date</th>"
        "<th>issuer</th><th>language</th><th>SHA-256 of the file</th></tr>",
        *(
            f"<tr id='exhibit-{x['number']}'><td>{x['number']}</td><td>{_e(x['document'])}</td>"
            f"<td>{_e(x['type'])}</td><td>{_e(x.get('date'))}</td>"
            f"<td>{_e(named_with_id(x.get('issuer_name'), x.get('issuer')))}</td>"
            f"<td>{_e(x.get('language'))}</td><td class='hash'>"
            f"{_e(x.get('sha256') or '')} <em>{_e(x.get('integrity'))}</em></td></tr>"
            for x in c["exhibits"]
        ),
        "</table>",
        "<h2 id='chain'>2. Flow of goods</h2>",
        flow_svg(c),
        "<h2 id='parties'>3. Parties</h2><table><tr><th>tier</th><th>name</th><th>native name</th>"
        "<th>role</th><th>address</th><th>country</th><th>registry IDs</th></tr>",
        *(
            f"<tr><td>{p['tier']}</td><td>{_e(p['name'])}</td><td>{_e(p.get('name_native'))}</td>"
            f"<td>{_e(p.get('role'))}</td><td>{_e(p.get('address'))}</td>"
            f"<td>{_e(p.get('country'))}</td>"
            f"<td>{_e(', '.join(p.get('registry_ids') or []))}</td></tr>"
            for p in c["parties"]
        ),
        "</table>",
        *(
            [
                "<h3>Beside the chain (owners, payees, issuers of documents)</h3><table><tr>"
                "<th>tier</th><th>name</th><th>how</th><th>address</th><th>country</th></tr>",
                *(
                    f"<tr><td>{p['tier']}</td><td>{_e(named_with_id(p['name'], p['id']))}</td>"
                    f"<td>{_e(p['how'])}</td><td>{_e(p.get('address'))}</td>"
                    f"<td>{_e(p.get('country'))}</td></tr>"
                    for p in c["beside_the_chain"]
                ),
                "</table>",
            ]
            if c["beside_the_chain"]
            else []
        ),
        "<h2 id='docs'>4. Documentation by tier</h2><table><tr><th>tier</th><th>link</th>"
        "<th>step</th><th>from</th><th>to</th><th>documents</th><th>missing</th><th>basis</th></tr>",
        *(
            f"<tr class='{_e(d['basis'])}'><td>{d['tier']}</td><td>{_e(d['link'])}</td>"
            f"<td>{_e(d['kind'])}</td><td>{_e(d['from'])}</td><td>{_e(d['to'])}</td>"
            f"<td>{_e(', '.join(d['types']) or 'none')}</td>"
            f"<td class='gap'>{_e(', '.join(d['missing']))}</td><td>{_e(d['basis'])}</td></tr>"
            for d in c["documentation"]
        ),
        "</table><h2 id='mass'>5. Mass balance</h2><table><tr><th>tier</th><th>facility</th>"
        "<th>process</th><th>input</th><th>output</th><th>yield</th></tr>",
        *(
            f"<tr><td>{m['tier']}</td><td>{_e(m['facility'])}</td><td>{_e(m['process'])}</td>"
            f"<td>{m['input']:,.0f} {_e(m['unit'])}</td><td>{m['output']:,.0f}</td>"
            f"<td>{_e(m['yield'])}</td></tr>"
            for m in c["mass_balance"]
        ),
        "</table><h2 id='findings'>6. Findings</h2><table><tr><th>severity</th><th>code</th>"
        "<th>tier</th><th>party</th><th>finding</th><th>exhibits</th></tr>",
        *(
            f"<tr class='{_e(f['severity'])}'><td>{_e(f['severity'])}</td><td>{_e(f['code'])}</td>"
            f"<td>{_e(f['tier'])}</td><td>{_e(named_with_id(f.get('party_name'), f['party']))}</td>"
            f"<td>{_e(f['message'])}</td><td>"
            + ", ".join(f"<a href='#exhibit-{n}'>{n}</a>" for n in f["exhibits"])
            + "</td></tr>"
            for f in c["findings"]
        ),
        "</table><h2 id='check'>7. To check: possible list matches</h2>"
        "<p>Screening found these names close to a listed entity but not close enough to say it "
        "is the same: they are not findings. A person checks each against the list entry.</p>",
        *(
            [
                "<table><tr><th>tier</th><th>party</th><th>listed entity</th><th>list</th>"
                "<th>probability</th><th>why</th></tr>",
                *(
                    f"<tr><td>{x['tier']}</td>"
                    f"<td>{_e(named_with_id(x['party_name'], x['party']))}</td>"
                    f"<td>{_e(x['listed_name'])} ({_e(x['entity_id'])})</td>"
                    f"<td>{_e(x['list'])} {_e(x['list_version'])}</td>"
                    f"<td>{x['probability']:.2f}</td><td>{_e(x['explanation'])}</td></tr>"
                    for x in c["to_check"]
                ),
                "</table>",
            ]
            if c["to_check"]
            else ["<p>None.</p>"]
        ),
        "<h2 id='evidence'>8. Captured evidence</h2>",
        *(
            [
                "<table><tr><th>evidence</th><th>page</th><th>captured (UTC)</th>"
                "<th>manifest SHA-256</th><th>integrity</th></tr>",
                *(
                    f"<tr><td>{_e(x['evidence_id'])}</td><td>{_e(x['url'])}</td>"
                    f"<td>{_e(x['captured_at'])}</td><td class='hash'>{_e(x['manifest_sha256'])}"
                    f"</td><td>{_e(x['integrity'])}</td></tr>"
                    for x in c["evidence"]
                ),
                "</table>",
            ]
            if c["evidence"]
            else ["<p>No page was captured for this case (paxta capture URL --case CASE).</p>"]
        ),
        "<h2 id='lists'>9. List versions and algorithm used</h2><ul>",
        *(
            f"<li>{_e(v['source'])} {_e(v['version'])}{_e(list_age(v, c))} "
            f"<span class='hash'>{_e(v['sha256'])}</span></li>"
            for v in c["list_versions"]
        ),
        f"<li>screening model {_e(c['algorithm']['screening'])}, paxta "
        f"{_e(c['algorithm']['paxta'])}</li>",
        "</ul><h2 id='eu'>10. EU Forced Labour Regulation view</h2>",
        _eu_html(c["eu_forced_labour_regulation"]),
        "<h2 id='signoff'>11. Sign-off</h2><table>",
        f"<tr><th>prepared by</th><td>{_e(c['sign_off']['prepared_by'] or '')}</td></tr>",
        "<tr><th>reviewed by</th><td></td></tr><tr><th>date</th><td></td></tr>",
        f"<tr><th>dossier.json SHA-256</th><td class='hash'>{dossier_sha256(c)}</td></tr>",
        "</table></body></html>\n",
    ]
    return "\n".join(parts)


def named_with_id(name: str | None, ident: str | None) -> str:
    """ "Name (id)": a party named as people read it, its id beside it."""
    if not ident:
        return name or ""
    return f"{name} ({ident})" if name and name != ident else ident


def dossier_json(content: dict[str, Any]) -> bytes:
    """The bytes of ``dossier.json``."""
    return orjson.dumps(content, option=orjson.OPT_INDENT_2)


def dossier_sha256(content: dict[str, Any]) -> str:
    """The SHA-256 of ``dossier.json`` (the sign-off block gives it)."""
    return hashlib.sha256(dossier_json(content)).hexdigest()


def _eu_html(eu: dict[str, Any]) -> str:
    return (
        f"<p>Risk areas: {_e(', '.join(eu['risk_areas']) or 'none found')}; parties there: "
        f"{_e(', '.join(eu['parties_in_risk_areas']) or 'none')}.</p>"
        f"<p>Products in risk sectors: {_e(', '.join(eu['risk_products']) or 'none')}.</p><ul>"
        + "".join(f"<li>{_e(step)}</li>" for step in eu["due_diligence_steps"])
        + "</ul>"
    )


def flow_svg(c: dict[str, Any]) -> str:
    """The parties as boxes in tier columns (importer right), numbered links between them."""
    parties = c["parties"]
    columns: dict[int, list[dict[str, Any]]] = {}
    for p in parties:
        columns.setdefault(p["tier"], []).append(p)
    top = max(columns, default=0)
    width, box_w, box_h, gap = 220, 180, 44, 20
    pos: dict[str, tuple[int, int]] = {}
    for tier, members in columns.items():
        for i, p in enumerate(members):
            pos[p["id"]] = ((top - tier) * width + 10, i * (box_h + gap) + 30)
    flagged = {f["party"] for f in c["findings"] if f["severity"] in (HIGH, MEDIUM)}
    height = max((y for _, y in pos.values()), default=0) + box_h + 40
    out = [
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{(top + 1) * width}' height='{height}' "
        "font-family='sans-serif' font-size='11'>"
    ]
    for n, link in enumerate(c["chain"], 1):
        if link["kind"] != "movement" or link["from"] not in pos or link["to"] not in pos:
            continue
        (x1, y1), (x2, y2) = pos[link["from"]], pos[link["to"]]
        dash = "" if link["basis"] == "observed" else " stroke-dasharray='4 3'"
        what = f"{link['id']}: {link.get('product') or ''} {link['basis']}"
        out.append(
            f"<g class='link' data-link='{_e(link['id'])}' data-from='{_e(link['from'])}' "
            f"data-to='{_e(link['to'])}'><title>{_e(what)}</title>"
            f"<line x1='{x1 + box_w}' y1='{y1 + box_h // 2}' x2='{x2}' y2='{y2 + box_h // 2}' "
            f"stroke='#555' stroke-width='1.5'{dash}/><text x='{(x1 + box_w + x2) // 2}' "
            f"y='{(y1 + y2) // 2 + box_h // 2 - 4}'>{n}</text></g>"
        )
    for p in parties:
        x, y = pos[p["id"]]
        fill = "#fde2e1" if p["id"] in flagged else "#eef3f8"
        label = f"{p['name']}, tier {p['tier']}" + (", has findings" if p["id"] in flagged else "")
        out.append(
            f"<g class='node' data-party='{_e(p['id'])}' tabindex='0' role='button' "
            f"aria-label='{_e(label)}'><title>{_e(label)}</title>"
            f"<rect x='{x}' y='{y}' width='{box_w}' height='{box_h}' fill='{fill}' stroke='#333'/>"
            f"<text x='{x + 6}' y='{y + 16}'>{_e(p['name'][:30])}</text>"
            f"<text x='{x + 6}' y='{y + 32}' fill='#555'>tier {p['tier']} "
            f"{_e(p.get('role') or '')}</text></g>"
        )
    out.append("</svg>")
    return "\n".join(out)


_CSS = (
    "body{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem}"
    "table{border-collapse:collapse;font-size:.85rem;margin-bottom:1rem}"
    "th,td{border:1px solid #bbb;padding:.25rem .4rem;text-align:left;vertical-align:top}"
    "tr.high td{background:#fde2e1}tr.medium td{background:#fff4d6}tr.inferred td{color:#7a5c00}"
    ".hash{font-family:monospace;font-size:.7rem}.gap{color:#b00020;font-weight:bold}.verdict{font-size:1.2rem;font-weight:bold}"
)


def list_age(v: dict[str, Any], c: dict[str, Any]) -> str:
    """ " (690 days old on 2026-12-05)": a list version's age when the dossier was made (the
    JSON keeps the version date only, so the same case gives the same file on any day)."""
    made = date.fromisoformat(str(c["generated_at"])[:10])
    version = ListVersion(0, v["source"], v["version"], "", "", "", None, 0, datetime.min)
    age = version_age(version, made)
    if age is None:
        return ""
    stale = ", out of date" if age > max_list_age() else ""
    return f" ({age:,} days old on {made.isoformat()}{stale})"
