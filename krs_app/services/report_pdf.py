"""The report as a printable PDF (A4 landscape), and a one-page PDF per district profile.

fpdf2 with uharfbuzz text shaping, so Thai vowels and tone marks sit where they belong; the
Sarabun font bundled in krs_app/fonts (OFL) is embedded (subset). Pages carry the title, the
round, the export date in Thai style and "หน้า n/N"; the table's header row is drawn again on
every page; the last page holds the approver's signature block. A wide catalogue is split
into bands of indicator columns, each band listing every district.
"""

from __future__ import annotations

import itertools
from datetime import datetime
from pathlib import Path

from fpdf import FPDF

from krs_app.domain.thai_dates import thai_date
from krs_app.services.report_profile import DistrictProfile
from krs_app.services.report_view import ReportView
from krs_app.services.report_xlsx import filters_text, report_title

FONT_DIR = Path(__file__).resolve().parents[1] / "fonts"
FONT = "Sarabun"
PAGE_W, MARGIN = 297.0, 10.0
RANK_W, NAME_W, OVERALL_W, CELL_W = 10.0, 44.0, 16.0, 13.0
ROW_H, HEAD_H = 5.0, 9.0
BAND_COLUMNS = int((PAGE_W - 2 * MARGIN - RANK_W - NAME_W - OVERALL_W) // CELL_W)


class _ThaiPDF(FPDF):
    def __init__(self, heading: str, sub_heading: str):
        super().__init__(orientation="L", unit="mm", format="A4")
        self.add_font(FONT, "", str(FONT_DIR / "Sarabun-Regular.ttf"))
        self.add_font(FONT, "B", str(FONT_DIR / "Sarabun-Bold.ttf"))
        self.set_text_shaping(True)
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=14)
        self.heading = heading
        self.sub_heading = sub_heading
        self.table_header = None  # drawn under the heading on every page while set
        self._widths: dict[tuple, float] = {}

    def header(self) -> None:
        self.set_font(FONT, "B", 12)
        self.cell(0, 6, self.heading, new_x="LMARGIN", new_y="NEXT")
        self.set_font(FONT, "", 8.5)
        self.cell(0, 5, self.sub_heading, new_x="LMARGIN", new_y="NEXT")
        self.ln(1)
        if self.table_header is not None:
            self.table_header()

    def footer(self) -> None:
        self.set_y(-11)
        self.set_font(FONT, "", 8)
        self.cell(0, 5, f"หน้า {self.page_no()}/{{nb}}", align="C")

    def plain(self, width: float, text: str, align: str = "R", border: int | str = 1, fill: bool = False) -> None:
        """A cell of digits and Latin text: no shaping needed, so none is done (it is the slow part)."""
        self.set_text_shaping(False)
        self.cell(width, ROW_H, text, border=border, align=align, fill=fill)
        self.set_text_shaping(True)

    def number_at(self, right: float, top: float, text: str) -> None:
        """Digits right-aligned against `right` in a row starting at `top`: drawn with text(),
        which skips fpdf2's line layout (cell() costs ~10x more; 10,000 cells add up)."""
        key = (self.font_family, self.font_style, self.font_size_pt, text)
        width = self._widths.get(key)
        if width is None:
            width = self._widths[key] = self.get_string_width(text)
        self.text(right - 1.0 - width, top + ROW_H * 0.7, text)


def _grid(pdf: _ThaiPDF, edges: list[float], top: float, bottom: float) -> None:
    for x in edges:
        pdf.line(x, top, x, bottom)


def _table_pages(pdf: _ThaiPDF, edges: list[float], lines: list[tuple]) -> None:
    """Rows of (rank, Thai name, overall, scores), page after page, the header on each."""
    limit = 210 - 14
    pdf.add_page()
    top = pdf.get_y()
    y = top
    pdf.line(edges[0], y, edges[-1], y)
    for rank, name, overall, scores in lines:
        if y + ROW_H > limit:
            _grid(pdf, edges, top, y)
            pdf.add_page()
            top = y = pdf.get_y()
            pdf.line(edges[0], y, edges[-1], y)
        if rank is None:
            pdf.set_font(FONT, "B", 7.5)
            pdf.rect(edges[0], y, edges[-1] - edges[0], ROW_H, style="F")
        pdf.set_text_shaping(False)
        if rank is not None:
            pdf.number_at(edges[1] - 2, y, str(rank))
        pdf.number_at(edges[3], y, overall)
        for i, text in enumerate(scores):
            pdf.number_at(edges[4 + i], y, text)
        pdf.set_text_shaping(True)
        pdf.set_xy(edges[1], y)
        pdf.cell(NAME_W, ROW_H, name)
        y += ROW_H
        pdf.line(edges[0], y, edges[-1], y)
    _grid(pdf, edges, top, y)
    pdf.set_xy(MARGIN, y)


