"""Who may certify, refuse or undo, when; overdue; how a score is explained."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from krs_app.domain.certification import (
    MAX_REASON_LENGTH,
    OVERDUE_AFTER_DAYS,
    Actor,
    CloseAction,
    central_edit_window,
    check_correction_deadline,
    check_extension,
    check_reason,
    close_action,
    days_left,
    formula_text,
    formula_with_values,
    is_overdue,
    may_certify,
    may_refuse,
    may_undo,
    score_explanation,
)
from krs_app.domain.indicators import Direction, IndicatorSpec, VariableSpec
from krs_app.domain.status import Status

DEADLINE = datetime(2019, 4, 30, 9, 30)  # the round's certification deadline
BEFORE = DEADLINE - timedelta(days=2)
AFTER = DEADLINE + timedelta(hours=1)


def thai(text: str) -> bool:
    return any("\u0e00" <= ch <= "\u0e7f" for ch in text)


def assert_no(decision, *words):
    assert decision.allowed is False
    assert thai(decision.reason)
    for word in words:
        assert word in decision.reason


def certify(status, now=BEFORE, *, complete=True, score=True, closed=False, actor=Actor.BUREAU):
    return may_certify(status, complete, score, now, closed, DEADLINE, actor)


@pytest.mark.parametrize("status", [Status.AWAITING, Status.NOT_CERTIFIED])
def test_the_bureau_certifies_a_complete_result_in_its_period(status):
    assert certify(status).allowed
    assert certify(status).reason == ""


def test_the_period_ends_at_the_certification_deadline():
    assert certify(Status.AWAITING, DEADLINE).allowed
    assert_no(certify(Status.AWAITING, AFTER), "พ้นกำหนด")
    assert_no(certify(Status.AWAITING, BEFORE, closed=True), "ปิด")


@pytest.mark.parametrize(
    ("status", "complete", "score", "word"),
    [
        (Status.CERTIFIED, True, True, "รับรองแล้ว"),
        (Status.NOT_REPORTED, False, False, "ไม่ครบ"),
        (Status.AWAITING, False, False, "ไม่ครบ"),
        (Status.AWAITING, True, False, "ตัวหาร"),
    ],
)
def test_only_a_complete_scored_result_is_certified(status, complete, score, word):
    assert_no(certify(status, complete=complete, score=score), word)


def test_the_kpi_office_acts_only_after_the_bureau_missed_its_period():
    assert_no(certify(Status.AWAITING, BEFORE, actor=Actor.KPI_OFFICE), "กพร.")
    assert certify(Status.AWAITING, AFTER, actor=Actor.KPI_OFFICE).allowed
    assert certify(Status.AWAITING, AFTER, closed=True, actor=Actor.KPI_OFFICE).allowed
    assert certify(Status.AWAITING, BEFORE, closed=True, actor=Actor.KPI_OFFICE).allowed  # closed early
    assert may_refuse(Status.AWAITING, AFTER, True, DEADLINE, Actor.KPI_OFFICE).allowed


def test_refusing():
    assert may_refuse(Status.AWAITING, BEFORE, False, DEADLINE).allowed
    assert may_refuse(Status.NOT_CERTIFIED, BEFORE, False, DEADLINE).allowed  # a new reason / deadline
    assert_no(may_refuse(Status.CERTIFIED, BEFORE, False, DEADLINE), "ยกเลิกการรับรองก่อน")
    assert_no(may_refuse(Status.NOT_REPORTED, BEFORE, False, DEADLINE), "แจ้งเตือน")
    assert_no(may_refuse(Status.AWAITING, AFTER, False, DEADLINE), "พ้นกำหนด")


def test_undo_only_before_the_certification_deadline():
    assert may_undo(Status.CERTIFIED, BEFORE, False, DEADLINE).allowed
    assert may_undo(Status.CERTIFIED, DEADLINE, False, DEADLINE).allowed
    assert_no(may_undo(Status.CERTIFIED, AFTER, False, DEADLINE), "พ้นกำหนด")
    assert_no(may_undo(Status.CERTIFIED, BEFORE, True, DEADLINE), "ปิด")
    for status in (Status.AWAITING, Status.NOT_CERTIFIED, Status.NOT_REPORTED):
        assert_no(may_undo(status, BEFORE, False, DEADLINE), "ยังไม่ได้รับการรับรอง")
    assert_no(may_undo(Status.CERTIFIED, BEFORE, False, DEADLINE, Actor.KPI_OFFICE), "สำนักเจ้าของ")


@pytest.mark.parametrize("text", [None, "", "   \n ", 5, ["x"]])
def test_a_reason_is_required(text):
    assert_no(check_reason(text), "กรุณาระบุ")


def test_a_reason_has_a_maximum_length():
    assert check_reason("ก" * MAX_REASON_LENGTH).allowed
    assert_no(check_reason("ก" * (MAX_REASON_LENGTH + 1)), "ยาวเกิน")


def test_correction_deadlines():
    assert check_correction_deadline(None, BEFORE, DEADLINE).allowed  # a final refusal
    assert check_correction_deadline(BEFORE + timedelta(hours=1), BEFORE, DEADLINE).allowed
    assert check_correction_deadline(DEADLINE, BEFORE, DEADLINE).allowed
    assert_no(check_correction_deadline(BEFORE, BEFORE, DEADLINE), "อนาคต")
    assert_no(check_correction_deadline(BEFORE - timedelta(days=1), BEFORE, DEADLINE), "อนาคต")
    assert_no(check_correction_deadline(DEADLINE + timedelta(minutes=1), BEFORE, DEADLINE), "ไม่เกิน")
    assert check_correction_deadline(DEADLINE + timedelta(days=5), AFTER, None).allowed  # the KPI office
    assert_no(check_correction_deadline(AFTER + timedelta(days=1), AFTER, None, round_closed=True), "ปิด")
    assert check_correction_deadline(None, AFTER, None, round_closed=True).allowed


def test_extensions():
    assert check_extension(BEFORE + timedelta(days=1), BEFORE, False, DEADLINE).allowed
    assert check_extension(None, BEFORE, False, DEADLINE).allowed
    assert_no(check_extension(BEFORE, BEFORE, False, DEADLINE), "อนาคต")
    assert_no(check_extension(DEADLINE + timedelta(seconds=1), BEFORE, False, DEADLINE), "ไม่เกิน")
    assert_no(check_extension(BEFORE + timedelta(days=1), BEFORE, True, DEADLINE), "ปิด")


def test_central_values_lock_once_certified_or_closed():
    assert central_edit_window(Status.NOT_REPORTED, False).allowed
    assert central_edit_window(Status.AWAITING, False).allowed
    assert central_edit_window(Status.NOT_CERTIFIED, False).allowed
    assert_no(central_edit_window(Status.CERTIFIED, False), "รับรอง")
    assert_no(central_edit_window(Status.AWAITING, True), "ปิด")


def test_overdue():
    reported = BEFORE - timedelta(days=1)
    assert not is_overdue(Status.AWAITING, reported, BEFORE, DEADLINE)
    assert is_overdue(Status.AWAITING, reported, AFTER, DEADLINE)
    stale = BEFORE - timedelta(days=OVERDUE_AFTER_DAYS, minutes=1)
    assert is_overdue(Status.AWAITING, stale, BEFORE, DEADLINE)
    assert not is_overdue(Status.AWAITING, BEFORE - timedelta(days=OVERDUE_AFTER_DAYS), BEFORE, DEADLINE)
    assert not is_overdue(Status.AWAITING, None, BEFORE, DEADLINE)
    for status in (Status.CERTIFIED, Status.NOT_CERTIFIED, Status.NOT_REPORTED):
        assert not is_overdue(status, stale, AFTER, DEADLINE)


def test_days_left():
    assert days_left(None, BEFORE) is None
    assert days_left(DEADLINE, DEADLINE - timedelta(days=2)) == 2
    assert days_left(DEADLINE, DEADLINE - timedelta(days=1, hours=1)) == 2
    assert days_left(DEADLINE, DEADLINE - timedelta(hours=1)) == 1
    assert days_left(DEADLINE, DEADLINE) == 0
    assert days_left(DEADLINE, DEADLINE + timedelta(days=3)) == -3


def test_what_closing_does_to_each_status():
    assert close_action(Status.NOT_REPORTED) == CloseAction.FIX_AT_ONE
    assert close_action(Status.NOT_CERTIFIED) == CloseAction.STAYS_REFUSED
    assert close_action(Status.AWAITING) == CloseAction.OVERDUE
    assert close_action(Status.CERTIFIED) == CloseAction.FINAL


RATIO = IndicatorSpec(
    code="2.1",
    name="ร้อยละ",
    weight=4,
    formula="a / b * 100",
    thresholds=(80, 85, 90, 95, 100),
    variables=(VariableSpec("a", "ส่วน", "โรง", whole_key="b"), VariableSpec("b", "ทั้งหมด", "โรง")),
)
LEVEL = IndicatorSpec(
    code="11.6",
    name="ระดับ",
    weight=5,
    formula="(v1 + v2) / 2 * 100",
    thresholds=(20, 40, 60, 80, 100),
    variables=(VariableSpec("1", "หนึ่ง", "flag"), VariableSpec("2", "สอง", "flag")),
)
LOWER = IndicatorSpec(
    code="3.2",
    name="ออกกลางคัน",
    weight=4,
    formula="a / b * 100",
    thresholds=(1.0, 0.8, 0.6, 0.4, 0.2),
    direction=Direction.LOWER_IS_BETTER,
    variables=(VariableSpec("a", "ออก", "คน", whole_key="b"), VariableSpec("b", "ทั้งหมด", "คน")),
)


def test_the_formula_with_its_values():
    assert formula_with_values(RATIO, {"a": 44, "b": 50}, 6) == "44 / 50 * 100"
    assert formula_with_values(RATIO, {"a": 44}, 6) == "44 / ? * 100"
    assert formula_with_values(LEVEL, {"1": 1, "2": 0}, 6) == "(1 + 0) / 2 * 100"
    assert formula_text(LEVEL) == "(1 + 2) / 2 × 100"
    assert formula_text(RATIO) == "a / b × 100"


def test_the_score_explained_between_levels():
    text = score_explanation(RATIO, {"a": 44, "b": 50}, 6)  # 88% -> 2.6
    assert "88.00" in text and "ระดับ 2 (85)" in text and "ระดับ 3 (90)" in text and text.endswith("2.6000")


def test_the_score_explained_at_the_ends():
    assert score_explanation(RATIO, {"a": 50, "b": 50}, 6).endswith("5.0000")
    assert score_explanation(RATIO, {"a": 10, "b": 50}, 6).endswith("1.0000")
    assert "คำนวณผลไม่ได้" in score_explanation(RATIO, {"a": 0, "b": 0}, 6)
    assert "คำนวณผลไม่ได้" in score_explanation(RATIO, {"a": 1}, 6)


def test_the_score_explained_lower_is_better():
    text = score_explanation(LOWER, {"a": 5, "b": 1000}, 6)  # 0.5% -> between 0.6 (3) and 0.4 (4): 3.5
    assert text.endswith("3.5000")
    assert score_explanation(LOWER, {"a": 1, "b": 1000}, 6).endswith("5.0000")
