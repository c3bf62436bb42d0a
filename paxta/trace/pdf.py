"""``dossier.pdf``: the same content as ``dossier.html``, for reviewers who file PDFs.

Drawn with ReportLab (BSD), with page numbers and the findings' exhibit numbers linked to the
exhibit index. All text is set in one TrueType font with Latin and Chinese glyphs, embedded as a
subset of the characters used, so the PDF prints the same on any machine: WenQuanYi Micro Hei
(Apache-2.0; Debian's ``fonts-wqy-microhei``, which ``make`` installs), or the file named by
``PAXTA_PDF_FONT``. Where no such font is found, Chinese falls back to ReportLab's STSong-Light
CID font, which the PDF reader must supply (not embedded), and the document says so. Values
from the case are escaped before they reach ReportLab's paragraph markup.
"""

from __future__ import annotations

import html
import os
import re
from functools import cache
from pathlib import Path
from typing import Any

from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from paxta.trace.dossier import dossier_sha256, list_age, named_with_id

CJK_FONT = "STSong-Light"  # (the reader's, not embedded: only when no font file is found)
EMBEDDED_FONT = "paxta-sans"
FONT_FILES = (  # TrueType fonts with Latin and Chinese glyphs, as Debian installs them
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
)
PAGE_WIDTH = landscape(A4)[0] - 2 * 72  # points between SimpleDocTemplate's default margins
_SEVERITY = {"high": colors.HexColor("#fde2e1"), "medium": colors.HexColor("#fff4d6")}


def write_pdf(content: dict[str, Any], path: Path) -> Path:
    """Write the dossier ``content`` as a PDF at ``path``."""
    font, embedded = pdf_font()
    styles = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=styles["BodyText"], fontName=font, fontSize=8, leading=10)
    h1 = ParagraphStyle("h1", parent=styles["Heading1"], fontName=font)
    h2 = ParagraphStyle("h2", parent=styles["Heading2"], fontName=font)

    def p(text: Any) -> Paragraph:
        return Paragraph(html.escape("" if text is None else str(text)), body)

    def cell(value: Any) -> Paragraph:
        return value if isinstance(value, Paragraph) else p(value)

    def table(header: list[str], rows: list[list[Any]], shades: list[str] | None = None) -> Table:
        cells = [[p(h) for h in header], *[[cell(v) for v in r] for r in rows]]
        widths = column_widths(
            [[_plain(c.text) for c in row] for row in cells], font, body.fontSize, PAGE_WIDTH
        )
        t = Table(cells, colWidths=widths, repeatRows=1, hAlign="LEFT")
        style = [
            ("FONT", (0, 0), (-1, -1), font),  # (a table's own default is Helvetica)
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
        *(
            []
            if embedded
            else [
                p(
                    "No font with Chinese glyphs was found on the machine that made this PDF: "
                    "Chinese names need the reader's Asian fonts (dossier.html and dossier.json "
                    "carry them whole)."
                )
            ]
        ),
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
        _chart(c, font),
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
        str(path),
        pagesize=landscape(A4),
        title=f"Dossier {c['shipment']}",
        author="paxta",
        initialFontName=font,  # (else ReportLab's Helvetica, which the reader supplies)
    )

    def footer(canvas: Any, document: Any) -> None:
        canvas.saveState()
        canvas.setFont(font, 7)
        canvas.drawRightString(
            landscape(A4)[0] - 72,
            30,
            f"Dossier for shipment {c['shipment']}, case {c['case']}: page {document.page}",
        )
        canvas.restoreState()

    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return path


@cache
def pdf_font() -> tuple[str, bool]:
    """The font the dossier is set in, and whether it is embedded: the first TrueType font
    found (``PAXTA_PDF_FONT``, then :data:`FONT_FILES`), else the reader's STSong-Light (Latin
    and Chinese, not embedded)."""
    given = os.environ.get("PAXTA_PDF_FONT")
    for path in ([given] if given else []) + list(FONT_FILES):
        if Path(path).is_file():
            try:
                pdfmetrics.registerFont(TTFont(EMBEDDED_FONT, path, subfontIndex=0))
            except (TTFError, OSError):
                continue
            return EMBEDDED_FONT, True
    if CJK_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))
    return CJK_FONT, False


