"""Criteria -> score (linear interpolation), results, and weighted overall scores.

DOMAIN.md "Scoring" and SCORING-CASES.md are the rulebook.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from krs_app.domain.indicators import Direction, IndicatorSpec
from krs_app.domain.numbers import SCORE_PLACES, round_half_up
from krs_app.domain.scorer import MAX_SCORE, MIN_SCORE, Evaluation, interpolated, scorer_for

__all__ = [
    "MAX_SCORE",
    "MIN_SCORE",
    "Evaluation",
    "evaluate",
    "evaluate_all",
    "raw_score",
    "score_for",
    "unrounded_result",
    "weighted_overall",
]


def raw_score(result: float, thresholds: tuple[float, ...], direction: Direction) -> float:
    """The unrounded score 1..5 for a result.

    At or below level 1 it is 1, at or above level 5 it is 5, between level i and
    i+1 it is i + (result - t_i) / (t_{i+1} - t_i). Lower-is-better criteria
    (descending thresholds) use the same rule mirrored.
    """
    if direction == Direction.LOWER_IS_BETTER:
        return interpolated(-result, tuple(-t for t in thresholds))
    return interpolated(result, thresholds)


def score_for(result: float | None, thresholds: tuple[float, ...], direction: Direction) -> float | None:
    """The score rounded half up to 4 decimals; None when there is no result."""
    if result is None:
        return None
    return round_half_up(raw_score(result, thresholds, direction), SCORE_PLACES)


def evaluate(indicator: IndicatorSpec, values: Mapping[str, float | None], months: int) -> Evaluation:
    """Result and score from the values (by variable key) for a round of `months` months.

    Variables not required in the round are left out; a missing required value or
    a division by zero gives no result rather than an error.
    """
    scorer = indicator.derived.get(months)  # scorer_for(), inlined: this runs 10,000 times a round
    if scorer is None:
        scorer = scorer_for(indicator, months)
    return scorer.evaluate(values)


def evaluate_all(indicator: IndicatorSpec, rows: Iterable[Mapping[str, float | None]], months: int) -> list[Evaluation]:
    """evaluate() of each row (one district's values each), in order: one indicator for many
    districts in one pass of its compiled scorer, without a call per district."""
    return scorer_for(indicator, months).evaluate_all(rows)


def unrounded_result(indicator: IndicatorSpec, values: Mapping[str, float | None], months: int) -> float | None:
    """The formula's value before rounding; None when a required value is missing or it has no value."""
    return scorer_for(indicator, months).unrounded(values)


def weighted_overall(scored: Iterable[tuple[float, float | None]]) -> float | None:
    """Σ weight × score / Σ weight over assessed indicators (score None = not assessed).

    Rounded half up to 4 decimals; None when nothing is assessed.
    """
    total_weight = 0.0
    total = 0.0
    for weight, score in scored:
        if score is None:
            continue
        total_weight += weight
        total += weight * score
    if total_weight <= 0:
        return None
    return round_half_up(total / total_weight, SCORE_PLACES)
