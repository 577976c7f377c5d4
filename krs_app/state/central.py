"""The bureau's central-data page (ข้อมูลส่วนกลาง): the grid of central values of one indicator
for every district, and importing a file (preview through the HTTP route, then apply).

Every handler asks the services again with the logged-in user; the ids the browser sends
(district, variable, the import token) are only arguments the services authorize.
"""

from __future__ import annotations

import reflex as rx

from krs_app import routes
from krs_app.domain.roles import Role
from krs_app.live.bus import Change
from krs_app.live.registry import KPI_KEY, bureau_key
from krs_app.live.targets import refreshed, watch
from krs_app.services import central_grid, central_import_apply, central_menu
from krs_app.services.errors import ServiceError
from krs_app.services.views import GridCell, GridColumn, GridRow, IndicatorOption, RoundOption
from krs_app.state.central_import import CentralImportState
from krs_app.state.feedback import cell_errors_after, cell_key, error_message
from krs_app.state.session import SessionState, guarded

CENTRAL_ROLES = (Role.BUREAU, Role.KPI_OFFICE)


def _grid_rows(grid: central_grid.CentralGrid) -> list[GridRow]:
    return [
        GridRow(
            district_id=row.district_id,
            district_code=row.district_code,
            district_name=row.district_name,
            level_label=row.level_label,
            status=row.status,
            status_label=row.status_label,
            editable=row.editable,
            lock_reason=row.lock_reason,
            cells=[
                GridCell(
                    variable_id=column.variable_id,
                    key=column.key,
                    value_text=value,
                    element_id=f"central-{row.district_code}-{column.key}",
                )
                for column, value in zip(grid.columns, row.cells, strict=False)
            ],
        )
        for row in grid.rows
    ]


