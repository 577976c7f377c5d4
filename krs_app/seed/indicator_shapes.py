"""The shapes of the demo catalogue's indicators: seed rows and the two builders (a ratio a / b × 100, a count of milestones)."""

from __future__ import annotations

from dataclasses import dataclass, field

ALL_ROUNDS = "3,6,9,12"
TWELVE_MONTH_ONLY = "12"
SIX_MONTH_ONLY = "6"

SCHOOLS = "โรง"
PEOPLE = "คน"
SUBMITTED_FLAG = "ส่งแล้วกรอก 1 / ไม่ส่งกรอก 0"
DONE_FLAG = "ดำเนินการกรอก 1 / ไม่ดำเนินการกรอก 0"


@dataclass(frozen=True)
class VariableSeed:
    key: str
    label: str
    unit: str
    kind: str = "count"
    source: str = "district"
    required_months: str = ALL_ROUNDS
    whole_key: str | None = None
    min_value: float | None = None
    max_value: float | None = None


@dataclass(frozen=True)
class IndicatorSeed:
    code: str
    name: str
    bureau: str  # bureau code
    weight: float
    formula: str
    thresholds: tuple[float, float, float, float, float]
    variables: tuple[VariableSeed, ...] = field(default_factory=tuple)
    direction: str = "higher"
    kind: str = "percent"


def ratio(code, name, bureau, weight, thresholds, part, whole, unit, source="district", direction="higher"):
    return IndicatorSeed(
        code=code,
        name=name,
        bureau=bureau,
        weight=weight,
        formula="a / b * 100",
        thresholds=thresholds,
        direction=direction,
        variables=(
            VariableSeed("a", part, unit, source=source, whole_key="b"),
            VariableSeed("b", whole, unit, source=source),
        ),
    )


def milestones(code, name, bureau, weight, steps):
    keys = [str(i) for i in range(1, len(steps) + 1)]
    return IndicatorSeed(
        code=code,
        name=name,
        bureau=bureau,
        weight=weight,
        formula=" + ".join(f"v{k}" for k in keys),
        thresholds=(1, 2, 3, 4, 5),
        kind="level",
        variables=tuple(VariableSeed(k, step, DONE_FLAG, kind="flag") for k, step in zip(keys, steps, strict=True)),
    )
