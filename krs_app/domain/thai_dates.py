"""Thai-style dates: "30 เม.ย. 2562" (Buddhist era), and deadline countdowns."""

from __future__ import annotations

from datetime import date, datetime

THAI_MONTHS_SHORT = (
    "ม.ค.",
    "ก.พ.",
    "มี.ค.",
    "เม.ย.",
    "พ.ค.",
    "มิ.ย.",
    "ก.ค.",
    "ส.ค.",
    "ก.ย.",
    "ต.ค.",
    "พ.ย.",
    "ธ.ค.",
)
BUDDHIST_ERA_OFFSET = 543


def to_buddhist_year(year: int) -> int:
    return year + BUDDHIST_ERA_OFFSET


def thai_date(value: date | datetime | None) -> str:
    """30 เม.ย. 2562."""
    if value is None:
        return "-"
    return f"{value.day} {THAI_MONTHS_SHORT[value.month - 1]} {to_buddhist_year(value.year)}"


def thai_datetime(value: datetime | None) -> str:
    """30 เม.ย. 2562 14:05 น."""
    if value is None:
        return "-"
    return f"{thai_date(value)} {value:%H:%M} น."


def fiscal_year_of(day: date) -> int:
    """The Thai fiscal year (Buddhist era) a day falls in: Oct 2018 - Sep 2019 is 2562."""
    year = day.year + 1 if day.month >= 10 else day.year
    return to_buddhist_year(year)


def countdown(deadline: datetime | None, now: datetime) -> str:
    """ "เหลืออีก 3 วัน", "เหลืออีก 5 ชั่วโมง", "ครบกำหนดแล้ว"."""
    if deadline is None:
        return ""
    remaining = deadline - now
    seconds = remaining.total_seconds()
    if seconds <= 0:
        return "ครบกำหนดแล้ว"
    days = remaining.days
    if days >= 1:
        return f"เหลืออีก {days} วัน"
    hours = int(seconds // 3600)
    if hours >= 1:
        return f"เหลืออีก {hours} ชั่วโมง"
    return f"เหลืออีก {max(1, int(seconds // 60))} นาที"
