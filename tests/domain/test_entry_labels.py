"""Issue 12 items 7 and 17 as rules: an indicator not assessed in a round, the unit of a result
by the indicator's kind, a refusal's wording, and numbers with thousands separators."""

from __future__ import annotations

import pytest

from krs_app.domain.certification import (
    REFUSAL_PREFIX,
    REFUSAL_REASON_PREFIX,
    assessed_in_round,
    refusal_text,
)
from krs_app.domain.indicators import (
    NOT_ASSESSED_LABEL,
    IndicatorKind,
    IndicatorSpec,
    VariableKind,
    VariableSpec,
)
from krs_app.domain.numbers import format_number
from krs_app.domain.validation import check_value, parse_number

DONE = "ดำเนินการกรอก 1 / ไม่ดำเนินการกรอก 0"
TWELVE_ONLY = IndicatorSpec(
    "11.5",
    "ระดับความสำเร็จของการจัดทำบัญชีต้นทุนต่อหน่วยผลผลิต",
    5,
    "(v1 + v2) / 2 * 100",
    (20, 40, 60, 80, 100),
    variables=(
        VariableSpec("1", "ส่ง KSB1", DONE, kind=VariableKind.FLAG, required_months=frozenset({12})),
        VariableSpec("2", "ส่งข้อมูลถูกต้อง", DONE, kind=VariableKind.FLAG, required_months=frozenset({12})),
    ),
)


def _spec(kind: IndicatorKind) -> IndicatorSpec:
    return IndicatorSpec("x", "x", 1, "a", (1, 2, 3, 4, 5), kind=kind, variables=(VariableSpec("a", "a", "คน"),))


def test_an_indicator_not_assessed_in_a_round_takes_no_reminder_or_decision():
    refused = assessed_in_round(TWELVE_ONLY, 6)
    assert not refused.allowed and NOT_ASSESSED_LABEL in refused.reason
    assert assessed_in_round(TWELVE_ONLY, 12).allowed


@pytest.mark.parametrize(
    ("kind", "unit"), [(IndicatorKind.PERCENT, "ร้อยละ"), (IndicatorKind.LEVEL, "ระดับ"), (IndicatorKind.VALUE, "ค่า")]
)
def test_the_result_unit_follows_the_indicators_kind(kind, unit):
    assert _spec(kind).result_unit == unit


@pytest.mark.parametrize(
    ("reason", "prefix", "shown"),
    [
        ("ไม่รับรอง เนื่องจากหมดยอดเงิน", REFUSAL_PREFIX, "ไม่รับรอง เนื่องจากหมดยอดเงิน"),
        ("  ไม่รับรองเพราะขาดหลักฐาน", REFUSAL_REASON_PREFIX, "ไม่รับรองเพราะขาดหลักฐาน"),
        ("ขาดรายงานสรุป", REFUSAL_PREFIX, "ไม่รับรอง: ขาดรายงานสรุป"),
        ("ขาดรายงานสรุป", REFUSAL_REASON_PREFIX, "เหตุผลที่ไม่รับรอง: ขาดรายงานสรุป"),
    ],
)
def test_a_refusal_already_saying_so_is_not_prefixed_again(reason, prefix, shown):
    assert refusal_text(reason, prefix) == shown


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (17_900_000, "17,900,000"),
        (1024362.0, "1,024,362"),
        (999, "999"),
        (1234.5, "1,234.5"),
        (0.25, "0.25"),
        (-1500, "-1,500"),
    ],
)
def test_stored_numbers_show_thousands_separators(value, text):
    assert format_number(value) == text


def test_a_cell_takes_a_number_with_or_without_separators():
    whole = VariableSpec("b", "งบลงทุน", "บาท")
    spec = IndicatorSpec("7.1", "x", 5, "a / b * 100", (80, 85, 90, 95, 100), variables=(whole,))
    for typed in ("17,900,000", "17900000", format_number(17_900_000)):
        assert parse_number(typed) == 17_900_000
        assert check_value(spec, whole, typed, {}).value == 17_900_000
