"""Rules for the KPI office's set-up: rounds of a fiscal year and the indicator catalogue.

Pure: each check returns None or a Problem naming the field (its stable element id, as the
/admin page uses it) with a Thai message that names the field too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from krs_app.domain.formula import formula_problem
from krs_app.domain.indicators import Direction, IndicatorKind, IndicatorSpec, VariableKind, VariableSource
from krs_app.domain.numbers import format_result, format_score
from krs_app.domain.scoring import MAX_SCORE, MIN_SCORE, evaluate, raw_score

ROUND_LENGTHS = (3, 6, 9, 12)
THRESHOLD_FIELDS = ("indicator-t1", "indicator-t2", "indicator-t3", "indicator-t4", "indicator-t5")
CODE_PATTERN = re.compile(r"^\d{1,3}(\.\d{1,3}){0,3}$")
KEY_PATTERN = re.compile(r"^([a-z]|\d{1,2})$")
MIN_YEAR_BE, MAX_YEAR_BE = 2500, 2700


@dataclass(frozen=True)
class Problem:
    field: str  # the element id of the field at fault: indicator-formula, variable-key-2, round-opens ...
    message: str  # Thai, naming the field


# ------------------------------------------------------------------------------ years and rounds


def check_year_be(year_be: object) -> Problem | None:
    if not isinstance(year_be, int) or isinstance(year_be, bool) or not MIN_YEAR_BE <= year_be <= MAX_YEAR_BE:
        return Problem("year-be", f"ปีงบประมาณต้องเป็นปีพุทธศักราช {MIN_YEAR_BE}–{MAX_YEAR_BE} เช่น 2569")
    return None


def round_label(number: int, year_be: int, months: int) -> str:
    """ครั้งที่ 2 ปี 62 (รอบ 12 เดือน)"""
    return f"ครั้งที่ {number} ปี {str(year_be)[-2:]} (รอบ {months} เดือน)"


def check_round_length(months: object) -> Problem | None:
    if months not in ROUND_LENGTHS or isinstance(months, bool):
        return Problem("round-months", "รอบการรายงานต้องเป็น 3, 6, 9 หรือ 12 เดือน")
    return None


def check_round_dates(opens: datetime, district_deadline: datetime, certification_deadline: datetime) -> Problem | None:
    """Opening < district deadline <= certification deadline."""
    if not district_deadline > opens:
        return Problem("round-district-deadline", "กำหนดส่งของ สพท. ต้องอยู่หลังวันเปิดรอบ")
    if not certification_deadline >= district_deadline:
        return Problem("round-certification-deadline", "กำหนดรับรองผลต้องไม่ก่อนกำหนดส่งของ สพท.")
    return None


# ------------------------------------------------------------------------------ weights


def weights_by_round_length(indicators: Iterable[IndicatorSpec]) -> dict[int, float]:
    """Σ weight of the indicators assessed in a round of each length (3, 6, 9, 12 months)."""
    specs = list(indicators)
    return {months: round(sum(s.weight for s in specs if s.is_assessed_in(months)), 4) for months in ROUND_LENGTHS}


def weights_warning(months: int, total: float) -> str:
    """'' when the weights of a round length add up to 100 (or nothing is assessed in it)."""
    if total == 0 or abs(total - 100) < 1e-9:
        return ""
    return f"น้ำหนักรวมของรอบ {months} เดือนเป็น {total:g} ไม่เท่ากับ 100"


# ------------------------------------------------------------------------------ one indicator


def check_criteria(thresholds: tuple[float, ...], direction: Direction) -> Problem | None:
    """t1..t5 strictly rising (higher is better) or strictly falling (lower is better)."""
    if len(thresholds) != 5:
        return Problem("indicator-t1", "ต้องกำหนดเกณฑ์ให้ครบ 5 ระดับ")
    for level in range(1, 5):
        low, high = thresholds[level - 1], thresholds[level]
        if direction == Direction.HIGHER_IS_BETTER and not high > low:
            return Problem(THRESHOLD_FIELDS[level], f"เกณฑ์ระดับ {level + 1} ต้องมากกว่าระดับ {level} (ค่ามากยิ่งดี)")
        if direction == Direction.LOWER_IS_BETTER and not high < low:
            return Problem(THRESHOLD_FIELDS[level], f"เกณฑ์ระดับ {level + 1} ต้องน้อยกว่าระดับ {level} (ค่าน้อยยิ่งดี)")
    return None


def check_indicator(spec: IndicatorSpec, other_codes: Iterable[str] = ()) -> Problem | None:
    """Everything about one indicator that does not need the database; the first problem found."""
    code = spec.code.strip()
    if not CODE_PATTERN.match(code):
        return Problem("indicator-code", "รหัสตัวชี้วัดต้องเป็นตัวเลขคั่นด้วยจุด เช่น 11.2")
    if code in set(other_codes):
        return Problem("indicator-code", f"รหัสตัวชี้วัด {code} มีอยู่แล้วในปีงบประมาณนี้")
    if not spec.name.strip():
        return Problem("indicator-name", "กรุณากรอกชื่อตัวชี้วัด")
    if not (0 < spec.weight <= 100):
        return Problem("indicator-weight", "น้ำหนักต้องมากกว่า 0 และไม่เกิน 100")
    if spec.kind not in tuple(IndicatorKind):
        return Problem("indicator-kind", "ประเภทตัวชี้วัดต้องเป็น ร้อยละ ระดับความสำเร็จ หรือค่า")
    if spec.direction not in tuple(Direction):
        return Problem("indicator-direction", "ทิศทางต้องเป็น ค่ามากยิ่งดี หรือ ค่าน้อยยิ่งดี")
    for index, variable in enumerate(spec.variables, start=1):
        problem = _check_variable(spec, index, variable)
        if problem is not None:
            return problem
    if not spec.variables:
        return Problem("variable-add", "ตัวชี้วัดต้องมีตัวแปรอย่างน้อย 1 ตัว")
    message = formula_problem(spec.formula, {v.formula_name for v in spec.variables})
    if message is not None:
        return Problem("indicator-formula", message)
    return check_criteria(spec.thresholds, spec.direction)


def _check_variable(spec: IndicatorSpec, index: int, variable) -> Problem | None:
    keys = [v.key for v in spec.variables]
    if not KEY_PATTERN.match(variable.key):
        return Problem(f"variable-key-{index}", f"ตัวแปรแถวที่ {index}: รหัสตัวแปรต้องเป็น a–z หรือตัวเลข เช่น a, b, 1, 2")
    if variable.key in keys[: index - 1]:
        return Problem(f"variable-key-{index}", f"ตัวแปรแถวที่ {index}: รหัสตัวแปร {variable.key} ซ้ำ")
    if not variable.label.strip():
        return Problem(f"variable-label-{index}", f"ตัวแปรแถวที่ {index}: กรุณากรอกชื่อตัวแปร")
    if variable.kind not in tuple(VariableKind):
        return Problem(f"variable-kind-{index}", f"ตัวแปรแถวที่ {index}: ชนิดต้องเป็น count, flag หรือ number")
    if variable.source not in tuple(VariableSource):
        return Problem(f"variable-source-{index}", f"ตัวแปรแถวที่ {index}: แหล่งข้อมูลต้องเป็น สพท. หรือส่วนกลาง")
    if not variable.required_months or not set(variable.required_months) <= set(ROUND_LENGTHS):
        return Problem(f"variable-months-{index}", f"ตัวแปรแถวที่ {index}: เลือกรอบที่ต้องรายงาน (3, 6, 9, 12 เดือน)")
    if variable.min_value is not None and variable.max_value is not None and variable.min_value > variable.max_value:
        return Problem(f"variable-max-{index}", f"ตัวแปรแถวที่ {index}: ค่าสูงสุดต้องไม่น้อยกว่าค่าต่ำสุด")
    if variable.whole_key is not None and (variable.whole_key == variable.key or variable.whole_key not in keys):
        return Problem(f"variable-whole-{index}", f'ตัวแปรแถวที่ {index}: "เป็นส่วนหนึ่งของ" ต้องเป็นตัวแปรอื่นของตัวชี้วัดนี้')
    return None


# ------------------------------------------------------------------------------ the preview


@dataclass(frozen=True)
class CurvePoint:
    result: float
    score: float


@dataclass(frozen=True)
class ScorePreview:
    result_text: str  # "87.50" or "-"
    score_text: str  # "3.4567" or "-"
    curve: tuple[CurvePoint, ...]  # result -> score 1..5 for a small chart of the criteria


def criteria_curve(thresholds: tuple[float, ...], direction: Direction) -> tuple[CurvePoint, ...]:
    """The criteria as chart points: flat at 1 before t1, the five levels, flat at 5 after t5."""
    span = abs(thresholds[-1] - thresholds[0]) or 1.0
    step = span / 4
    before = thresholds[0] - step if direction == Direction.HIGHER_IS_BETTER else thresholds[0] + step
    after = thresholds[-1] + step if direction == Direction.HIGHER_IS_BETTER else thresholds[-1] - step
    points = [CurvePoint(before, MIN_SCORE)]
    points += [CurvePoint(t, round(raw_score(t, thresholds, direction), 4)) for t in thresholds]
    points.append(CurvePoint(after, MAX_SCORE))
    return tuple(sorted(points, key=lambda p: p.result))


def preview_score(spec: IndicatorSpec, samples: Mapping[str, float | None], months: int = 12) -> ScorePreview:
    """What an indicator being edited gives for sample values (by variable key)."""
    evaluation = evaluate(spec, samples, months)
    return ScorePreview(
        result_text=format_result(evaluation.result),
        score_text=format_score(evaluation.score),
        curve=criteria_curve(spec.thresholds, spec.direction),
    )
