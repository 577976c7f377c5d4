"""The audit log tab of /admin: filters (office, indicator, user, action, Thai date range),
newest first, paged, and the CSV of what the filter shows. Thin: services.audit_log."""

from __future__ import annotations

import reflex as rx

from krs_app.services import accounts, admin_forms, audit_log
from krs_app.services.errors import FieldError, ServiceError
from krs_app.state.admin import TAB_RELOADS, AdminState, kpi_only
from krs_app.state.feedback import error_message

FILTERS = ("office", "indicator", "username", "action", "date_from", "date_to")


class AdminAuditState(AdminState):
    rows: list[dict[str, str]] = []
    total: int = 0
    page: int = 1
    page_count: int = 1
    filters: dict[str, str] = dict.fromkeys(FILTERS, "")
    user_options: list[dict[str, str]] = []
    indicator_options: list[dict[str, str]] = []
    action_options: list[dict[str, str]] = []
    office_options: list[dict[str, str]] = []
    error: str = ""
    error_field: str = ""

    def _filter(self) -> audit_log.AuditFilter:
        f = self.filters
        return audit_log.AuditFilter(
            office=f["office"],
            indicator=f["indicator"],
            username=f["username"],
            action=f["action"],
            date_from=admin_forms.optional_date(f["date_from"], "audit-filter-from", "ตั้งแต่วันที่"),
            date_to=admin_forms.optional_date(f["date_to"], "audit-filter-to", "ถึงวันที่"),
        )

    def _load(self, user) -> None:
        self.error, self.error_field = "", ""
        try:
            result = audit_log.audit_page(user, self._filter(), self.page)
        except FieldError as error:
            self.error, self.error_field = error_message(error), error.field
            return
        self.page, self.page_count, self.total = result.page, result.page_count, result.total
        self.rows = [
            {"id": str(r.id), "at": r.at_text, "who": r.who, "office": r.who_office, "action": r.action_label,
             "district": r.district, "indicator": r.indicator, "round": r.round_label, "change": r.change_text}
            for r in result.rows
        ]  # fmt: skip

    @rx.event
    @kpi_only
    def reload(self, user):
        try:
            users, indicators, actions = audit_log.filter_options(user)
            self.user_options = [{"id": o.value, "label": o.label} for o in users]
            self.indicator_options = [{"id": o.value, "label": o.label} for o in indicators]
            self.action_options = [{"id": o.value, "label": o.label} for o in actions]
            self.office_options = [{"id": o.key, "label": o.label} for o in accounts.office_options(user)]
            self._load(user)
        except ServiceError as error:
            self.error, self.error_field = error_message(error), "audit-table"

    @rx.event
    @kpi_only
    def set_filter(self, user, name: str, value: str):
        if name in FILTERS:
            self.filters = {**self.filters, name: str(value)[:100]}
            self.page = 1
            self._load(user)

    @rx.event
    @kpi_only
    def go_page(self, user, page: int):
        self.page = max(1, min(int(page), self.page_count))
        self._load(user)

    @rx.event
    @kpi_only
    def download_csv(self, user):
        try:
            body = audit_log.audit_csv(user, self._filter())
        except ServiceError as error:
            self.error = error_message(error)
            self.error_field = error.field if isinstance(error, FieldError) else "audit-csv"
            return None
        return rx.download(data=body, filename="audit-log.csv", mime_type="text/csv")


TAB_RELOADS["audit"] = AdminAuditState.reload
