"""The report as .xlsx: exactly the rows and columns of the user's view.

Scores are numbers with the 0.0000 format, results with 0.00; a title row names the round
and the export date (Thai style); the header row and the first column are frozen; every text
cell is written as a string (never through XlsxWriter's formula detection), and one that
starts with = + - @ also gets Excel's quote prefix, so nothing in it runs as a formula when
the file is opened or edited. XlsxWriter's constant-memory mode writes row by row into a
temporary file, which the route streams.
"""

from __future__ import annotations

import tempfile
import unicodedata
from datetime import datetime
from typing import IO

import xlsxwriter

from krs_app.domain.thai_dates import thai_datetime
from krs_app.services.report_view import ReportView

SCORE_FORMAT = "0.0000"
RESULT_FORMAT = "0.00"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def needs_quote(value: str) -> bool:
    """Would this text start a formula (or a DDE payload) in a spreadsheet?"""
    return value.startswith(_FORMULA_STARTS)


def display_width(text: str) -> int:
    """Columns a text takes: Thai vowels above/below and tone marks take none."""
    return sum(1 for ch in text if not unicodedata.combining(ch) and unicodedata.category(ch) != "Mn")


def filters_text(view: ReportView) -> str:
    parts = []
    if view.filters.level:
        parts.append("ระดับ " + {"primary": "สพป.", "secondary": "สพม."}[view.filters.level])
    if view.filters.province:
        parts.append("จังหวัด" + view.filters.province)
    if view.filters.bureau_id is not None and view.columns:
        parts.append("สำนัก " + view.columns[0].bureau_short)
    return "ตัวกรอง: " + (", ".join(parts) if parts else "ทั้งหมด")


def report_title(view: ReportView) -> str:
    return f"รายงานผลการประเมินตัวชี้วัด {view.round_label}"


FIXED_HEADERS = ("สพท.", "อันดับ", "ระดับ", "จังหวัด", "คะแนนเฉลี่ยถ่วงน้ำหนัก")


class _Writer:
    """One worksheet written row by row; text always as strings."""

    def __init__(self, workbook, sheet):
        self.sheet = sheet
        self.quoted = workbook.add_format({"quote_prefix": True})
        self.quoted_bold = workbook.add_format({"quote_prefix": True, "bold": True})
        self.bold = workbook.add_format({"bold": True})
        self.header = workbook.add_format({"bold": True, "bg_color": "#DDE7F3", "text_wrap": True, "valign": "top"})
        self.score = workbook.add_format({"num_format": SCORE_FORMAT})
        self.result = workbook.add_format({"num_format": RESULT_FORMAT})
        self.row = 0

    def text(self, col: int, value: str, style=None) -> None:
        if needs_quote(value):
            style = self.quoted_bold if style is self.bold else self.quoted
        self.sheet.write_string(self.row, col, value, style)

    def number(self, col: int, value: float | None, style) -> None:
        if value is not None:
            self.sheet.write_number(self.row, col, float(value), style)


def write_report_xlsx(view: ReportView, exported_at: datetime, out: IO[bytes]) -> None:
    workbook = xlsxwriter.Workbook(out, {"constant_memory": True, "in_memory": False})
    sheet = workbook.add_worksheet("รายงาน")
    w = _Writer(workbook, sheet)
    headers = list(FIXED_HEADERS)
    for column in view.columns:
        headers += [f"{column.code} ผล", f"{column.code} คะแนน", f"{column.code} สถานะ"]
    widths = [display_width(h) for h in headers]
    widths[0] = max([widths[0], *(display_width(r.short_name) for r in view.rows)])
    widths[3] = max([widths[3], *(display_width(r.province) for r in view.rows)])
    for index, width in enumerate(widths):
        fitted = min(max(width + 2, 8), 60)
        if index >= len(FIXED_HEADERS) and (index - len(FIXED_HEADERS)) % 3 == 2:
            fitted = 14  # status labels
        sheet.set_column(index, index, fitted)
    sheet.freeze_panes(3, 1)
    w.text(0, report_title(view), w.bold)
    w.row = 1
    w.text(0, f"ส่งออกเมื่อ {thai_datetime(exported_at)} · {filters_text(view)}")
    w.row = 2
    for col, header in enumerate(headers):
        w.text(col, header, w.header)
    for row in view.rows:
        w.row += 1
        w.text(0, row.short_name)
        sheet.write_number(w.row, 1, row.rank)
        w.text(2, row.level_label)
        w.text(3, row.province)
        w.number(4, row.overall, w.score)
        col = 5
        for cell in row.cells:
            w.number(col, cell.result, w.result)
            w.number(col + 1, cell.score, w.score)
            w.text(col + 2, cell.status_label)
            col += 3
    w.row += 1
    w.text(0, "ค่าเฉลี่ย", w.bold)
    w.number(4, view.mean_overall, w.score)
    col = 5
    for column in view.columns:
        w.number(col, column.mean_result, w.result)
        w.number(col + 1, column.mean_score, w.score)
        w.text(col + 2, f"รับรองผล {column.certified}")
        col += 3
    names = workbook.add_worksheet("ตัวชี้วัด")
    n = _Writer(workbook, names)
    names.set_column(0, 0, 8)
    names.set_column(1, 1, 90)
    names.set_column(2, 3, 12)
    for col, header in enumerate(("รหัส", "ตัวชี้วัด", "สำนัก", "น้ำหนัก")):
        n.text(col, header, n.header)
    for column in view.columns:
        n.row += 1
        n.text(0, column.code)
        n.text(1, column.name)
        n.text(2, column.bureau_short)
        names.write_number(n.row, 3, column.weight)
    workbook.close()


def report_xlsx_file(view: ReportView, exported_at: datetime) -> IO[bytes]:
    """The workbook in a temporary file (on disk past 2 MB), positioned at its start."""
    handle = tempfile.SpooledTemporaryFile(max_size=2 * 1024 * 1024)  # noqa: SIM115 - the route closes it
    write_report_xlsx(view, exported_at, handle)
    handle.seek(0)
    return handle
