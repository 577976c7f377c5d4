"""The indicator catalogue tab: the year's list with weights per round length, and the editor
(fields, variables, live preview with a small criteria chart, re-score confirmation)."""

from __future__ import annotations

import reflex as rx

from krs_app import styles
from krs_app.components.admin_form import field_error, labelled, select, text_input, var_select
from krs_app.components.admin_imports import catalogue_import_card
from krs_app.components.data_table import data_table
from krs_app.state.admin_indicators import AdminIndicatorsState as S

DIRECTIONS = [("higher", "ค่ามากยิ่งดี"), ("lower", "ค่าน้อยยิ่งดี")]
KINDS = [("percent", "ร้อยละ"), ("level", "ระดับความสำเร็จ"), ("value", "ค่า")]
VARIABLE_KINDS = [("count", "count (จำนวนนับ)"), ("flag", "flag (0/1)"), ("number", "number (ตัวเลข)")]
SOURCES = [("district", "district (สพท. กรอก)"), ("central", "central (ข้อมูลส่วนกลาง)")]


def _error_at(field_id) -> rx.Component:
    return field_error(S.error, S.error_field == field_id, "indicator-error")


def _field(label: str, name: str, placeholder: str = "", min_width: str = "10em") -> rx.Component:
    element = f"indicator-{name}"
    return labelled(
        label,
        text_input(element, S.fields[name], lambda v: S.set_field(name, v), placeholder),
        _error_at(element),
        min_width=min_width,
    )


def _weights() -> rx.Component:
    return rx.vstack(
        rx.foreach(
            S.weights,
            lambda w: rx.hstack(
                rx.text("น้ำหนักรวม รอบ ", w["months"], " เดือน: ", size="2"),
                rx.text(w["total"], weight="bold", size="2"),
                rx.cond(w["warning"] != "", rx.text(w["warning"], color=styles.TEXT_WARNING, size="2")),
                spacing="1",
                wrap="wrap",
            ),
        ),
        id="weights-total",
        spacing="1",
    )


def _row(row) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(row["code"], color=styles.BRAND_BLUE, weight="bold")),
        rx.table.cell(row["name"]),
        rx.table.cell(row["bureau"]),
        rx.table.cell(row["weight"]),
        rx.table.cell(row["rounds"]),
        rx.table.cell(row["status"]),
        rx.table.cell(
            rx.hstack(
                rx.button(
                    "แก้ไข", size="1", on_click=S.edit_indicator(row["id"]), id="indicator-edit-" + row["element"]
                ),
                rx.cond(
                    row["active"] != "",
                    rx.button(
                        "ไม่ใช้ในปีนี้",
                        size="1",
                        variant="soft",
                        color_scheme="gray",
                        on_click=S.set_active(row["id"], False),
                    ),
                    rx.button("ใช้งาน", size="1", variant="soft", on_click=S.set_active(row["id"], True)),
                ),
                spacing="1",
            )
        ),
        id="admin-indicator-" + row["element"],
    )


def indicator_list() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.button(rx.icon("plus", size=14), "เพิ่มตัวชี้วัด", id="indicator-new", on_click=S.new_indicator),
            _weights(),
            spacing="4",
            align="center",
            wrap="wrap",
        ),
        field_error(S.list_error, S.list_error != ""),
        data_table(
            ("รหัส", "ชื่อตัวชี้วัด", "สำนักเจ้าของ", "น้ำหนัก", "รอบที่ประเมิน", "สถานะ", ""),
            S.rows,
            _row,
            label="ตัวชี้วัดของปีงบประมาณ",
            element_id="admin-catalogue",
        ),
        width="100%",
        spacing="3",
    )


def _variable_row(variable, index) -> rx.Component:
    n = (index + 1).to_string()

    def control(name: str, width: str = "100%"):
        return text_input(
            "variable-" + name + "-" + n, variable[name], lambda v: S.set_variable(index, name, v), width=width
        )

    def choice(name: str, options):
        return select("variable-" + name + "-" + n, variable[name], lambda v: S.set_variable(index, name, v), options)

    def at(name: str):
        return field_error(S.error, S.error_field == "variable-" + name + "-" + n, "indicator-error")

    return rx.box(
        rx.flex(
            labelled("ตัวแปร", control("key", "4em"), at("key"), min_width="4em"),
            labelled("ชื่อตัวแปร", control("label"), at("label"), min_width="12em"),
            labelled("หน่วย / คำแนะนำ", control("unit"), at("unit")),
            labelled("ชนิด", choice("kind", VARIABLE_KINDS), at("kind"), min_width="8em"),
            labelled("แหล่งข้อมูล", choice("source", SOURCES), at("source"), min_width="8em"),
            labelled("รอบที่ต้องกรอก (เดือน)", control("months"), at("months"), min_width="8em"),
            labelled("ต่ำสุด", control("min", "5em"), at("min"), min_width="5em"),
            labelled("สูงสุด", control("max", "5em"), at("max"), min_width="5em"),
            labelled("เป็นส่วนหนึ่งของ", control("whole", "4em"), at("whole"), min_width="5em"),
            rx.hstack(
                rx.icon_button(
                    rx.icon("arrow-up", size=14),
                    size="1",
                    variant="soft",
                    on_click=S.move_variable(index, -1),
                    aria_label="เลื่อนขึ้น",
                ),
                rx.icon_button(
                    rx.icon("arrow-down", size=14),
                    size="1",
                    variant="soft",
                    on_click=S.move_variable(index, 1),
                    aria_label="เลื่อนลง",
                ),
                rx.icon_button(
                    rx.icon("trash-2", size=14),
                    size="1",
                    color_scheme="red",
                    variant="soft",
                    on_click=S.remove_variable(index),
                    aria_label="ลบตัวแปร",
                    id="variable-remove-" + n,
                ),
                align="end",
                spacing="1",
            ),
            spacing="2",
            wrap="wrap",
            align="end",
        ),
        id="variable-row-" + n,
        padding="0.5em",
        border_bottom="1px solid #e5e7eb",
        width="100%",
    )


