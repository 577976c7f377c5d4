"""Small read-only look-ups of the catalogue that pages and the live dispatcher need, so they
never open a database session themselves."""

from __future__ import annotations

from krs_app.db.engine import session_scope
from krs_app.domain.indicators import NOT_ASSESSED_LABEL
from krs_app.services.auth import CurrentUser
from krs_app.services.catalogue import catalogue_for_round, get_round, load_entry, round_catalogue
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


def indicator_codes(round_id: int | None = None) -> list[str]:
    """Every indicator's code of the round's fiscal year (default: the current round), in code order."""
    return [entry.spec.code for entry in catalogue_for_round(round_id)]


def indicator_id_for_code(code: str, round_id: int | None = None) -> int | None:
    """An indicator's id from its code (11.2) in the round's fiscal year, for forms where staff type the code."""
    return next((e.indicator.id for e in catalogue_for_round(round_id) if e.spec.code == str(code).strip()), None)


def bureau_indicator_options(user: CurrentUser, round_id: int | None = None) -> list[IndicatorOption]:
    """The acting bureau's own indicators of the round's fiscal year, for the review page's selector;
    one not assessed in the round says so (ยังไม่ต้องรายงานในรอบนี้)."""
    if not user.is_bureau:
        raise NotAllowed("หน้านี้สำหรับสำนักผู้รับผิดชอบตัวชี้วัดเท่านั้น")
    with session_scope() as session:
        round_ = get_round(session, round_id if isinstance(round_id, int) else None)
        entries = round_catalogue(session, round_, user.bureau_id)
        months = round_.months
    return [
        IndicatorOption(
            str(e.indicator.id),
            f"{e.spec.code} {e.spec.name}" + ("" if e.spec.is_assessed_in(months) else f" ({NOT_ASSESSED_LABEL})"),
        )
        for e in entries
    ]
