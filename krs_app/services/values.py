"""Storing one entered value (by a district or as central data), and what its cell is told."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from krs_app.db.models import Value

UNREAD = object()  # write_value: the stored row is not known yet


@dataclass(frozen=True)
class EnterOutcome:
    ok: bool
    message: str = ""
    changed: bool = False
    indicator_id: int | None = None


def write_value(
    session: Session,
    district_id: int,
    variable_id: int,
    round_id: int,
    value: float | None,
    user_id: int,
    now: datetime,
    *,
    existing: Value | object | None = UNREAD,
) -> None:
    """Store, change or (value None) delete one district's value, inside the caller's transaction.
    `existing`: its stored row (None: none) when this transaction has already read it."""
    if existing is UNREAD:
        existing = session.exec(
            select(Value).where(
                Value.district_id == district_id, Value.variable_id == variable_id, Value.round_id == round_id
            )
        ).first()
    if value is None:
        if existing is not None:
            session.delete(existing)
        return
    if existing is None:
        session.add(
            Value(
                district_id=district_id,
                variable_id=variable_id,
                round_id=round_id,
                value=value,
                entered_by=user_id,
                entered_at=now,
            )
        )
        return
    existing.value = value
    existing.entered_by = user_id
    existing.entered_at = now
    session.add(existing)
