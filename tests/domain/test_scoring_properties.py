"""Properties of the scoring rule that must hold for any criteria and any result."""

from __future__ import annotations

import math

from hypothesis import assume, given
from hypothesis import strategies as st

from krs_app.domain.indicators import Direction, IndicatorSpec, VariableSpec
from krs_app.domain.scoring import evaluate, raw_score, score_for, weighted_overall

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
results = st.floats(min_value=-2e6, max_value=2e6, allow_nan=False, allow_infinity=False)
ascending = st.lists(finite, min_size=5, max_size=5).map(lambda t: tuple(sorted(t)))
strictly_ascending = st.lists(finite, min_size=5, max_size=5, unique=True).map(lambda t: tuple(sorted(t)))
directions = st.sampled_from(list(Direction))


def criteria_for(direction: Direction, ascending_thresholds: tuple[float, ...]) -> tuple[float, ...]:
    """Criteria as written: ascending when higher is better, descending when lower is better."""
    if direction == Direction.LOWER_IS_BETTER:
        return tuple(reversed(ascending_thresholds))
    return ascending_thresholds


@given(results, ascending, directions)
def test_score_is_always_between_one_and_five(result, thresholds, direction):
    criteria = criteria_for(direction, thresholds)
    assert 1.0 <= raw_score(result, criteria, direction) <= 5.0
    assert 1.0 <= score_for(result, criteria, direction) <= 5.0


@given(results, results, ascending)
def test_higher_is_better_score_never_falls_as_the_result_rises(r1, r2, thresholds):
    low, high = sorted((r1, r2))
    assert raw_score(low, thresholds, Direction.HIGHER_IS_BETTER) <= raw_score(
        high, thresholds, Direction.HIGHER_IS_BETTER
    )
    assert score_for(low, thresholds, Direction.HIGHER_IS_BETTER) <= score_for(
        high, thresholds, Direction.HIGHER_IS_BETTER
    )


@given(results, results, ascending)
def test_lower_is_better_score_never_rises_as_the_result_rises(r1, r2, thresholds):
    criteria = criteria_for(Direction.LOWER_IS_BETTER, thresholds)
    low, high = sorted((r1, r2))
    assert raw_score(low, criteria, Direction.LOWER_IS_BETTER) >= raw_score(high, criteria, Direction.LOWER_IS_BETTER)
    assert score_for(low, criteria, Direction.LOWER_IS_BETTER) >= score_for(high, criteria, Direction.LOWER_IS_BETTER)


@given(strictly_ascending, directions)
def test_a_result_exactly_on_a_level_scores_that_level(thresholds, direction):
    criteria = criteria_for(direction, thresholds)
    for level, threshold in enumerate(criteria, start=1):
        assert raw_score(threshold, criteria, direction) == level


@given(strictly_ascending, directions)
def test_beyond_the_extreme_levels_the_score_is_clamped(thresholds, direction):
    criteria = criteria_for(direction, thresholds)
    worse = -1 if direction == Direction.HIGHER_IS_BETTER else 1
    assert raw_score(criteria[0] + worse * 1e6, criteria, direction) == 1.0
    assert raw_score(criteria[-1] - worse * 1e6, criteria, direction) == 5.0


@given(strictly_ascending, st.integers(min_value=1, max_value=4), st.floats(min_value=0, max_value=1))
def test_between_two_levels_the_score_is_linear(thresholds, level, fraction):
    low, high = thresholds[level - 1], thresholds[level]
    result = low + fraction * (high - low)
    assume(low <= result < high)
    expected = level + (result - low) / (high - low)
    assert math.isclose(raw_score(result, thresholds, Direction.HIGHER_IS_BETTER), expected, abs_tol=1e-9)


def test_score_for_without_a_result_is_none():
    assert score_for(None, (1, 2, 3, 4, 5), Direction.HIGHER_IS_BETTER) is None


RATIO = IndicatorSpec(
    code="11.2",
    name="ร้อยละ",
    weight=4,
    formula="a / b * 100",
    thresholds=(80, 85, 90, 95, 100),
    variables=(VariableSpec("a", "ส่วน", "โรง", whole_key="b"), VariableSpec("b", "ทั้งหมด", "โรง")),
)


@given(st.integers(min_value=1, max_value=100_000).flatmap(lambda b: st.tuples(st.integers(0, b), st.just(b))))
def test_a_ratio_of_valid_counts_scores_within_range_and_rounds_to_four_places(pair):
    a, b = pair
    evaluation = evaluate(RATIO, {"a": a, "b": b}, 6)
    assert 0.0 <= evaluation.result <= 100.0
    assert 1.0 <= evaluation.score <= 5.0
    assert evaluation.score == round(evaluation.score, 4)
    assert evaluation.result == round(evaluation.result, 2)


# --- weighted overall ---------------------------------------------------------------

weights = st.floats(min_value=0.01, max_value=1000, allow_nan=False, allow_infinity=False)
four_place_scores = st.integers(min_value=10_000, max_value=50_000).map(lambda n: n / 10_000)
scored_lists = st.lists(st.tuples(weights, four_place_scores), min_size=1, max_size=40)
HALF_UNIT = 0.00005  # the overall is rounded to 4 places


@given(scored_lists)
def test_weighted_overall_lies_between_the_lowest_and_highest_score(scored):
    overall = weighted_overall(scored)
    scores = [score for _, score in scored]
    assert min(scores) <= overall <= max(scores)
    assert overall == round(overall, 4)


@given(scored_lists, st.floats(min_value=0.001, max_value=1000))
def test_weighted_overall_does_not_depend_on_the_scale_of_the_weights(scored, factor):
    scaled = [(weight * factor, score) for weight, score in scored]
    # Scaling changes float rounding in the last bits, which can move a value sitting on
    # a half unit to the neighbouring 4th decimal: at most one unit apart.
    assert abs(weighted_overall(scaled) - weighted_overall(scored)) <= 1e-4 + 1e-12


@given(scored_lists, weights)
def test_weighted_overall_ignores_not_assessed_indicators(scored, extra_weight):
    assert weighted_overall([*scored, (extra_weight, None)]) == weighted_overall(scored)


@given(scored_lists)
def test_weighted_overall_is_close_to_the_exact_weighted_mean(scored):
    exact = sum(w * s for w, s in scored) / sum(w for w, _ in scored)
    assert abs(weighted_overall(scored) - exact) <= HALF_UNIT + 1e-9


@given(st.lists(weights, min_size=1, max_size=20), four_place_scores)
def test_equal_scores_give_that_score_whatever_the_weights(ws, score):
    assert weighted_overall([(w, score) for w in ws]) == score
