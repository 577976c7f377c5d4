"""/admin, the KPI office's administration: fiscal years and rounds, the indicator catalogue of
a year, accounts, offices, the audit log — one tab each, and which fiscal year is shown."""

from __future__ import annotations

import reflex as rx

from krs_app import routes, styles
from krs_app.components.admin_accounts import accounts_tab
from krs_app.components.admin_audit import audit_tab
from krs_app.components.admin_form import notice
from krs_app.components.admin_indicators import indicators_tab
from krs_app.components.admin_offices import offices_tab
from krs_app.components.admin_rounds import rounds_tab
from krs_app.pages.page import page
from krs_app.state.admin import AdminState

TAB_LABELS = (
    ("rounds", "ปีงบประมาณและรอบ"),
    ("indicators", "ตัวชี้วัด"),
    ("accounts", "บัญชีผู้ใช้"),
    ("offices", "หน่วยงาน"),
    ("audit", "บันทึกการใช้งาน"),
)


def _tab_button(tab: str, label: str) -> rx.Component:
    chosen = AdminState.tab == tab
    return rx.button(
        label,
        id=f"admin-tab-{tab}",
        on_click=AdminState.choose_tab(tab),
        variant=rx.cond(chosen, "solid", "soft"),
        aria_pressed=rx.cond(chosen, "true", "false"),
        size="2",
    )


def _year_select() -> rx.Component:
    return rx.hstack(
        rx.el.label("ปีงบประมาณ", html_for="admin-year-select", font_size="0.875rem", color=styles.TEXT_LABEL),
        rx.el.select(
            rx.foreach(AdminState.years, lambda y: rx.el.option(y["label"], value=y["id"])),
            id="admin-year-select",
            value=AdminState.year_id,
            on_change=AdminState.choose_year,
            class_name="krs-select",
        ),
        align="center",
        spacing="2",
    )


@page(routes.ADMIN, "ผู้ดูแลระบบ", on_load=AdminState.load)
def admin() -> rx.Component:
    return rx.vstack(
        rx.flex(
            rx.heading("ผู้ดูแลระบบ (กพร.)", size="6", color=styles.BRAND_BLUE),
            _year_select(),
            justify="between",
            align="center",
            wrap="wrap",
            spacing="2",
            width="100%",
        ),
        rx.flex(*[_tab_button(t, label) for t, label in TAB_LABELS], spacing="2", wrap="wrap"),
        notice(AdminState.notice, AdminState.notice_ok),
        rx.match(
            AdminState.tab,
            ("indicators", indicators_tab()),
            ("accounts", accounts_tab()),
            ("offices", offices_tab()),
            ("audit", audit_tab()),
            rounds_tab(),
        ),
        width="100%",
        spacing="4",
        id="admin-page",
    )
