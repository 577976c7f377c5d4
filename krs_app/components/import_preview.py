"""The preview of a checked import file before ยืนยันนำเข้า (central data on /central, the /admin
imports): its summary and name, the rows that will change and the refused rows with their reasons
(each a table, or a Thai line when there is none), then ยืนยันนำเข้า / ยกเลิก."""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx

from krs_app import styles


def import_preview(message, filename, *checked: rx.Component, element_id: str, message_id: str, filename_id=None):
    """The panel: the summary (`message`), "ไฟล์: filename", then `checked` (the lists, the buttons)."""
    return rx.vstack(
        rx.callout(message, icon="file-check", size="1", color_scheme="blue", id=message_id),
        rx.text("ไฟล์: " + filename, size="2", color=styles.TEXT_LABEL, id=filename_id),
        *checked,
        width="100%",
        spacing="2",
        id=element_id,
    )


def boxed_table(headers: tuple[str, ...], rows, make_row: Callable, element_id: str) -> rx.Component:
    """A plain table of `rows` under `headers`, scrolling sideways in its own box when too wide."""
    return rx.box(
        rx.el.table(
            rx.el.thead(rx.el.tr(*[rx.el.th(h) for h in headers])),
            rx.el.tbody(rx.foreach(rows, make_row)),
            class_name="krs-table",
            id=element_id,
        ),
        overflow_x="auto",
        width="100%",
    )


def refused_row(line, code, reason) -> rx.Component:
    """A refused row of the file: its line, its code and why (in the error colour)."""
    return rx.el.tr(rx.el.td(line), rx.el.td(rx.el.code(code)), rx.el.td(reason, style={"color": styles.TEXT_ERROR}))


def changes_list(title: str, headers: tuple[str, ...], rows, make_row: Callable, element_id: str, empty: str):
    """What the import will change (`element_id` on the table, or on the `empty` line)."""
    return rx.fragment(
        rx.text(title, weight="bold", size="2"),
        rx.cond(
            rows.length() > 0,
            boxed_table(headers, rows, make_row, element_id),
            rx.text(empty, size="2", color=styles.TEXT_MUTED, id=element_id),
        ),
    )


def refused_list(title: str, headers: tuple[str, ...], rows, make_row: Callable, element_id: str):
    """The rows the check refused, with their reasons (nothing when there is none)."""
    return rx.cond(
        rows.length() > 0,
        rx.vstack(
            rx.text(title, weight="bold", size="2", color=styles.TEXT_ERROR),
            boxed_table(headers, rows, make_row, element_id),
            width="100%",
            spacing="1",
        ),
    )


def preview_actions(apply_id: str, on_apply, cancel_id: str, on_cancel, *, loading, disabled) -> rx.Component:
    """ยืนยันนำเข้า (with its `loading` / `disabled` vars) and ยกเลิก."""
    return rx.hstack(
        rx.button(
            rx.icon("check", size=14), "ยืนยันนำเข้า", id=apply_id, on_click=on_apply, loading=loading, disabled=disabled
        ),
        rx.button("ยกเลิก", id=cancel_id, variant="soft", color_scheme="gray", on_click=on_cancel),
        spacing="2",
    )
