"""ขยายเวลา on the KPI office's tracking tab: the form, its answer beside it, the extensions in force."""

from __future__ import annotations

import reflex as rx

from krs_app.domain.roles import Role
from krs_app.services import extension_list, extensions
from krs_app.services.errors import FieldError, ServiceError
from krs_app.services.extension_list import DistrictChoice, ExtensionRow
from krs_app.services.extensions import ExtensionForm
from krs_app.services.views import IndicatorOption
from krs_app.state.session import SessionState, guarded
from krs_app.state.submit import form_request_id, new_request_id

__all__ = ["DistrictChoice", "ExtensionRow", "ExtensionState"]

_FIELDS = ("district", "indicator", "until", "reason")


class ExtensionState(SessionState):
    round_id: str = ""
    round_closed: bool = False
    scope: str = extensions.SCOPE_ONE
    districts: list[DistrictChoice] = []
    indicators: list[IndicatorOption] = []
    extensions: list[ExtensionRow] = []
    errors: dict[str, str] = {}  # field element id -> Thai message
    notice: str = ""
    notice_ok: bool = True
    request_id: str = ""
    busy: bool = False  # the button is busy while the extension runs

    @rx.var
    def needs_district(self) -> bool:
        return self.scope in (extensions.SCOPE_ONE, extensions.SCOPE_DISTRICT)

    @rx.var
    def needs_indicator(self) -> bool:
        return self.scope in (extensions.SCOPE_ONE, extensions.SCOPE_INDICATOR)

    def _reload(self, user) -> None:
        page = extension_list.extension_page(user, int(self.round_id) if self.round_id.isdigit() else None)
        self.round_id = str(page.round_id)
        self.round_closed = page.round_closed
        self.districts = page.districts
        self.indicators = page.indicators
        self.extensions = page.extensions
        self.request_id = new_request_id()

    @rx.event
    @guarded(Role.KPI_OFFICE, Role.BUREAU, Role.DISTRICT)  # /report serves every role; the form is the KPI office's
    def load(self, user):
        if not user.is_kpi_office:
            return None
        self.errors, self.notice = {}, ""
        self._reload(user)
        return None

    @rx.event
    @guarded(Role.KPI_OFFICE, Role.BUREAU, Role.DISTRICT)
    def change_round(self, user, round_id: str):
        if not user.is_kpi_office:
            return None
        self.round_id = str(round_id) if str(round_id).isdigit() else ""
        self.errors, self.notice = {}, ""
        self._reload(user)
        return None

    @rx.event
    def set_scope(self, scope: str):
        self.scope = scope if scope in extensions.SCOPES else extensions.SCOPE_ONE
        self.errors = {}

    @rx.event
    @guarded(Role.KPI_OFFICE)
    def submit(self, user, form_data: dict):
        """ขยายเวลา: the service checks, audits and runs it once per request id."""
        data = form_data if isinstance(form_data, dict) else {}
        form = ExtensionForm(self.scope, *(str(data.get(name, ""))[:300] for name in _FIELDS))
        self.errors, self.notice, self.busy = {}, "", True
        yield
        try:
            round_id = int(self.round_id) if self.round_id.isdigit() else None
            self.notice = extensions.extend(user, round_id, form, form_request_id(data))
            self.notice_ok = True
        except FieldError as error:
            self.errors, self.busy = {error.field: error.message}, False
            return
        except ServiceError as error:
            self.notice, self.notice_ok = error.message, False
        self._reload(user)
        self.busy = False

    @rx.event
    @guarded(Role.KPI_OFFICE)
    def revoke(self, user, grant: str, request_id: str = ""):
        """ยกเลิก one extension in force (once per click: services/idempotency.py)."""
        try:
            round_id = int(self.round_id) if self.round_id.isdigit() else None
            self.notice, self.notice_ok = extensions.revoke(user, round_id, str(grant), request_id), True
        except ServiceError as error:
            self.notice, self.notice_ok = error.message, False
        self._reload(user)
        return None