@refreshed
class CentralState(SessionState):
    rounds: list[RoundOption] = []
    indicators: list[IndicatorOption] = []
    round_id: str = ""
    indicator_id: str = ""
    indicator_title: str = ""
    round_label: str = ""
    round_closed: bool = False
    columns: list[GridColumn] = []
    rows: list[GridRow] = []  # the rows the filter keeps
    total_rows: int = 0
    filter_text: str = ""
    cell_errors: dict[str, str] = {}
    notice: str = ""
    notice_ok: bool = True
    import_url: str = ""
    template_url: str = ""  # the import preview is in CentralImportState (state.central_import)
    _all_rows: list[GridRow] = []

    # ------------------------------------------------------------ helpers

    def _central_user(self):
        return self._user_in(CENTRAL_ROLES)

    def _apply_filter(self) -> None:
        needle = self.filter_text.strip().lower()
        if not needle:
            self.rows = list(self._all_rows)
            return
        self.rows = [
            row for row in self._all_rows if needle in row.district_code.lower() or needle in row.district_name.lower()
        ]

    def _load_menu(self, user) -> None:
        round_id = int(self.round_id) if self.round_id.isdigit() else None
        try:
            menu = central_menu.central_menu(user, round_id)
        except ServiceError:
            menu = central_menu.central_menu(user, None)
        self.rounds = menu.rounds
        self.round_id = str(menu.round_id)
        self.indicators = menu.indicators
        if self.indicator_id not in {option.id for option in menu.indicators}:
            self.indicator_id = menu.indicators[0].id if menu.indicators else ""

    def _load_grid(self, user) -> None:
        if not self.indicator_id:
            self.indicator_title = ""
            self.columns = []
            self._all_rows = []
            self.rows = []
            self.total_rows = 0
            self.import_url = ""
            self.template_url = ""
            return
        self._show_grid(self._grid(user))

    def _show_grid(self, grid) -> None:
        self.indicator_title = f"{grid.indicator_code} {grid.indicator_name}"
        self.round_label = grid.round_label
        self.round_closed = grid.round_closed
        self.columns = [GridColumn(key=c.key, label=c.label, unit=c.unit) for c in grid.columns]
        self._all_rows = _grid_rows(grid)
        self.total_rows = len(self._all_rows)
        self.import_url = routes.central_import(grid.indicator_id, grid.round_id)
        self.template_url = routes.central_template(grid.indicator_id, grid.round_id)
        self._apply_filter()

    def _grid(self, user, memo=None):
        indicator_id, round_id = int(self.indicator_id), int(self.round_id)
        if memo is None:
            return central_grid.central_grid(user, indicator_id, round_id)
        # Viewers of the same office share one load per change (the service authorizes that office).
        return memo.get(
            ("central_grid", user.role, user.bureau_id, indicator_id, round_id),
            lambda: central_grid.central_grid(user, indicator_id, round_id),
        )

    def _reload(self, user) -> None:
        watch(self, KPI_KEY if user.role == Role.KPI_OFFICE else bureau_key(user.bureau_id))
        self._load_menu(user)
        self._load_grid(user)

    def _live_refresh(self, change: Change, memo=None) -> None:
        """Someone changed a value or a status of the indicator and round this grid shows."""
        if not self.indicator_id or not self.round_id.isdigit() or change.round_id != int(self.round_id):
            return
        if change.indicator_id is not None and str(change.indicator_id) != self.indicator_id:
            return
        user = self._central_user()
        if user is None:
            return
        try:
            self._show_grid(self._grid(user, memo))
        except ServiceError:
            return

    async def _fresh_page(self, user) -> None:
        """A fresh grid, no errors, no pending import."""
        self.cell_errors = {}
        self.notice = ""
        imports = await self.get_state(CentralImportState)
        imports.import_message = ""
        imports._clear()
        try:
            self._reload(user)
        except ServiceError as error:
            self.notice, self.notice_ok = error.message, False

    async def _start_over(self, user):
        """After a change of indicator or round: a fresh page, and the chosen file dropped."""
        await self._fresh_page(user)
        return rx.set_value("central-file", "")

    # ------------------------------------------------------------ page events

    @rx.event
    @guarded(*CENTRAL_ROLES)
    async def load(self, user):
        await self._fresh_page(user)
        return None

    @rx.event
    @guarded(*CENTRAL_ROLES)
    async def change_indicator(self, user, indicator_id: str):
        self.indicator_id = str(indicator_id)[:12]
        return await self._start_over(user)

    @rx.event
    @guarded(*CENTRAL_ROLES)
    async def change_round(self, user, round_id: str):
        self.round_id = str(round_id)[:12] if str(round_id).isdigit() else ""
        return await self._start_over(user)

    @rx.event
    def set_filter(self, text: str):
        self.filter_text = str(text)[:100]
        self._apply_filter()

    @rx.event
    @guarded(*CENTRAL_ROLES)
    def save_cell(self, user, district_id: int, variable_id: int, element_id: str, text: str):
        """A cell was left (blur or Enter): store the central value through the service."""
        element_key = cell_key(element_id)
        try:
            outcome = central_grid.set_central_value(user, int(district_id), int(variable_id), int(self.round_id), text)
        except (ServiceError, ValueError, TypeError) as error:
            self.cell_errors = cell_errors_after(self.cell_errors, element_key, error_message(error))
            return None
        self.cell_errors = cell_errors_after(self.cell_errors, element_key, "" if outcome.ok else outcome.message)
        if outcome.changed:
            row = next((r for r in self._all_rows if r.district_id == int(district_id)), None)
            key = next((c.key for c in self.columns if element_key.endswith("-" + c.key)), "")
            where = f" {row.district_name} ข้อ {key}." if row and key else ""
            self.notice, self.notice_ok = f"บันทึกข้อมูลส่วนกลาง{where} แล้ว", True
            try:
                self._load_grid(user)
            except ServiceError as error:
                self.notice, self.notice_ok = error.message, False
        return None

    # ------------------------------------------------------------ import

    @rx.event
    @guarded(*CENTRAL_ROLES)
    async def preview_received(self, user, result: dict):
        """The answer of POST /api/central-import (window.krsPostFile): show what importing would do."""
        imports = await self.get_state(CentralImportState)
        imports._show(result, self.indicator_id, self.round_id)
        return None

    @rx.event
    @guarded(*CENTRAL_ROLES)
    async def apply_import(self, user):
        imports = await self.get_state(CentralImportState)
        if not imports._token:
            imports._refuse("กรุณาตรวจสอบไฟล์ก่อนนำเข้า")
            return None
        try:
            outcome = central_import_apply.apply_import(user, imports._token)
        except ServiceError as error:
            imports._refuse(error.message)
            return None
        imports._clear()
        imports.import_ok, imports.import_message = True, outcome.message
        self.cell_errors = {}
        try:
            self._load_grid(user)
        except ServiceError as error:
            self.notice, self.notice_ok = error.message, False
        return rx.set_value("central-file", "")

    @rx.event
    @guarded(*CENTRAL_ROLES)
    async def cancel_import(self, user):
        imports = await self.get_state(CentralImportState)
        imports._clear()
        imports.import_ok, imports.import_message = False, ""
        return rx.set_value("central-file", "")
