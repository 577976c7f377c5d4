"""Small read-only look-ups of the catalogue that pages and the live dispatcher need, so they
never open a database session themselves."""

from __future__ import annotations

from krs_app.db.engine import session_scope
from krs_app.services.auth import CurrentUser
from krs_app.services.catalogue import load_catalogue, load_entry
from krs_app.services.errors import NotAllowed, NotFound
from krs_app.services.views import IndicatorOption


def indicator_bureau(indicator_id: int | None) -> int | None:
    """The bureau owning an indicator (None for none or an unknown one), from the cached catalogue."""
    if indicator_id is None:
        return None
    with session_scope() as session:
        try:
            return load_entry(session, indicator_id).indicator.bureau_id
        except NotFound:
            return None


def indicator_codes() -> list[str]:
    """Every indicator's code, in code order."""
    with session_scope() as session:
        return [entry.spec.code for entry in load_catalogue(session)]


def indicator_id_for_code(code: str) -> int | None:
    """An indicator's id from its code (11.2), for forms where staff type the code."""
    with session_scope() as session:
        return next((e.indicator.id for e in load_catalogue(session) if e.spec.code == code), None)


def bureau_indicator_options(user: CurrentUser) -> list[IndicatorOption]:
    """The acting bureau's own indicators, for the review page's selector."""
    if not user.is_bureau:
        raise NotAllowed("หน้านี้สำหรับสำนักผู้รับผิดชอบตัวชี้วัดเท่านั้น")
    with session_scope() as session:
        return [
            IndicatorOption(str(e.indicator.id), f"{e.spec.code} {e.spec.name}")
            for e in load_catalogue(session, user.bureau_id)
        ]
