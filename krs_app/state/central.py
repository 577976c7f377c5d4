"""The bureau's central-data page (ข้อมูลส่วนกลาง): the grid of central values of one indicator
for every district, and importing a file (preview through the HTTP route, then apply).

Every handler asks the services again with the logged-in user; the ids the browser sends
(district, variable, the import token) are only arguments the services authorize.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import reflex as rx

from krs_app.live.bus import Change
from krs_app.live.registry import KPI_KEY, bureau_key
from krs_app.services import central_grid, central_import_apply, central_menu
from krs_app.services.central_menu import IndicatorOption
from krs_app.services.errors import ServiceError
from krs_app.services.round_options import RoundOption
from krs_app.state.feedback import cell_errors_after, cell_key, error_message
from krs_app.state.live import watch
from krs_app.state.session import SessionState

CENTRAL_ROLES = ("bureau", "kpi_office")
MAX_SHOWN_ITEMS = 5000  # preview lines kept for display (the service caps a file at 5,000 rows)


@dataclass
class GridCell:
    variable_id: int
    key: str
    value_text: str
    element_id: str  # central-{district code}-{variable key}


@dataclass
class GridRow:
    district_id: int
    district_code: str
    district_name: str
    level_label: str
    status: str
    status_label: str
    editable: bool
    lock_reason: str
    cells: list[GridCell] = field(default_factory=list)


@dataclass
class GridColumn:
    key: str
    label: str
    unit: str


@dataclass
class PreviewChange:
    line: int
    district_code: str
    district_name: str
    summary: str  # "a: 10 → 12; b: - → 20"


@dataclass
class PreviewRefusal:
    line: int
    district_code: str
    reason: str


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


def _text(value: object, limit: int = 300) -> str:
    return ("" if value is None else str(value))[:limit]


def _int(value: object) -> int:
    try:
        return int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0


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
    template_url: str = ""
    # the import preview
    preview_shown: bool = False
    preview_filename: str = ""
    preview_message: str = ""
    preview_changes: list[PreviewChange] = []
    preview_refused: list[PreviewRefusal] = []
    preview_problems: list[str] = []
    preview_value_count: int = 0
    import_message: str = ""
    import_ok: bool = False
    _token: str = ""
    _all_rows: list[GridRow] = []

    # ------------------------------------------------------------ helpers

    def _central_user(self):
        user = self._user()
        self._show_user(user)
        if user is None or user.role not in CENTRAL_ROLES:
            return None
        return user

    def _apply_filter(self) -> None:
        needle = self.filter_text.strip().lower()
        if not needle:
            self.rows = list(self._all_rows)
            return
        self.rows = [
            row for row in self._all_rows if needle in row.district_code.lower() or needle in row.district_name.lower()
        ]

    def _clear_preview(self) -> None:
        self._token = ""
        self.preview_shown = False
        self.preview_filename = ""
        self.preview_message = ""
        self.preview_changes = []
        self.preview_refused = []
        self.preview_problems = []
        self.preview_value_count = 0

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
        query = f"indicator={grid.indicator_id}&round={grid.round_id}"
        self.import_url = f"/api/central-import?{query}"
        self.template_url = f"/api/central-template?{query}"
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
        watch(self, KPI_KEY if user.role == "kpi_office" else bureau_key(user.bureau_id))
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

    def _fresh_page(self, user) -> None:
        """A fresh grid, no errors, no pending import."""
        self.cell_errors = {}
        self.notice = ""
        self.import_message = ""
        self._clear_preview()
        try:
            self._reload(user)
        except ServiceError as error:
            self.notice, self.notice_ok = error.message, False

    def _start_over(self, user):
        """After a change of indicator or round: a fresh page, and the chosen file dropped."""
        self._fresh_page(user)
        return rx.set_value("central-file", "")

    # ------------------------------------------------------------ page events

    @rx.event
    def load(self):
        user = self._central_user()
        if user is None:
            return self._away()
        self._fresh_page(user)
        return None

    @rx.event
    def change_indicator(self, indicator_id: str):
        user = self._central_user()
        if user is None:
            return self._away()
        self.indicator_id = str(indicator_id)[:12]
        return self._start_over(user)

    @rx.event
    def change_round(self, round_id: str):
        user = self._central_user()
        if user is None:
            return self._away()
        self.round_id = str(round_id)[:12] if str(round_id).isdigit() else ""
        return self._start_over(user)

    @rx.event
    def set_filter(self, text: str):
        self.filter_text = str(text)[:100]
        self._apply_filter()

    @rx.event
    def save_cell(self, district_id: int, variable_id: int, element_id: str, text: str):
        """A cell was left (blur or Enter): store the central value through the service."""
        user = self._central_user()
        if user is None:
            return self._away()
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
    def preview_received(self, result: dict):
        """The answer of POST /api/central-import (window.krsPostFile): show what importing would do.

        The token is signed by the server for this user; apply_import checks it again, so
        nothing the browser changes here can write anything the preview did not allow.
        """
        user = self._central_user()
        if user is None:
            return self._away()
        self._clear_preview()
        result = result if isinstance(result, dict) else {}
        if not result.get("ok") or not isinstance(result.get("token"), str):
            self.import_ok = False
            self.import_message = _text(result.get("message")) or "ตรวจสอบไฟล์ไม่สำเร็จ"
            return None
        if str(result.get("indicator_id")) != self.indicator_id or str(result.get("round_id")) != self.round_id:
            self.import_ok = False
            self.import_message = "ไฟล์ที่ตรวจสอบเป็นของตัวชี้วัดหรือรอบอื่น กรุณาตรวจสอบไฟล์อีกครั้ง"
            return None
        changes = result.get("changes") if isinstance(result.get("changes"), list) else []
        refused = result.get("refused") if isinstance(result.get("refused"), list) else []
        problems = result.get("problems") if isinstance(result.get("problems"), list) else []
        self.preview_changes = [
            PreviewChange(
                line=_int(item.get("line")),
                district_code=_text(item.get("district_code"), 30),
                district_name=_text(item.get("district_name"), 200),
                summary=_text(item.get("summary"), 500),
            )
            for item in changes[:MAX_SHOWN_ITEMS]
            if isinstance(item, dict)
        ]
        self.preview_refused = [
            PreviewRefusal(
                line=_int(item.get("line")),
                district_code=_text(item.get("district_code"), 30),
                reason=_text(item.get("reason"), 300),
            )
            for item in refused[:MAX_SHOWN_ITEMS]
            if isinstance(item, dict)
        ]
        self.preview_problems = [_text(p) for p in problems[:100]]
        self.preview_value_count = _int(result.get("value_count"))
        self.preview_filename = _text(result.get("filename"), 200)
        self.preview_message = _text(result.get("message"))
        self.preview_shown = True
        self.import_message = ""
        self._token = result["token"][:4_000_000]
        return None

    @rx.event
    def apply_import(self):
        user = self._central_user()
        if user is None:
            return self._away()
        if not self._token:
            self.import_ok, self.import_message = False, "กรุณาตรวจสอบไฟล์ก่อนนำเข้า"
            return None
        try:
            outcome = central_import_apply.apply_import(user, self._token)
        except ServiceError as error:
            self.import_ok, self.import_message = False, error.message
            return None
        self._clear_preview()
        self.import_ok, self.import_message = True, outcome.message
        self.cell_errors = {}
        try:
            self._load_grid(user)
        except ServiceError as error:
            self.notice, self.notice_ok = error.message, False
        return rx.set_value("central-file", "")

    @rx.event
    def cancel_import(self):
        user = self._central_user()
        if user is None:
            return self._away()
        self._clear_preview()
        self.import_ok, self.import_message = False, ""
        return rx.set_value("central-file", "")
