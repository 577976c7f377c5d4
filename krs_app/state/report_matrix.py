"""The report page's matrix: table, heat map and charts, from services.report_view.

Thin: it keeps the rows of the user's view (in chunks: state/report_rows.py), the filters and
the sort; every read is authorized by the service from the logged-in user: the KPI office sees
every district and indicator, a bureau its own indicators across districts, a district its own
row and rank (services/report_view.py decides, whatever the events' arguments say). Refreshed
by the live layer when a result of the shown round changes: only the vars whose value changed
are assigned (and so sent).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any
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
from krs_app.state.report_rows import CHUNK_NAMES, MatrixColumn, MatrixRow, matrix_column, row_vars
from krs_app.state.session import SessionState

REPORT_ROLES = (Role.KPI_OFFICE, Role.BUREAU, Role.DISTRICT)  # who may open /report
_ID = re.compile(r"^[0-9]{1,9}$")
_SORT = re.compile(r"^[a-z0-9.]{1,20}$")  # rank | code | name | overall | an indicator's code


def _report_query(round_id: str, level: str, province: str, bureau: str, sort: str, descending: bool) -> str:
    """The report's choices as its URL's query (also the downloads' query)."""
    params = {"round": round_id, "level": level, "province": province, "bureau": bureau, "sort": sort}
    params["desc"] = "1" if descending else ""
    return urlencode({k: v for k, v in params.items() if v})


def url_choices(params: object) -> dict:
    """The report's choices named by its URL, each checked for its shape (the service checks that
    the province, bureau and column exist and what the user may see); a bad one is left out."""
    params = params if isinstance(params, Mapping) else {}

    def text(key: str) -> str:
        value = params.get(key, "")
        return value.strip() if isinstance(value, str) else ""

    level, sort = text("level"), text("sort")
    return {
        "round_id": text("round") if _ID.match(text("round")) else "",
        "level": level if level in ("primary", "secondary") else "",
        "province": text("province")[:80],
        "bureau": text("bureau") if _ID.match(text("bureau")) else "",
        "sort": sort if _SORT.match(sort) else "rank",
        "descending": text("desc") == "1",
    }


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
    column_means: list[str] = []  # each column's mean public score, in the order of `columns`
    # The rows: ROW_CHUNKS vars rows_0 … rows_49 in a stable order, and per shown position
    # (chunk, offset, rank) in row_order (state/report_rows.py): a changed result re-sends one chunk.
    for _name in CHUNK_NAMES:
        __annotations__[_name] = list[MatrixRow]
        vars()[_name] = []
    del _name
    row_order: list[tuple[int, int, int]] = []
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
        return _report_query(self.round_id, self.level, self.province, self.bureau, self.sort, self.descending)

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
            self._assign(error=error.message)
            return
        timeline = status_timeline(user, view.round_id, view.filters)
        self._assign(
            error="",
            **self._shown(view),
            status_timeline=[asdict(point) for point in timeline.points],
            district_deadline_day=timeline.district_deadline_day,
            certification_deadline_day=timeline.certification_deadline_day,
        )

    def _assign(self, **values: Any) -> None:
        """Set the vars whose value changed, and only those: Reflex sends every assigned var
        whole, so one changed result re-sends a chunk of rows, not the matrix."""
        for name, value in values.items():
            if self.get_value(name) != value:
                setattr(self, name, value)

    def _values(self) -> dict[str, Any]:
        """The row vars' values (report_rows.rows_in_order reads them)."""
        return {name: self.get_value(name) for name in (*CHUNK_NAMES, "row_order")}

    def _shown(self, view: ReportView) -> dict[str, Any]:
        """The page's vars for a view (assigned by `_assign`, where they changed)."""
        shown: dict[str, Any] = {
            "round_id": str(view.round_id),
            "round_label": view.round_label,
            "scope": view.scope,
            "standing_text": (
                f"อันดับ {view.rows[0].rank} จาก {view.district_total} เขต · คะแนนเฉลี่ยถ่วงน้ำหนัก {view.rows[0].overall_text}"
                if view.scope == "district" and view.rows
                else ""
            ),
            "district_total": view.district_total,
            "mean_overall_text": view.mean_overall_text,
            "provinces": view.provinces,
            "bureaus": [Option(str(b), name) for b, name in view.bureaus],
            "columns": [matrix_column(c) for c in view.columns],
            "column_means": [c.mean_score_text for c in view.columns],
            **row_vars(view.rows),
            "overall_histogram": _histogram([r.overall for r in view.rows], 1.0, 5.0, 8),
        }
        counts: dict[str, int] = {}
        for row in view.rows:
            for cell in row.cells:
                counts[cell.status_label] = counts.get(cell.status_label, 0) + 1
        shown["status_counts"] = [asdict(StatusCount(k, v)) for k, v in counts.items()]
        codes = [c.code for c in view.columns]
        chart = self.chart_indicator if self.chart_indicator in codes else (codes[0] if codes else "")
        shown["chart_indicator"] = chart
        if chart:
            at = codes.index(chart)
            results = [r.cells[at].result for r in view.rows if r.cells[at].result is not None]
            column = view.columns[at]
            low = min([*results, *column.thresholds]) if results else 0.0
            high = max([*results, *column.thresholds]) if results else 1.0
            histogram = _histogram(results, low, high + 1e-9, 10)
            width = (high + 1e-9 - low) / 10 or 1.0
            shown["indicator_histogram"] = histogram
            shown["indicator_thresholds"] = list(column.thresholds)
            shown["threshold_bins"] = [
                histogram[max(0, min(9, int((t - low) / width)))]["bin"] for t in column.thresholds
            ]
        return shown

    def _viewer(self):
        return self._user_in(tuple(str(role) for role in REPORT_ROLES))

    @rx.event
    def load(self):
        user = self._viewer()
        if user is None:
            # nothing of another session stays in this tab
            self._assign(columns=[], column_means=[], row_order=[], **{name: [] for name in CHUNK_NAMES})
            return self._away()
        if user.is_kpi_office:
            watch(self, KPI_KEY)
        elif user.is_bureau:
            watch(self, bureau_key(user.bureau_id))
        else:
            watch(self, district_key(user.district_id))
        self.rounds = round_options_for()
        # on_load, also on reload and Back: the choices the URL names; what the service refuses
        # (another year's province, a bureau not shown) is dropped: the round alone, then none
        choices = url_choices(self.router.url.query_parameters)
        fallbacks = [choices, {**url_choices({}), "round_id": choices["round_id"]}, url_choices({})]
        for chosen in fallbacks:
            for name, value in chosen.items():
                setattr(self, name, value)
            self._reload(user)
            if not self.error:
                break
        return None

    def _set_and_reload(self, **changes):
        """A filter or sort changed: the URL names it (a new history entry, so Back returns to the
        choice before); its on_load (`load`) reloads the view from the URL."""
        user = self._viewer()
        if user is None:
            return self._away()
        for name, value in changes.items():
            setattr(self, name, value)
        shown = url_choices(self.router.url.query_parameters)
        if self.query == _report_query(**shown) or "chart_indicator" in changes:
            self._reload(user)
            return None
        return rx.redirect(routes.REPORT + ("?" + self.query if self.query else ""))

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
