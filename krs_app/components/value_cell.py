"""One variable's cell on the entry page: white input, central data, or not required."""

from __future__ import annotations

import reflex as rx

from krs_app import styles
from krs_app.components.number_cell import number_cell
from krs_app.domain.indicators import NOT_ASSESSED_LABEL
from krs_app.services.views import RowState, VariableText
from krs_app.state.entry import EntryState


def _input(live: RowState, variable: VariableText, value_text: rx.Var[str]) -> rx.Component:
    error = EntryState.cell_errors[variable.element_id]
    return rx.vstack(
        number_cell(
            variable.element_id,
            value_text,
            editable=live.editable,
            lock_reason=live.lock_reason,
            label=variable.label,
            error=error,
            on_blur=lambda value: EntryState.save_cell(variable.id, variable.element_id, value),
        ),
        rx.cond(
            error,
            rx.text(error, color=styles.TEXT_ERROR, size="1", id="error-" + variable.element_id, role="alert"),
        ),
        rx.cond(
            EntryState.saved_cells.contains(variable.element_id),
            rx.text(
                rx.icon("check", size=12),
                "บันทึกแล้ว",
                size="1",
                color=styles.TEXT_SUCCESS,
                id=variable.element_id.replace("value-", "saved-"),
                role="status",
                style={"display": "inline-flex", "alignItems": "center", "gap": "0.2em"},
            ),
        ),
        spacing="1",
        align="end",
    )


def value_cell(live: RowState, variable: VariableText, value_text: rx.Var[str]) -> rx.Component:
    """The cell; `value_text` is its value as shown, from the row state (RowState.values)."""
    return rx.match(
        variable.mode,
        ("input", _input(live, variable, value_text)),
        (
            "central",
            rx.hstack(
                rx.text("ใช้ข้อมูลส่วนกลาง", size="2", color=styles.BRAND_BLUE),
                rx.text(value_text, size="2", weight="bold", id=variable.element_id, class_name="krs-num"),
                spacing="2",
                justify="end",
            ),
        ),
        rx.text(NOT_ASSESSED_LABEL, size="2", color=styles.TEXT_MUTED, id=variable.element_id),
    )
