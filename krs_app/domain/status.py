"""Result status: what each status scores publicly, and who may change what, when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from krs_app.domain.scoring import MIN_SCORE


class Status(StrEnum):
    NOT_REPORTED = "not_reported"  # ยังไม่รายงานผล
    AWAITING = "awaiting"  # รอการรับรองผล
    NOT_CERTIFIED = "not_certified"  # ไม่รับรอง
    CERTIFIED = "certified"  # รับรองผล


STATUS_LABELS: dict[Status, str] = {
    Status.NOT_REPORTED: "ยังไม่รายงานผล",
    Status.AWAITING: "รอการรับรองผล",
    Status.NOT_CERTIFIED: "ไม่รับรอง",
    Status.CERTIFIED: "รับรองผล",
}

# What the status means and what the district should do (the manual's table).
STATUS_HELP_FOR_DISTRICT: dict[Status, str] = {
    Status.NOT_REPORTED: (
        "ยังไม่รายงานผล: คะแนน 1.00000 — กรอกข้อมูลตัวเลขตามตัวแปรที่กำหนด (แนบไฟล์อย่างเดียวโดยไม่กรอกตัวเลขจะได้ 1.00000)"
    ),
    Status.AWAITING: (
        "รอการรับรองผล: หน้ารายงานแสดง 1.00000 หน้านี้แสดงคะแนนประเมินตนเอง — ติดตามเป็นระยะ หากใกล้ปิดระบบให้สอบถามผู้รับรองตัวชี้วัด"
    ),
    Status.NOT_CERTIFIED: ("ไม่รับรอง: คะแนน 1.00000 — ตรวจสอบความคิดเห็นโดยด่วน และแก้ไขข้อมูลภายในระยะเวลาที่สำนักกำหนด"),
    Status.CERTIFIED: "รับรองผล: ได้คะแนนตามข้อมูลที่กรอก คะแนนสิ้นสุด รอการประมวลผลในภาพรวม",
}

STATUS_HELP_FOR_BUREAU: dict[Status, str] = {
    Status.NOT_REPORTED: "ยังไม่รายงานผล: แจ้งเตือน สพท. ผ่านระบบ พร้อมระบุเวลาสิ้นสุด",
    Status.AWAITING: "รอการรับรองผล: ตรวจสอบและรับรอง/ไม่รับรองภายในระยะเวลาที่กำหนด",
    Status.NOT_CERTIFIED: "ไม่รับรอง: แจ้งเหตุผลและระยะเวลาสิ้นสุดการแก้ไขให้ สพท. ทราบ",
    Status.CERTIFIED: "รับรองผล: การดำเนินการสิ้นสุด",
}


def public_score(status: Status, computed: float | None) -> float:
    """The score the report shows: the computed score only once certified."""
    if status == Status.CERTIFIED and computed is not None:
        return computed
    return MIN_SCORE


def self_score(status: Status, computed: float | None) -> float:
    """The score the district's own page shows: its self-assessment while awaiting."""
    if status in (Status.AWAITING, Status.CERTIFIED) and computed is not None:
        return computed
    return MIN_SCORE


def status_after_values_changed(current: Status, complete: bool) -> Status:
    """A change of values: complete -> awaiting certification, incomplete -> not reported.

    A change after a refusal sends the result back to awaiting certification.
    """
    if current == Status.CERTIFIED:
        return current
    return Status.AWAITING if complete else Status.NOT_REPORTED


@dataclass(frozen=True)
class EditWindow:
    """Whether a district may change a result's values now, and if not, why (Thai)."""

    allowed: bool
    reason: str = ""


def district_edit_window(
    status: Status,
    now: datetime,
    round_closed: bool,
    district_deadline: datetime | None,
    correction_deadline: datetime | None,
    extended_until: datetime | None = None,
) -> EditWindow:
    """May the district edit this result's values now?

    Certified results are locked. A closed round is read-only. Before the district
    deadline, results not reported or awaiting may be edited. A refused result may
    be edited only until the correction deadline the bureau gave (no deadline: the
    refusal is final). A lock exception from the KPI office opens it until its date.
    """
    if status == Status.CERTIFIED:
        return EditWindow(False, "ผลการดำเนินงานได้รับการรับรองแล้ว แก้ไขไม่ได้")
    if round_closed:
        return EditWindow(False, "รอบการรายงานนี้ปิดแล้ว แก้ไขไม่ได้")
    if extended_until is not None and now <= extended_until:
        return EditWindow(True)
    if status == Status.NOT_CERTIFIED:
        if correction_deadline is not None and now <= correction_deadline:
            return EditWindow(True)
        if correction_deadline is None:
            return EditWindow(False, "สำนักไม่รับรองผลโดยไม่เปิดให้แก้ไข")
        return EditWindow(False, "พ้นกำหนดเวลาแก้ไขที่สำนักกำหนดแล้ว")
    if district_deadline is not None and now > district_deadline:
        return EditWindow(False, "พ้นกำหนดส่งข้อมูลของรอบนี้แล้ว")
    return EditWindow(True)


RESUBMIT_ONLY_REFUSED = "ส่งผลให้พิจารณาอีกครั้งได้เฉพาะผลที่ไม่รับรอง"


def may_resubmit(window: EditWindow, status: Status, complete: bool) -> EditWindow:
    """ส่งผลให้พิจารณาอีกครั้ง: a refused result whose district may still correct it (its edit
    window: within the correction deadline, round open) goes back to awaiting certification,
    when its values are complete (a correction by file or message only)."""
    if status != Status.NOT_CERTIFIED:
        return EditWindow(False, RESUBMIT_ONLY_REFUSED)
    if not window.allowed:
        return window
    if not complete:
        return EditWindow(False, "กรุณากรอกข้อมูลให้ครบก่อนส่งผลให้พิจารณาอีกครั้ง")
    return EditWindow(True)
