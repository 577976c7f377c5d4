"""Pure rules of the KPI office's set-up: labels, dates, weights, criteria, formulas, preview."""

from __future__ import annotations

from datetime import datetime

import pytest

from krs_app.domain.catalogue_rules import (
    check_criteria,
    check_indicator,
    check_round_dates,
    criteria_curve,
    preview_score,
    round_label,
    weights_by_round_length,
    weights_warning,
)
from krs_app.domain.formula import formula_problem
from krs_app.domain.indicators import Direction, IndicatorSpec, VariableKind, VariableSpec
from krs_app.domain.scoring import score_for


def spec(**changes) -> IndicatorSpec:
    values = {
        "code": "99.1",
        "name": "ทดลอง",
        "weight": 5.0,
        "formula": "v1 * 100",
        "thresholds": (20, 40, 60, 80, 100),
        "variables": (VariableSpec("1", "ส่งแล้ว", "ส่งแล้วกรอก 1 / ไม่ส่งกรอก 0", kind=VariableKind.FLAG),),
    }
    values.update(changes)
    return IndicatorSpec(**values)


def test_round_labels_follow_the_manual():
    assert round_label(2, 2562, 12) == "ครั้งที่ 2 ปี 62 (รอบ 12 เดือน)"
    assert round_label(1, 2569, 6) == "ครั้งที่ 1 ปี 69 (รอบ 6 เดือน)"


def test_round_dates_must_be_in_order():
    a, b, c = datetime(2025, 10, 1), datetime(2026, 4, 20), datetime(2026, 4, 30)
    assert check_round_dates(a, b, c) is None
    assert check_round_dates(a, b, b) is None  # the certification deadline may equal the district's
    assert check_round_dates(b, a, c).field == "round-district-deadline"
    assert check_round_dates(a, a, c).field == "round-district-deadline"
    assert check_round_dates(a, c, b).field == "round-certification-deadline"


def test_weights_are_summed_per_round_length():
    six_only = VariableSpec("a", "x", "คน", required_months=frozenset({6}))
    specs = [spec(weight=60), spec(weight=40, variables=(six_only,))]
    totals = weights_by_round_length(specs)
    assert totals == {3: 60, 6: 100, 9: 60, 12: 60}
    assert weights_warning(6, totals[6]) == "" and "60" in weights_warning(12, totals[12])
    assert weights_warning(3, 0) == ""


@pytest.mark.parametrize(
    ("thresholds", "direction", "field"),
    [
        ((20, 40, 60, 80, 100), Direction.HIGHER_IS_BETTER, None),
        ((5, 4, 3, 2, 1), Direction.LOWER_IS_BETTER, None),
        ((20, 40, 40, 80, 100), Direction.HIGHER_IS_BETTER, "indicator-t3"),
        ((20, 10, 60, 80, 100), Direction.HIGHER_IS_BETTER, "indicator-t2"),
        ((20, 40, 60, 80, 100), Direction.LOWER_IS_BETTER, "indicator-t2"),
        ((5, 4, 3, 2, 3), Direction.LOWER_IS_BETTER, "indicator-t5"),
    ],
)
def test_criteria_must_be_monotone_in_the_direction(thresholds, direction, field):
    problem = check_criteria(thresholds, direction)
    assert (problem.field if problem else None) == field


@pytest.mark.parametrize(
    ("formula", "words"),
    [
        ("v1 * x", "ไม่รู้จักตัวแปร x"),
        ("v1 * (100", "รูปแบบไม่ถูกต้อง"),
        ("v1 ** 2", "**"),
        ("v1 % 2", "%"),
        ("abs(v1)", "ฟังก์ชัน"),
        ("v1.real", "จุด"),
        ("v1 > 0", "การเปรียบเทียบ"),
        ("'a' * v1", "ตัวเลข"),
        ("", "กรุณากรอกสูตร"),
        ("v1 + " * 100 + "v1", "ยาวเกิน"),
    ],
)
def test_formula_problems_are_told_apart(formula, words):
    message = formula_problem(formula, {"v1"})
    assert message is not None and message.startswith("สูตรคำนวณ") and words in message


def test_good_formulas_pass():
    assert formula_problem("a / b * 100", {"a", "b"}) is None
    assert formula_problem("(v1 + v2 + v3) * -1 + 4", {"v1", "v2", "v3"}) is None


def test_check_indicator_gives_the_first_problem_at_its_field():
    assert check_indicator(spec()) is None
    assert check_indicator(spec(), other_codes=["99.1"]).field == "indicator-code"
    assert check_indicator(spec(formula="v1 * x")).field == "indicator-formula"
    assert check_indicator(spec(thresholds=(1, 1, 2, 3, 4))).field == "indicator-t2"
    assert check_indicator(spec(weight=0)).field == "indicator-weight"
    part = VariableSpec("a", "ส่วน", "โรง", whole_key="c")
    assert check_indicator(spec(formula="a", variables=(part,))).field == "variable-whole-1"


def test_the_preview_scores_to_four_decimals_and_draws_the_criteria():
    preview = preview_score(spec(formula="v1 * 73.5"), {"1": 1.0})
    assert (preview.result_text, preview.score_text) == ("73.50", "3.6750")
    assert preview.score_text == f"{score_for(73.5, (20, 40, 60, 80, 100), Direction.HIGHER_IS_BETTER):.4f}"
    curve = criteria_curve((5, 4, 3, 2, 1), Direction.LOWER_IS_BETTER)
    assert [p.result for p in curve] == sorted(p.result for p in curve)
    assert (curve[0].score, curve[-1].score) == (5.0, 1.0)  # lower is better: small results score 5
