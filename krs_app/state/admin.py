"""The /admin page's own state: which tab is open and which fiscal year is shown; the base of
every admin tab's state (state/admin_*.py).

Every event here and in the tab states runs behind `kpi_only` = guarded(Role.KPI_OFFICE): the
logged-in user is resolved on the server and anyone but the KPI office is sent away before the
handler runs (the services refuse them again).
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from krs_app.domain.roles import Role
from krs_app.services import fiscal_years
from krs_app.services.errors import ServiceError
from krs_app.state.feedback import error_message
from krs_app.state.session import SessionState, guarded

TABS = ("rounds", "indicators", "accounts", "offices", "audit")


kpi_only = guarded(Role.KPI_OFFICE)  # the event guard of every /admin handler (state.session.guarded)


class AdminState(SessionState):
    tab: str = "rounds"
    years: list[dict[str, str]] = []  # {"id", "label"} newest first
    year_id: str = ""
    year_be: str = ""
    notice: str = ""
    notice_ok: bool = True

    def _say(self, text: str, ok: bool = True) -> None:
        self.notice, self.notice_ok = text, ok

    def _year(self) -> int | None:
        return int(self.year_id) if self.year_id.isdigit() else None

    def _load_years(self, user) -> None:
        rows = fiscal_years.list_years(user)
        self.years = [{"id": str(r.id), "label": f"ปีงบประมาณ {r.year_be}"} for r in rows]
        if rows and self.year_id not in {y["id"] for y in self.years}:
            current = fiscal_years.current_round_row(user)
            chosen = next((r for r in rows if current and r.id == current.fiscal_year_id), rows[0])
            self.year_id = str(chosen.id)
        self.year_be = next((str(r.year_be) for r in rows if str(r.id) == self.year_id), "")

    @rx.event
    @kpi_only
    def load(self, user):
        """on_load of /admin: the years, then the open tab's rows."""
        try:
            self._load_years(user)
        except ServiceError as error:
            self._say(error_message(error), False)
        return TAB_RELOADS[self.tab]

    @rx.event
    @kpi_only
    def choose_tab(self, user, tab: str):
        if tab not in TABS:
            return None
        self.tab = tab
        self.notice = ""
        return [TAB_RELOADS[tab], *ON_TAB_CHANGE]

    @rx.event
    @kpi_only
    def choose_year(self, user, year_id: str):
        if str(year_id) not in {y["id"] for y in self.years}:
            return None
        self.year_id = str(year_id)
        self._load_years(user)
        return [*(TAB_RELOADS[tab] for tab in YEAR_TABS), *ON_TAB_CHANGE]


# Each tab's state registers its reload event here (state/admin_*.py, at import).
TAB_RELOADS: dict[str, Any] = {}
YEAR_TABS = ("rounds", "indicators")  # what shows the selected year
ON_TAB_CHANGE: list[Any] = []  # events run whenever another tab or year is shown (state/admin_imports.py)
