"""The offices tab: districts (code, name, short name, primary/secondary, province) and bureaus
(code, name, short name) listed, created, edited and deactivated."""

from __future__ import annotations

import reflex as rx

from krs_app.components.admin_form import field_error, labelled, select, text_input
from krs_app.components.admin_imports import office_import_cards
from krs_app.components.data_table import data_table
from krs_app.state.admin_offices import AdminOfficesState as S

LEVELS = [("primary", "สพป. (ประถมศึกษา)"), ("secondary", "สพม. (มัธยมศึกษา)")]


def _error_at(element_id: str) -> rx.Component:
    return field_error(S.error, S.error_field == element_id, element_id + "-error")


def _input(label: str, name: str, **props) -> rx.Component:
    element = "office-form-" + name.replace("_", "-")
    return labelled(
        label, text_input(element, S.form[name], lambda v: S.set_form(name, v), **props), _error_at(element)
    )


def _form() -> rx.Component:
    return rx.cond(
        S.form_kind != "",
        rx.card(
            rx.vstack(
                rx.text(rx.cond(S.form_kind == "district", "สพท.", "สำนัก"), weight="bold", size="4"),
                rx.flex(
                    rx.cond(S.editing_code == "", _input("รหัส", "code"), rx.text("รหัส ", S.editing_code)),
                    _input("ชื่อ", "name"),
                    _input("ชื่อย่อ", "short_name"),
                    rx.cond(
                        S.form_kind == "district",
                        rx.flex(
                            labelled(
                                "ระดับ",
                                select("office-form-level", S.form["level"], lambda v: S.set_form("level", v), LEVELS),
                                _error_at("office-form-level"),
                            ),
                            _input("จังหวัด", "province"),
                            spacing="3",
                            wrap="wrap",
                        ),
                    ),
                    spacing="3",
                    wrap="wrap",
                    width="100%",
                ),
                rx.hstack(
                    rx.button("บันทึก", id="office-save", on_click=S.save),
                    rx.button("ยกเลิก", variant="soft", color_scheme="gray", on_click=S.close_form),
                    _error_at("office-save"),
                    spacing="2",
                    align="center",
                ),
                spacing="3",
                width="100%",
            ),
            width="100%",
        ),
    )


def _active_button(kind: str, row) -> rx.Component:
    return rx.cond(
        row["active"] != "",
        rx.button(
            "ปิดการใช้งาน", size="1", variant="soft", color_scheme="red", on_click=S.set_active(kind, row["code"], False)
        ),
        rx.button("เปิดใช้งาน", size="1", variant="soft", on_click=S.set_active(kind, row["code"], True)),
    )


def _office_row(kind: str, keys: tuple[str, ...], row) -> rx.Component:
    """One district or bureau: its `keys` cells, then แก้ไข and (de)activate."""
    return rx.table.row(
        *[rx.table.cell(row[k]) for k in keys],
        rx.table.cell(
            rx.hstack(
                rx.button("แก้ไข", size="1", on_click=S.open_form(kind, row["code"])),
                _active_button(kind, row),
                spacing="1",
            )
        ),
        id=f"admin-{kind}-" + row["code"],
    )


def _district(row) -> rx.Component:
    return _office_row("district", ("code", "name", "short_name", "level_label", "province", "status"), row)


def _bureau(row) -> rx.Component:
    return _office_row("bureau", ("code", "name", "short_name", "accounts", "status"), row)


def offices_tab() -> rx.Component:
    return rx.vstack(
        rx.flex(
            text_input("office-search", S.search, S.set_search, "ค้นหารหัสหรือชื่อหน่วยงาน", width="16em"),
            rx.button(rx.icon("plus", size=14), "เพิ่ม สพท.", id="district-new", on_click=S.open_form("district", "")),
            rx.button(rx.icon("plus", size=14), "เพิ่มสำนัก", id="bureau-new", on_click=S.open_form("bureau", "")),
            spacing="2",
            wrap="wrap",
            align="center",
        ),
        _form(),
        office_import_cards(),
        field_error(S.row_error, S.row_error != "", "office-error"),
        rx.text("สำนัก", weight="bold", size="4"),
        data_table(
            ("รหัส", "ชื่อ", "ชื่อย่อ", "บัญชีที่ใช้งาน", "สถานะ", ""),
            S.bureaus,
            _bureau,
            label="สำนัก",
            element_id="admin-bureaus",
        ),
        rx.text("สำนักงานเขตพื้นที่การศึกษา (สพท.)", weight="bold", size="4"),
        data_table(
            ("รหัส", "ชื่อ", "ชื่อย่อ", "ระดับ", "จังหวัด", "สถานะ", ""),
            S.districts,
            _district,
            label="เขตพื้นที่การศึกษา",
            element_id="admin-districts",
        ),
        width="100%",
        spacing="3",
    )
