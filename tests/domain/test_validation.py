"""check_value: what a district may type into a cell, and the Thai message when it may not."""

from __future__ import annotations

import pytest

from krs_app.domain.indicators import IndicatorKind, IndicatorSpec, VariableKind, VariableSource, VariableSpec
from krs_app.domain.validation import MAX_ABSOLUTE_VALUE, check_value, parse_number

PART = VariableSpec("a", "จำนวนสถานศึกษาที่รายงานถูกต้อง", "โรง", whole_key="b")
WHOLE = VariableSpec("b", "จำนวนสถานศึกษาในสังกัด", "โรง")
RATIO = IndicatorSpec("11.2", "ร้อยละ", 4, "a / b * 100", (80, 85, 90, 95, 100), variables=(PART, WHOLE))

FLAG = VariableSpec("1", "ส่งเอกสาร", "ส่งแล้วกรอก 1 / ไม่ส่งกรอก 0", kind=VariableKind.FLAG)
FLAGGED = IndicatorSpec(
    "11.3", "ระดับ", 4, "v1 * 100", (20, 40, 60, 80, 100), kind=IndicatorKind.LEVEL, variables=(FLAG,)
)

OPINION = VariableSpec(
    "1", "ค่าเฉลี่ย", "คะแนน", kind=VariableKind.NUMBER, source=VariableSource.CENTRAL, min_value=1, max_value=5
)
OPINIONS = IndicatorSpec(
    "12", "ความคิดเห็น", 3, "v1", (3, 3.25, 3.5, 3.75, 4), kind=IndicatorKind.VALUE, variables=(OPINION,)
)

AT_LEAST = VariableSpec("1", "ค่า", "บาท", kind=VariableKind.NUMBER, min_value=0)
AT_MOST = VariableSpec("1", "ค่า", "บาท", kind=VariableKind.NUMBER, max_value=10)
FREE = VariableSpec("1", "ค่า", "บาท", kind=VariableKind.NUMBER)


def is_thai(text: str) -> bool:
    return any("\u0e00" <= ch <= "\u0e7f" for ch in text)


def accepted(indicator, variable, text, others=None) -> float | None:
    check = check_value(indicator, variable, text, others or {})
    assert check.ok, check.message
    assert check.message == ""
    return check.value


def refused(indicator, variable, text, others=None) -> str:
    check = check_value(indicator, variable, text, others or {})
    assert check.ok is False
    assert check.value is None
    assert isinstance(check.message, str) and check.message
    assert is_thai(check.message)
    return check.message


# --- counts ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"), [("0", 0.0), ("45", 45.0), (" 12 ", 12.0), ("45.0", 45.0), (7, 7.0), (7.0, 7.0)]
)
def test_whole_counts_are_accepted(text, value):
    assert accepted(RATIO, WHOLE, text) == value


@pytest.mark.parametrize("text", ["-1", "4.5", "0.001", -3, 2.5])
def test_counts_must_be_whole_and_not_negative(text):
    message = refused(RATIO, WHOLE, text)
    assert "จำนวนเต็ม" in message
    assert "โรง" in message


# --- flags -------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "value"), [("1", 1.0), ("0", 0.0), ("๑", 1.0), (1, 1.0), ("1.0", 1.0)])
def test_flags_accept_zero_and_one(text, value):
    assert accepted(FLAGGED, FLAG, text) == value


@pytest.mark.parametrize("text", ["2", "0.5", "-1", "10", 2])
def test_flags_refuse_anything_else(text):
    assert refused(FLAGGED, FLAG, text) == "กรุณากรอก 1 หรือ 0 เท่านั้น"


# --- numbers with a range -------------------------------------------------------------


@pytest.mark.parametrize(("text", "value"), [("1", 1.0), ("3.6", 3.6), ("5", 5.0), ("4.25", 4.25)])
def test_number_within_its_range_is_accepted(text, value):
    assert accepted(OPINIONS, OPINION, text) == value


@pytest.mark.parametrize("text", ["0.99", "5.01", "0", "-3", "100"])
def test_number_outside_its_range_is_refused(text):
    assert refused(OPINIONS, OPINION, text) == "กรุณากรอกค่าระหว่าง 1 ถึง 5"


