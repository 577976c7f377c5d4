"""Whether a typed value is allowed in a variable's cell, with the Thai message if not."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from krs_app.domain.indicators import IndicatorSpec, VariableKind, VariableSpec
from krs_app.domain.numbers import format_number

THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
MAX_ABSOLUTE_VALUE = 1_000_000_000  # no count or score in KRS comes near this
MAX_INPUT_LENGTH = 32


@dataclass(frozen=True)
class ValueCheck:
    """The outcome of checking a typed value: the number to store, or a Thai message."""

    ok: bool
    value: float | None = None  # None with ok=True: the cell was cleared
    message: str = ""


def _refuse(message: str) -> ValueCheck:
    return ValueCheck(ok=False, message=message)


def parse_number(text: str) -> float | None:
    """Read a typed number: Thai digits and thousands separators allowed. None if not a number."""
    cleaned = text.strip().translate(THAI_DIGITS).replace(",", "").replace(" ", "")
    if not cleaned or len(cleaned) > MAX_INPUT_LENGTH:
        return None
    try:
        number = float(cleaned)
    except ValueError:
        return None
    if not math.isfinite(number):
        return None
    return number


def check_value(
    indicator: IndicatorSpec,
    variable: VariableSpec,
    text: str | float | int | None,
    other_values: Mapping[str, float | None],
) -> ValueCheck:
    """Check a value typed into `variable`'s cell against its kind, range and whole.

    `other_values` are the indicator's other stored values by key (for a part <= whole).
    An empty text clears the cell.
    """
    if text is None or (isinstance(text, str) and not text.strip()):
        return ValueCheck(ok=True, value=None)
    if isinstance(text, bool):
        return _refuse("กรุณากรอกตัวเลข")
    if isinstance(text, (int, float)):
        try:
            number = float(text) if math.isfinite(float(text)) else None
        except OverflowError:  # an int beyond float range, e.g. 10**400
            return _refuse("ตัวเลขมากเกินไป กรุณาตรวจสอบอีกครั้ง")
    else:
        number = parse_number(str(text))
    if number is None:
        return _refuse("กรุณากรอกตัวเลข")
    if abs(number) > MAX_ABSOLUTE_VALUE:
        return _refuse("ตัวเลขมากเกินไป กรุณาตรวจสอบอีกครั้ง")

    if variable.kind == VariableKind.FLAG:
        if number not in (0.0, 1.0):
            return _refuse("กรุณากรอก 1 หรือ 0 เท่านั้น")
    elif variable.kind == VariableKind.COUNT and (number < 0 or not number.is_integer()):
        return _refuse(f"กรุณากรอกจำนวนเต็มตั้งแต่ 0 ขึ้นไป ({variable.unit})")
    if variable.min_value is not None and number < variable.min_value:
        return _refuse(_range_message(variable))
    if variable.max_value is not None and number > variable.max_value:
        return _refuse(_range_message(variable))

    whole_message = _check_part_and_whole(indicator, variable, number, other_values)
    if whole_message:
        return _refuse(whole_message)
    return ValueCheck(ok=True, value=number)


def _range_message(variable: VariableSpec) -> str:
    low = format_number(variable.min_value) if variable.min_value is not None else None
    high = format_number(variable.max_value) if variable.max_value is not None else None
    if low is not None and high is not None:
        return f"กรุณากรอกค่าระหว่าง {low} ถึง {high}"
    if low is not None:
        return f"กรุณากรอกค่าตั้งแต่ {low} ขึ้นไป"
    return f"กรุณากรอกค่าไม่เกิน {high}"


def _check_part_and_whole(
    indicator: IndicatorSpec,
    variable: VariableSpec,
    number: float,
    other_values: Mapping[str, float | None],
) -> str:
    """A part cannot exceed its whole, whichever of the two is being typed."""
    if variable.whole_key:
        whole = other_values.get(variable.whole_key)
        if whole is not None and number > whole:
            return f"ข้อ {variable.key}. ต้องไม่มากกว่าข้อ {variable.whole_key}. ({format_number(whole)} {variable.unit})"
    for part in indicator.variables:
        if part.whole_key == variable.key:
            part_value = other_values.get(part.key)
            if part_value is not None and part_value > number:
                return f"ข้อ {variable.key}. ต้องไม่น้อยกว่าข้อ {part.key}. ({format_number(part_value)} {part.unit})"
    return ""