def _preview() -> rx.Component:
    return rx.vstack(
        rx.text("ทดลองคำนวณ", weight="bold", size="3"),
        rx.flex(
            rx.foreach(
                S.variables,
                lambda v: labelled(
                    "ค่า " + v["key"],
                    text_input(
                        "preview-" + v["key"],
                        S.samples.get(v["key"], ""),
                        lambda x: S.set_sample(v["key"], x),
                        width="7em",
                    ),
                    min_width="6em",
                ),
            ),
            spacing="2",
            wrap="wrap",
        ),
        rx.hstack(
            rx.text("ผลการดำเนินงาน:", size="2"),
            rx.text(S.preview_result, id="indicator-preview-result", weight="bold", size="2"),
            rx.text("คะแนน:", size="2"),
            rx.text(S.preview_score, id="indicator-preview-score", weight="bold", size="3", color=styles.BRAND_BLUE),
            spacing="2",
            align="center",
        ),
        rx.box(
            rx.recharts.line_chart(
                rx.recharts.line(data_key="score", stroke=styles.BRAND_BLUE, type_="linear", is_animation_active=False),
                rx.recharts.x_axis(data_key="result", type_="number", domain=["dataMin", "dataMax"]),
                rx.recharts.y_axis(domain=[1, 5], ticks=[1, 2, 3, 4, 5], interval=0, width=30),
                rx.recharts.cartesian_grid(stroke_dasharray="3 3"),
                rx.recharts.graphing_tooltip(),
                data=S.curve,
                width="100%",
                height=180,
            ),
            id="indicator-criteria-chart",
            width="100%",
            max_width="420px",
        ),
        spacing="2",
        width="100%",
    )


def _confirm_dialog() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title("ยืนยันการแก้ไขตัวชี้วัด"),
            rx.alert_dialog.description(S.confirm_text, id="indicator-confirm-text"),
            rx.hstack(
                rx.button("ยกเลิก", variant="soft", color_scheme="gray", on_click=S.cancel_confirm),
                rx.button("ยืนยันและคำนวณคะแนนใหม่", id="indicator-confirm", on_click=S.confirm_save),
                justify="end",
                spacing="2",
                margin_top="1em",
            ),
        ),
        open=S.confirm_open,
    )


def indicator_editor() -> rx.Component:
    return rx.cond(
        S.editor_open,
        rx.card(
            rx.vstack(
                rx.hstack(
                    rx.text(rx.cond(S.editing_id == "", "ตัวชี้วัดใหม่", "แก้ไขตัวชี้วัด"), weight="bold", size="4"),
                    rx.spacer(),
                    rx.button("ปิด", variant="soft", color_scheme="gray", size="1", on_click=S.close_editor),
                    width="100%",
                ),
                rx.flex(
                    _field("รหัส", "code", "เช่น 11.2", "6em"),
                    rx.box(_field("ชื่อตัวชี้วัด", "name"), flex="3", min_width="16em"),
                    labelled(
                        "สำนักเจ้าของ",
                        var_select(
                            "indicator-bureau", S.fields["bureau"], lambda v: S.set_field("bureau", v), S.bureaus
                        ),
                        _error_at("indicator-bureau"),
                    ),
                    _field("น้ำหนัก", "weight", "", "6em"),
                    spacing="3",
                    wrap="wrap",
                    width="100%",
                ),
                rx.flex(
                    labelled(
                        "ทิศทาง",
                        select(
                            "indicator-direction",
                            S.fields["direction"],
                            lambda v: S.set_field("direction", v),
                            DIRECTIONS,
                        ),
                        _error_at("indicator-direction"),
                    ),
                    labelled(
                        "ประเภท",
                        select("indicator-kind", S.fields["kind"], lambda v: S.set_field("kind", v), KINDS),
                        _error_at("indicator-kind"),
                    ),
                    rx.box(_field("สูตรคำนวณ", "formula", "เช่น (a / b) * 100"), flex="3", min_width="16em"),
                    spacing="3",
                    wrap="wrap",
                    width="100%",
                ),
                rx.flex(
                    *[_field(f"เกณฑ์ระดับ {i}", f"t{i}", "", "5em") for i in range(1, 6)],
                    spacing="3",
                    wrap="wrap",
                    width="100%",
                ),
                rx.text("ตัวแปร", weight="bold", size="3"),
                rx.foreach(S.variables, _variable_row),
                rx.button(
                    rx.icon("plus", size=14),
                    "เพิ่มตัวแปร",
                    id="variable-add",
                    variant="soft",
                    size="1",
                    on_click=S.add_variable,
                ),
                _error_at("variable-add"),
                _preview(),
                rx.hstack(
                    rx.button("บันทึก", id="indicator-save", on_click=S.save),
                    _error_at("indicator-save"),
                    align="center",
                    spacing="3",
                ),
                _confirm_dialog(),
                spacing="3",
                width="100%",
            ),
            width="100%",
        ),
        rx.fragment(),
    )


def indicators_tab() -> rx.Component:
    return rx.vstack(indicator_editor(), indicator_list(), catalogue_import_card(), width="100%", spacing="4")