def test_one_sided_ranges():
    indicator = IndicatorSpec("X", "x", 1, "v1", (1, 2, 3, 4, 5), kind=IndicatorKind.VALUE, variables=(AT_LEAST,))
    assert refused(indicator, AT_LEAST, "-0.5") == "กรุณากรอกค่าตั้งแต่ 0 ขึ้นไป"
    assert accepted(indicator, AT_LEAST, "0") == 0.0
    indicator = IndicatorSpec("X", "x", 1, "v1", (1, 2, 3, 4, 5), kind=IndicatorKind.VALUE, variables=(AT_MOST,))
    assert refused(indicator, AT_MOST, "10.5") == "กรุณากรอกค่าไม่เกิน 10"
    assert accepted(indicator, AT_MOST, "-2.5") == -2.5


# --- part and whole -------------------------------------------------------------------


def test_part_cannot_exceed_the_stored_whole():
    message = refused(RATIO, PART, "51", {"b": 50.0})
    assert message == "ข้อ a. ต้องไม่มากกว่าข้อ b. (50 โรง)"
    assert accepted(RATIO, PART, "50", {"b": 50.0}) == 50.0
    assert accepted(RATIO, PART, "0", {"b": 0.0}) == 0.0


def test_whole_cannot_fall_below_the_stored_part():
    message = refused(RATIO, WHOLE, "44", {"a": 45.0})
    assert message == "ข้อ b. ต้องไม่น้อยกว่าข้อ a. (45 โรง)"
    assert accepted(RATIO, WHOLE, "45", {"a": 45.0}) == 45.0


def test_part_and_whole_without_the_other_value_are_accepted():
    assert accepted(RATIO, PART, "51", {}) == 51.0
    assert accepted(RATIO, PART, "51", {"b": None}) == 51.0
    assert accepted(RATIO, WHOLE, "1", {"a": None}) == 1.0


# --- how numbers may be typed -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [("๔๕", 45.0), ("๑,๐๒๔", 1024.0), ("1,024", 1024.0), ("1,024,362", 1024362.0), ("๐", 0.0), ("1 024", 1024.0)],
)
def test_thai_digits_and_thousands_separators(text, value):
    assert accepted(RATIO, WHOLE, text) == value
    assert parse_number(text) == value


@pytest.mark.parametrize(
    "text",
    [
        "abc",
        "4a",
        "nan",
        "NaN",
        "inf",
        "-inf",
        "Infinity",
        "1e400",
        "-1e400",
        "0x10",
        "๔๕ โรง",
        "9" * 40,  # longer than any number a cell takes
        float("nan"),
        float("inf"),
        float("-inf"),
    ],
    ids=repr,
)
def test_non_numbers_are_refused(text):
    assert refused(RATIO, WHOLE, text) == "กรุณากรอกตัวเลข"


@pytest.mark.parametrize(
    "text", ["1e10", "1000000001", "2,000,000,000", 10**12, 10**400, 1e300, "-1e12"], ids=lambda v: repr(v)[:24]
)
def test_huge_values_are_refused(text):
    variable = FREE
    indicator = IndicatorSpec("X", "x", 1, "v1", (1, 2, 3, 4, 5), kind=IndicatorKind.VALUE, variables=(FREE,))
    assert refused(indicator, variable, text) == "ตัวเลขมากเกินไป กรุณาตรวจสอบอีกครั้ง"


def test_the_largest_allowed_value_is_accepted():
    assert accepted(RATIO, WHOLE, str(MAX_ABSOLUTE_VALUE)) == float(MAX_ABSOLUTE_VALUE)


@pytest.mark.parametrize("flag", [True, False])
def test_booleans_are_refused_even_in_a_flag_cell(flag):
    assert refused(FLAGGED, FLAG, flag) == "กรุณากรอกตัวเลข"
    assert refused(RATIO, WHOLE, flag) == "กรุณากรอกตัวเลข"


@pytest.mark.parametrize("text", ["", "   ", "\t", None])
def test_empty_input_clears_the_cell(text):
    check = check_value(RATIO, PART, text, {"b": 50.0})
    assert check.ok is True
    assert check.value is None
    assert check.message == ""
