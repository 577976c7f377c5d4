"""The current time (naive UTC), one place so tests can move it; and deadlines as forms
send them and as Thai users read them."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from krs_app.domain.thai_dates import thai_datetime
from krs_app.services.errors import ServiceError

BANGKOK_OFFSET = timedelta(hours=7)

_offset = timedelta(0)


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None) + _offset


def to_bangkok(value: datetime | None) -> datetime | None:
    """Stored times are UTC; Thai users read Bangkok time (UTC+7, no daylight saving)."""
    return None if value is None else value + BANGKOK_OFFSET


def shift_for_tests(delta: timedelta) -> None:
    """Tests only: move the clock (deadlines, lockouts) without sleeping."""
    global _offset
    _offset = delta


def as_utc_deadline(value: object) -> datetime | None:
    """A deadline from a form: a naive datetime is UTC (as stored), an aware one is converted,
    a date means the end of that day in Bangkok. Anything else is refused."""
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            return value.astimezone(UTC).replace(tzinfo=None)
        return value
    if isinstance(value, date):
        return datetime.combine(value, time(23, 59, 59)) - BANGKOK_OFFSET
    raise ServiceError("รูปแบบวันที่ไม่ถูกต้อง")


def deadline_text(value: datetime | None) -> str:
    return thai_datetime(to_bangkok(value)) if value is not None else "-"
