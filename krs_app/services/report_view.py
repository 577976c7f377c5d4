"""What one user sees of a round's report matrix: the rows, the columns, the sums.

The KPI office sees every district and indicator; a bureau sees every district on its own
indicators; a district sees its own row (every indicator) and its rank among all. Filters
(primary/secondary, province, bureau) and the sort are validated here, so the page, the
.xlsx and the PDF are one and the same view.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from krs_app.db.engine import session_scope
from krs_app.domain.indicators import RESULT_UNITS
from krs_app.domain.numbers import format_result, format_score
from krs_app.domain.ranking import mean_or_none
from krs_app.domain.status import Status
from krs_app.services.auth import CurrentUser
from krs_app.services.catalogue import get_round
from krs_app.services.errors import NotAllowed, ServiceError
from krs_app.services.report_matrix import ReportCell, RoundMatrix, round_matrix

LEVEL_LABELS = {"primary": "สพป.", "secondary": "สพม."}
_CERTIFIED = Status.CERTIFIED.value
SORT_FIXED = ("rank", "code", "name", "overall")


@dataclass(frozen=True)
class ReportRow:
    district_id: int
    code: str
    short_name: str
    name: str
    level: str
    level_label: str
    province: str
    overall: float
    overall_text: str
    rank: int
    cells: tuple[ReportCell, ...]


@dataclass(frozen=True)
class ReportColumn:
    indicator_id: int
    code: str
    code_id: str
    name: str
    bureau_id: int
    bureau_short: str
    weight: float
    thresholds: tuple[float, ...]
    direction: str
    unit: str  # ร้อยละ / ระดับ / ค่า: what the results' texts start with
    mean_score: float | None
    mean_score_text: str
    mean_result: float | None
    mean_result_text: str
    certified: int


@dataclass(frozen=True)
class ReportFilters:
    level: str = ""
    province: str = ""
    bureau_id: int | None = None
    sort: str = "rank"
    descending: bool = False


@dataclass
class ReportView:
    round_id: int
    round_label: str
    scope: str  # kpi_office | bureau | district
    district_total: int  # ranks are among this many districts
    filters: ReportFilters
    columns: list[ReportColumn]
    rows: list[ReportRow]
    mean_overall: float | None
    mean_overall_text: str
    provinces: list[str] = field(default_factory=list)
    bureaus: list[tuple[int, str]] = field(default_factory=list)  # (id, short name) with columns here


def _check_filters(matrix: RoundMatrix, filters: ReportFilters) -> None:
    if filters.level not in ("", *LEVEL_LABELS):
        raise ServiceError("ระดับ สพท. ไม่ถูกต้อง")
    if filters.province and filters.province not in {d.province for d in matrix.districts}:
        raise ServiceError("ไม่พบจังหวัดนี้")
    if filters.bureau_id is not None and (
        not isinstance(filters.bureau_id, int) or filters.bureau_id not in {i.bureau_id for i in matrix.indicators}
    ):
        raise ServiceError("ไม่พบสำนักนี้")
    codes = {i.code for i in matrix.indicators}
    if filters.sort not in SORT_FIXED and filters.sort not in codes:
        raise ServiceError("ไม่พบคอลัมน์ที่ต้องการเรียง")
    if not isinstance(filters.descending, bool):
        raise ServiceError("ลำดับการเรียงไม่ถูกต้อง")


def view_of(user: CurrentUser, matrix: RoundMatrix, filters: ReportFilters) -> ReportView:
    """The user's view of a matrix (pure: no database)."""
    if user.is_kpi_office:
        scope = "kpi_office"
    elif user.is_bureau:
        scope = "bureau"
        filters = ReportFilters(filters.level, filters.province, user.bureau_id, filters.sort, filters.descending)
    elif user.is_district:
        scope = "district"
        filters = ReportFilters(sort=filters.sort if filters.sort in SORT_FIXED else "rank")
    else:
        raise NotAllowed()
    _check_filters(matrix, filters)
    columns_at = [
        j
        for j, indicator in enumerate(matrix.indicators)
        if filters.bureau_id is None or indicator.bureau_id == filters.bureau_id
    ]
    rows_at = [
        k
        for k, district in enumerate(matrix.districts)
        if (scope != "district" or district.id == user.district_id)
        and (not filters.level or district.level == filters.level)
        and (not filters.province or district.province == filters.province)
    ]
    rows = [_row(matrix, k, columns_at) for k in rows_at]
    _sort(rows, filters, [matrix.indicators[j].code_id for j in columns_at], matrix)
    columns = [_column(matrix, j, rows_at) for j in columns_at]
    mean_overall = mean_or_none([row.overall for row in rows])
    return ReportView(
        round_id=matrix.round_id,
        round_label=matrix.round_label,
        scope=scope,
        district_total=len(matrix.districts),
        filters=filters,
        columns=columns,
        rows=rows,
        mean_overall=mean_overall,
        mean_overall_text=format_score(mean_overall) if mean_overall is not None else "-",
        provinces=sorted({d.province for d in matrix.districts}) if scope != "district" else [],
        bureaus=sorted({(i.bureau_id, i.bureau_short) for i in matrix.indicators}, key=lambda b: b[1])
        if scope == "kpi_office"
        else [],
    )


