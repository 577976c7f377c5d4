"""The KPI office's extensions (ขยายเวลา) as its tracking tab shows them: the form's choices and
the extensions in force, one line per grant (the use-cases are services/extensions.py)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from krs_app.db.engine import session_scope
from krs_app.db.models import AuditLog, District, Result, Round, User
from krs_app.domain.status import Status
from krs_app.services.auth import CurrentUser
from krs_app.services.catalogue import CatalogueEntry, get_round, round_catalogue
from krs_app.services.clock import deadline_text, utcnow
from krs_app.services.errors import NotAllowed
from krs_app.services.views import IndicatorOption

NOT_KPI_OFFICE_EXTEND = "การขยายเวลาเป็นหน้าที่ของ กพร. เท่านั้น"


@dataclass
class DistrictChoice:
    """A district in the form's searchable list: the text it fills in, and its short name."""

    value: str  # "สำนักงานเขตพื้นที่การศึกษามัธยมศึกษา เขต 7 (spm07)"
    short_name: str


@dataclass
class ExtensionRow:
    """One extension in force: a grant and how many of its results it still holds open."""

    key: str
    district: str
    indicator: str
    until_text: str
    by: str
    at_text: str
    count: int


@dataclass
class ExtensionPage:
    round_id: int
    round_closed: bool
    districts: list[DistrictChoice]
    indicators: list[IndicatorOption]
    extensions: list[ExtensionRow]


def require_kpi_office(user: CurrentUser) -> None:
    if not user.is_kpi_office:
        raise NotAllowed(NOT_KPI_OFFICE_EXTEND)


def assessed_entries(session: Session, round_: Round) -> list[CatalogueEntry]:
    return [e for e in round_catalogue(session, round_) if e.spec.is_assessed_in(round_.months)]


def extension_page(user: CurrentUser, round_id: int | None) -> ExtensionPage:
    """The form's choices and the extensions in force in the round (None: the current round)."""
    require_kpi_office(user)
    with session_scope() as session:
        round_ = get_round(session, round_id)
        districts = list(session.exec(select(District).where(District.active == True).order_by(District.code)))  # noqa: E712
        entries = assessed_entries(session, round_)
        return ExtensionPage(
            round_id=round_.id,
            round_closed=round_.closed,
            districts=[DistrictChoice(f"{d.name} ({d.code})", d.short_name) for d in districts],
            indicators=[IndicatorOption(str(e.indicator.id), f"{e.spec.code} {e.spec.name}") for e in entries],
            extensions=_rows(session, round_, utcnow()),
        )


def open_by_grant(session: Session, round_: Round, now: datetime) -> dict[str, list[tuple]]:
    """Results still open by an exception, by the grant that opened them (its latest audit row):
    grant key -> [(result id, district id, indicator id, until, user id, at, audit after)]."""
    open_results = {
        row[0]: row
        for row in session.exec(
            select(Result.id, Result.district_id, Result.indicator_id, Result.extended_until).where(
                Result.round_id == round_.id,
                Result.extended_until >= now,
                Result.status != Status.CERTIFIED.value,
            )
        )
    }
    if not open_results:
        return {}
    latest: dict[int, tuple] = {}
    for entity_id, user_id, at, after in session.exec(
        select(AuditLog.entity_id, AuditLog.user_id, AuditLog.at, AuditLog.after)
        .where(AuditLog.action == "extend_deadline", AuditLog.entity == "result", AuditLog.round_id == round_.id)
        .order_by(AuditLog.id)
    ):
        if entity_id in open_results:
            latest[entity_id] = (user_id, at, after)
    grants: dict[str, list[tuple]] = {}
    for result_id, (_, district_id, indicator_id, until) in open_results.items():
        user_id, at, after = latest.get(result_id, (None, None, None))
        details = json.loads(after or "{}")
        key = str(details.get("grant") or f"result-{result_id}")
        grants.setdefault(key, []).append((result_id, district_id, indicator_id, until, user_id, at, details))
    return grants


def _rows(session: Session, round_: Round, now: datetime) -> list[ExtensionRow]:
    grants = open_by_grant(session, round_, now)
    if not grants:
        return []
    names = dict(session.exec(select(User.id, User.display_name)).all())
    district_names = dict(session.exec(select(District.id, District.short_name)).all())
    codes = {e.indicator.id: e.spec.code for e in round_catalogue(session, round_)}
    rows = []
    for key, members in grants.items():
        _, district_id, indicator_id, until, user_id, at, details = members[0]
        rows.append(
            (
                at or datetime.min,
                ExtensionRow(
                    key=key,
                    district=str(details.get("district") or district_names.get(district_id, "")),
                    indicator=str(details.get("indicator") or codes.get(indicator_id, "")),
                    until_text=deadline_text(until),
                    by=names.get(user_id, "-") if user_id else "-",
                    at_text=deadline_text(at) if at else "-",
                    count=len(members),
                ),
            )
        )
    return [row for _, row in sorted(rows, key=lambda pair: (pair[0], pair[1].key), reverse=True)]  # newest first
