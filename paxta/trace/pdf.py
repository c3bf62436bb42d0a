"""``dossier.pdf``: the same content as ``dossier.html``, for reviewers who file PDFs.

Drawn with ReportLab (BSD), with page numbers and the findings' exhibit numbers linked to the
exhibit index. Chinese text uses ReportLab's built-in STSong-Light CID font, which the PDF reader
supplies (Acrobat's Asian font pack; readers without it show those names blank:
the HTML and JSON carry them too), so no font file ships with paxta. Values from the case are
escaped before they reach ReportLab's paragraph markup.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from paxta.trace.dossier import dossier_sha256, list_age, named_with_id

CJK_FONT = "STSong-Light"
PAGE_WIDTH = landscape(A4)[0] - 2 * 72  # points between SimpleDocTemplate's default margins
_SEVERITY = {"high": colors.HexColor("#fde2e1"), "medium": colors.HexColor("#fff4d6")}


def write_pdf(content: dict[str, Any], path: Path) -> Path:
    """Write the dossier ``content`` as a PDF at ``path``."""
    if CJK_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))
    styles = getSampleStyleSheet()
    body = ParagraphStyle(
        "body", parent=styles["BodyText"], fontName=CJK_FONT, fontSize=8, leading=10
    )
    h1 = ParagraphStyle("h1", parent=styles["Heading1"], fontName=CJK_FONT)
    h2 = ParagraphStyle("h2", parent=styles["Heading2"], fontName=CJK_FONT)

    def p(text: Any) -> Paragraph:
        return Paragraph(html.escape("" if text is None else str(text)), body)

    def cell(value: Any) -> Paragraph:
        return value if isinstance(value, Paragraph) else p(value)

    def table(header: list[str], rows: list[list[Any]], shades: list[str] | None = None) -> Table:
        t = Table([[p(h) for h in header], *[[cell(v) for v in r] for r in rows]], repeatRows=1)
        style = [
            ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef4")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
        for i, shade in enumerate(shades or [], 1):
            if shade in _SEVERITY:
                style.append(("BACKGROUND", (0, i), (-1, i), _SEVERITY[shade]))
        t.setStyle(TableStyle(style))
        return t

    c, s = content, content["summary"]
    story: list[Any] = [
        Paragraph(html.escape(f"Supply-chain dossier: shipment {c['shipment']}"), h1),
        p(f"Case {c['case']}, generated {c['generated_at']} UTC by paxta."),
        Paragraph("1. Executive summary", h2),
        p(s["verdict"]),
        p(
            ", ".join(f"{n} {k}" for k, n in s["findings"].items())
            + f" findings over {s['parties']} parties and {s['tiers']} tiers; "
            f"{s['links_observed']} links observed, {s['links_inferred']} inferred."
        ),
        table(
            ["#", "document", "type", "date", "issuer", "language", "SHA-256 of the file"],
            [
                [
                    Paragraph(f'<a name="exhibit-{x["number"]}"/>{x["number"]}', body),
                    x["document"],
                    x["type"],
                    x.get("date"),
                    named_with_id(x.get("issuer_name"), x.get("issuer")),
                    x.get("language"),
                    f"{x.get('sha256') or ''} ({x.get('integrity')})",
                ]
                for x in c["exhibits"]
            ],
        ),
        Paragraph("2. Flow of goods", h2),
        _chart(c),
        Paragraph("3. Parties", h2),
        table(
            ["tier", "name", "native name", "role", "address", "country", "registry IDs"],
            [
                [
                    x["tier"],
                    x["name"],
                    x.get("name_native"),
                    x.get("role"),
                    x.get("address"),
                    x.get("country"),
                    ", ".join(x.get("registry_ids") or []),
                ]
                for x in c["parties"]
            ],
        ),
        *(
            [
                p("Beside the chain (owners, payees, issuers of documents):"),
                table(
                    ["tier", "name", "how", "address", "country"],
                    [
                        [
                            x["tier"],
                            named_with_id(x["name"], x["id"]),
                            x["how"],
                            x.get("address"),
                            x.get("country"),
                        ]
                        for x in c["beside_the_chain"]
                    ],
                ),
            ]
            if c["beside_the_chain"]
            else []
        ),
        Paragraph("4. Documentation by tier", h2),
        table(
            ["tier", "link", "step", "from", "to", "documents", "missing", "basis"],
            [
                [
                    d["tier"],
                    d["link"],
                    d["kind"],
                    d["from"],
                    d["to"],
                    ", ".join(d["types"]) or "none",
                    ", ".join(d["missing"]),
                    d["basis"],
                ]
                for d in c["documentation"]
            ],
        ),
        Paragraph("5. Mass balance", h2),
        table(
            ["tier", "facility", "process", "input", "output", "yield"],
            [
                [
                    m["tier"],
                    m["facility"],
                    m["process"],
                    f"{m['input']:,.0f} {m['unit'] or ''}",
                    f"{m['output']:,.0f}",
                    m["yield"],
                ]
                for m in c["mass_balance"]
            ],
        ),
        Paragraph("6. Findings", h2),
        table(
            ["severity", "code", "tier", "party", "finding", "exhibits"],
            [
                [
                    f["severity"],
                    f["code"],
                    f["tier"],
                    named_with_id(f.get("party_name"), f["party"]),
                    f["message"],
                    Paragraph(
                        ", ".join(
                            f'<a href="#exhibit-{n}" color="blue">{n}</a>' for n in f["exhibits"]
                        ),
                        body,
                    ),
                ]
                for f in c["findings"]
            ],
            [f["severity"] for f in c["findings"]],
        ),
        Paragraph("7. To check: possible list matches (not findings)", h2),
        table(
            ["tier", "party", "listed entity", "list", "probability", "why"],
            [
                [
                    x["tier"],
                    named_with_id(x["party_name"], x["party"]),
                    f"{x['listed_name']} ({x['entity_id']})",
                    f"{x['list']} {x['list_version']}",
                    f"{x['probability']:.2f}",
                    x["explanation"],
                ]
                for x in c["to_check"]
            ],
        )
        if c["to_check"]
        else p("None."),
        Paragraph("8. Captured evidence", h2),
        table(
            ["evidence", "page", "captured (UTC)", "manifest SHA-256", "integrity"],
            [
                [x["evidence_id"], x["url"], x["captured_at"], x["manifest_sha256"], x["integrity"]]
                for x in c["evidence"]
            ],
        )
        if c["evidence"]
        else p("No page was captured for this case."),
        Paragraph("9. List versions and algorithm used", h2),
        *[
            p(f"{v['source']} {v['version']}{list_age(v, c)} {v['sha256']}")
            for v in c["list_versions"]
        ],
        p(f"screening model {c['algorithm']['screening']}, paxta {c['algorithm']['paxta']}"),
        Paragraph("10. EU Forced Labour Regulation view", h2),
        p(
            "Risk areas: "
            + (", ".join(c["eu_forced_labour_regulation"]["risk_areas"]) or "none found")
            + "; products in risk sectors: "
            + (", ".join(c["eu_forced_labour_regulation"]["risk_products"]) or "none")
        ),
        *[p(f"- {step}") for step in c["eu_forced_labour_regulation"]["due_diligence_steps"]],
        Paragraph("11. Sign-off", h2),
        table(
            ["", ""],
            [
                ["prepared by", c["sign_off"]["prepared_by"] or ""],
                ["reviewed by", ""],
                ["date", ""],
                ["dossier.json SHA-256", dossier_sha256(c)],
            ],
        ),
        Spacer(1, 4 * mm),
    ]
    doc = SimpleDocTemplate(
        str(path), pagesize=landscape(A4), title=f"Dossier {c['shipment']}", author="paxta"
    )

    def footer(canvas: Any, document: Any) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 7)
        canvas.drawRightString(
            landscape(A4)[0] - 72,
            30,
            f"Dossier for shipment {c['shipment']}, case {c['case']}: page {document.page}",
        )
        canvas.restoreState()

    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return path


def _chart(c: dict[str, Any]) -> Drawing:
    """The parties in tier columns (importer right), numbered movements between them."""
    columns: dict[int, list[dict[str, Any]]] = {}
    for party in c["parties"]:
        columns.setdefault(party["tier"], []).append(party)
    top = max(columns, default=0)
    box_w, box_h, col_w, row_h = 95, 26, 105, 34
    rows = max((len(v) for v in columns.values()), default=1)
    height = rows * row_h + 10
    drawing = Drawing((top + 1) * col_w, height)
    pos: dict[str, tuple[float, float]] = {}
    for tier, members in columns.items():
        for i, party in enumerate(members):
            pos[party["id"]] = ((top - tier) * col_w + 4, height - (i + 1) * row_h)
    flagged = {f["party"] for f in c["findings"] if f["severity"] in ("high", "medium")}
    for n, link in enumerate(c["chain"], 1):
        if link["kind"] != "movement" or link["from"] not in pos or link["to"] not in pos:
            continue
        (x1, y1), (x2, y2) = pos[link["from"]], pos[link["to"]]
        dash = None if link["basis"] == "observed" else [3, 2]
        drawing.add(Line(x1 + box_w, y1 + box_h / 2, x2, y2 + box_h / 2, strokeDashArray=dash))
        drawing.add(
            String((x1 + box_w + x2) / 2, (y1 + y2) / 2 + box_h / 2 + 2, str(n), fontSize=6)
        )
    for party in c["parties"]:
        x, y = pos[party["id"]]
        fill = colors.HexColor("#fde2e1" if party["id"] in flagged else "#eef3f8")
        drawing.add(Rect(x, y, box_w, box_h, fillColor=fill, strokeColor=colors.black))
        drawing.add(String(x + 3, y + 15, str(party["name"])[:24], fontName=CJK_FONT, fontSize=6))
        drawing.add(
            String(x + 3, y + 5, f"tier {party['tier']} {party.get('role') or ''}", fontSize=5)
        )
    if drawing.width > PAGE_WIDTH:  # a long chain: the whole chart, smaller, on the page
        factor = PAGE_WIDTH / drawing.width
        drawing.scale(factor, factor)
        drawing.width, drawing.height = PAGE_WIDTH, drawing.height * factor
    return drawing
