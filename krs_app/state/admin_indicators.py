"""The indicator catalogue tab of /admin: the year's list with the weights per round length, and
the editor (fields, variables, live preview, re-score confirmation). Thin: every rule is in
services.catalogue_editor / indicator_forms; the fields are held as the page typed them."""

from __future__ import annotations

import json

import reflex as rx

from krs_app.services import admin_forms, catalogue_editor, indicator_forms, offices
from krs_app.services.catalogue_editor import ConfirmationNeeded
from krs_app.services.errors import FieldError, ServiceError
from krs_app.state.admin import TAB_RELOADS, AdminState, kpi_only
from krs_app.state.feedback import error_message

MAX_VARIABLES = 30


SHOWN_FIELDS = {f"indicator-{name}" for name in admin_forms.INDICATOR_FIELDS} | {"variable-add", "indicator-save"}


def _shown(field: str) -> bool:
    """Whether the editor has a place for a message about this field (else it goes by บันทึก)."""
    if field in SHOWN_FIELDS:
        return True
    prefix, _, number = field.rpartition("-")
    return prefix.startswith("variable-") and prefix[9:] in admin_forms.VARIABLE_FIELDS and number.isdigit()


class AdminIndicatorsState(AdminState):
    rows: list[dict[str, str]] = []
    weights: list[dict[str, str]] = []
    bureaus: list[dict[str, str]] = []  # {"id", "label"}
    editor_open: bool = False
    editing_id: str = ""  # "" while a new indicator is being written
    fields: dict[str, str] = admin_forms.blank_indicator()
    variables: list[dict[str, str]] = []
    samples: dict[str, str] = {}
    preview_result: str = "-"
    preview_score: str = "-"
    curve: list[dict[str, float]] = []
    error: str = ""
    error_field: str = ""
    confirm_open: bool = False
    confirm_text: str = ""
    list_error: str = ""
    _saved: str = ""  # the fields last stored, so a second press of บันทึก changes nothing

    # ------------------------------------------------------------ helpers

    def _load(self, user) -> None:
        year = self._year()
        if year is None:
            self.rows, self.weights = [], []
            return
        view = catalogue_editor.list_catalogue(user, year)
        self.rows = [
            {
                "id": str(r.id),
                "code": r.code,
                "element": r.code.replace(".", "_"),
                "name": r.name,
                "bureau": r.bureau_short_name,
                "weight": r.weight,
                "rounds": r.rounds_assessed,
                "status": r.status,
                "active": "1" if r.active else "",
            }
            for r in view.rows
        ]
        self.weights = [{"months": str(w.months), "total": f"{w.total:g}", "warning": w.warning} for w in view.weights]
        self.bureaus = [
            {"id": str(b.id), "label": f"{b.short_name} {b.name}"}
            for b in offices.list_bureaus(user, include_inactive=False)
        ]

    def _form(self):
        return admin_forms.indicator_form(self.fields, self.variables)

    def _signature(self) -> str:
        return json.dumps([self.editing_id, self.fields, self.variables], sort_keys=True, ensure_ascii=False)

    def _refresh_preview(self) -> None:
        try:
            result = indicator_forms.preview(self._form(), self.samples)
        except ServiceError:
            self.preview_result, self.preview_score, self.curve = "-", "-", []
            return
        self.preview_result, self.preview_score = result.result_text, result.score_text
        self.curve = [{"result": p.result, "score": p.score} for p in result.curve]

    def _refuse(self, error: Exception) -> None:
        self.error = error_message(error)
        field = error.field if isinstance(error, FieldError) else ""
        self.error_field = field if _shown(field) else "indicator-save"

    def _edited(self, field: str) -> None:
        """The refusal at a field goes once that field is changed (the next บันทึก checks again)."""
        if self.error_field == field:
            self._clear_error()

    def _clear_error(self) -> None:
        self.error, self.error_field = "", ""

    def _store(self, user, confirmed: bool):
        self._clear_error()
        signature = self._signature()
        if signature == self._saved:
            return None  # pressed twice: already stored
        try:
            form = self._form()
            if self.editing_id:
                catalogue_editor.save_indicator(user, int(self.editing_id), form, confirmed=confirmed)
            else:
                year = self._year()
                if year is None:
                    raise FieldError("indicator-save", "กรุณาเลือกปีงบประมาณ")
                self.editing_id = str(catalogue_editor.create_indicator(user, year, form))
        except ConfirmationNeeded as needed:
            self.confirm_text, self.confirm_open = needed.message, True
            return None
        except ServiceError as error:
            self._refuse(error)
            return None
        self.confirm_open = False
        self._saved = self._signature()
        self._say(f"บันทึกตัวชี้วัด {self.fields.get('code', '')} แล้ว")
        self._load(user)
        return None

    # ------------------------------------------------------------ events

    @rx.event
    @kpi_only
    def reload(self, user):
        try:
            self.list_error = ""
            self._load(user)
        except ServiceError as error:
            self.list_error = error_message(error)

    @rx.event
    @kpi_only
    def new_indicator(self, user):
        self.editor_open, self.editing_id, self._saved = True, "", ""
        self.fields = admin_forms.blank_indicator()
        self.variables = [admin_forms.blank_variable(1)]
        self.samples = {}
        self._clear_error()
        self._refresh_preview()

    @rx.event
    @kpi_only
    def edit_indicator(self, user, indicator_id: str):
        try:
            form = catalogue_editor.indicator_form(user, int(indicator_id))
        except (ServiceError, ValueError) as error:
            self.list_error = error_message(error)
            return
        self.fields, self.variables = admin_forms.page_fields(form)
        self.editor_open, self.editing_id, self.samples = True, str(indicator_id), {}
        self._saved = self._signature()
        self._clear_error()
        self._refresh_preview()

    @rx.event
    @kpi_only
    def close_editor(self, user):
        self.editor_open, self.confirm_open = False, False
        self._clear_error()

    @rx.event
    @kpi_only
    def set_field(self, user, name: str, value: str):
        if name in admin_forms.INDICATOR_FIELDS:
            self.fields = {**self.fields, name: str(value)[:2000]}
            self._edited(f"indicator-{name}")
            self._refresh_preview()

    @rx.event
    @kpi_only
    def set_variable(self, user, index: int, name: str, value: str):
        if name in admin_forms.VARIABLE_FIELDS and name != "id" and 0 <= index < len(self.variables):
            rows = [dict(v) for v in self.variables]
            rows[index][name] = str(value)[:500]
            self.variables = rows
            self._edited(f"variable-{name}-{index + 1}")
            self._refresh_preview()

    @rx.event
    @kpi_only
    def add_variable(self, user):
        if len(self.variables) < MAX_VARIABLES:
            self.variables = [*self.variables, admin_forms.blank_variable(len(self.variables) + 1)]
            self._refresh_preview()

    @rx.event
    @kpi_only
    def remove_variable(self, user, index: int):
        if 0 <= index < len(self.variables):
            self.variables = [v for i, v in enumerate(self.variables) if i != index]
            self._refresh_preview()

    @rx.event
    @kpi_only
    def move_variable(self, user, index: int, step: int):
        other = index + (1 if step > 0 else -1)
        if 0 <= index < len(self.variables) and 0 <= other < len(self.variables):
            rows = list(self.variables)
            rows[index], rows[other] = rows[other], rows[index]
            self.variables = rows
            self._refresh_preview()

    @rx.event
    @kpi_only
    def set_sample(self, user, key: str, value: str):
        self.samples = {**self.samples, str(key)[:20]: str(value)[:40]}
        self._refresh_preview()

    @rx.event
    @kpi_only
    def save(self, user):
        return self._store(user, confirmed=False)

    @rx.event
    @kpi_only
    def confirm_save(self, user):
        return self._store(user, confirmed=True)

    @rx.event
    @kpi_only
    def cancel_confirm(self, user):
        self.confirm_open = False

    @rx.event
    @kpi_only
    def set_active(self, user, indicator_id: str, active: bool):
        try:
            catalogue_editor.set_active(user, int(indicator_id), bool(active))
            self._load(user)
        except (ServiceError, ValueError) as error:
            self.list_error = error_message(error)


TAB_RELOADS["indicators"] = AdminIndicatorsState.reload
