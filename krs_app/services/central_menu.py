"""What the central-data page (ข้อมูลส่วนกลาง) offers to choose: rounds, and the acting
bureau's indicators that have centrally supplied variables in the chosen round."""

from __future__ import annotations

from dataclasses import dataclass

from krs_app.db.engine import session_scope
from krs_app.domain.indicators import VariableSource
from krs_app.services.auth import CurrentUser
from krs_app.services.catalogue import get_round, round_catalogue
from krs_app.services.errors import NotAllowed
from krs_app.services.round_options import round_options
from krs_app.services.views import IndicatorOption, RoundOption


@dataclass
class CentralMenu:
    round_id: int
    rounds: list[RoundOption]
    indicators: list[IndicatorOption]


def central_menu(user: CurrentUser, round_id: int | None = None) -> CentralMenu:
    """A bureau sees its own indicators; the KPI office (which acts as the centre) every one.
    Only indicators with at least one central variable required in the round are listed."""
    if user.is_bureau:
        bureau_id = user.bureau_id
    elif user.is_kpi_office:
        bureau_id = None
    else:
        raise NotAllowed("หน้านี้สำหรับผู้รับผิดชอบตัวชี้วัดของส่วนกลางเท่านั้น")
    if round_id is not None and (not isinstance(round_id, int) or isinstance(round_id, bool)):
        round_id = None
    with session_scope() as session:
        round_ = get_round(session, round_id)
        indicators = [
            IndicatorOption(id=str(entry.indicator.id), label=f"{entry.spec.code} {entry.spec.name}")
            for entry in round_catalogue(session, round_, bureau_id)
            if any(v.source == VariableSource.CENTRAL and v.is_required_in(round_.months) for v in entry.spec.variables)
        ]
        return CentralMenu(round_id=round_.id, rounds=round_options(session), indicators=indicators)
