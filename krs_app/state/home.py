"""The bureau's and the KPI office's home pages (overview of results by indicator)."""

from __future__ import annotations

import reflex as rx

from krs_app.live.bus import Change
from krs_app.live.registry import KPI_KEY
from krs_app.services import overview
from krs_app.services.overview import IndicatorSummary
from krs_app.state.live import watch
from krs_app.state.session import SessionState

__all__ = ["IndicatorSummary", "KpiHomeState"]


class KpiHomeState(SessionState):
    round_label: str = ""
    summaries: list[IndicatorSummary] = []

    @rx.event
    def load(self):
        user = self._user_with_role("kpi_office")
        if user is None:
            return self._away()
        watch(self, KPI_KEY)
        self._reload(user)
        return None

    def _reload(self, user) -> None:
        page = overview.indicator_overview(user)
        self.round_label = page.round_label
        self.summaries = page.summaries

    def _live_refresh(self, change: Change) -> None:
        user = self._user_with_role("kpi_office")
        if user is not None:
            self._reload(user)
