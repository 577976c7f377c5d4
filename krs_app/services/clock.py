"""The current time (naive UTC), one place so tests can move it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

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
