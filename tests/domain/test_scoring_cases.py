"""SCORING-CASES.md, row by row, plus the weighted overall and the public/self score table.

Every expected number here was computed by hand from the rules in DOMAIN.md ("Scoring").
"""

from __future__ import annotations

import pytest

from krs_app.domain.indicators import (
    Direction,
    IndicatorKind,
    IndicatorSpec,
    VariableKind,
    VariableSource,
    VariableSpec,
)
from krs_app.domain.numbers import format_result, format_score, round_half_up
from krs_app.domain.scoring import evaluate, weighted_overall
from krs_app.domain.status import Status, public_score, self_score
from krs_app.domain.validation import check_value

SCHOOLS = "โรง"
DONE_FLAG = "ดำเนินการกรอก 1 / ไม่ดำเนินการกรอก 0"


def ratio(code: str, thresholds, weight: float = 4) -> IndicatorSpec:
    return IndicatorSpec(
        code=code,
        name=f"ตัวชี้วัด {code}",
        weight=weight,
        formula="a / b * 100",
        thresholds=thresholds,
        variables=(
            VariableSpec("a", "ส่วน", SCHOOLS, whole_key="b"),
            VariableSpec("b", "ทั้งหมด", SCHOOLS),
        ),
    )


def single_value(code: str, thresholds, direction=Direction.HIGHER_IS_BETTER, **variable) -> IndicatorSpec:
    return IndicatorSpec(
        code=code,
        name=f"ตัวชี้วัด {code}",
        weight=3,
        formula="v1",
        thresholds=thresholds,
        direction=direction,
        kind=IndicatorKind.VALUE,
        variables=(VariableSpec("1", "ค่า", "คะแนน", kind=VariableKind.NUMBER, **variable),),
    )


I_11_2 = ratio("11.2", (80, 85, 90, 95, 100))
I_11_4 = ratio("11.4", (60, 70, 80, 90, 100), weight=3)
I_11_3 = IndicatorSpec(
    code="11.3",
    name="ระดับความสำเร็จของการตรวจสอบด้านการเงินการบัญชี",
    weight=4,
    formula="v1 * 100",
    thresholds=(20, 40, 60, 80, 100),
    kind=IndicatorKind.LEVEL,
    variables=(VariableSpec("1", "ส่งเอกสาร", "ส่งแล้วกรอก 1 / ไม่ส่งกรอก 0", kind=VariableKind.FLAG),),
)
I_12 = single_value("12", (3.00, 3.25, 3.50, 3.75, 4.00), source=VariableSource.CENTRAL, min_value=1, max_value=5)
LOWER = single_value("L", (10, 8, 6, 4, 2), direction=Direction.LOWER_IS_BETTER)
VALUE_0_40 = single_value("V", (0, 10, 20, 30, 40))
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

# (case, indicator, values, months, result, score, shown result, shown score)
SCORED_CASES = [
    (1, I_11_2, {"a": 45, "b": 50}, 6, 90.00, 3.0000, "90.00", "3.0000"),
    (2, I_11_2, {"a": 44, "b": 50}, 6, 88.00, 2.6000, "88.00", "2.6000"),
    (3, I_11_2, {"a": 50, "b": 50}, 6, 100.00, 5.0000, "100.00", "5.0000"),
    (4, I_11_2, {"a": 30, "b": 50}, 6, 60.00, 1.0000, "60.00", "1.0000"),
    (7, I_11_4, {"a": 7, "b": 9}, 6, 77.78, 2.7778, "77.78", "2.7778"),
    (8, I_11_3, {"1": 1}, 6, 100.00, 5.0000, "100.00", "5.0000"),
    (9, I_11_3, {"1": 0}, 6, 0.00, 1.0000, "0.00", "1.0000"),
    (10, I_12, {"1": 3.6}, 6, 3.60, 3.4000, "3.60", "3.4000"),
    (11, LOWER, {"1": 5}, 6, 5.00, 3.5000, "5.00", "3.5000"),
    (12, LOWER, {"1": 12}, 6, 12.00, 1.0000, "12.00", "1.0000"),
    (13, VALUE_0_40, {"1": 1.2345}, 6, 1.23, 1.1235, "1.23", "1.1235"),
    (14, I_11_5, {"1": 1, "2": 0}, 12, 50.00, 2.5000, "50.00", "2.5000"),
]


@pytest.mark.parametrize(
    ("case", "indicator", "values", "months", "result", "score", "shown_result", "shown_score"),
    SCORED_CASES,
    ids=[f"case-{c[0]}" for c in SCORED_CASES],
)
def test_scored_case(case, indicator, values, months, result, score, shown_result, shown_score):
    evaluation = evaluate(indicator, values, months)
    assert evaluation.assessed is True
    assert evaluation.complete is True
    assert evaluation.result == result
    assert evaluation.score == score
    assert format_result(evaluation.result) == shown_result
    assert format_score(evaluation.score) == shown_score


def test_case_5_division_by_zero_gives_no_result_and_public_score_one():
    evaluation = evaluate(I_11_2, {"a": 0, "b": 0}, 6)
    assert evaluation.assessed is True
    assert evaluation.complete is True  # both numbers are there; the formula has no value
    assert evaluation.result is None
    assert evaluation.score is None
    assert format_result(evaluation.result) == "-"
    assert format_score(evaluation.score) == "1.0000"
    for status in Status:
        assert public_score(status, evaluation.score) == 1.0
        assert self_score(status, evaluation.score) == 1.0


