"""The accounts tab: search by role / status, the list (active/locked, last login), creating an
account with its one-time password shown once, unlock, deactivate / reactivate, reset."""

from __future__ import annotations

import reflex as rx

from krs_app import styles
from krs_app.components.admin_form import field_error, labelled, select, text_input, var_select
from krs_app.components.admin_imports import account_import_card
from krs_app.components.data_table import data_table, pager
from krs_app.state.admin_accounts import AdminAccountsState as S

ROLES = [("district", "สพท."), ("bureau", "สำนัก"), ("kpi_office", "กพร.")]
STATUSES = [("", "ทุกสถานะ"), ("active", "ใช้งาน"), ("locked", "ถูกล็อก"), ("inactive", "ปิดการใช้งาน"),
            ("must_change", "ต้องเปลี่ยนรหัสผ่าน")]  # fmt: skip


def _error_at(element_id: str) -> rx.Component:
    return field_error(S.error, S.error_field == element_id, element_id + "-error")


def _form() -> rx.Component:
    return rx.cond(
        S.form_open,
        rx.card(
            rx.vstack(
                rx.text("สร้างบัญชีผู้ใช้", weight="bold", size="4"),
                rx.flex(
                    labelled(
                        "ชื่อผู้ใช้",
                        text_input("account-username", S.username, lambda v: S.set_form("username", v)),
                        _error_at("account-username"),
                    ),
                    labelled(
                        "บทบาท",
                        select("account-role", S.role, lambda v: S.set_form("role", v), ROLES),
                        _error_at("account-role"),
                    ),
                    labelled(
                        "หน่วยงาน",
                        var_select("account-office", S.office, lambda v: S.set_form("office", v), S.office_choices),
                        _error_at("account-office"),
                        min_width="16em",
                    ),
                    labelled(
                        "ชื่อที่แสดง (ไม่บังคับ)",
                        text_input("account-display-name", S.display_name, lambda v: S.set_form("display_name", v)),
                        _error_at("account-display-name"),
                    ),
                    spacing="3",
                    wrap="wrap",
                    width="100%",
                ),
                rx.hstack(
                    rx.button("สร้างบัญชี", id="account-save", on_click=S.save),
                    rx.button("ยกเลิก", variant="soft", color_scheme="gray", on_click=S.close_form),
                    _error_at("account-save"),
                    spacing="2",
                    align="center",
                ),
                spacing="3",
                width="100%",
            ),
            width="100%",
        ),
    )


def _onetime() -> rx.Component:
    return rx.cond(
        S.onetime_password != "",
        rx.callout.root(
            rx.callout.text(
                "รหัสผ่านชั่วคราวของ ",
                rx.text.strong(S.onetime_username),
                " (แสดงครั้งเดียว ให้ผู้ใช้เปลี่ยนเมื่อเข้าสู่ระบบครั้งแรก): ",
                rx.code(S.onetime_password, id="account-onetime-password", size="4"),
            ),
            color_scheme="amber",
            width="100%",
        ),
    )


def _row(row) -> rx.Component:
    name = row["username"]
    return rx.table.row(
        rx.table.cell(rx.text(name, weight="bold")),
        rx.table.cell(row["display_name"]),
        rx.table.cell(row["role"]),
        rx.table.cell(row["office"]),
        rx.table.cell(
            rx.vstack(
                rx.text(row["status"], size="2"),
                rx.text(row["must_change"], size="1", color=styles.TEXT_WARNING),
                spacing="0",
            )
        ),
        rx.table.cell(row["last_login"]),
        rx.table.cell(
            rx.hstack(
                rx.cond(
                    row["locked"] != "",
                    rx.button("ปลดล็อก", size="1", id="account-unlock-" + name, on_click=S.unlock(name)),
                ),
                rx.cond(
                    row["active"] != "",
                    rx.button(
                        "ปิดการใช้งาน",
                        size="1",
                        variant="soft",
                        color_scheme="red",
                        id="account-deactivate-" + name,
                        on_click=S.deactivate(name),
                    ),
                    rx.button(
                        "เปิดใช้งาน",
                        size="1",
                        variant="soft",
                        id="account-reactivate-" + name,
                        on_click=S.reactivate(name),
                    ),
                ),
                rx.button(
                    "ตั้งรหัสผ่านใหม่",
                    size="1",
                    variant="soft",
                    color_scheme="gray",
                    id="account-reset-" + name,
                    on_click=S.reset_password(name),
                ),
                spacing="1",
                wrap="wrap",
            )
        ),
        id="account-row-" + name,
    )


def accounts_tab() -> rx.Component:
    return rx.vstack(
        rx.flex(
            rx.button(rx.icon("user-plus", size=14), "สร้างบัญชี", id="account-new", on_click=S.new_account),
            text_input("account-search", S.search, S.set_search, "ค้นหาชื่อผู้ใช้ ชื่อ หรือหน่วยงาน", width="16em"),
            select(
                "account-filter-role", S.role_filter, S.set_role_filter, [("", "ทุกบทบาท"), *ROLES], aria_label="บทบาท"
            ),
            select("account-filter-status", S.status_filter, S.set_status_filter, STATUSES, aria_label="สถานะบัญชี"),
            rx.text("ทั้งหมด ", S.total, " บัญชี", size="2", color=styles.TEXT_MUTED),
            spacing="2",
            wrap="wrap",
            align="center",
        ),
        _onetime(),
        _form(),
        account_import_card(),
        field_error(S.row_error, S.row_error != "", "account-error"),
        data_table(("ชื่อผู้ใช้", "ชื่อ", "บทบาท", "หน่วยงาน", "สถานะ", "เข้าระบบล่าสุด", ""), S.rows, _row, label="บัญชีผู้ใช้"),
        pager(S.page, S.page_count, S.go_page),
        width="100%",
        spacing="3",
    )