CELL_PADDING = 12  # ReportLab's table cells: 6 points each side


def column_widths(rows: list[list[str]], font: str, size: float, room: float) -> list[float]:
    """Each column as wide as its longest line, when the table fits in ``room``; when it does
    not, every column keeps at least its longest word (up to a share of the room) and the
    columns that would be wider share what is left by how much more they would need."""
    if not rows:
        return []
    n = len(rows[0])

    def width(text: str) -> float:
        return float(pdfmetrics.stringWidth(text, font, size)) + CELL_PADDING

    full = [max(width(r[c]) for r in rows) for c in range(n)]
    word = [
        min(max(width(w) for r in rows for w in r[c].split() or [""]), room / n) for c in range(n)
    ]
    if sum(full) <= room:
        return full
    given = [min(f, w) for f, w in zip(full, word, strict=True)]
    left = room - sum(given)
    wants = [f - g for f, g in zip(full, given, strict=True)]
    total = sum(wants) or 1.0
    return [g + left * want / total for g, want in zip(given, wants, strict=True)]


def _plain(markup: str) -> str:
    """A paragraph's text without its markup (an exhibit number's link)."""
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def wrap(text: str, font: str, size: float, width: float, lines: int) -> list[str]:
    """``text`` in at most ``lines`` lines no wider than ``width`` points: broken at spaces, and
    inside a word (Chinese has no spaces) where one word is wider; an ellipsis ends what is
    left out."""
    out: list[str] = []
    line = ""
    for ch in text:
        trial = line + ch
        if pdfmetrics.stringWidth(trial, font, size) <= width or not line:
            line = trial
            continue
        at = line.rfind(" ")
        if ch != " " and at > 0:  # break at the last space, carry the word's start over
            out.append(line[:at])
            line = line[at + 1 :] + ch
        else:
            out.append(line)
            line = ch.lstrip()
    if line:
        out.append(line)
    if len(out) > lines:
        last = out[lines - 1]
        while last and pdfmetrics.stringWidth(last + "…", font, size) > width:
            last = last[:-1]
        out = [*out[: lines - 1], last.rstrip() + "…"]
    return out


def _chart(c: dict[str, Any], font: str) -> Drawing:
    """The parties in tier columns (importer right), numbered movements between them; each
    party's whole name in up to three lines (the parties table has every name whole)."""
    columns: dict[int, list[dict[str, Any]]] = {}
    for party in c["parties"]:
        columns.setdefault(party["tier"], []).append(party)
    top = max(columns, default=0)
    box_w, box_h, col_w, row_h = 95, 30, 105, 38
    rows = max((len(v) for v in columns.values()), default=1)
    height = rows * row_h + 10
    drawing = Drawing((top + 1) * col_w, height)
    drawing.__dict__["initialFontName"] = font  # (ReportLab's drawings start in Helvetica)
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
            String(
                (x1 + box_w + x2) / 2,
                (y1 + y2) / 2 + box_h / 2 + 2,
                str(n),
                fontName=font,
                fontSize=6,
            )
        )
    for party in c["parties"]:
        x, y = pos[party["id"]]
        fill = colors.HexColor("#fde2e1" if party["id"] in flagged else "#eef3f8")
        drawing.add(Rect(x, y, box_w, box_h, fillColor=fill, strokeColor=colors.black))
        for i, line in enumerate(wrap(str(party["name"]), font, 6, box_w - 6, 3)):
            drawing.add(String(x + 3, y + box_h - 8 - 7 * i, line, fontName=font, fontSize=6))
        role = f"tier {party['tier']} {party.get('role') or ''}"
        drawing.add(String(x + 3, y + 2, role, fontName=font, fontSize=5))
    if drawing.width > PAGE_WIDTH:  # a long chain: the whole chart, smaller, on the page
        factor = PAGE_WIDTH / drawing.width
        drawing.scale(factor, factor)
        drawing.width, drawing.height = PAGE_WIDTH, drawing.height * factor
    return drawing
