"""The bureau's review page: what is new from districts, and one district × indicator opened."""

from __future__ import annotations

import reflex as rx

from krs_app.live.bus import Change
from krs_app.live.registry import bureau_key
from krs_app.services import overview, threads
from krs_app.services.overview import IndicatorSummary
from krs_app.services.threads import NewFromDistrict
from krs_app.state.live import watch
from krs_app.state.session import SessionState


class ReviewState(SessionState):
    round_label: str = ""
    summaries: list[IndicatorSummary] = []
    new_items: list[NewFromDistrict] = []

    def _reload(self, user) -> None:
        page = overview.indicator_overview(user)
        self.round_label = page.round_label
        self.summaries = page.summaries
        self.new_items = threads.new_from_districts(user)

    @rx.event
    def load(self):
        user = self._user_with_role("bureau")
        if user is None:
            return self._away()
        watch(self, bureau_key(user.bureau_id))
        self._reload(user)
        return None

    @rx.event
    def refresh(self):
        user = self._user_with_role("bureau")
        if user is None:
            return self._away()
        self._reload(user)
        return None

    def _live_refresh(self, change: Change) -> None:
        user = self._user_with_role("bureau")
        if user is not None:
            self._reload(user)
