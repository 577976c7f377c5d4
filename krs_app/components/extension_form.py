"""ขยายเวลาแก้ไขให้ สพท. (the KPI office's lock exceptions): the form with its answer beside it,
and the list of extensions in force. State: state/extensions.py; use-case: services/extensions.py."""

from __future__ import annotations

import reflex as rx

from krs_app import styles
from krs_app.components.request_field import request_field
from krs_app.services.extensions import SCOPES
from krs_app.state.extensions import ExtensionRow, ExtensionState

DISTRICT_LIST = "extend-district-list"


def _field(label: str, element_id: str, control: rx.Component, min_width: str = "12em") -> rx.Component:
    """A labelled field with the Thai refusal at it."""
    error = ExtensionState.errors[element_id]
    return rx.vstack(
        rx.el.label(label, html_for=element_id, style={"fontSize": "0.85em", "color": styles.TEXT_LABEL}),
        control,
        rx.cond(
            error,
            rx.text(error, id=element_id + "-error", color=styles.TEXT_ERROR, size="1", role="alert"),
        ),
        spacing="1",
        flex="1",
        min_width=min_width,
    )


def _input(element_id: str, name: str, placeholder: str = "", **props) -> rx.Component:
    return rx.el.input(
        id=element_id,
        name=name,
        placeholder=placeholder,
        class_name="krs-select",
        auto_complete="off",
        style={"width": "100%"},
        custom_attrs={"aria-invalid": rx.cond(ExtensionState.errors[element_id], "true", "false")},
        **props,
    )


def _form() -> rx.Component:
    return rx.form(
        request_field(ExtensionState.request_id),
        rx.flex(
            _field(
                "ขอบเขต",
                "extend-scope",
                rx.el.select(
                    *[rx.el.option(label, value=value) for value, label in SCOPES.items()],
                    id="extend-scope",
                    value=ExtensionState.scope,
                    on_change=ExtensionState.set_scope,
                    class_name="krs-select",
                    style={"width": "100%"},
                ),
                min_width="17em",
            ),
            rx.cond(
                ExtensionState.needs_district,
                _field(
                    "สพท. (พิมพ์ชื่อหรือรหัส แล้วเลือกจากรายการ)",
                    "extend-district",
                    rx.fragment(
                        _input("extend-district", "district", "เช่น มัธยมศึกษา เขต 7 หรือ spm07", list=DISTRICT_LIST),
                        rx.el.datalist(
                            rx.foreach(ExtensionState.districts, lambda d: rx.el.option(d.short_name, value=d.value)),
                            id=DISTRICT_LIST,
                        ),
                    ),
                    min_width="16em",
                ),
            ),
            rx.cond(
                ExtensionState.needs_indicator,
                _field(
                    "ตัวชี้วัด",
                    "extend-indicator",
                    rx.el.select(
                        rx.el.option("— เลือกตัวชี้วัด —", value=""),
                        rx.foreach(ExtensionState.indicators, lambda o: rx.el.option(o.label, value=o.id)),
                        id="extend-indicator",
                        name="indicator",
                        class_name="krs-select",
                        style={"width": "100%", "maxWidth": "22em"},
                    ),
                ),
            ),
            _field("ขยายถึงวันที่ (วว/ดด/ปปปป พ.ศ.)", "extend-until", _input("extend-until", "until", "เช่น 31/3/2569")),
            _field("เหตุผล", "extend-reason", _input("extend-reason", "reason", "เช่น ระบบขัดข้อง")),
            rx.button(
                "ขยายเวลา",
                type="submit",
                size="2",
                id="extend-submit",
                loading=ExtensionState.busy,
                disabled=ExtensionState.round_closed,
                align_self="end",
            ),
            spacing="3",
            align="start",
            wrap="wrap",
        ),
        on_submit=ExtensionState.submit,
        reset_on_submit=False,
        width="100%",
    )


def _row(row: ExtensionRow) -> rx.Component:
    return rx.el.tr(
        rx.el.td(row.district),
        rx.el.td(row.indicator),
        rx.el.td(row.until_text),
        rx.el.td(row.count, class_name="krs-num"),
        rx.el.td(row.by),
        rx.el.td(row.at_text),
        rx.el.td(
            rx.button(
                "ยกเลิก",
                size="1",
                variant="soft",
                color_scheme="gray",
                id="extension-revoke-" + row.key,
                aria_label="ยกเลิกการขยายเวลา " + row.district + " " + row.indicator,
                on_click=ExtensionState.revoke(row.key, ExtensionState.request_id),
                disabled=ExtensionState.round_closed,
            )
        ),
        id="extension-" + row.key,
    )


def _in_force() -> rx.Component:
    return rx.cond(
        ExtensionState.extensions.length() > 0,
        rx.box(
            rx.el.table(
                rx.el.caption("การขยายเวลาที่มีผลอยู่", style={"textAlign": "left", "fontWeight": "600"}),
                rx.el.thead(
                    rx.el.tr(
                        rx.el.th("สพท."),
                        rx.el.th("ตัวชี้วัด"),
                        rx.el.th("ขยายเวลาถึง"),
                        rx.el.th("จำนวนผล"),
                        rx.el.th("ผู้ขยาย"),
                        rx.el.th("เมื่อ"),
                        rx.el.th("ยกเลิก"),
                    )
                ),
                rx.el.tbody(rx.foreach(ExtensionState.extensions, _row)),
                class_name="krs-table",
                id="extension-list",
            ),
            width="100%",
            overflow_x="auto",
            background="white",
        ),
        rx.text("ยังไม่มีการขยายเวลาที่มีผลอยู่ในรอบนี้", size="2", color=styles.TEXT_MUTED, id="extension-list-empty"),
    )


def extension_panel() -> rx.Component:
    return rx.vstack(
        rx.heading("ขยายเวลาแก้ไขให้ สพท. (ข้อยกเว้น)", size="3", as_="h2"),
        rx.text(
            "ให้ สพท. แก้ไขข้อมูลได้ถึงวันที่กำหนด (หลังกำหนดเดิม และไม่เกินวันสิ้นสุดการรับรองผลของรอบ) ผลที่รับรองแล้วยังคงล็อก",
            size="1",
            color=styles.TEXT_MUTED,
        ),
        _form(),
        rx.cond(
            ExtensionState.notice,
            rx.callout(
                ExtensionState.notice,
                size="1",
                id="extend-notice",
                role="status",
                color_scheme=rx.cond(ExtensionState.notice_ok, "green", "red"),
                width="100%",
            ),
        ),
        _in_force(),
        width="100%",
        spacing="2",
        padding="0.75em",
        border="1px solid #e5e7eb",
        border_radius="6px",
        background="white",
        id="extension-panel",
    )
