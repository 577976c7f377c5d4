"""Rounding and Thai number formatting (half up, as Thai reports round)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

SCORE_PLACES = 4
RESULT_PLACES = 2


def round_half_up(value: float, places: int) -> float:
    """Round half up with decimal arithmetic: 1.12345 -> 1.1235 at 4 places.

    The float is first read through repr (shortest round-trip form) so that a
    value printed as 1.12345 rounds as 1.12345 does on paper.
    """
    quantum = Decimal(1).scaleb(-places)
    return float(Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP))


def format_score(score: float | None) -> str:
    """A score with 4 decimals ("3.4567"); no score shows as 1.0000."""
    return f"{round_half_up(1.0 if score is None else score, SCORE_PLACES):.4f}"


def format_result(result: float | None) -> str:
    """A result with 2 decimals; no result shows as a dash."""
    if result is None:
        return "-"
    return f"{round_half_up(result, RESULT_PLACES):,.2f}"


def format_number(value: float | None) -> str:
    """A stored value as the user typed it: whole numbers without decimals."""
    if value is None:
        return ""
    if float(value).is_integer():
        return str(int(value))
    return repr(float(value))