def test_case_6_part_above_whole_is_refused_at_entry():
    a, b = I_11_2.variable("a"), I_11_2.variable("b")
    typed_part = check_value(I_11_2, a, "51", {"b": 50.0})
    assert typed_part.ok is False
    assert typed_part.value is None
    assert "ต้องไม่มากกว่าข้อ b." in typed_part.message
    # The same pair, typed the other way round: the whole below the stored part.
    typed_whole = check_value(I_11_2, b, "50", {"a": 51.0})
    assert typed_whole.ok is False
    assert "ต้องไม่น้อยกว่าข้อ a." in typed_whole.message
    # Equal is fine.
    assert check_value(I_11_2, a, "50", {"b": 50.0}).value == 50.0


def test_case_7_is_computed_unrounded_then_rounded():
    # 7/9*100 = 77.777..., score 2.7777...; rounding the result first would give 2.778 exactly.
    evaluation = evaluate(I_11_4, {"a": 7, "b": 9}, 6)
    assert evaluation.score == 2.7778
    assert evaluation.score != round_half_up(2 + (77.78 - 70) / 10, 4)


def test_case_13_rounds_half_up():
    assert round_half_up(1.12345, 4) == 1.1235
    assert round_half_up(2.00005, 4) == 2.0001
    assert round_half_up(2.00004999, 4) == 2.0
    assert round_half_up(0.125, 2) == 0.13  # banker's rounding would give 0.12
    assert format_score(1.12345) == "1.1235"


def test_case_15_indicator_not_required_in_the_round_is_not_assessed():
    evaluation = evaluate(I_11_5, {}, 6)
    assert evaluation.assessed is False
    assert evaluation.result is None
    assert evaluation.score is None
    assert I_11_5.is_assessed_in(6) is False
    assert I_11_5.is_assessed_in(12) is True


def test_missing_required_value_gives_no_result():
    evaluation = evaluate(I_11_2, {"a": 45, "b": None}, 6)
    assert evaluation.assessed is True
    assert evaluation.complete is False
    assert evaluation.result is None
    assert evaluation.score is None


def test_values_of_variables_not_required_are_ignored():
    both_rounds = IndicatorSpec(
        code="X",
        name="x",
        weight=1,
        formula="v1 * 100",
        thresholds=(20, 40, 60, 80, 100),
        variables=(
            VariableSpec("1", "ทุกรอบ", DONE_FLAG, kind=VariableKind.FLAG),
            VariableSpec("2", "รอบ 12 เดือน", DONE_FLAG, kind=VariableKind.FLAG, required_months=frozenset({12})),
        ),
    )
    # v2 is not required in the 6-month round, so it is not even given to the formula.
    assert evaluate(both_rounds, {"1": 1, "2": None}, 6).score == 5.0
    assert evaluate(both_rounds, {"1": 1, "2": None}, 12).complete is False


# --- weighted overall -------------------------------------------------------------


def test_weighted_overall_worked_case():
    assert weighted_overall([(10, 5.0), (20, 3.5), (70, 1.0)]) == 1.9
    assert format_score(weighted_overall([(10, 5.0), (20, 3.5), (70, 1.0)])) == "1.9000"


def test_weighted_overall_leaves_not_assessed_indicator_out_of_both_sums():
    with_unassessed = [(10, 5.0), (20, 3.5), (50, None), (70, 1.0)]
    assert weighted_overall(with_unassessed) == 1.9
    # Had it counted in the weights, the mean would be 190 / 150.
    assert weighted_overall(with_unassessed) != round_half_up(190 / 150, 4)


def test_weighted_overall_from_evaluations_of_a_round():
    """11.2 certified at 5, 11.4 certified at 3.5 (weights 10, 20), a 70-weight indicator
    awaiting (public 1), and 11.5 not assessed in the 6-month round."""
    indicators = [
        (ratio("A", (80, 85, 90, 95, 100), weight=10), {"a": 50, "b": 50}, Status.CERTIFIED),
        (single_value("B", (10, 8, 6, 4, 2), direction=Direction.LOWER_IS_BETTER), {"1": 5}, Status.CERTIFIED),
        (ratio("C", (80, 85, 90, 95, 100), weight=70), {"a": 45, "b": 50}, Status.AWAITING),
        (I_11_5, {}, Status.NOT_REPORTED),
    ]
    weights = {"A": 10, "B": 20, "C": 70, "11.5": 5}
    scored = []
    for indicator, values, status in indicators:
        evaluation = evaluate(indicator, values, 6)
        score = public_score(status, evaluation.score) if evaluation.assessed else None
        scored.append((weights[indicator.code], score))
    assert scored == [(10, 5.0), (20, 3.5), (70, 1.0), (5, None)]
    assert weighted_overall(scored) == 1.9


def test_weighted_overall_with_nothing_assessed_is_none():
    assert weighted_overall([]) is None
    assert weighted_overall([(10, None), (20, None)]) is None
    assert weighted_overall([(0, 4.0)]) is None


def test_weighted_overall_rounds_half_up_to_four_places():
    # (1 * 1.0001 + 1 * 1.0002) / 2 = 1.00015 -> 1.0002
    assert weighted_overall([(1, 1.0001), (1, 1.0002)]) == 1.0002


# --- public versus self score -------------------------------------------------------

COMPUTED = 3.4


@pytest.mark.parametrize(
    ("status", "public", "own_page"),
    [
        (Status.NOT_REPORTED, 1.0, 1.0),
        (Status.AWAITING, 1.0, 3.4),
        (Status.NOT_CERTIFIED, 1.0, 1.0),
        (Status.CERTIFIED, 3.4, 3.4),
    ],
)
def test_public_and_self_score(status, public, own_page):
    assert public_score(status, COMPUTED) == public
    assert self_score(status, COMPUTED) == own_page
    assert format_score(public_score(status, COMPUTED)) == f"{public:.4f}"


def test_certified_without_a_result_still_scores_one():
    assert public_score(Status.CERTIFIED, None) == 1.0
