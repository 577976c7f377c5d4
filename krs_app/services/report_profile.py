"""A district's profile: its overall score and rank in every round of every year, and per
indicator its result across rounds beside the national median.

Seen by the district itself, the KPI office, and bureaus (their own indicators only). Built
from the rounds' cached report matrices: no query per cell.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from krs_app.db.engine import session_scope
from krs_app.db.models import District, FiscalYear, Round
from krs_app.domain.indicators import RESULT_UNITS, code_sort_key
from krs_app.domain.numbers import format_result, format_score
from krs_app.domain.ranking import median_or_none
from krs_app.services.auth import CurrentUser
from krs_app.services.errors import NotAllowed, NotFound
from krs_app.services.report_matrix import round_matrix, status_label


@dataclass(frozen=True)
class ProfileRound:
    round_id: int
    label: str
    short_label: str  # "62/1"
    year_be: int
    overall: float
    overall_text: str
    rank: int
    district_total: int


@dataclass(frozen=True)
class ProfilePoint:
    round_id: int
    short_label: str
    result: float | None
    result_text: str
    median: float | None
    median_text: str
    score_text: str
    status: str
    status_label: str


@dataclass(frozen=True)
class ProfileIndicator:
    code: str
    code_id: str
    name: str
    thresholds: tuple[float, ...]
    points: tuple[ProfilePoint, ...]


@dataclass
class DistrictProfile:
    district_id: int
    code: str
    name: str
    short_name: str
    province: str
    level_label: str
    rounds: list[ProfileRound]
    indicators: list[ProfileIndicator]


def _authorize(user: CurrentUser, district_id: int) -> None:
    if user.is_kpi_office or user.is_bureau:
        return
    if user.is_district and user.district_id == district_id:
        return
    raise NotAllowed()


def district_profile(user: CurrentUser, code: str) -> DistrictProfile:
    """The profile of the district with this code; NotFound for an unknown one, NotAllowed for another office's."""
    if not isinstance(code, str) or not code.strip() or len(code) > 40:
        raise NotFound("ไม่พบ สพท. นี้")
    with session_scope() as session:
        district = session.execute(
            select(
                District.id, District.code, District.name, District.short_name, District.province, District.level
            ).where(District.code == code.strip().lower())
        ).first()
        if district is None:
            raise NotFound("ไม่พบ สพท. นี้")
        _authorize(user, district.id)
        rounds = session.exec(
            select(Round, FiscalYear.year_be)
            .join(FiscalYear, FiscalYear.id == Round.fiscal_year_id)
            .order_by(FiscalYear.year_be, Round.number)
        ).all()
        matrices = [(round_, year_be, round_matrix(session, round_)) for round_, year_be in rounds]
    profile_rounds = []
    series: dict[str, list[ProfilePoint]] = {}
    names: dict[str, tuple[str, str, tuple[float, ...]]] = {}
    for round_, year_be, matrix in matrices:
        k = matrix.district_index(district.id)
        if k is None:
            continue
        short_label = f"{str(year_be)[-2:]}/{round_.number}"
        profile_rounds.append(
            ProfileRound(
                round_id=round_.id,
                label=round_.label,
                short_label=short_label,
                year_be=year_be,
                overall=matrix.overall[k],
                overall_text=format_score(matrix.overall[k]),
                rank=matrix.rank[k],
                district_total=len(matrix.districts),
            )
        )
        for j, indicator in enumerate(matrix.indicators):
            if user.is_bureau and indicator.bureau_id != user.bureau_id:
                continue
            names[indicator.code] = (indicator.code_id, indicator.name, indicator.thresholds)
            middle = median_or_none([row[j] for row in matrix.result])
            cell = matrix.cells[k][j]
            series.setdefault(indicator.code, []).append(
                ProfilePoint(
                    round_id=round_.id,
                    short_label=short_label,
                    result=cell.result,
                    result_text=cell.result_text,
                    median=middle,
                    median_text=format_result(middle)
                    if middle is None
                    else f"{RESULT_UNITS.get(indicator.kind, '')} {format_result(middle)}",  # as result_text
                    score_text=cell.score_text,
                    status=cell.status,
                    status_label=status_label(cell.status),
                )
            )
    indicators = [
        ProfileIndicator(code, names[code][0], names[code][1], names[code][2], tuple(series[code]))
        for code in sorted(series, key=code_sort_key)
    ]
    level_label = {"primary": "สพป.", "secondary": "สพม."}.get(district.level, district.level)
    return DistrictProfile(
        district_id=district.id,
        code=district.code,
        name=district.name,
        short_name=district.short_name,
        province=district.province,
        level_label=level_label,
        rounds=profile_rounds,
        indicators=indicators,
    )
