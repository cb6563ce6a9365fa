"""PDF output (reportlab): a timetable grid per A4 page, and a school's sheet of subscription QR codes.

Text is set in a TrueType CJK font embedded as a subset (WenQuanYi Micro Hei from Debian's
``fonts-wqy-microhei``, or the file named by ``$TONGBU_PDF_FONT``), so every reader shows it; without
one, in the CID font STSong-Light, which most readers supply themselves (poppler only with its
``poppler-data``). reportlab embeds TrueType outlines only, so Noto CJK (CFF outlines) cannot serve.
``invariant`` keeps creation date and document id out, so the same input gives the same bytes. QR codes come in as rows of modules (the encoder is the caller's) and are
drawn as filled squares: sharp at any zoom and in print.
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.lib.styles import ParagraphStyle

from reports.grid import Grid

FALLBACK_FONT = "STSong-Light"
TRUETYPE_FONTS = ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
                  "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf")
SYNC_FILL = colors.HexColor("#FFF2CC")
HEADER_FILL = colors.HexColor("#D9E1F2")


@lru_cache(maxsize=1)
def _font() -> str:
    """The font's registered name: an embeddable TrueType CJK font when one is installed."""
    from reportlab.pdfbase.ttfonts import TTFont

    for candidate in filter(None, (os.environ.get("TONGBU_PDF_FONT"), *TRUETYPE_FONTS)):
        if Path(candidate).is_file():
            try:
                pdfmetrics.registerFont(TTFont("TongbuCJK", candidate, subfontIndex=0))
                return "TongbuCJK"
            except Exception:  # noqa: BLE001 - not a TrueType font reportlab reads: try the next
                continue
    pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_FONT))
    return FALLBACK_FONT


def grids_pdf(grids: Sequence[Grid], title: str = "") -> bytes:
    """One landscape A4 page per grid: title, subtitle, the week's table (doubles spanning their rows), notes."""
    font = _font()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=landscape(A4), leftMargin=10 * mm, rightMargin=10 * mm,
                            topMargin=10 * mm, bottomMargin=10 * mm, title=title or (grids[0].title if grids else ""),
                            author="tongbu", creator="tongbu", invariant=1)
    heading = ParagraphStyle("h", fontName=font, fontSize=15, leading=19, alignment=1)
    sub = ParagraphStyle("s", fontName=font, fontSize=9, leading=12, alignment=1)
    cell = ParagraphStyle("c", fontName=font, fontSize=9, leading=11, alignment=1)
    note = ParagraphStyle("n", fontName=font, fontSize=8, leading=10)
    story: list = []
    width = landscape(A4)[0] - 20 * mm
    for number, grid in enumerate(grids):
        if number:
            from reportlab.platypus import PageBreak

            story.append(PageBreak())
        story += [Paragraph(_escape(grid.title), heading), Paragraph(_escape(grid.subtitle), sub), Spacer(1, 3 * mm)]
        data = [[Paragraph("节次", cell), Paragraph("时间", cell)] + [Paragraph(d.zh, cell) for d in grid.days]]
        style = [("FONTNAME", (0, 0), (-1, -1), font), ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                 ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL)]
        for r, row in enumerate(grid.rows, start=1):
            line = [Paragraph(_escape(row.label), cell), Paragraph(_escape(row.times).replace(" (", "<br/>("), cell)]
            for c, day in enumerate(grid.days, start=2):
                content = grid.cells.get((day, row.period))
                if content is None:
                    line.append("")
                    continue
                line.append(Paragraph("<br/>".join(_escape(x) for x in content.lines), cell))
                if content.span > 1:
                    style.append(("SPAN", (c, r), (c, r + content.span - 1)))
                if content.sync:
                    style.append(("BACKGROUND", (c, r), (c, r + content.span - 1), SYNC_FILL))
            if row.afternoon_starts:
                style.append(("LINEABOVE", (0, r), (-1, r), 1.5, colors.black))
            data.append(line)
        day_width = (width - 40 * mm) / max(1, len(grid.days))
        table = Table(data, colWidths=[15 * mm, 25 * mm] + [day_width] * len(grid.days), repeatRows=1)
        table.setStyle(TableStyle(style))
        story.append(table)
        story += [Paragraph(_escape(n), note) for n in grid.notes]
    if not story:
        story.append(Paragraph("（无课程）", cell))
    doc.build(story)
    return buffer.getvalue()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Lines of ``text`` no wider than ``width``, broken between any two characters (Chinese has no spaces)."""
    lines, current = [], ""
    for char in text:
        if current and pdfmetrics.stringWidth(current + char, font, size) > width:
            lines.append(current)
            current = ""
        current += char
    if current:
        lines.append(current)
    return lines


def qr_sheet_pdf(title: str, note: str, cards: Sequence[tuple[str, str, str, tuple[str, ...]]]) -> bytes:
    """A4 pages of cards, 3 across and 4 down: each a label, its QR code and a line saying what to do.

    ``cards``: (group, label, URL, QR rows of '1'/'0'); a new group starts on a new row with its name.
    """
    font = _font()
    page_w, page_h = A4
    margin, columns, rows = 10 * mm, 3, 4
    card_w = (page_w - 2 * margin) / columns
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    pdf.setTitle(title)
    pdf.setAuthor("tongbu")
    pdf.setCreator("tongbu")

    def header() -> float:
        pdf.setFont(font, 14)
        y = page_h - margin - 14
        pdf.drawString(margin, y, title)
        pdf.setFont(font, 8)
        for line in _wrap(note, font, 8, page_w - 2 * margin):
            y -= 11
            pdf.drawString(margin, y, line)
        return y - 6

    top = header()
    card_h = (top - margin) / rows
    slot, group = 0, None
    for kind, label, _url, matrix in cards:
        if group is not None and kind != group and slot % columns:
            slot += columns - slot % columns  # a new group starts a new row
        if slot >= columns * rows:
            pdf.showPage()
            top = header()
            slot = 0
        group = kind
        col, row = slot % columns, slot // columns
        x, y = margin + col * card_w, top - (row + 1) * card_h
        pdf.setDash(2, 2)
        pdf.setStrokeColor(colors.grey)
        pdf.rect(x + 1.5 * mm, y + 1.5 * mm, card_w - 3 * mm, card_h - 3 * mm)
        pdf.setDash()
        pdf.setFillColor(colors.black)
        pdf.setFont(font, 7)
        pdf.drawCentredString(x + card_w / 2, y + card_h - 6 * mm, kind)
        size = 11 if pdfmetrics.stringWidth(label, font, 11) < card_w - 6 * mm else 8
        pdf.setFont(font, size)
        pdf.drawCentredString(x + card_w / 2, y + card_h - 11 * mm, label)
        side = min(card_w - 14 * mm, card_h - 22 * mm)
        modules = len(matrix)
        cell = side / modules
        left, bottom = x + (card_w - side) / 2, y + 7 * mm
        for r, line in enumerate(matrix):
            run_start = None
            for c, bit in enumerate(line + "0"):
                if bit == "1" and run_start is None:
                    run_start = c
                elif bit != "1" and run_start is not None:
                    pdf.rect(left + run_start * cell, bottom + (modules - 1 - r) * cell, (c - run_start) * cell, cell,
                             stroke=0, fill=1)
                    run_start = None
        pdf.setFont(font, 7)
        pdf.drawCentredString(x + card_w / 2, y + 3.5 * mm, "扫码打开课表页，按提示订阅到手机日历")
        slot += 1
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
