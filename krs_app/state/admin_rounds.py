"""The fiscal years and rounds tab of /admin: create a year, copy a year's catalogue into the
shown year, add / edit / close / delete its rounds. Dates typed the Thai way (31/3/2569).
Thin: services.fiscal_years and catalogue_workbook.copy_catalogue hold the rules."""

from __future__ import annotations

import reflex as rx

from krs_app.services import admin_forms, catalogue_workbook, fiscal_years
from krs_app.services.errors import FieldError, ServiceError
from krs_app.state.admin import TAB_RELOADS, AdminState, kpi_only
from krs_app.state.feedback import error_message

ROUND_FIELDS = ("months", "label", "opens", "district_deadline", "certification_deadline")
SHOWN = {"year-be", "copy-target", "round-months", "round-label", "round-opens", "round-district-deadline",
         "round-certification-deadline"}  # fmt: skip


class AdminRoundsState(AdminState):
    rounds: list[dict[str, str]] = []
    new_year_be: str = ""
    copy_from: str = ""
    form_open: bool = False
    editing_round: str = ""  # "" while a new round is being added
    form: dict[str, str] = dict.fromkeys(ROUND_FIELDS, "")
    error: str = ""
    error_field: str = ""
    closing_id: str = ""  # the round the closing confirmation asks about ("" no dialog)
    closing_label: str = ""
    _done: str = ""  # the last form stored, so a second press changes nothing

    def _load(self, user) -> None:
        year = self._year()
        rows = fiscal_years.list_rounds(user, year) if year is not None else []
        self.rounds = [
            {
                "id": str(r.id),
                "number": str(r.number),
                "months": str(r.months),
                "label": r.label,
                "opens": r.opens_text,
                "district_deadline": r.district_deadline_text,
                "certification_deadline": r.certification_deadline_text,
                "state": "ปิดแล้ว" if r.closed else ("รอบปัจจุบัน" if r.is_current else "เปิดอยู่"),
                "closed": "1" if r.closed else "",
                "current": "1" if r.is_current else "",
                "deletable": "" if r.has_values else "1",
                "opens_input": admin_forms.date_input(r.opens_at),
                "district_input": admin_forms.date_input(r.district_deadline),
                "certification_input": admin_forms.date_input(r.certification_deadline),
            }
            for r in rows
        ]

    def _refuse(self, error: Exception, default: str) -> None:
        field = error.field if isinstance(error, FieldError) else ""
        self.error, self.error_field = error_message(error), field if field in SHOWN else default

    @rx.event
    @kpi_only
    def reload(self, user):
        try:
            self._load(user)
        except ServiceError as error:
            self._refuse(error, "round-save")

    @rx.event
    @kpi_only
    def set_new_year(self, user, value: str):
        self.new_year_be = str(value)[:8]

    @rx.event
    @kpi_only
    def create_year(self, user):
        self.error, self.error_field = "", ""
        text = self.new_year_be.strip()
        try:
            if not text.isdigit():
                raise FieldError("year-be", "ปีงบประมาณ: กรอกเป็นปี พ.ศ. 4 หลัก เช่น 2570")
            if text in {y["label"][-4:] for y in self.years}:
                self.year_id = next(y["id"] for y in self.years if y["label"].endswith(text))  # pressed twice
            else:
                self.year_id = str(fiscal_years.create_year(user, int(text)).id)
        except ServiceError as error:
            self._refuse(error, "year-be")
            return None
        self.new_year_be = ""
        self._load_years(user)
        self._load(user)
        self._say(f"ปีงบประมาณ {text} พร้อมแล้ว")
        return TAB_RELOADS["indicators"]

    @rx.event
    @kpi_only
    def set_copy_from(self, user, value: str):
        self.copy_from = str(value)[:12]

    @rx.event
    @kpi_only
    def copy_catalogue(self, user):
        self.error, self.error_field = "", ""
        try:
            if not self.copy_from.isdigit() or self._year() is None:
                raise FieldError("copy-target", "กรุณาเลือกปีที่จะคัดลอกตัวชี้วัดมา")
            count = catalogue_workbook.copy_catalogue(user, int(self.copy_from), self._year())
        except ServiceError as error:
            self._refuse(error, "copy-target")
            return None
        self._say(f"คัดลอกตัวชี้วัด {count} ตัวเข้าปีงบประมาณ {self.year_be} แล้ว")
        return TAB_RELOADS["indicators"]

    @rx.event
    @kpi_only
    def new_round(self, user):
        self.form_open, self.editing_round, self._done = True, "", ""
        self.form = {**dict.fromkeys(ROUND_FIELDS, ""), "months": "6"}
        self.error, self.error_field = "", ""

    @rx.event
    @kpi_only
    def edit_round(self, user, round_id: str):
        row = next((r for r in self.rounds if r["id"] == str(round_id)), None)
        if row is None:
            return
        self.form_open, self.editing_round, self._done = True, row["id"], ""
        self.form = {
            "months": row["months"],
            "label": row["label"],
            "opens": row["opens_input"],
            "district_deadline": row["district_input"],
            "certification_deadline": row["certification_input"],
        }
        self.error, self.error_field = "", ""

    @rx.event
    @kpi_only
    def close_form(self, user):
        self.form_open = False

    @rx.event
    @kpi_only
    def set_form(self, user, name: str, value: str):
        if name in ROUND_FIELDS:
            self.form = {**self.form, name: str(value)[:120]}

    @rx.event
    @kpi_only
    def save_round(self, user):
        self.error, self.error_field = "", ""
        signature = repr((self.editing_round, sorted(self.form.items())))
        if not self.form_open or signature == self._done:
            return
        f = self.form
        try:
            opens = admin_forms.typed_date(f["opens"], "round-opens", "วันเปิดรอบ")
            district = admin_forms.typed_date(f["district_deadline"], "round-district-deadline", "กำหนดส่งของ สพท.")
            certification = admin_forms.typed_date(
                f["certification_deadline"], "round-certification-deadline", "กำหนดรับรองผล"
            )
            if self.editing_round:
                fiscal_years.edit_round(user, int(self.editing_round), label=f["label"], opens=opens,
                                        district_deadline=district, certification_deadline=certification)  # fmt: skip
            else:
                year = self._year()
                if year is None:
                    raise FieldError("round-months", "กรุณาสร้างหรือเลือกปีงบประมาณก่อน")
                months = int(f["months"]) if f["months"].isdigit() else 0
                fiscal_years.add_round(user, year, months, opens, district, certification, f["label"] or None)
        except ServiceError as error:
            self._refuse(error, "round-save")
            return
        self._done, self.form_open = signature, False
        self._say("บันทึกรอบการรายงานแล้ว")
        self._load(user)

    @rx.event
    @kpi_only
    def ask_close(self, user, round_id: str):
        """ปิดรอบ opens the confirmation (what closing does); only its ยืนยัน closes."""
        row = next((r for r in self.rounds if r["id"] == str(round_id) and not r["closed"]), None)
        self.closing_id, self.closing_label = (row["id"], row["label"]) if row else ("", "")

    @rx.event
    @kpi_only
    def cancel_close(self, user):
        self.closing_id, self.closing_label = "", ""

    @rx.event
    @kpi_only
    def close_round(self, user, round_id: str):
        self.closing_id, self.closing_label = "", ""
        try:
            report = fiscal_years.close_round(user, int(round_id))
        except (ServiceError, ValueError) as error:
            self._say(error_message(error), False)
            return
        self._say(f"ปิด{report.round_label}แล้ว" if not report.already_closed else f"{report.round_label} ปิดไปแล้ว")
        self._load(user)

    @rx.event
    @kpi_only
    def delete_round(self, user, round_id: str):
        try:
            fiscal_years.delete_round(user, int(round_id))
        except (ServiceError, ValueError) as error:
            self._say(error_message(error), False)
            return
        self._say("ลบรอบการรายงานแล้ว")
        self._load(user)


TAB_RELOADS["rounds"] = AdminRoundsState.reload