def _signature_block(pdf: _ThaiPDF) -> None:
    if pdf.get_y() > 210 - 14 - 40:
        pdf.table_header = None
        pdf.add_page()
    pdf.ln(8)
    pdf.set_font(FONT, "", 10)
    x = PAGE_W - MARGIN - 100
    for line in (
        "ลงชื่อ ....................................................... ผู้รับรองรายงาน",
        "(.......................................................)",
        "ตำแหน่ง .......................................................",
        "วันที่ ......... / ......... / .........",
    ):
        pdf.set_x(x)
        pdf.cell(100, 7, line, align="C", new_x="LMARGIN", new_y="NEXT")


def report_pdf(view: ReportView, exported_at: datetime, approver_office: str = "กลุ่มพัฒนาระบบบริหาร (กพร.)") -> bytearray:
    sub = f"{view.round_label} · ข้อมูล ณ วันที่ {thai_date(exported_at)} · {filters_text(view)} · {approver_office}"
    pdf = _ThaiPDF(report_title(view), sub)
    pdf.alias_nb_pages()
    pdf.set_fill_color(230, 236, 245)
    bands = [view.columns[i : i + BAND_COLUMNS] for i in range(0, len(view.columns), BAND_COLUMNS)] or [[]]
    for number, band in enumerate(bands):
        offset = number * BAND_COLUMNS

        def draw_header(band=band, number=number) -> None:
            pdf.set_font(FONT, "B", 7.5)
            y = pdf.get_y()
            pdf.rect(MARGIN, y, RANK_W + NAME_W + OVERALL_W + CELL_W * len(band), HEAD_H, style="DF")
            pdf.set_xy(MARGIN, y)
            pdf.cell(RANK_W, HEAD_H, "อันดับ", align="C")
            pdf.cell(NAME_W, HEAD_H, "สพท." + (f" (ชุดที่ {number + 1}/{len(bands)})" if len(bands) > 1 else ""))
            pdf.cell(OVERALL_W, HEAD_H, "คะแนนรวม", align="C")
            pdf.set_text_shaping(False)
            x = MARGIN + RANK_W + NAME_W + OVERALL_W
            for column in band:
                pdf.line(x, y, x, y + HEAD_H)
                pdf.number_at(x + CELL_W, y + 1.5, column.code)
                x += CELL_W
            pdf.set_text_shaping(True)
            pdf.set_xy(MARGIN, y + HEAD_H)
            pdf.set_font(FONT, "", 7.5)

        pdf.table_header = draw_header
        edges = [MARGIN, MARGIN + RANK_W, MARGIN + RANK_W + NAME_W, MARGIN + RANK_W + NAME_W + OVERALL_W]
        edges += [edges[-1] + CELL_W * (i + 1) for i in range(len(band))]
        lines = [
            (row.rank, row.short_name, row.overall_text, [c.score_text for c in row.cells[offset : offset + len(band)]])
            for row in view.rows
        ]
        lines.append((None, "ค่าเฉลี่ย", view.mean_overall_text, [c.mean_score_text for c in band]))
        _table_pages(pdf, edges, lines)
    pdf.table_header = None
    pdf.set_font(FONT, "", 7.5)
    if view.columns:
        pdf.ln(3)
        for column in view.columns:
            pdf.cell(
                0,
                4.2,
                f"{column.code}  {column.name}  ({column.bureau_short}, น้ำหนัก {column.weight:g})",
                new_x="LMARGIN",
                new_y="NEXT",
            )
    pdf.set_font(FONT, "", 7.5)
    pdf.cell(0, 5, "คะแนนที่แสดงเป็นคะแนนในรายงาน: ได้ตามข้อมูลเมื่อรับรองผลแล้ว มิฉะนั้น 1.0000", new_x="LMARGIN", new_y="NEXT")
    _signature_block(pdf)
    return pdf.output()


