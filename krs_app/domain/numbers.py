"""Rounding and Thai number formatting (half up, as Thai reports round)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

SCORE_PLACES = 4
RESULT_PLACES = 2

# Below this many units of the last place, x * 10**places is within 2.3e-7 of the decimal
# value repr(x) stands for (two roundings of at most 2**-53 relative each), so a scaled
# fraction farther than TIE_MARGIN from one half rounds the same way as that decimal.
FAST_LIMIT = 1e9
TIE_MARGIN = 1e-6
SCALE_FOR_PLACES = {places: 10.0**places for places in range(16)}


def round_half_up_decimal(value: float, places: int) -> float:
    """The rule itself, in decimal arithmetic: repr(value) rounded half up (away from zero)."""
    quantum = Decimal(1).scaleb(-places)
    return float(Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP))


def round_half_up(value: float, places: int) -> float:
    """Round half up with decimal arithmetic: 1.12345 -> 1.1235 at 4 places.

    The float is first read through repr (shortest round-trip form) so that a
    value printed as 1.12345 rounds as 1.12345 does on paper.

    Same value as round_half_up_decimal, faster: away from a tie the nearest multiple of
    10**-places is found in float arithmetic (k / 10**places is then the float nearest to
    the decimal k * 10**-places, as float(Decimal) gives); near a tie, and for very large,
    infinite or nan values, the decimal rule decides.
    """
    scale = SCALE_FOR_PLACES.get(places)
    value = float(value)
    if scale is not None:
        scaled = value * scale
        if -FAST_LIMIT < scaled < FAST_LIMIT:
            whole = scaled // 1.0
            fraction = scaled - whole
            if fraction < 0.5 - TIE_MARGIN:
                return whole / scale  # whole is 0.0 or -0.0 (for -0.0) when value is in [0, 1/scale)
            if fraction > 0.5 + TIE_MARGIN:
                whole += 1.0
                # 0.0 here means value in (-0.5/scale, 0): Decimal keeps the sign, -0.00001 -> -0.0
                return whole / scale if whole else -0.0
    return round_half_up_decimal(value, places)


def format_score(score: float | None) -> str:
    """A score with 4 decimals ("3.4567"); no score shows as 1.0000."""
    return f"{round_half_up(1.0 if score is None else score, SCORE_PLACES):.4f}"


def format_result(result: float | None) -> str:
    """A result with 2 decimals; no result shows as a dash."""
    if result is None:
        return "-"
    return f"{round_half_up(result, RESULT_PLACES):,.2f}"


def format_number(value: float | None) -> str:
    """A stored value as the user typed it, with thousands separators: whole numbers without
    decimals (17,900,000), others with every digit they have (1,234.5). Cells read it back
    either way (validation.parse_number drops the separators)."""
    if value is None:
        return ""
    if float(value).is_integer():
        return f"{int(value):,}"
    return format(float(value), ",")
