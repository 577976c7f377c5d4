"""The fiscal years and rounds tab: create a year, copy a catalogue into it, its rounds (which is
current, Thai dates), add / edit (move deadlines) / close / delete a round."""

from __future__ import annotations

import reflex as rx

from krs_app import styles
from krs_app.components.admin_form import field_error, labelled, select, text_input, var_select
from krs_app.components.data_table import data_table
from krs_app.state.admin_rounds import AdminRoundsState as S

MONTHS = [("3", "3 เดือน"), ("6", "6 เดือน"), ("9", "9 เดือน"), ("12", "12 เดือน")]
DATE_HINT = "วัน/เดือน/ปี พ.ศ. เช่น 31/3/2569"


def _error_at(element_id: str) -> rx.Component:
    return field_error(S.error, S.error_field == element_id, element_id + "-error")


def _year_tools() -> rx.Component:
    return rx.flex(
        labelled(
            "สร้างปีงบประมาณ (พ.ศ.)",
            rx.hstack(
                text_input("year-be", S.new_year_be, S.set_new_year, "เช่น 2570", width="7em"),
                rx.button("สร้างปี", id="year-create", on_click=S.create_year, size="2"),
            ),
            _error_at("year-be"),
        ),
        labelled(
            "คัดลอกตัวชี้วัดจากปี (เข้าปีที่เลือกอยู่)",
            rx.hstack(
                var_select("copy-from", S.copy_from, S.set_copy_from, S.years),
                rx.button("คัดลอก", id="copy-catalogue", on_click=S.copy_catalogue, size="2", variant="soft"),
            ),
            _error_at("copy-target"),
            min_width="16em",
        ),
        spacing="4",
        wrap="wrap",
        width="100%",
    )


def _date(label: str, name: str, element_id: str) -> rx.Component:
    return labelled(label, text_input(element_id, S.form[name], lambda v: S.set_form(name, v), DATE_HINT),
                    _error_at(element_id))  # fmt: skip


def _form() -> rx.Component:
    return rx.cond(
        S.form_open,
        rx.card(
            rx.vstack(
                rx.text(rx.cond(S.editing_round == "", "เพิ่มรอบการรายงาน", "แก้ไขรอบการรายงาน"), weight="bold", size="4"),
                rx.flex(
                    rx.cond(
                        S.editing_round == "",
                        labelled(
                            "รอบ",
                            select("round-months", S.form["months"], lambda v: S.set_form("months", v), MONTHS),
                            _error_at("round-months"),
                            min_width="7em",
                        ),
                    ),
                    labelled(
                        "ชื่อรอบ (เว้นว่างให้ระบบตั้งให้)",
                        text_input("round-label", S.form["label"], lambda v: S.set_form("label", v)),
                        _error_at("round-label"),
                        min_width="16em",
                    ),
                    _date("วันเปิดรอบ", "opens", "round-opens"),
                    _date("กำหนดส่งของ สพท.", "district_deadline", "round-district-deadline"),
                    _date("กำหนดรับรองผล", "certification_deadline", "round-certification-deadline"),
                    spacing="3",
                    wrap="wrap",
                    width="100%",
                ),
                rx.hstack(
                    rx.button("บันทึกรอบ", id="round-save", on_click=S.save_round),
                    rx.button("ยกเลิก", variant="soft", color_scheme="gray", on_click=S.close_form),
                    _error_at("round-save"),
                    spacing="2",
                    align="center",
                ),
                spacing="3",
                width="100%",
            ),
            width="100%",
        ),
    )


def _row(row) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row["label"]),
        rx.table.cell(row["opens"]),
        rx.table.cell(row["district_deadline"]),
        rx.table.cell(row["certification_deadline"]),
        rx.table.cell(
            rx.text(
                row["state"],
                weight=rx.cond(row["current"] != "", "bold", "regular"),
                color=rx.cond(row["closed"] != "", styles.TEXT_MUTED, styles.TEXT_SUCCESS),
            )
        ),
        rx.table.cell(
            rx.cond(
                row["closed"] == "",
                rx.hstack(
                    rx.button(
                        "แก้ไข / เลื่อนกำหนด", size="1", on_click=S.edit_round(row["id"]), id="round-edit-" + row["number"]
                    ),
                    rx.button(
                        "ปิดรอบ",
                        size="1",
                        variant="soft",
                        color_scheme="red",
                        on_click=S.ask_close(row["id"]),
                        id="round-close-" + row["number"],
                    ),
                    rx.cond(
                        row["deletable"] != "",
                        rx.button(
                            "ลบ", size="1", variant="soft", color_scheme="gray", on_click=S.delete_round(row["id"])
                        ),
                    ),
                    spacing="1",
                    wrap="wrap",
                ),
            )
        ),
        id="admin-round-" + row["number"],
    )


CLOSING_EFFECTS = (
    "ผลที่ยังไม่รายงานจะถูกกำหนดคะแนนเป็น 1.00000 ทันที",
    "ผลที่ไม่รับรองและไม่ได้แก้ไขภายในกำหนดคงคะแนน 1.00000",
    "หลังปิดรอบ สพท. และสำนักจะบันทึกค่า แนบไฟล์ ส่งข้อความ หรือรับรองผลในรอบนี้ไม่ได้อีก",
    "การปิดรอบย้อนกลับไม่ได้",
)


def _close_dialog() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title("ยืนยันการปิดรอบ: ", S.closing_label),
            rx.alert_dialog.description(
                rx.vstack(
                    rx.text("เมื่อปิดรอบ:"),
                    rx.el.ul(
                        *[rx.el.li(t) for t in CLOSING_EFFECTS], style={"paddingLeft": "1.2em", "listStyleType": "disc"}
                    ),
                    spacing="1",
                ),
                id="round-close-text",
            ),
            rx.hstack(
                rx.button(
                    "ยกเลิก", id="round-close-cancel", variant="soft", color_scheme="gray", on_click=S.cancel_close
                ),
                rx.button(
                    "ยืนยันปิดรอบ", id="round-close-confirm", color_scheme="red", on_click=S.close_round(S.closing_id)
                ),
                justify="end",
                spacing="2",
                margin_top="1em",
            ),
        ),
        open=S.closing_id != "",
    )


def rounds_tab() -> rx.Component:
    return rx.vstack(
        _close_dialog(),
        _year_tools(),
        rx.hstack(
            rx.text("รอบการรายงานของปีงบประมาณ ", S.year_be, weight="bold", size="4"),
            rx.button(rx.icon("plus", size=14), "เพิ่มรอบ", id="round-new", on_click=S.new_round, size="2"),
            align="center",
            spacing="3",
        ),
        _form(),
        data_table(
            ("รอบ", "วันเปิดรอบ", "กำหนดส่งของ สพท.", "กำหนดรับรองผล", "สถานะ", ""),
            S.rounds,
            _row,
            label="รอบการรายงาน",
            element_id="admin-rounds",
        ),
        width="100%",
        spacing="3",
    )
