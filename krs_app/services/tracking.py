"""ติดตามการรับรองผล: the KPI office's view of which bureaus are late certifying.

Per bureau and per indicator: results awaiting certification, of which overdue, certified,
refused, not reported, and the oldest item still waiting (district and the Thai date it
was reported). "Overdue" is domain.certification.is_overdue: awaiting after the round's
certification deadline, or awaiting longer than OVERDUE_AFTER_DAYS (7) days since the
district reported. Exports as CSV (UTF-8 with BOM, so Excel shows Thai) and .xlsx.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import select

from krs_app.db.engine import session_scope
from krs_app.db.models import Bureau, Result
from krs_app.domain.cell_safety import safe_cell
from krs_app.domain.certification import OVERDUE_AFTER_DAYS, OVERDUE_RULE_TEXT, is_overdue
from krs_app.domain.status import Status
from krs_app.domain.thai_dates import countdown, thai_date
from krs_app.services.access import require_round
from krs_app.services.active_districts import active_district_ids, active_districts, count_active_districts
from krs_app.services.auth import CurrentUser
from krs_app.services.catalogue import get_round, round_catalogue
from krs_app.services.clock import deadline_text, to_bangkok, utcnow
from krs_app.services.errors import NotAllowed

NOT_KPI_OFFICE = "หน้าติดตามการรับรองผลสำหรับ กพร. เท่านั้น"


@dataclass
class Counts:
    awaiting: int = 0
    overdue: int = 0  # part of awaiting
    certified: int = 0
    refused: int = 0
    not_reported: int = 0
    not_applicable: int = 0  # ไม่ประเมินตัวชี้วัดนี้: nothing to certify
    oldest_district: str = ""  # short name of the district waiting longest
    oldest_indicator: str = ""  # its indicator code
    oldest_date_text: str = ""  # when it was reported, Thai date
    oldest_days: int | None = None  # days it has been waiting
    oldest_at: datetime | None = None  # when the oldest waiting item was reported (UTC)

    def add_waiting(self, reported_at: datetime | None, district: str, indicator: str, now: datetime) -> None:
        if reported_at is None:
            return
        if self.oldest_at is None or reported_at < self.oldest_at:
            self.oldest_at = reported_at
            self.oldest_district = district
            self.oldest_indicator = indicator
            self.oldest_date_text = thai_date(to_bangkok(reported_at))
            self.oldest_days = max(0, (now - reported_at).days)

    def merge(self, other: Counts) -> None:
        self.awaiting += other.awaiting
        self.overdue += other.overdue
        self.certified += other.certified
        self.refused += other.refused
        self.not_reported += other.not_reported
        self.not_applicable += other.not_applicable
        if other.oldest_at is not None and (self.oldest_at is None or other.oldest_at < self.oldest_at):
            self.oldest_at = other.oldest_at
            self.oldest_district = other.oldest_district
            self.oldest_indicator = other.oldest_indicator
            self.oldest_date_text = other.oldest_date_text
            self.oldest_days = other.oldest_days


@dataclass
class IndicatorTracking:
    indicator_id: int
    code: str
    name: str
    counts: Counts


@dataclass
class BureauTracking:
    bureau_id: int
    name: str
    short_name: str
    late: bool  # has overdue results
    counts: Counts
    indicators: list[IndicatorTracking]


@dataclass
class Tracking:
    round_id: int
    round_label: str
    round_closed: bool
    certification_deadline_text: str
    countdown_text: str
    overdue_rule: str
    overdue_after_days: int
    totals: Counts
    bureaus: list[BureauTracking]  # late bureaus first (most overdue), then most awaiting


def certification_tracking(user: CurrentUser, round_id: int | None = None) -> Tracking:
    """Per bureau and indicator: awaiting / overdue / certified / refused / not reported."""
    if not user.is_kpi_office:
        raise NotAllowed(NOT_KPI_OFFICE)
    now = utcnow()
    with session_scope() as session:
        round_ = get_round(session, None) if round_id is None else require_round(session, round_id)
        entries = [e for e in round_catalogue(session, round_) if e.spec.is_assessed_in(round_.months)]
        district_count = count_active_districts(session)
        names = {d.id: d.short_name for d in session.exec(active_districts())}
        bureaus = {b.id: b for b in session.exec(select(Bureau))}
        per_indicator: dict[int, Counts] = {e.indicator.id: Counts() for e in entries}
        codes = {e.indicator.id: e.indicator.code for e in entries}
        for district_id, indicator_id, status, reported_at, not_applicable in session.exec(
            select(
                Result.district_id, Result.indicator_id, Result.status, Result.reported_at, Result.not_applicable
            ).where(Result.round_id == round_.id, Result.district_id.in_(active_district_ids()))
        ):
            counts = per_indicator.get(indicator_id)
            if counts is None:
                continue
            if not_applicable:
                counts.not_applicable += 1
            elif status == Status.AWAITING.value:
                counts.awaiting += 1
                if is_overdue(Status.AWAITING, reported_at, now, round_.certification_deadline):
                    counts.overdue += 1
                counts.add_waiting(reported_at, names.get(district_id, ""), codes[indicator_id], now)
            elif status == Status.CERTIFIED.value:
                counts.certified += 1
            elif status == Status.NOT_CERTIFIED.value:
                counts.refused += 1
        by_bureau: dict[int, BureauTracking] = {}
        totals = Counts()
        for entry in entries:
            counts = per_indicator[entry.indicator.id]
            counts.not_reported = (
                district_count - counts.awaiting - counts.certified - counts.refused - counts.not_applicable
            )
            bureau = bureaus[entry.indicator.bureau_id]
            row = by_bureau.setdefault(
                bureau.id, BureauTracking(bureau.id, bureau.name, bureau.short_name, False, Counts(), [])
            )
            row.indicators.append(IndicatorTracking(entry.indicator.id, entry.spec.code, entry.spec.name, counts))
            row.counts.merge(counts)
            totals.merge(counts)
        for row in by_bureau.values():
            row.late = row.counts.overdue > 0
        return Tracking(
            round_id=round_.id,
            round_label=round_.label,
            round_closed=round_.closed,
            certification_deadline_text=deadline_text(round_.certification_deadline),
            countdown_text="ปิดรอบแล้ว" if round_.closed else countdown(round_.certification_deadline, now),
            overdue_rule=OVERDUE_RULE_TEXT,
            overdue_after_days=OVERDUE_AFTER_DAYS,
            totals=totals,
            bureaus=sorted(by_bureau.values(), key=lambda b: (-b.counts.overdue, -b.counts.awaiting, b.short_name)),
        )


HEADERS = (
    "สำนัก",
    "ตัวชี้วัด",
    "ชื่อตัวชี้วัด",
    "รอการรับรองผล",
    "เกินกำหนด",
    "รับรองผล",
    "ไม่รับรอง",
    "ยังไม่รายงานผล",
    "ไม่ประเมินตัวชี้วัดนี้",
    "รอนานที่สุด (สพท.)",
    "รายงานเมื่อ",
    "รอมาแล้ว (วัน)",
)


def _table(tracking: Tracking) -> list[list[object]]:
    def line(bureau: str, code: str, name: str, c: Counts) -> list[object]:
        return [
            bureau,
            code,
            name,
            c.awaiting,
            c.overdue,
            c.certified,
            c.refused,
            c.not_reported,
            c.not_applicable,
            c.oldest_district,
            c.oldest_date_text,
            "" if c.oldest_days is None else c.oldest_days,
        ]

    rows: list[list[object]] = []
    for bureau in tracking.bureaus:
        rows.extend(
            line(bureau.name, indicator.code, indicator.name, indicator.counts) for indicator in bureau.indicators
        )
        rows.append(line(bureau.name, "รวม", f"รวม {bureau.short_name}", bureau.counts))
    rows.append(line("ทุกสำนัก", "รวม", "รวมทั้งหมด", tracking.totals))
    return rows


def _title(tracking: Tracking) -> str:
    return f"ติดตามการรับรองผล {tracking.round_label} (สิ้นสุดการรับรองผล {tracking.certification_deadline_text})"


def tracking_csv(user: CurrentUser, round_id: int | None = None) -> bytes:
    """The tracking table as CSV, UTF-8 with BOM so Excel shows the Thai."""
    tracking = certification_tracking(user, round_id)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_title(tracking)])
    writer.writerow([tracking.overdue_rule])
    writer.writerow(HEADERS)
    for row in _table(tracking):
        writer.writerow([safe_cell(cell) for cell in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def tracking_xlsx(user: CurrentUser, round_id: int | None = None) -> bytes:
    """The tracking table as an Excel workbook."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    tracking = certification_tracking(user, round_id)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "ติดตามการรับรองผล"
    sheet.append([_title(tracking)])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([tracking.overdue_rule])
    sheet.append(list(HEADERS))
    for cell in sheet[3]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE7F5")
    late_fill = PatternFill("solid", fgColor="FDE2E1")
    for row in _table(tracking):
        sheet.append([safe_cell(cell) for cell in row])
        if isinstance(row[4], int) and row[4] > 0:
            sheet.cell(row=sheet.max_row, column=5).fill = late_fill
        if row[1] == "รวม":
            for cell in sheet[sheet.max_row]:
                cell.font = Font(bold=True)
    for column, width in zip("ABCDEFGHIJK", (34, 9, 60, 14, 11, 10, 10, 14, 24, 14, 14), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A4"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
