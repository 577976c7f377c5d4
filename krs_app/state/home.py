"""The KPI office's report page: districts' public scores and results by indicator."""

from __future__ import annotations

import reflex as rx

from krs_app.live.bus import Change
from krs_app.live.registry import KPI_KEY
from krs_app.services import overview, report
from krs_app.services.entry import RoundOption, round_options_for
from krs_app.services.overview import IndicatorSummary
from krs_app.services.report import DistrictScoreRow
from krs_app.state.live import watch
from krs_app.state.session import SessionState

__all__ = ["DistrictScoreRow", "IndicatorSummary", "KpiHomeState"]


class KpiHomeState(SessionState):
    round_id: str = ""
    round_label: str = ""
    rounds: list[RoundOption] = []
    summaries: list[IndicatorSummary] = []
    districts: list[DistrictScoreRow] = []
    search: str = ""
    level: str = "all"

    @rx.var
    def shown_districts(self) -> list[DistrictScoreRow]:
        text = self.search.strip()
        return [
            row
            for row in self.districts
            if (self.level == "all" or row.level == self.level) and (not text or text in row.name or text in row.code)
        ]

    def _reload(self, user) -> None:
        round_id = int(self.round_id) if self.round_id.isdigit() else None
        page = overview.indicator_overview(user, round_id)
        scores = report.district_report(user, round_id)
        self.round_id = str(scores.round_id)
        self.round_label = page.round_label
        self.summaries = page.summaries
        self.districts = scores.rows
        self.rounds = round_options_for()

    @rx.event
    def load(self):
        user = self._user_with_role("kpi_office")
        if user is None:
            return self._away()
        watch(self, KPI_KEY)
        self._reload(user)
        return None

    @rx.event
    def change_round(self, round_id: str):
        user = self._user_with_role("kpi_office")
        if user is None:
            return self._away()
        self.round_id = str(round_id) if str(round_id).isdigit() else ""
        self._reload(user)
        return None

    @rx.event
    def set_search(self, text: str):
        self.search = str(text)[:100]

    @rx.event
    def set_level(self, level: str):
        self.level = level if level in ("all", "สพป.", "สพม.") else "all"

    def _live_refresh(self, change: Change) -> None:
        user = self._user_with_role("kpi_office")
        if user is not None and (not self.round_id or change.round_id == int(self.round_id)):
            self._reload(user)
