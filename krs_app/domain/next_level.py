"""What it takes: the smallest change a district can make to reach the next score level.

"ต้องเพิ่มอีก 2 โรง เพื่อให้ได้ระดับ 4" — computed from the criteria and the formula,
trying only the cells the district itself fills in.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from krs_app.domain.indicators import IndicatorSpec, VariableKind, VariableSource, VariableSpec
from krs_app.domain.scoring import MAX_SCORE, raw_score, unrounded_result

_SEARCH_LIMIT = 1_000_000


def _level_reached(indicator: IndicatorSpec, values: Mapping[str, float | None], months: int, level: int) -> bool:
    result = unrounded_result(indicator, values, months)
    if result is None:
        return False
    return raw_score(result, indicator.thresholds, indicator.direction) >= level - 1e-9


def _smallest_step(
    indicator: IndicatorSpec,
    values: Mapping[str, float | None],
    months: int,
    variable: VariableSpec,
    level: int,
    sign: int,
) -> int | None:
    """The smallest whole change (in direction sign) of `variable` that reaches `level`."""
    current = values.get(variable.key) or 0.0
    limit = _SEARCH_LIMIT
    if sign > 0 and variable.whole_key:
        whole = values.get(variable.whole_key)
        if whole is not None:
            limit = int(whole - current)
    if sign < 0:
        limit = int(current)
        for part in indicator.variables:
            if part.whole_key == variable.key and values.get(part.key) is not None:
                limit = int(current - values[part.key])
    if limit < 1:
        return None

    def reaches(step: int) -> bool:
        trial = dict(values)
        trial[variable.key] = current + sign * step
        return _level_reached(indicator, trial, months, level)

    if not reaches(limit):
        return None
    low, high = 1, limit
    while low < high:
        middle = (low + high) // 2
        if reaches(middle):
            high = middle
        else:
            low = middle + 1
    return low


def next_level_hint(
    indicator: IndicatorSpec,
    values: Mapping[str, float | None],
    months: int,
    score: float | None,
) -> str:
    """A Thai sentence saying what the district would need for the next level, or ""."""
    if score is None or score >= MAX_SCORE:
        return ""
    level = min(math.floor(score + 1e-9) + 1, int(MAX_SCORE))
    for variable in indicator.required_variables(months):
        if variable.source != VariableSource.DISTRICT:
            continue
        if variable.kind == VariableKind.FLAG:
            if values.get(variable.key) == 1:
                continue
            trial = dict(values)
            trial[variable.key] = 1.0
            if _level_reached(indicator, trial, months, level):
                return f"ต้องดำเนินการข้อ {variable.key}. ให้แล้วเสร็จ (กรอก 1) เพื่อให้ได้ระดับ {level}"
            continue
        if variable.kind != VariableKind.COUNT:
            continue
        for sign, verb in ((1, "เพิ่ม"), (-1, "ลด")):
            step = _smallest_step(indicator, values, months, variable, level, sign)
            if step is not None:
                return f"ต้อง{verb}อีก {step:,} {variable.unit} เพื่อให้ได้ระดับ {level}"
    return ""
