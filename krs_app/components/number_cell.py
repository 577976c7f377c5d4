"""A number input that saves when it is left (blur), Enter included: the entry page's and the
central-data grid's cells."""

from __future__ import annotations

import reflex as rx

# Enter leaves the cell, which saves it like leaving it with the mouse or Tab.
_BLUR_ON_ENTER = rx.Var("((event) => { if (event.key === 'Enter') { event.target.blur(); } })")

SAVE_HINT = "กรอกแล้วกด Enter หรือออกจากช่องเพื่อบันทึก"


def number_cell(
    element_id: rx.Var,
    value_text: rx.Var,
    *,
    editable: rx.Var,
    lock_reason: rx.Var,
    label: rx.Var,
    error: rx.Var,
    on_blur,
    input_mode: str = "decimal",
    style: dict | None = None,
) -> rx.Component:
    """The input itself (the caller shows `error` next to it as it likes).

    Keyed by id and value, so a value reloaded from the server replaces what the input shows;
    read-only with `lock_reason` as its title when not `editable`; `on_blur` gets the typed text.
    """
    return rx.el.input(
        id=element_id,
        key=element_id + "|" + value_text,
        default_value=value_text,
        input_mode=input_mode,
        auto_complete="off",
        read_only=~editable,
        title=rx.cond(editable, SAVE_HINT, lock_reason),
        aria_label=label,
        on_blur=on_blur,
        custom_attrs={"onKeyDown": _BLUR_ON_ENTER, "aria-invalid": rx.cond(error, "true", "false")},
        class_name=rx.cond(editable, "krs-cell", "krs-cell krs-cell-locked"),
        **({"style": style} if style else {}),
    )
