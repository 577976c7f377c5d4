"""One variable's cell on the entry page: white input, central data, or not required."""

from __future__ import annotations

import reflex as rx

from krs_app.services.views import IndicatorRow, VariableRow
from krs_app.state.entry import EntryState

# Enter leaves the cell, which saves it like leaving it with the mouse or Tab.
_BLUR_ON_ENTER = rx.Var("((event) => { if (event.key === 'Enter') { event.target.blur(); } })")


def _input(row: IndicatorRow, variable: VariableRow) -> rx.Component:
    error = EntryState.cell_errors[variable.element_id]
    return rx.vstack(
        rx.el.input(
            id=variable.element_id,
            key=variable.element_id + "|" + variable.value_text,
            default_value=variable.value_text,
            input_mode="decimal",
            auto_complete="off",
            read_only=~row.editable,
            title=rx.cond(row.editable, "กรอกแล้วกด Enter หรือออกจากช่องเพื่อบันทึก", row.lock_reason),
            aria_label=variable.label,
            on_blur=lambda value: EntryState.save_cell(variable.id, variable.element_id, value),
            custom_attrs={"onKeyDown": _BLUR_ON_ENTER, "aria-invalid": rx.cond(error, "true", "false")},
            class_name=rx.cond(row.editable, "krs-cell", "krs-cell krs-cell-locked"),
        ),
        rx.cond(
            error,
            rx.text(error, color="#b91c1c", size="1", id="error-" + variable.element_id, role="alert"),
        ),
        spacing="1",
        align="end",
    )


def value_cell(row: IndicatorRow, variable: VariableRow) -> rx.Component:
    return rx.match(
        variable.mode,
        ("input", _input(row, variable)),
        (
            "central",
            rx.hstack(
                rx.text("ใช้ข้อมูลส่วนกลาง", size="2", color="#1f4e8c"),
                rx.text(variable.value_text, size="2", weight="bold", id=variable.element_id, class_name="krs-num"),
                spacing="2",
                justify="end",
            ),
        ),
        rx.text("ยังไม่ต้องรายงานในรอบนี้", size="2", color="#6b7280", id=variable.element_id),
    )
