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


# ------------------------------------------------------------------ date input (Buddhist era)

DATE_INPUT_HINT = "วว/ดด/ปปปป (พ.ศ.) เช่น 15/12/2569"
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


def date_input_text(value: date) -> str:
    """How a date input shows a day: 15/12/2569 (day/month/Buddhist year)."""
    return f"{value.day:02d}/{value.month:02d}/{to_buddhist_year(value.year)}"


def parse_date_input(text: object) -> date | None:
    """A typed day: dd/mm/yyyy in the Buddhist era (Thai digits allowed; "-" or "." also
    separate), or ISO yyyy-mm-dd in the common era. Empty -> None.

    Anything else (a half-typed date, a day that does not exist) raises ValueError with a Thai
    message saying how to type it.
    """
    raw = str(text if text is not None else "").strip().translate(_THAI_DIGITS)
    if not raw:
        return None
    bad = ValueError(f"วันที่ไม่ถูกต้อง กรุณาพิมพ์เป็น {DATE_INPUT_HINT}")
    if len(raw) == 10 and raw[4] == "-" and raw[7] == "-":
        try:
            return date.fromisoformat(raw)
        except ValueError:
            raise bad from None
    parts = raw.replace("-", "/").replace(".", "/").split("/")
    if len(parts) != 3 or not all(p.isdigit() for p in parts) or len(parts[2]) != 4:
        raise bad
    day, month, year_be = (int(p) for p in parts)
    if year_be < 2400:
        raise ValueError(f"กรุณาพิมพ์ปีเป็นพุทธศักราช (พ.ศ.) เช่น {to_buddhist_year(date.today().year)}")
    try:
        return date(year_be - BUDDHIST_ERA_OFFSET, month, day)
    except ValueError:
        raise bad from None
