"""The bureau's and the KPI office's home pages (overview of results by indicator)."""

from __future__ import annotations

import reflex as rx

from krs_app.services import overview
from krs_app.services.overview import IndicatorSummary
from krs_app.state.session import SessionState

__all__ = ["BureauHomeState", "IndicatorSummary", "KpiHomeState"]


class BureauHomeState(SessionState):
    round_label: str = ""
    summaries: list[IndicatorSummary] = []

    @rx.event
    def load(self):
        user = self._user_with_role("bureau")
        if user is None:
            return self._away()
        page = overview.indicator_overview(user)
        self.round_label = page.round_label
        self.summaries = page.summaries
        return None


class KpiHomeState(SessionState):
    round_label: str = ""
    summaries: list[IndicatorSummary] = []

    @rx.event
    def load(self):
        user = self._user_with_role("kpi_office")
        if user is None:
            return self._away()
        page = overview.indicator_overview(user)
        self.round_label = page.round_label
        self.summaries = page.summaries
        return None
