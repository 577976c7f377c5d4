"""The report page: every district's public scores and weighted overall score for a round."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import select

from krs_app.db.engine import session_scope
from krs_app.db.models import Result
from krs_app.domain.numbers import format_score
from krs_app.domain.scoring import weighted_overall
from krs_app.domain.status import Status, overall_part, public_score
from krs_app.services.active_districts import active_districts
from krs_app.services.auth import CurrentUser
from krs_app.services.catalogue import get_round, round_catalogue
from krs_app.services.errors import NotAllowed


@dataclass
class DistrictScoreRow:
    code: str
    short_name: str
    name: str
    level: str
    overall_text: str
    overall: float
    certified: int
    awaiting: int
    not_certified: int
    not_reported: int
    not_applicable: int = 0  # ไม่ประเมินตัวชี้วัดนี้: left out of the overall score


@dataclass
class DistrictReport:
    round_id: int
    round_label: str
    indicator_count: int
    rows: list[DistrictScoreRow]


def district_report(user: CurrentUser, round_id: int | None = None) -> DistrictReport:
    """KPI office and bureaus: the public (report) score of every district, best first."""
    if not (user.is_kpi_office or user.is_bureau):
        raise NotAllowed()
    with session_scope() as session:
        round_ = get_round(session, round_id if isinstance(round_id, int) else None)
        assessed = {
            e.indicator.id: e.spec.weight
            for e in round_catalogue(session, round_)
            if e.spec.is_assessed_in(round_.months)
        }
        by_district: dict[int, dict[int, Result]] = {}
        for result in session.exec(select(Result).where(Result.round_id == round_.id)):
            by_district.setdefault(result.district_id, {})[result.indicator_id] = result
        rows = []
        for district in session.exec(active_districts()):
            results = by_district.get(district.id, {})
            counts = dict.fromkeys(Status, 0)
            scored = []
            not_applicable_count = 0
            for indicator_id, weight in assessed.items():
                result = results.get(indicator_id)
                status = Status(result.status) if result else Status.NOT_REPORTED
                not_applicable = bool(result and result.not_applicable)
                if not_applicable:
                    not_applicable_count += 1
                else:
                    counts[status] += 1
                score = public_score(status, result.score if result else None)
                scored.append(overall_part(weight, score, not_applicable))
            overall = weighted_overall(scored) or 1.0
            rows.append(
                DistrictScoreRow(
                    code=district.code,
                    short_name=district.short_name,
                    name=district.name,
                    level="สพป." if district.level == "primary" else "สพม.",
                    overall_text=format_score(overall),
                    overall=overall,
                    certified=counts[Status.CERTIFIED],
                    awaiting=counts[Status.AWAITING],
                    not_certified=counts[Status.NOT_CERTIFIED],
                    not_reported=counts[Status.NOT_REPORTED],
                    not_applicable=not_applicable_count,
                )
            )
        rows.sort(key=lambda r: (-r.overall, r.code))
        return DistrictReport(round_.id, round_.label, len(assessed), rows)
