"""What an indicator and its variables are, as plain values the rules work on.

The database rows are turned into these by the services; the rules never see a
database object, so they can be tested (and reused by the report and the export)
on their own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property


class VariableKind(StrEnum):
    COUNT = "count"  # a whole number >= 0 (schools, people)
    FLAG = "flag"  # 0 or 1 (done / not done)
    NUMBER = "number"  # any number within the variable's range


class VariableSource(StrEnum):
    DISTRICT = "district"  # a white cell the district fills
    CENTRAL = "central"  # ใช้ข้อมูลส่วนกลาง: the owning bureau fills it


class Direction(StrEnum):
    HIGHER_IS_BETTER = "higher"
    LOWER_IS_BETTER = "lower"


class IndicatorKind(StrEnum):
    PERCENT = "percent"  # ร้อยละ
    LEVEL = "level"  # ระดับความสำเร็จ
    VALUE = "value"  # a plain value such as a mean opinion score


# The word shown before a result: only a percent indicator's result is a ร้อยละ (a count of
# milestones done is a level, a 1-5 mean is a plain value).
RESULT_UNITS: dict[IndicatorKind, str] = {
    IndicatorKind.PERCENT: "ร้อยละ",
    IndicatorKind.LEVEL: "ระดับ",
    IndicatorKind.VALUE: "ค่า",
}

# The manual's words, on every page, for an indicator (or a variable) not assessed in a round.
NOT_ASSESSED_LABEL = "ยังไม่ต้องรายงานในรอบนี้"


@dataclass(frozen=True)
class VariableSpec:
    key: str  # "a", "b", "1", "2"
    label: str
    unit: str  # "โรง", "ส่งแล้วกรอก 1 / ไม่ส่งกรอก 0", ...
    kind: VariableKind = VariableKind.COUNT
    source: VariableSource = VariableSource.DISTRICT
    required_months: frozenset[int] = frozenset({3, 6, 9, 12})
    min_value: float | None = None
    max_value: float | None = None
    whole_key: str | None = None  # this variable is a part of that one (a <= b)

    @property
    def formula_name(self) -> str:
        """The name the formula uses: the key itself, or v1, v2 for numeric keys."""
        return self.key if self.key.isidentifier() else f"v{self.key}"

    def is_required_in(self, months: int) -> bool:
        return months in self.required_months


@dataclass(frozen=True)
class IndicatorSpec:
    code: str
    name: str
    weight: float
    formula: str
    thresholds: tuple[float, float, float, float, float]
    direction: Direction = Direction.HIGHER_IS_BETTER
    kind: IndicatorKind = IndicatorKind.PERCENT
    variables: tuple[VariableSpec, ...] = field(default_factory=tuple)

    @cached_property
    def derived(self) -> dict:
        """What the rules prepare once per spec (the compiled scorer per round length, in
        domain.scoring); kept on the instance, not a field, so equality and hashing ignore it."""
        return {}

    def variable(self, key: str) -> VariableSpec:
        for variable in self.variables:
            if variable.key == key:
                return variable
        raise KeyError(key)

    def required_variables(self, months: int) -> tuple[VariableSpec, ...]:
        return tuple(v for v in self.variables if v.is_required_in(months))

    def is_assessed_in(self, months: int) -> bool:
        """An indicator with no variable required in a round is not assessed in it."""
        return bool(self.required_variables(months))

    @property
    def result_unit(self) -> str:
        """ร้อยละ / ระดับ / ค่า: the word its result is shown with, by the indicator's kind."""
        return RESULT_UNITS.get(IndicatorKind(self.kind), "")


def code_for_id(code: str) -> str:
    """Indicator codes in element ids: 11.2 -> 11_2, "12." -> 12."""
    return code.strip().rstrip(".").replace(".", "_")


def code_sort_key(code: str) -> tuple[int, ...]:
    """Order codes as numbers: 2 < 11.2 < 11.10 < 12."""
    return tuple(int(part) if part.isdigit() else 0 for part in code.strip().rstrip(".").split("."))


def sort_key_for(code: str) -> str:
    """The stored ordering key of a code: 11.2 -> "011.002"."""
    return ".".join(f"{part:03d}" for part in code_sort_key(code))
