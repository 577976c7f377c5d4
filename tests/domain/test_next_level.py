"""next_level_hint: the smallest change a district can make to reach the next level."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from krs_app.domain.indicators import (
    Direction,
    IndicatorKind,
    IndicatorSpec,
    VariableKind,
    VariableSource,
    VariableSpec,
)
from krs_app.domain.next_level import next_level_hint
from krs_app.domain.scoring import evaluate, raw_score, unrounded_result

DONE_FLAG = "ดำเนินการกรอก 1 / ไม่ดำเนินการกรอก 0"


def ratio(
    source=VariableSource.DISTRICT, thresholds=(80, 85, 90, 95, 100), direction=Direction.HIGHER_IS_BETTER, unit="โรง"
):
    return IndicatorSpec(
        code="11.2",
        name="ร้อยละ",
        weight=4,
        formula="a / b * 100",
        thresholds=thresholds,
        direction=direction,
        variables=(
            VariableSpec("a", "ส่วน", unit, source=source, whole_key="b"),
            VariableSpec("b", "ทั้งหมด", unit, source=source),
        ),
    )


DISTRICT_RATIO = ratio()
CENTRAL_RATIO = ratio(source=VariableSource.CENTRAL)
DROPOUTS = ratio(thresholds=(1.0, 0.8, 0.6, 0.4, 0.2), direction=Direction.LOWER_IS_BETTER, unit="คน")
I_11_5 = IndicatorSpec(
    code="11.5",
    name="ระดับความสำเร็จของการจัดทำบัญชีต้นทุนต่อหน่วยผลผลิต",
    weight=5,
    formula="(v1 + v2) / 2 * 100",
    thresholds=(20, 40, 60, 80, 100),
    kind=IndicatorKind.LEVEL,
    variables=(
        VariableSpec("1", "ส่ง KSB1", DONE_FLAG, kind=VariableKind.FLAG, required_months=frozenset({12})),
        VariableSpec("2", "ส่งข้อมูลถูกต้อง", DONE_FLAG, kind=VariableKind.FLAG, required_months=frozenset({12})),
    ),
)


def hint_for(indicator, values, months=6):
    return next_level_hint(indicator, values, months, evaluate(indicator, values, months).score)


def test_ratio_one_more_school_reaches_level_three():
    values = {"a": 44.0, "b": 50.0}
    assert evaluate(DISTRICT_RATIO, values, 6).score == 2.6
    hint = hint_for(DISTRICT_RATIO, values)
    assert "ต้องเพิ่มอีก 1" in hint
    assert "ระดับ 3" in hint
    assert hint == "ต้องเพิ่มอีก 1 โรง เพื่อให้ได้ระดับ 3"


def test_ratio_far_below_needs_the_exact_smallest_step():
    # 30/50 = 60% (score 1); level 2 is t2 = 85% -> a >= 42.5 -> 43: 13 more.
    hint = hint_for(DISTRICT_RATIO, {"a": 30.0, "b": 50.0})
    assert hint == "ต้องเพิ่มอีก 13 โรง เพื่อให้ได้ระดับ 2"


def test_on_a_level_the_hint_aims_at_the_next_one():
    # 45/50 = 90% is exactly level 3; level 4 needs 95% -> 47.5 -> 48: 3 more.
    assert hint_for(DISTRICT_RATIO, {"a": 45.0, "b": 50.0}) == "ต้องเพิ่มอีก 3 โรง เพื่อให้ได้ระดับ 4"


def test_large_counts_use_thousands_separators():
    # 80,000 / 100,000 = 80% (level 1); level 2 needs 85,000: 5,000 more.
    assert hint_for(DISTRICT_RATIO, {"a": 80_000.0, "b": 100_000.0}) == "ต้องเพิ่มอีก 5,000 โรง เพื่อให้ได้ระดับ 2"


def test_lower_is_better_asks_for_less():
    # 9 dropouts of 1,000 = 0.9% (score 1.5); level 2 needs at most 0.8%: one fewer.
    values = {"a": 9.0, "b": 1000.0}
    assert evaluate(DROPOUTS, values, 6).score == 1.5
    assert hint_for(DROPOUTS, values) == "ต้องลดอีก 1 คน เพื่อให้ได้ระดับ 2"


def test_at_score_five_there_is_no_hint():
    values = {"a": 50.0, "b": 50.0}
    assert evaluate(DISTRICT_RATIO, values, 6).score == 5.0
    assert hint_for(DISTRICT_RATIO, values) == ""
    assert next_level_hint(DISTRICT_RATIO, values, 6, 5.0) == ""


def test_without_a_score_there_is_no_hint():
    assert next_level_hint(DISTRICT_RATIO, {"a": None, "b": 50.0}, 6, None) == ""
    assert hint_for(DISTRICT_RATIO, {"a": 0.0, "b": 0.0}) == ""


def test_flag_indicator_names_the_step_to_finish():
    values = {"1": 1.0, "2": 0.0}
    assert evaluate(I_11_5, values, 12).score == 2.5
    hint = hint_for(I_11_5, values, 12)
    assert "ข้อ 2" in hint
    assert "ระดับ 3" in hint
    assert "ข้อ 1" not in hint  # already done
    assert hint == "ต้องดำเนินการข้อ 2. ให้แล้วเสร็จ (กรอก 1) เพื่อให้ได้ระดับ 3"


def test_flag_indicator_starts_with_the_first_unfinished_step():
    assert hint_for(I_11_5, {"1": 0.0, "2": 0.0}, 12) == "ต้องดำเนินการข้อ 1. ให้แล้วเสร็จ (กรอก 1) เพื่อให้ได้ระดับ 2"


def test_indicator_with_only_central_data_has_no_hint():
    values = {"a": 44.0, "b": 50.0}
    assert evaluate(CENTRAL_RATIO, values, 6).score == 2.6
    assert hint_for(CENTRAL_RATIO, values) == ""


@given(st.integers(min_value=1, max_value=2000).flatmap(lambda b: st.tuples(st.integers(0, b), st.just(b))))
def test_the_suggested_step_is_the_smallest_that_reaches_the_level(pair):
    a, b = pair
    values = {"a": float(a), "b": float(b)}
    score = evaluate(DISTRICT_RATIO, values, 6).score
    hint = next_level_hint(DISTRICT_RATIO, values, 6, score)
    if score >= 5:
        assert hint == ""
        return
    match = re.fullmatch(r"ต้องเพิ่มอีก ([\d,]+) โรง เพื่อให้ได้ระดับ (\d)", hint)
    assert match, hint
    step, level = int(match.group(1).replace(",", "")), int(match.group(2))
    assert level == int(score) + 1
    assert a + step <= b

    def level_of(part: float) -> float:
        result = unrounded_result(DISTRICT_RATIO, {"a": part, "b": float(b)}, 6)
        return raw_score(result, DISTRICT_RATIO.thresholds, DISTRICT_RATIO.direction)

    assert level_of(a + step) >= level - 1e-9
    assert level_of(a + step - 1) < level - 1e-9
