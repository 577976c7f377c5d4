"""Outlier flags for bureau reviewers: advice, never a block on certifying.

A value is flagged when it is far from the other districts' values on the same indicator
and round, by the modified z-score on the median absolute deviation (Iglewicz & Hoaglin;
DHIS2's data-quality app uses it with |z| > 3.5):

    z = 0.6745 × (x − median) / MAD

When more than half the values are equal the MAD is 0; then the mean absolute deviation
stands in (z = (x − median) / (1.253314 × MeanAD)), and when every value is equal nothing
is flagged. A result is also flagged when its change from the same district's previous
round is an outlier among every district's change.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from statistics import median
from typing import TypeVar

DEFAULT_THRESHOLD = 3.5
MIN_VALUES = 5  # fewer values than this say nothing about a spread
_MAD_FACTOR = 0.6745
_MEAN_AD_FACTOR = 1.253314

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class OutlierFlag:
    kind: str  # spread | jump
    z: float
    value: float
    reference: float  # the median of all districts (spread) or the previous round's value (jump)
    reason: str  # Thai, for the tooltip


def modified_z_scores(values: Mapping[K, float]) -> dict[K, float]:
    """The modified z-score of each value; {} when the values have no spread to measure."""
    if len(values) < MIN_VALUES:
        return {}
    numbers = list(values.values())
    middle = median(numbers)
    deviations = [abs(x - middle) for x in numbers]
    mad = median(deviations)
    if mad > 0:
        return {key: _MAD_FACTOR * (x - middle) / mad for key, x in values.items()}
    mean_ad = sum(deviations) / len(deviations)
    if mean_ad <= 0:
        return {}
    return {key: (x - middle) / (_MEAN_AD_FACTOR * mean_ad) for key, x in values.items()}


def _number(value: float) -> str:
    return f"{value:,.2f}"


def _times_text(value: float, reference: float) -> str:
    if reference != 0 and value / reference > 0:
        ratio = value / reference if abs(value) >= abs(reference) else reference / value
        return f"{ratio:,.1f} เท่า"
    return f"{abs(value - reference):,.2f} หน่วย"


def spread_reason(value: float, middle: float, z: float) -> str:
    return (
        f"ต่างจากค่ากลางของทุกเขต ({_number(middle)}) {_times_text(value, middle)}"
        f" — ค่า {_number(value)} (modified z = {z:+.1f})"
    )


def jump_reason(value: float, previous: float, z: float) -> str:
    return (
        f"เปลี่ยนจากรอบก่อนของเขตเดียวกัน ({_number(previous)}) เป็น {_number(value)}"
        f" มากกว่าเขตอื่นผิดปกติ (modified z = {z:+.1f})"
    )


def outlier_flags(
    current: Mapping[K, float | None],
    previous: Mapping[K, float | None] | None = None,
    threshold: float = DEFAULT_THRESHOLD,
) -> dict[K, list[OutlierFlag]]:
    """Flags per key (a district) for one indicator in one round; keys with no flag are left out.

    `current` holds each district's value this round (None: no value), `previous` the same
    districts' values in the previous round of the indicator, if any.
    """
    present = {key: float(v) for key, v in current.items() if v is not None}
    flags: dict[K, list[OutlierFlag]] = {}
    if present:
        middle = median(present.values())
        for key, z in modified_z_scores(present).items():
            if abs(z) > threshold:
                value = present[key]
                flags.setdefault(key, []).append(
                    OutlierFlag("spread", z, value, middle, spread_reason(value, middle, z))
                )
    if previous:
        before = {key: float(v) for key, v in previous.items() if v is not None}
        changes = {key: present[key] - before[key] for key in present if key in before}
        for key, z in modified_z_scores(changes).items():
            if abs(z) > threshold:
                value, old = present[key], before[key]
                flags.setdefault(key, []).append(OutlierFlag("jump", z, value, old, jump_reason(value, old, z)))
    return flags
