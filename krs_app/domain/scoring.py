"""Criteria -> score (linear interpolation), results, and weighted overall scores.

DOMAIN.md "Scoring" and SCORING-CASES.md are the rulebook.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from krs_app.domain.formula import evaluate_formula
from krs_app.domain.indicators import Direction, IndicatorSpec
from krs_app.domain.numbers import RESULT_PLACES, SCORE_PLACES, round_half_up

MIN_SCORE = 1.0
MAX_SCORE = 5.0


def raw_score(result: float, thresholds: tuple[float, ...], direction: Direction) -> float:
    """The unrounded score 1..5 for a result.

    At or below level 1 it is 1, at or above level 5 it is 5, between level i and
    i+1 it is i + (result - t_i) / (t_{i+1} - t_i). Lower-is-better criteria
    (descending thresholds) use the same rule mirrored.
    """
    if direction == Direction.LOWER_IS_BETTER:
        result = -result
        thresholds = tuple(-t for t in thresholds)
    if result <= thresholds[0]:
        return MIN_SCORE
    if result >= thresholds[-1]:
        return MAX_SCORE
    for level in range(1, len(thresholds)):
        low, high = thresholds[level - 1], thresholds[level]
        if result < high:
            if high == low:
                return float(level + 1)
            return level + (result - low) / (high - low)
    return MAX_SCORE


def score_for(result: float | None, thresholds: tuple[float, ...], direction: Direction) -> float | None:
    """The score rounded half up to 4 decimals; None when there is no result."""
    if result is None:
        return None
    return round_half_up(raw_score(result, thresholds, direction), SCORE_PLACES)


@dataclass(frozen=True)
class Evaluation:
    """An indicator's outcome for one district in one round."""

    assessed: bool  # False: not assessed in this round, left out of the overall score
    complete: bool  # every required variable has a value
    result: float | None  # rounded to 2 decimals; None: no result
    score: float | None  # rounded to 4 decimals; None: no result


def evaluate(indicator: IndicatorSpec, values: Mapping[str, float | None], months: int) -> Evaluation:
    """Result and score from the values (by variable key) for a round of `months` months.

    Variables not required in the round are left out; a missing required value or
    a division by zero gives no result rather than an error.
    """
    required = indicator.required_variables(months)
    if not required:
        return Evaluation(assessed=False, complete=False, result=None, score=None)
    names = {v.formula_name: values.get(v.key) for v in required}
    complete = all(value is not None for value in names.values())
    unrounded = evaluate_formula(indicator.formula, names) if complete else None
    if unrounded is None:
        return Evaluation(assessed=True, complete=complete, result=None, score=None)
    score = round_half_up(raw_score(unrounded, indicator.thresholds, indicator.direction), SCORE_PLACES)
    return Evaluation(
        assessed=True,
        complete=complete,
        result=round_half_up(unrounded, RESULT_PLACES),
        score=score,
    )


def unrounded_result(indicator: IndicatorSpec, values: Mapping[str, float | None], months: int) -> float | None:
    required = indicator.required_variables(months)
    names = {v.formula_name: values.get(v.key) for v in required}
    return evaluate_formula(indicator.formula, names)


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
