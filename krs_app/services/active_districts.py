"""The districts that count: the active ones.

A deactivated district (services.offices) keeps its history, but it is no longer one of the
districts the KPI office tracks, ranks and averages, that a bureau reviews and reminds, or that
"how many districts" means. Every such count and list reads its districts here.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from krs_app.db.models import District


def active_districts(*columns: Any):
    """select() of the active districts (whole rows, or these columns of them), in code order."""
    return select(*(columns or (District,))).where(District.active.is_(True)).order_by(District.code)


def active_district_ids():
    """The active districts' ids, as a subquery for `X.district_id.in_(...)`."""
    return select(District.id).where(District.active.is_(True))


def count_active_districts(session: Session) -> int:
    return session.exec(select(func.count(District.id)).where(District.active.is_(True))).one()
