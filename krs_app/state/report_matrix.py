"""The report page's matrix: table, heat map and charts, from services.report_view.

Thin: it keeps plain rows (dicts) of the user's view, the filters and the sort; every read
is authorized by the service from the logged-in user: the KPI office sees every district
and indicator, a bureau its own indicators across districts, a district its own row and
rank (services/report_view.py decides, whatever the events' arguments say). Refreshed by
the live layer when a result of the shown round changes.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from urllib.parse import urlencode

import reflex as rx

from krs_app import routes
from krs_app.domain.roles import Role
from krs_app.live.bus import Change
from krs_app.live.registry import KPI_KEY, bureau_key, district_key
from krs_app.live.targets import refreshed, watch
from krs_app.services.errors import ServiceError
from krs_app.services.report_timeline import status_timeline
from krs_app.services.report_view import ReportFilters, ReportView, report_view
from krs_app.services.round_options import round_options_for
from krs_app.services.views import RoundOption
from krs_app.state.session import SessionState

REPORT_ROLES = (Role.KPI_OFFICE, Role.BUREAU, Role.DISTRICT)  # who may open /report


def heat_index(score: float | None) -> int:
    if score is None:
        return -1
    return max(0, min(5, int((score - 1.0) / 4.0 * 5.0 + 1e-9)))


def _histogram(values: list[float], low: float, high: float, bins: int) -> list[dict]:
    width = (high - low) / bins or 1.0
    counts = [0] * bins
    for value in values:
        counts[max(0, min(bins - 1, int((value - low) / width)))] += 1
    return [
        {"bin": f"{low + i * width:.2f}", "x": round(low + (i + 0.5) * width, 4), "count": counts[i]}
        for i in range(bins)
    ]


@dataclass
class HeatCell:
    """Kept small: 245 × 40 of these go to the browser; the tooltip is put together there."""

    id: str  # indicator code id (11_2)
    code: str  # 11.2
    score: str
    status: str  # data-status
    label: str  # Thai status
    result: str
    step: int  # colour step 0-5 of the heat scale, -1: not applicable (class krs-heat-{step})


@dataclass
class MatrixRow:
    code: str
    name: str
    level: str
    province: str
    overall: str
    rank: int
    href: str
    cells: list[HeatCell]


@dataclass
class MatrixColumn:
    code: str
    code_id: str
    name: str
    bureau: str
    mean_score: str
    mean_result: str
    certified: int


@dataclass
class Option:
    id: str
    name: str


@dataclass
class Bar:
    bin: str
    x: float
    count: int


@dataclass
class StatusCount:
    status: str
    count: int


@refreshed
class ReportMatrixState(SessionState):
    scope: str = ""  # kpi_office | bureau | district: what the service let this user see
    rounds: list[RoundOption] = []
    standing_text: str = ""  # a district's own rank among all
    round_id: str = ""
    round_label: str = ""
    level: str = ""
    province: str = ""
    bureau: str = ""
    sort: str = "rank"
    descending: bool = False
    columns: list[MatrixColumn] = []
    rows: list[MatrixRow] = []
    provinces: list[str] = []
    bureaus: list[Option] = []
    mean_overall_text: str = ""
    district_total: int = 0
    error: str = ""
    chart_indicator: str = ""
    overall_histogram: list[dict] = []  # Bar as dicts: the charts' data
    indicator_histogram: list[dict] = []
    indicator_thresholds: list[float] = []
    threshold_bins: list[str] = []  # the histogram bar each criteria level falls in
    status_counts: list[dict] = []
    status_timeline: list[dict] = []  # services.report_timeline.TimelinePoint as dicts, one per day
    district_deadline_day: str = ""  # where the deadlines fall on the timeline's axis
    certification_deadline_day: str = ""

    @rx.var
    def query(self) -> str:
        params = {
            "round": self.round_id,
            "level": self.level,
            "province": self.province,
            "bureau": self.bureau,
            "sort": self.sort,
            "desc": "1" if self.descending else "",
        }
        return urlencode({k: v for k, v in params.items() if v})

    @rx.var
    def xlsx_url(self) -> str:
        return routes.report_download("xlsx", self.query)

    @rx.var
    def pdf_url(self) -> str:
        return routes.report_download("pdf", self.query)

    def _filters(self) -> ReportFilters:
        return ReportFilters(
            level=self.level,
            province=self.province,
            bureau_id=int(self.bureau) if self.bureau.isdigit() else None,
            sort=self.sort,
            descending=self.descending,
        )

    def _reload(self, user) -> None:
        round_id = int(self.round_id) if self.round_id.isdigit() else None
        try:
            view = report_view(user, round_id, self._filters())
        except ServiceError as error:
            self.error = error.message
            return
        self.error = ""
        self._show(view)
        timeline = status_timeline(user, view.round_id, view.filters)
        self.status_timeline = [asdict(point) for point in timeline.points]
        self.district_deadline_day = timeline.district_deadline_day
        self.certification_deadline_day = timeline.certification_deadline_day

    def _show(self, view: ReportView) -> None:
        self.round_id = str(view.round_id)
        self.round_label = view.round_label
        self.scope = view.scope
        self.standing_text = (
            f"อันดับ {view.rows[0].rank} จาก {view.district_total} เขต · คะแนนเฉลี่ยถ่วงน้ำหนัก {view.rows[0].overall_text}"
            if view.scope == "district" and view.rows
            else ""
        )
        self.district_total = view.district_total
        self.mean_overall_text = view.mean_overall_text
        self.provinces = view.provinces
        self.bureaus = [Option(str(b), name) for b, name in view.bureaus]
        self.columns = [
            MatrixColumn(c.code, c.code_id, c.name, c.bureau_short, c.mean_score_text, c.mean_result_text, c.certified)
            for c in view.columns
        ]
        codes = {c.code_id: c.code for c in view.columns}
        self.rows = [
            MatrixRow(
                code=r.code,
                name=r.short_name,
                level=r.level_label,
                province=r.province,
                overall=r.overall_text,
                rank=r.rank,
                href=routes.district_profile(r.code),
                cells=[
                    HeatCell(
                        c.code_id,
                        codes[c.code_id],
                        c.score_text,
                        c.status,
                        c.status_label,
                        c.result_text,
                        heat_index(c.score),
                    )
                    for c in r.cells
                ],
            )
            for r in view.rows
        ]
        self.overall_histogram = _histogram([r.overall for r in view.rows], 1.0, 5.0, 8)
        counts: dict[str, int] = {}
        for row in view.rows:
            for cell in row.cells:
                counts[cell.status_label] = counts.get(cell.status_label, 0) + 1
        self.status_counts = [asdict(StatusCount(k, v)) for k, v in counts.items()]
        codes = [c.code for c in view.columns]
        if self.chart_indicator not in codes:
            self.chart_indicator = codes[0] if codes else ""
        if self.chart_indicator:
            at = codes.index(self.chart_indicator)
            results = [r.cells[at].result for r in view.rows if r.cells[at].result is not None]
            column = view.columns[at]
            low = min([*results, *column.thresholds]) if results else 0.0
            high = max([*results, *column.thresholds]) if results else 1.0
            self.indicator_histogram = _histogram(results, low, high + 1e-9, 10)
            self.indicator_thresholds = list(column.thresholds)
            width = (high + 1e-9 - low) / 10 or 1.0
            self.threshold_bins = [
                self.indicator_histogram[max(0, min(9, int((t - low) / width)))]["bin"] for t in column.thresholds
            ]

    def _viewer(self):
        return self._user_in(tuple(str(role) for role in REPORT_ROLES))

    @rx.event
    def load(self):
        user = self._viewer()
        if user is None:
            self.rows, self.columns = [], []  # nothing of another session stays in this tab
            return self._away()
        if user.is_kpi_office:
            watch(self, KPI_KEY)
        elif user.is_bureau:
            watch(self, bureau_key(user.bureau_id))
        else:
            watch(self, district_key(user.district_id))
        self.rounds = round_options_for()
        self._reload(user)
        return None

    def _set_and_reload(self, **changes):
        user = self._viewer()
        if user is None:
            return self._away()
        for name, value in changes.items():
            setattr(self, name, value)
        self._reload(user)
        return None

    @rx.event
    def change_round(self, round_id: str):
        return self._set_and_reload(round_id=str(round_id) if str(round_id).isdigit() else "")

    @rx.event
    def set_level(self, level: str):
        return self._set_and_reload(level=level if level in ("primary", "secondary") else "")

    @rx.event
    def set_province(self, province: str):
        return self._set_and_reload(province=str(province)[:80] if province in self.provinces else "")

    @rx.event
    def set_bureau(self, bureau: str):
        return self._set_and_reload(bureau=str(bureau) if str(bureau).isdigit() else "")

    @rx.event
    def sort_by(self, key: str):
        key = str(key)[:20]
        descending = not self.descending if key == self.sort else False
        return self._set_and_reload(sort=key, descending=descending)

    @rx.event
    def set_chart_indicator(self, code: str):
        return self._set_and_reload(chart_indicator=str(code)[:20])

    def _live_refresh(self, change: Change, memo=None) -> None:
        user = self._viewer()
        if user is not None and (not self.round_id or change.round_id == int(self.round_id)):
            self._reload(user)
