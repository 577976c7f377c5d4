"""Ranks and summary figures the report uses: pure functions over plain numbers."""

from __future__ import annotations

from collections.abc import Sequence
from statistics import median

from krs_app.domain.numbers import SCORE_PLACES, round_half_up


def competition_ranks(scores: Sequence[float]) -> list[int]:
    """Rank 1 for the highest score; equal scores (to 4 decimals) share a rank and the next
    rank skips ("1, 2, 2, 4"), as Thai league tables rank."""
    keyed = [round_half_up(score, SCORE_PLACES) for score in scores]
    order = sorted(range(len(keyed)), key=lambda i: -keyed[i])
    ranks = [0] * len(keyed)
    previous: float | None = None
    rank = 0
    for position, index in enumerate(order, start=1):
        if keyed[index] != previous:
            rank = position
            previous = keyed[index]
        ranks[index] = rank
    return ranks


def mean_or_none(values: Sequence[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


def median_or_none(values: Sequence[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return float(median(present)) if present else None
