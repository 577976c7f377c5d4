"""Who may see and act on one district × indicator: the one place that decides it."""

from __future__ import annotations

from sqlmodel import Session

from krs_app.db.models import District, Indicator
from krs_app.services.auth import CurrentUser
from krs_app.services.errors import NotAllowed, NotFound

SIDE_DISTRICT = "district"
SIDE_BUREAU = "bureau"
MAX_ROW_ID = 2**63 - 1  # the database's integer key; a larger number overflows the driver


def as_row_id(value: object) -> int | None:
    """A value usable as a row id (a positive int within the key range), else None.

    Ids arrive from browsers (event arguments, URLs); bool, float and 23-digit numbers are not ids.
    """
    if not isinstance(value, int) or isinstance(value, bool) or not 0 < value <= MAX_ROW_ID:
        return None
    return value


def check_district_indicator(session: Session, user: CurrentUser, district_id: int, indicator_id: int) -> str:
    """The side the user acts on (district | bureau), or NotAllowed.

    A district user only for its own district; a bureau user only for indicators its
    bureau owns; the KPI office reads everything (and acts as the centre).
    """
    if as_row_id(district_id) is None or as_row_id(indicator_id) is None:
        raise NotFound()
    indicator = session.get(Indicator, indicator_id)
    district = session.get(District, district_id)
    if indicator is None or district is None:
        raise NotFound()
    if user.is_district:
        if user.district_id != district_id:
            raise NotAllowed()
        return SIDE_DISTRICT
    if user.is_bureau:
        if indicator.bureau_id != user.bureau_id:
            raise NotAllowed("ตัวชี้วัดนี้ไม่ได้อยู่ในความรับผิดชอบของสำนักของคุณ")
        return SIDE_BUREAU
    if user.is_kpi_office:
        return SIDE_BUREAU
    raise NotAllowed()


def require_bureau_of(session: Session, user: CurrentUser, indicator_id: int) -> Indicator:
    """The indicator, if the user's bureau owns it (the KPI office may act on any)."""
    indicator = session.get(Indicator, indicator_id) if as_row_id(indicator_id) is not None else None
    if indicator is None:
        raise NotFound()
    if user.is_kpi_office:
        return indicator
    if not user.is_bureau or indicator.bureau_id != user.bureau_id:
        raise NotAllowed("ตัวชี้วัดนี้ไม่ได้อยู่ในความรับผิดชอบของสำนักของคุณ")
    return indicator
