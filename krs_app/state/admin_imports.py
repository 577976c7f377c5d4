"""The file imports of /admin (catalogue workbook, accounts, districts, bureaus): the preview the
server answered for an upload (POST /api/admin/import/<kind>, window.krsPostFile), ยืนยันนำเข้า
(once per preview: a request id), and the one-time passwords of imported accounts, shown once.

A sibling of AdminState under SessionState, like the central page's CentralImportState: a
preview of up to 5,000 lines and its token are loaded only by these events, never by the
tabs' own. Every event is the KPI office's only; the services check the token again.
"""

from __future__ import annotations

import reflex as rx

from krs_app.services import admin_imports, idempotency
from krs_app.services.account_import import credentials_csv
from krs_app.services.accounts import OneTimePassword
from krs_app.services.admin_imports import ImportLine, ImportRefusal
from krs_app.services.errors import ServiceError
from krs_app.state.admin import ON_TAB_CHANGE, TAB_RELOADS, AdminState, kpi_only
from krs_app.state.feedback import answer_int, answer_text, error_message
from krs_app.state.session import SessionState
from krs_app.state.submit import new_request_id

MAX_SHOWN_ITEMS = 5000
MAX_TOKEN_CHARS = 4_000_000
INPUTS = {f"admin-file-{kind}": kind for kind in admin_imports.KINDS}  # the file input of each import
TAB_OF = {"catalogue": "indicators", "accounts": "accounts", "districts": "offices", "bureaus": "offices"}
WRONG_YEAR = "ไฟล์ที่ตรวจสอบเป็นของปีงบประมาณอื่น กรุณาตรวจสอบไฟล์อีกครั้ง"
NO_PREVIEW = "ยังไม่ได้ตรวจสอบไฟล์ หรือไฟล์นี้นำเข้าไม่ได้"


def _items(result: dict, name: str) -> list[dict]:
    value = result.get(name)
    return [item for item in value[:MAX_SHOWN_ITEMS] if isinstance(item, dict)] if isinstance(value, list) else []


class AdminImportState(SessionState):
    kind: str = ""  # whose preview is shown: "" none | catalogue | accounts | districts | bureaus
    filename: str = ""
    preview_message: str = ""
    changes: list[ImportLine] = []
    refused: list[ImportRefusal] = []
    can_apply: bool = False
    request_id: str = ""  # the shown preview's ยืนยันนำเข้า (state/submit.py)
    busy: bool = False
    field_kind: str = ""  # the upload field the message belongs to
    field_message: str = ""
    field_ok: bool = False
    passwords: list[dict[str, str]] = []  # {"username", "password"} of the accounts just imported: shown once
    _token: str = ""
    _applied: str = ""  # the request id last applied (a doubled click finds the preview gone)

    def _clear(self) -> None:
        self._token, self.kind, self.filename, self.preview_message = "", "", "", ""
        self.changes, self.refused, self.can_apply = [], [], False

    def _say(self, kind: str, message: str, ok: bool) -> None:
        self.field_kind, self.field_message, self.field_ok = kind, message, ok

    def _show(self, kind: str, result: dict) -> None:
        self.changes = [
            ImportLine(answer_int(i.get("line")), answer_text(i.get("code"), 80), answer_text(i.get("name"), 200), answer_text(i.get("summary"), 600))
            for i in _items(result, "changes")
        ]  # fmt: skip
        self.refused = [
            ImportRefusal(answer_int(i.get("line")), answer_text(i.get("code"), 80), answer_text(i.get("reason"), 400))
            for i in _items(result, "refused")
        ]
        token = result.get("token") if isinstance(result.get("token"), str) else ""
        self._token = token[:MAX_TOKEN_CHARS]
        self.kind, self.filename = kind, answer_text(result.get("filename"), 200)
        self.preview_message = answer_text(result.get("message"), 400)
        self.can_apply = bool(result.get("can_apply")) and bool(self._token) and not self.refused
        self.request_id = new_request_id()

    @rx.event
    @kpi_only
    async def preview_received(self, user, result: dict):
        """The server's answer for an upload: its preview, or the Thai refusal at that field."""
        result = result if isinstance(result, dict) else {}
        kind = INPUTS.get(answer_text(result.get("input"), 40), "")
        if not kind:
            return
        self._clear()
        self.passwords = []
        if not result.get("ok"):
            self._say(kind, answer_text(result.get("message")) or "ตรวจสอบไฟล์ไม่สำเร็จ", False)
            return
        if result.get("kind") != kind:
            self._say(kind, "คำตอบของเครื่องแม่ข่ายไม่ตรงกับไฟล์ที่ส่ง กรุณาลองใหม่", False)
            return
        if kind == "catalogue":
            admin = await self.get_state(AdminState)
            if str(result.get("year_id")) != admin.year_id:
                self._say(kind, WRONG_YEAR, False)
                return
        self._say("", "", False)
        self._show(kind, result)

    @rx.event
    @kpi_only
    async def apply(self, user, request_id: str = ""):
        """ยืนยันนำเข้า: all of the shown preview in one transaction, once (a doubled click is harmless)."""
        kind, token = self.kind, self._token
        if not token or kind not in TAB_OF:
            if request_id and request_id == self._applied:
                return  # pressed twice: applied, its answer is on screen
            self._say(kind or self.field_kind, NO_PREVIEW, False)
            return
        self.busy = True
        yield
        created: list[OneTimePassword] = []

        def run() -> str:
            outcome = admin_imports.apply_import(user, kind, token)
            created.extend(outcome.passwords)
            return outcome.message  # the remembered answer: never the passwords

        try:
            message = idempotency.once(user, request_id, f"admin_import_{kind}", run)
        except ServiceError as error:
            self.busy = False
            self._say(kind, error_message(error), False)
            return
        self.busy = False
        self._applied = str(request_id)[:100]
        self._clear()
        self._say(kind, str(message), True)
        self.passwords = [{"username": p.username, "password": p.password} for p in created]
        yield TAB_RELOADS[TAB_OF[kind]]

    @rx.event
    @kpi_only
    def cancel(self, user):
        kind = self.kind
        self._clear()
        self._say(kind, "", False)

    @rx.event
    @kpi_only
    def download_passwords(self, user):
        """The one-time passwords on screen as a CSV for the KPI office to hand out (built in the browser)."""
        if not self.passwords:
            return None
        rows = [OneTimePassword(p["username"], p["password"]) for p in self.passwords]
        return rx.download(data=credentials_csv(rows), filename="รหัสผ่านใช้ครั้งเดียว.csv")

    @rx.event
    @kpi_only
    def forget_passwords(self, user):
        self.passwords = []

    @rx.event
    @kpi_only
    def tab_changed(self, user):
        """Another tab or year shown: the pending preview, its message and the one-time passwords go."""
        self._clear()
        self._say("", "", False)
        self.passwords = []


ON_TAB_CHANGE.append(AdminImportState.tab_changed)
