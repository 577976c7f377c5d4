"""Dates typed the Thai way: "31/3/2569" or "31 มี.ค. 2569" (Buddhist era) -> a date, and back.

The KPI office's forms (rounds, the audit filter) take dates like this; the page shows them
with thai_dates.thai_date.
"""

from __future__ import annotations

import re
from datetime import date

from krs_app.domain.thai_dates import BUDDHIST_ERA_OFFSET, THAI_MONTHS_SHORT

DATE_HELP = "วันที่ให้กรอกแบบ วัน/เดือน/ปี พ.ศ. เช่น 31/3/2569"
_NUMERIC = re.compile(r"^(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})$")
_WORDS = re.compile(r"^(\d{1,2})\s+(\S+)\s+(\d{4})$")
_MONTHS = {m.replace(".", ""): i for i, m in enumerate(THAI_MONTHS_SHORT, start=1)}


def parse_thai_date(text: object) -> date | None:
    """The date typed, None when nothing was typed; ValueError (with DATE_HELP) when it is not
    a real date in the Buddhist era (2400-2700)."""
    if text is None:
        return None
    value = str(text).strip()
    if not value:
        return None
    match = _NUMERIC.match(value)
    if match:
        day, month, year = int(match[1]), int(match[2]), int(match[3])
    else:
        match = _WORDS.match(value)
        month = _MONTHS.get(match[2].replace(".", "")) if match else None
        if not match or month is None:
            raise ValueError(DATE_HELP)
        day, year = int(match[1]), int(match[3])
    if not 2400 <= year <= 2700:
        raise ValueError(DATE_HELP)
    try:
        return date(year - BUDDHIST_ERA_OFFSET, month, day)
    except ValueError:
        raise ValueError(DATE_HELP) from None


def thai_date_input(value: date | None) -> str:
    """A date as the forms take it back: 31/3/2569 ('' for none)."""
    if value is None:
        return ""
    return f"{value.day}/{value.month}/{value.year + BUDDHIST_ERA_OFFSET}"