def _row(matrix: RoundMatrix, k: int, columns_at: list[int]) -> ReportRow:
    district = matrix.districts[k]
    row_cells = matrix.cells[k]
    cells = row_cells if len(columns_at) == len(row_cells) else tuple(row_cells[j] for j in columns_at)
    return ReportRow(
        district_id=district.id,
        code=district.code,
        short_name=district.short_name,
        name=district.name,
        level=district.level,
        level_label=LEVEL_LABELS.get(district.level, district.level),
        province=district.province,
        overall=matrix.overall[k],
        overall_text=format_score(matrix.overall[k]),
        rank=matrix.rank[k],
        cells=cells,
    )


def _column(matrix: RoundMatrix, j: int, rows_at: list[int]) -> ReportColumn:
    indicator = matrix.indicators[j]
    scores = [matrix.public[k][j] for k in rows_at]
    results = [matrix.result[k][j] for k in rows_at]
    mean_score = mean_or_none(scores)
    mean_result = mean_or_none(results)
    return ReportColumn(
        indicator_id=indicator.id,
        code=indicator.code,
        code_id=indicator.code_id,
        name=indicator.name,
        bureau_id=indicator.bureau_id,
        bureau_short=indicator.bureau_short,
        weight=indicator.weight,
        thresholds=indicator.thresholds,
        direction=indicator.direction,
        unit=RESULT_UNITS.get(indicator.kind, ""),
        mean_score=mean_score,
        mean_score_text=format_score(mean_score) if mean_score is not None else "-",
        mean_result=mean_result,
        mean_result_text=format_result(mean_result),
        certified=sum(1 for k in rows_at if matrix.status[k][j] == _CERTIFIED),
    )


def _sort(rows: list[ReportRow], filters: ReportFilters, code_ids: list[str], matrix: RoundMatrix) -> None:
    sort = filters.sort
    if sort == "rank":
        rows.sort(key=lambda r: (r.rank, r.code), reverse=filters.descending)
    elif sort == "overall":
        rows.sort(key=lambda r: (r.overall, r.code), reverse=not filters.descending)
    elif sort == "code":
        rows.sort(key=lambda r: r.code, reverse=filters.descending)
    elif sort == "name":
        rows.sort(key=lambda r: r.short_name, reverse=filters.descending)
    else:
        code_id = next(i.code_id for i in matrix.indicators if i.code == sort)
        if code_id not in code_ids:
            rows.sort(key=lambda r: (r.rank, r.code))
            return
        at = code_ids.index(code_id)
        # Highest score first unless reversed; not applicable last.
        rows.sort(
            key=lambda r: (
                (r.cells[at].score is None, -(r.cells[at].score or 0), r.code)
                if not filters.descending
                else (r.cells[at].score is None, r.cells[at].score or 0, r.code)
            )
        )


def report_view(user: CurrentUser, round_id: int | None = None, filters: ReportFilters | None = None) -> ReportView:
    """The report of a round (default: the current one) as this user may see it."""
    if not (user.is_kpi_office or user.is_bureau or user.is_district):
        raise NotAllowed()
    with session_scope() as session:
        round_ = get_round(session, round_id if isinstance(round_id, int) and not isinstance(round_id, bool) else None)
        matrix = round_matrix(session, round_)
    return view_of(user, matrix, filters or ReportFilters())
