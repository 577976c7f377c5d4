"""Counts of results by status per indicator: the bureau's and the KPI office's overview."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import select

from krs_app.db.engine import session_scope
from krs_app.db.models import Bureau, Result
from krs_app.services.active_districts import active_district_ids, count_active_districts
from krs_app.services.auth import CurrentUser
from krs_app.services.catalogue import get_round, round_catalogue
from krs_app.services.errors import NotAllowed
from krs_app.services.threads import badges_for_bureau


@dataclass
class IndicatorSummary:
    code: str
    name: str
    bureau: str
    awaiting: int
    certified: int
    not_certified: int
    not_reported: int
    new_data: int = 0  # districts that sent a message or file the bureau has not opened (มีข้อมูลใหม่)


@dataclass
class Overview:
    round_label: str
    summaries: list[IndicatorSummary]


def indicator_overview(user: CurrentUser, round_id: int | None = None) -> Overview:
    """Bureau users see their own indicators; the KPI office sees every indicator."""
    if user.is_bureau:
        bureau_id = user.bureau_id
    elif user.is_kpi_office:
        bureau_id = None
    else:
        raise NotAllowed()
    with session_scope() as session:
        round_ = get_round(session, round_id)
        bureaus = {b.id: b.short_name for b in session.exec(select(Bureau))}
        district_count = count_active_districts(session)
        counts: dict[tuple[int, str], int] = {}
        rows = session.exec(
            select(Result.indicator_id, Result.status, func.count(Result.id))
            .where(Result.round_id == round_.id, Result.district_id.in_(active_district_ids()))
            .group_by(Result.indicator_id, Result.status)
        )
        for indicator_id, status, count in rows:
            counts[(indicator_id, status)] = count
        entries = [e for e in round_catalogue(session, round_, bureau_id) if e.spec.is_assessed_in(round_.months)]
        new_data: dict[int, int] = {}
        for _district, indicator_id in badges_for_bureau(session, [e.indicator.id for e in entries]):
            new_data[indicator_id] = new_data.get(indicator_id, 0) + 1
        summaries = []
        for entry in entries:
            indicator_id = entry.indicator.id
            awaiting = counts.get((indicator_id, "awaiting"), 0)
            certified = counts.get((indicator_id, "certified"), 0)
            refused = counts.get((indicator_id, "not_certified"), 0)
            summaries.append(
                IndicatorSummary(
                    code=entry.spec.code,
                    name=entry.spec.name,
                    bureau=bureaus.get(entry.indicator.bureau_id, ""),
                    awaiting=awaiting,
                    certified=certified,
                    not_certified=refused,
                    not_reported=district_count - awaiting - certified - refused,
                    new_data=new_data.get(indicator_id, 0),
                )
            )
        return Overview(round_label=round_.label, summaries=summaries)
