"""Who may certify, refuse or undo a result, and when; overdue work; how a score was reached.

Pure rules (no database, no Reflex). Every "no" carries the Thai reason shown to the user.

The periods (DOMAIN.md "Status" and "Flow of one round"):

- A bureau certifies or refuses within the certification period: while the round is open
  and up to the round's certification deadline.
- If a bureau misses the period, the KPI office acts on it: after the certification
  deadline, or once the round is closed, the KPI office may certify or refuse results
  still waiting. Before that it is the owning bureau's work, not the KPI office's.
- Only a complete result with a computable score can be certified: one awaiting
  certification, or one refused earlier (the district may have answered with evidence
  only, which does not change the status). A result not reported cannot be certified
  or refused: the bureau reminds the district instead.
- A refusal states a reason. Its correction deadline must be in the future; a bureau's
  must not be after the round's certification deadline (the bureau has to certify the
  correction in time). No deadline = the refusal is final.
- A certification can be undone (back to awaiting) only by the owning bureau, before the
  round's certification deadline, in an open round, with a reason.

Overdue (the KPI office's "ติดตามการรับรองผล"): a result is overdue when it is awaiting
certification and either the round's certification deadline has passed, or it has been
waiting longer than OVERDUE_AFTER_DAYS days since the district reported it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from krs_app.domain.indicators import NOT_ASSESSED_LABEL, Direction, IndicatorSpec
from krs_app.domain.numbers import format_number, format_result, format_score
from krs_app.domain.scoring import MAX_SCORE, MIN_SCORE, raw_score, unrounded_result
from krs_app.domain.status import Status

OVERDUE_AFTER_DAYS = 7
MAX_REASON_LENGTH = 1000

OVERDUE_RULE_TEXT = (
    f"เกินกำหนด = รอการรับรองผลหลังวันสิ้นสุดการรับรองผลของรอบ หรือรอการรับรองนานเกิน {OVERDUE_AFTER_DAYS} วันนับจากวันที่ สพท. รายงาน"
)


class Actor(StrEnum):
    BUREAU = "bureau"  # the bureau that owns the indicator
    KPI_OFFICE = "kpi_office"  # acts on what a bureau missed


@dataclass(frozen=True)
class Decision:
    """Whether an action is allowed now, and if not, why (Thai)."""

    allowed: bool
    reason: str = ""


ALLOW = Decision(True)


def _no(reason: str) -> Decision:
    return Decision(False, reason)


def review_period(actor: Actor, now: datetime, round_closed: bool, certification_deadline: datetime) -> Decision:
    """The bureau acts in the certification period; the KPI office after it."""
    if actor == Actor.KPI_OFFICE:
        if now <= certification_deadline and not round_closed:
            return _no("ยังอยู่ในระยะเวลารับรองผลของสำนัก กพร. ดำเนินการแทนได้เมื่อพ้นกำหนดรับรองผลแล้ว")
        return ALLOW
    if round_closed:
        return _no("รอบการรายงานนี้ปิดแล้ว")
    if now > certification_deadline:
        return _no("พ้นกำหนดระยะเวลารับรองผลของรอบนี้แล้ว กรุณาติดต่อ กพร.")
    return ALLOW


def may_certify(
    status: Status,
    complete: bool,
    has_score: bool,
    now: datetime,
    round_closed: bool,
    certification_deadline: datetime,
    actor: Actor = Actor.BUREAU,
) -> Decision:
    """May this result be certified now (awaiting or refused -> certified)?"""
    if status == Status.CERTIFIED:
        return _no("ผลการดำเนินงานนี้ได้รับการรับรองแล้ว")
    if status == Status.NOT_REPORTED or not complete:
        return _no("สพท. ยังรายงานข้อมูลไม่ครบ จึงรับรองผลไม่ได้")
    if not has_score:
        return _no("คำนวณผลจากข้อมูลที่รายงานไม่ได้ (เช่น ตัวหารเป็นศูนย์) จึงรับรองผลไม่ได้")
    return review_period(actor, now, round_closed, certification_deadline)


def may_refuse(
    status: Status,
    now: datetime,
    round_closed: bool,
    certification_deadline: datetime,
    actor: Actor = Actor.BUREAU,
) -> Decision:
    """May this result be refused now (awaiting, or refused again with a new reason/deadline)?"""
    if status == Status.CERTIFIED:
        return _no("ผลการดำเนินงานนี้ได้รับการรับรองแล้ว ต้องยกเลิกการรับรองก่อน")
    if status == Status.NOT_REPORTED:
        return _no("สพท. ยังไม่รายงานผล ใช้การแจ้งเตือนแทนการไม่รับรอง")
    return review_period(actor, now, round_closed, certification_deadline)


def may_undo(
    status: Status,
    now: datetime,
    round_closed: bool,
    certification_deadline: datetime,
    actor: Actor = Actor.BUREAU,
) -> Decision:
    """May a certification be undone (certified -> awaiting)? Only by the owning bureau,
    correcting its own decision, in the certification period."""
    if status != Status.CERTIFIED:
        return _no("ผลการดำเนินงานนี้ยังไม่ได้รับการรับรอง")
    if actor != Actor.BUREAU:
        return _no("การยกเลิกการรับรองผลเป็นหน้าที่ของสำนักเจ้าของตัวชี้วัด")
    if round_closed:
        return _no("รอบการรายงานนี้ปิดแล้ว ยกเลิกการรับรองไม่ได้")
    if now > certification_deadline:
        return _no("พ้นกำหนดระยะเวลารับรองผลแล้ว ยกเลิกการรับรองไม่ได้")
    return ALLOW


def may_mark_not_applicable(marked: bool, round_closed: bool, actor: Actor, undo: bool = False) -> Decision:
    """May the result be marked not applicable (ไม่ประเมินตัวชี้วัดนี้), or the mark undone?

    Only the owning bureau decides it, and either way only before the round closes.
    """
    if actor != Actor.BUREAU:
        return _no("การระบุว่าไม่ประเมินตัวชี้วัดนี้เป็นหน้าที่ของสำนักเจ้าของตัวชี้วัด")
    if round_closed:
        return _no("รอบการรายงานนี้ปิดแล้ว เปลี่ยนแปลงไม่ได้")
    if undo and not marked:
        return _no("ผลการดำเนินงานนี้ไม่ได้ถูกระบุว่าไม่ประเมินตัวชี้วัดนี้")
    if not undo and marked:
        return _no("ระบุว่าไม่ประเมินตัวชี้วัดนี้ไว้แล้ว")
    return ALLOW


def decision_while_not_applicable(marked: bool) -> Decision:
    """A result marked not applicable takes no certification or refusal until the mark is undone."""
    if marked:
        return _no("ผลนี้ระบุว่าไม่ประเมินตัวชี้วัดนี้ ยกเลิกการระบุก่อนจึงจะรับรอง/ไม่รับรองได้")
    return ALLOW


NOT_ASSESSED_REASON = f"ตัวชี้วัดนี้{NOT_ASSESSED_LABEL} จึงไม่มีการแจ้งเตือน รับรองผล หรือไม่รับรองผล"


def assessed_in_round(spec: IndicatorSpec, months: int) -> Decision:
    """Reminders, certifying, refusing and marking act only on an indicator assessed in the
    round (IndicatorSpec.is_assessed_in): one not assessed has nothing to report or decide."""
    return ALLOW if spec.is_assessed_in(months) else _no(NOT_ASSESSED_REASON)


REFUSAL_WORD = "ไม่รับรอง"
REFUSAL_PREFIX = "ไม่รับรอง: "  # the thread's message
REFUSAL_REASON_PREFIX = "เหตุผลที่ไม่รับรอง: "  # the entry row and the review detail


def refusal_text(reason: str, prefix: str) -> str:
    """A refusal's reason after its prefix ("ไม่รับรอง: ", "เหตุผลที่ไม่รับรอง: "), unless the
    reason already starts with ไม่รับรอง (the manual's own: "ไม่รับรอง เนื่องจาก…"): then as typed."""
    reason = reason.strip()
    return reason if reason.startswith(REFUSAL_WORD) else prefix + reason


def check_reason(text: object, what: str = "เหตุผล") -> Decision:
    """A reason must be given, and not be too long."""
    if not isinstance(text, str) or not text.strip():
        return _no(f"กรุณาระบุ{what}")
    if len(text.strip()) > MAX_REASON_LENGTH:
        return _no(f"{what}ยาวเกิน {MAX_REASON_LENGTH:,} ตัวอักษร")
    return ALLOW


def check_correction_deadline(
    deadline: datetime | None, now: datetime, latest: datetime | None, round_closed: bool = False
) -> Decision:
    """A correction deadline: None (final refusal), or in the future and not after `latest`.

    In a closed round nothing can be corrected any more: only a final refusal.
    """
    if deadline is None:
        return ALLOW
    if round_closed:
        return _no("รอบการรายงานนี้ปิดแล้ว เปิดให้แก้ไขไม่ได้ (ไม่รับรองได้โดยไม่กำหนดเวลาแก้ไขเท่านั้น)")
    if deadline <= now:
        return _no("กำหนดเวลาแก้ไขต้องเป็นเวลาในอนาคต")
    if latest is not None and deadline > latest:
        return _no("กำหนดเวลาแก้ไขต้องไม่เกินวันสิ้นสุดการรับรองผลของรอบ")
    return ALLOW


DEFAULT_CORRECTION_DAYS = 7
NO_CORRECTION_CHOICE = "กรุณาระบุวันที่ให้แก้ไขได้ถึง หรือเลือก “ไม่เปิดให้แก้ไข”"


def default_correction_day(today: date, latest: date) -> date:
    """The correction deadline a refusal dialog offers: a week from today, but never after the
    round's certification deadline (the bureau must certify the correction in time)."""
    return max(today, min(today + timedelta(days=DEFAULT_CORRECTION_DAYS), latest))


def correction_choice(final: bool, day: date | None) -> Decision:
    """A refusal states its choice on purpose: a correction deadline, or "ไม่เปิดให้แก้ไข" ticked.
    An empty date with nothing ticked is not a final refusal: it is refused."""
    if final or day is not None:
        return ALLOW
    return _no(NO_CORRECTION_CHOICE)


EXTENSION_NOT_LATER = "วันที่ขยายเวลาต้องหลังกำหนดเดิม"


def check_extension(
    until: datetime | None,
    now: datetime,
    round_closed: bool,
    certification_deadline: datetime,
    current_deadline: datetime | None = None,
) -> Decision:
    """A lock exception (KPI office): until a future time after the deadline it extends
    (`current_deadline`: the district's, or the correction deadline of a refusal) and within the
    round's certification period."""
    if round_closed:
        return _no("รอบการรายงานนี้ปิดแล้ว ขยายเวลาไม่ได้")
    if until is None:
        return ALLOW  # revokes the exception
    if until <= now:
        return _no("วันที่ขยายเวลาต้องเป็นเวลาในอนาคต")
    if current_deadline is not None and until <= current_deadline:
        return _no(EXTENSION_NOT_LATER)
    if until > certification_deadline:
        return _no("ขยายเวลาได้ไม่เกินวันสิ้นสุดการรับรองผลของรอบ")
    return ALLOW


def deadline_extended(
    status: Status, district_deadline: datetime | None, correction_deadline: datetime | None
) -> datetime | None:
    """The deadline a lock exception extends: a refused result's correction deadline, else the
    round's district deadline."""
    if status == Status.NOT_CERTIFIED and correction_deadline is not None:
        return correction_deadline
    return district_deadline


def central_edit_window(status: Status, round_closed: bool) -> Decision:
    """May the bureau change a district's central values (ใช้ข้อมูลส่วนกลาง) now?

    Not once the result is certified (its values are locked: undo the certification
    first), and not in a closed round. Otherwise at any time in the round.
    """
    if status == Status.CERTIFIED:
        return _no("ผลการดำเนินงานได้รับการรับรองแล้ว แก้ไขข้อมูลไม่ได้ (ยกเลิกการรับรองก่อน)")
    if round_closed:
        return _no("รอบการรายงานนี้ปิดแล้ว แก้ไขไม่ได้")
    return ALLOW


def is_overdue(
    status: Status,
    reported_at: datetime | None,
    now: datetime,
    certification_deadline: datetime,
    after_days: int = OVERDUE_AFTER_DAYS,
) -> bool:
    """Awaiting after the certification deadline, or awaiting longer than `after_days` days."""
    if status != Status.AWAITING:
        return False
    if now > certification_deadline:
        return True
    return reported_at is not None and now - reported_at > timedelta(days=after_days)


def days_left(deadline: datetime | None, now: datetime) -> int | None:
    """Whole days left to a deadline, rounded up (0 or less once it has passed)."""
    if deadline is None:
        return None
    return math.ceil((deadline - now).total_seconds() / 86400)


class CloseAction(StrEnum):
    FIX_AT_ONE = "fix_at_one"  # not reported: fixed at 1.00000
    STAYS_REFUSED = "stays_refused"  # refused and not corrected in time: stays at 1.00000
    OVERDUE = "overdue"  # still awaiting: the bureau is late
    FINAL = "final"  # certified: nothing to do


def close_action(status: Status) -> CloseAction:
    """What closing the round does to a result of this status."""
    return {
        Status.NOT_REPORTED: CloseAction.FIX_AT_ONE,
        Status.NOT_CERTIFIED: CloseAction.STAYS_REFUSED,
        Status.AWAITING: CloseAction.OVERDUE,
        Status.CERTIFIED: CloseAction.FINAL,
    }[status]


CLOSE_FIX_REASON = "ไม่รายงานผลภายในกำหนด ระบบกำหนดคะแนน 1.00000 เมื่อปิดรอบ"

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def formula_with_values(spec: IndicatorSpec, values: Mapping[str, float | None], months: int) -> str:
    """The formula with the values put in: "a / b * 100" -> "45 / 50 * 100"."""
    by_name = {v.formula_name: values.get(v.key) for v in spec.required_variables(months)}

    def put(match: re.Match) -> str:
        name = match.group(0)
        if name not in by_name:
            return name
        value = by_name[name]
        return "?" if value is None else format_number(value)

    return _NAME.sub(put, spec.formula)


def formula_text(spec: IndicatorSpec) -> str:
    """The formula as the catalogue writes it, with numeric keys shown as keys (v1 -> 1)."""
    names = {v.formula_name: v.key for v in spec.variables if v.formula_name != v.key}
    return _NAME.sub(lambda m: names.get(m.group(0), m.group(0)), spec.formula).replace("*", "×")


def score_explanation(spec: IndicatorSpec, values: Mapping[str, float | None], months: int) -> str:
    """How the score follows from the result and the criteria, in Thai, with the numbers."""
    result = unrounded_result(spec, values, months)
    if result is None:
        return "ยังคำนวณผลไม่ได้ (ข้อมูลไม่ครบ หรือตัวหารเป็นศูนย์) คะแนน 1.0000"
    thresholds = spec.thresholds
    shown = format_result(result)
    lower = spec.direction == Direction.LOWER_IS_BETTER
    score = raw_score(result, thresholds, spec.direction)
    if score <= MIN_SCORE:
        side = "ไม่ต่ำกว่า" if lower else "ไม่เกิน"
        return f"ผลลัพธ์ {shown} {side}เกณฑ์ระดับ 1 ({format_number(thresholds[0])}) คะแนน {format_score(MIN_SCORE)}"
    if score >= MAX_SCORE:
        side = "ไม่เกิน" if lower else "ไม่ต่ำกว่า"
        return f"ผลลัพธ์ {shown} {side}เกณฑ์ระดับ 5 ({format_number(thresholds[4])}) คะแนน {format_score(MAX_SCORE)}"
    level = int(score)
    low, high = thresholds[level - 1], thresholds[level]
    return (
        f"ผลลัพธ์ {shown} อยู่ระหว่างเกณฑ์ระดับ {level} ({format_number(low)}) "
        f"และระดับ {level + 1} ({format_number(high)}): "
        f"คะแนน = {level} + ({shown} − {format_number(low)}) ÷ ({format_number(high)} − {format_number(low)}) "
        f"= {format_score(score)}"
    )