def profile_pdf(profile: DistrictProfile, exported_at: datetime) -> bytearray:
    """One page: the district's overall score and rank per round (a line chart and a table),
    and the latest round's result per indicator beside the national median."""
    pdf = _ThaiPDF(
        f"ข้อมูลรายเขต {profile.name}",
        f"{profile.level_label} จังหวัด{profile.province} · ข้อมูล ณ วันที่ {thai_date(exported_at)}",
    )
    pdf.alias_nb_pages()
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.set_fill_color(230, 236, 245)
    top = pdf.get_y() + 2
    _line_chart(pdf, profile, MARGIN, top, 130, 60)
    pdf.set_xy(MARGIN, top + 64)
    pdf.set_font(FONT, "B", 8)
    for width, text in ((54, "รอบ"), (30, "คะแนนรวม"), (30, "อันดับ")):
        pdf.cell(width, ROW_H, text, border=1, align="C", fill=True)
    pdf.ln(ROW_H)
    pdf.set_font(FONT, "", 8)
    for round_ in profile.rounds[-12:]:
        pdf.cell(54, ROW_H, round_.label, border=1)
        pdf.plain(30, round_.overall_text)
        pdf.plain(30, f"{round_.rank}/{round_.district_total}")
        pdf.ln(ROW_H)
    x0 = MARGIN + 140
    latest = profile.rounds[-1].round_id if profile.rounds else None
    pdf.set_xy(x0, top)
    pdf.set_font(FONT, "B", 8)
    title = "รอบล่าสุด: ผลรายตัวชี้วัดเทียบค่ากลางของทุกเขต"
    pdf.cell(137, ROW_H, title, new_x="LEFT", new_y="NEXT")
    for width, text in ((14, "รหัส"), (53, "สถานะ"), (22, "ผล"), (24, "ค่ากลาง"), (24, "คะแนน")):
        pdf.cell(width, ROW_H, text, border=1, align="C", fill=True)
    pdf.ln(ROW_H)
    pdf.set_font(FONT, "", 7.5)
    row_h = min(ROW_H, (210 - 16 - pdf.get_y()) / max(1, len(profile.indicators)))
    for indicator in profile.indicators:
        point = next((p for p in indicator.points if p.round_id == latest), None)
        if point is None:
            continue
        pdf.set_x(x0)
        pdf.plain(14, indicator.code, align="L")
        pdf.cell(53, row_h, point.status_label, border=1)
        pdf.plain(22, point.result_text)
        pdf.plain(24, point.median_text)
        pdf.plain(24, point.score_text)
        pdf.ln(row_h)
    return pdf.output()


def _line_chart(pdf: _ThaiPDF, profile: DistrictProfile, x: float, y: float, w: float, h: float) -> None:
    """Overall score per round (1..5) as a line, labelled with the rank."""
    pdf.set_font(FONT, "B", 8)
    pdf.set_xy(x, y)
    pdf.cell(w, 5, "คะแนนเฉลี่ยถ่วงน้ำหนักรายรอบ (ตัวเลขกำกับคืออันดับ)")
    left, bottom, top = x + 8, y + h - 6, y + 7
    pdf.set_draw_color(160, 160, 160)
    pdf.set_font(FONT, "", 7)
    for level in range(1, 6):
        ly = bottom - (level - 1) / 4 * (bottom - top)
        pdf.line(left, ly, x + w, ly)
        pdf.set_xy(x, ly - 2)
        pdf.plain(7, str(level), border=0)
    points = profile.rounds[-12:]
    if not points:
        return
    step = (x + w - left - 6) / max(1, len(points) - 1)
    coords = [(left + 3 + i * step, bottom - (r.overall - 1) / 4 * (bottom - top)) for i, r in enumerate(points)]
    pdf.set_draw_color(29, 78, 137)
    pdf.set_line_width(0.6)
    for (ax, ay), (bx, by) in itertools.pairwise(coords):
        pdf.line(ax, ay, bx, by)
    pdf.set_line_width(0.2)
    for (cx, cy), round_ in zip(coords, points, strict=True):
        pdf.circle(cx, cy, 1.2, style="F") if hasattr(pdf, "circle") else pdf.ellipse(cx - 1.2, cy - 1.2, 2.4, 2.4, "F")
        pdf.set_xy(cx - 8, cy - 5.5)
        pdf.plain(16, f"#{round_.rank}", align="C", border=0)
        pdf.set_xy(cx - 8, bottom + 0.5)
        pdf.plain(16, round_.short_label, align="C", border=0)
    pdf.set_draw_color(0, 0, 0)
