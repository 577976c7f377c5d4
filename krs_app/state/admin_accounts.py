"""The accounts tab of /admin: the searchable list, creating an account (its one-time password
shown once), unlock, deactivate / reactivate, reset. Thin: services.accounts holds every rule."""

from __future__ import annotations

import reflex as rx

from krs_app.services import accounts
from krs_app.services.errors import FieldError, ServiceError
from krs_app.state.admin import TAB_RELOADS, AdminState, kpi_only
from krs_app.state.feedback import error_message

FIELD_IDS = {"username": "account-username", "role": "account-role", "office": "account-office",
             "display_name": "account-display-name"}  # fmt: skip


class AdminAccountsState(AdminState):
    rows: list[dict[str, str]] = []
    total: int = 0
    page: int = 1
    page_count: int = 1
    search: str = ""
    role_filter: str = ""
    status_filter: str = ""
    form_open: bool = False
    username: str = ""
    display_name: str = ""
    role: str = "district"
    office: str = ""
    office_choices: list[dict[str, str]] = []
    error: str = ""
    error_field: str = ""
    onetime_username: str = ""
    onetime_password: str = ""  # shown once, then forgotten (next action on the tab)
    row_error: str = ""

    def _load(self, user) -> None:
        result = accounts.list_accounts(user, self.search, self.role_filter, "", self.status_filter, self.page)
        self.page, self.page_count, self.total = result.page, result.page_count, result.total
        self.rows = [
            {
                "username": r.username,
                "display_name": r.display_name,
                "role": r.role_label,
                "office": r.office_name,
                "status": r.status_label,
                "locked": "1" if r.locked else "",
                "active": "1" if r.active else "",
                "last_login": r.last_login_text,
                "must_change": "ต้องเปลี่ยนรหัสผ่าน" if r.must_change_password else "",
            }
            for r in result.rows
        ]

    def _load_offices(self, user) -> None:
        self.office_choices = [{"id": o.key, "label": o.label} for o in accounts.office_options(user, self.role)]
        if self.office not in {o["id"] for o in self.office_choices}:
            self.office = self.office_choices[0]["id"] if len(self.office_choices) == 1 else ""

    def _forget_password(self) -> None:
        self.onetime_username, self.onetime_password = "", ""

    def _show_password(self, result: accounts.AccountWithPassword) -> None:
        self.onetime_username, self.onetime_password = result.one_time.username, result.one_time.password

    @rx.event
    @kpi_only
    def reload(self, user):
        self._forget_password()
        try:
            self._load(user)
        except ServiceError as error:
            self.row_error = error_message(error)

    @rx.event
    @kpi_only
    def set_search(self, user, value: str):
        self.search, self.page = str(value)[:100], 1
        self._load(user)

    @rx.event
    @kpi_only
    def set_role_filter(self, user, value: str):
        self.role_filter, self.page = str(value)[:20], 1
        self._load(user)

    @rx.event
    @kpi_only
    def set_status_filter(self, user, value: str):
        self.status_filter, self.page = str(value)[:20], 1
        self._load(user)

    @rx.event
    @kpi_only
    def go_page(self, user, page: int):
        self.page = max(1, min(int(page), self.page_count))
        self._load(user)

    @rx.event
    @kpi_only
    def new_account(self, user):
        self._forget_password()
        self.form_open, self.username, self.display_name, self.error, self.error_field = True, "", "", "", ""
        self._load_offices(user)

    @rx.event
    @kpi_only
    def close_form(self, user):
        self.form_open = False

    @rx.event
    @kpi_only
    def set_form(self, user, name: str, value: str):
        if name == "username":
            self.username = str(value)[:100]
        elif name == "display_name":
            self.display_name = str(value)[:200]
        elif name == "office":
            self.office = str(value)[:80]
        elif name == "role":
            self.role = str(value)[:20]
            self._load_offices(user)

    @rx.event
    @kpi_only
    def save(self, user):
        if not self.form_open:
            return  # pressed twice: the account was made and the form closed
        self.error, self.error_field = "", ""
        try:
            result = accounts.create_account(user, self.username, self.role, self.office, self.display_name)
        except ServiceError as error:
            self.error = error_message(error)
            self.error_field = FIELD_IDS.get(getattr(error, "field", ""), "account-save") if isinstance(
                error, FieldError) else "account-save"  # fmt: skip
            return
        self.form_open = False
        self._show_password(result)
        self._say(f"สร้างบัญชี {result.account.username} แล้ว")
        self._load(user)

    def _act(self, user, action, username: str, done: str):
        self._forget_password()
        self.row_error = ""
        try:
            result = action(user, str(username))
        except ServiceError as error:
            self.row_error = f"{username}: {error_message(error)}"
            return
        if isinstance(result, accounts.AccountWithPassword):
            self._show_password(result)
        self._say(done.format(username=username))
        self._load(user)

    @rx.event
    @kpi_only
    def unlock(self, user, username: str):
        self._act(user, accounts.unlock_account, username, "ปลดล็อกบัญชี {username} แล้ว")

    @rx.event
    @kpi_only
    def deactivate(self, user, username: str):
        self._act(user, lambda u, n: accounts.set_account_active(u, n, False), username, "ปิดการใช้งานบัญชี {username} แล้ว")

    @rx.event
    @kpi_only
    def reactivate(self, user, username: str):
        self._act(user, lambda u, n: accounts.set_account_active(u, n, True), username, "เปิดใช้งานบัญชี {username} แล้ว")

    @rx.event
    @kpi_only
    def reset_password(self, user, username: str):
        self._act(user, accounts.reset_password, username, "ตั้งรหัสผ่านใหม่ให้ {username} แล้ว")


TAB_RELOADS["accounts"] = AdminAccountsState.reload
