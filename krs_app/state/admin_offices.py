"""The offices tab of /admin: districts and bureaus listed, created, edited, deactivated.
Thin: services.offices holds every rule (codes never change once made)."""

from __future__ import annotations

import reflex as rx

from krs_app.services import offices
from krs_app.services.errors import FieldError, ServiceError
from krs_app.state.admin import TAB_RELOADS, AdminState, kpi_only
from krs_app.state.feedback import error_message

FORM_FIELDS = ("code", "name", "short_name", "level", "province")


class AdminOfficesState(AdminState):
    districts: list[dict[str, str]] = []
    bureaus: list[dict[str, str]] = []
    search: str = ""
    form_kind: str = ""  # "" closed | district | bureau
    editing_code: str = ""  # "" while a new office is written
    form: dict[str, str] = dict.fromkeys(FORM_FIELDS, "")
    error: str = ""
    error_field: str = ""
    row_error: str = ""

    def _load(self, user) -> None:
        self.districts = [
            {"code": d.code, "name": d.name, "short_name": d.short_name, "level": d.level, "level_label": d.level_label,
             "province": d.province, "active": "1" if d.active else "", "status": "ใช้งาน" if d.active else "ปิดการใช้งาน"}
            for d in offices.list_districts(user, self.search)
        ]  # fmt: skip
        self.bureaus = [
            {"code": b.code, "name": b.name, "short_name": b.short_name, "active": "1" if b.active else "",
             "status": "ใช้งาน" if b.active else "ปิดการใช้งาน", "accounts": str(b.accounts)}
            for b in offices.list_bureaus(user, self.search)
        ]  # fmt: skip

    @rx.event
    @kpi_only
    def reload(self, user):
        try:
            self._load(user)
        except ServiceError as error:
            self.row_error = error_message(error)

    @rx.event
    @kpi_only
    def set_search(self, user, value: str):
        self.search = str(value)[:100]
        self._load(user)

    @rx.event
    @kpi_only
    def open_form(self, user, kind: str, code: str = ""):
        if kind not in ("district", "bureau"):
            return
        rows = self.districts if kind == "district" else self.bureaus
        row = next((r for r in rows if r["code"] == code), None)
        self.form_kind, self.editing_code = kind, row["code"] if row else ""
        self.form = {f: (row.get(f, "") if row else "") for f in FORM_FIELDS}
        if not row:
            self.form["level"] = "primary"
        self.error, self.error_field = "", ""

    @rx.event
    @kpi_only
    def close_form(self, user):
        self.form_kind = ""

    @rx.event
    @kpi_only
    def set_form(self, user, name: str, value: str):
        if name in FORM_FIELDS:
            self.form = {**self.form, name: str(value)[:200]}

    @rx.event
    @kpi_only
    def save(self, user):
        if not self.form_kind:
            return  # pressed twice: saved and closed
        f, self.error, self.error_field = self.form, "", ""
        try:
            if self.form_kind == "district":
                if self.editing_code:
                    offices.update_district(
                        user, self.editing_code, f["name"], f["short_name"], f["level"], f["province"]
                    )
                else:
                    offices.create_district(user, f["code"], f["name"], f["short_name"], f["level"], f["province"])
            elif self.editing_code:
                offices.update_bureau(user, self.editing_code, f["name"], f["short_name"])
            else:
                offices.create_bureau(user, f["code"], f["name"], f["short_name"])
        except ServiceError as error:
            self.error = error_message(error)
            field = error.field if isinstance(error, FieldError) else ""
            self.error_field = f"office-form-{field.replace('_', '-')}" if field in FORM_FIELDS else "office-save"
            return
        self.form_kind = ""
        self._say(f"บันทึกหน่วยงาน {f['code'] or self.editing_code} แล้ว")
        self._load(user)

    @rx.event
    @kpi_only
    def set_active(self, user, kind: str, code: str, active: bool):
        self.row_error = ""
        try:
            if kind == "district":
                offices.set_district_active(user, code, bool(active))
            else:
                offices.set_bureau_active(user, code, bool(active))
        except ServiceError as error:
            self.row_error = f"{code}: {error_message(error)}"
            return
        self._load(user)


TAB_RELOADS["offices"] = AdminOfficesState.reload
