"""The frame of every logged-in page: header "KRS System", office, user, logout."""

from __future__ import annotations

import reflex as rx

from krs_app import routes, styles
from krs_app.components.native_form import native_form
from krs_app.domain.roles import Role
from krs_app.state.session import SessionState


def _nav_link(label: str, href: str, element_id: str) -> rx.Component:
    return rx.link(label, href=href, color="white", size="2", id=element_id, underline="hover")


def _navigation() -> rx.Component:
    return rx.match(
        SessionState.user_role,
        (
            Role.DISTRICT,
            rx.hstack(
                _nav_link("บันทึกข้อมูล", routes.ENTRY, "nav-entry"),
                _nav_link("รายงานผล", routes.REPORT, "nav-report"),
                spacing="3",
            ),
        ),
        (
            Role.BUREAU,
            rx.hstack(
                _nav_link("ตรวจสอบและรับรองผล", routes.REVIEW, "nav-review"),
                _nav_link("ข้อมูลส่วนกลาง", routes.CENTRAL, "nav-central"),
                _nav_link("รายงานผล", routes.REPORT, "nav-report"),
                spacing="3",
            ),
        ),
        (
            Role.KPI_OFFICE,
            rx.hstack(
                _nav_link("รายงานผล / ติดตามการรับรองผล", routes.REPORT, "nav-report"),
                _nav_link("ผู้ดูแลระบบ", routes.ADMIN, "nav-admin"),
                spacing="3",
            ),
        ),
        rx.fragment(),
    )


def header() -> rx.Component:
    return rx.flex(
        rx.hstack(
            rx.text("KRS System", weight="bold", size="5", color="white"),
            rx.text(SessionState.user_office_name, color="white", size="3", id="office-name"),
            _navigation(),
            align="center",
            spacing="4",
            wrap="wrap",
        ),
        rx.hstack(
            rx.icon("user", color="white", size=16),
            rx.text(SessionState.user_display_name, color="white", size="2"),
            _nav_link("เปลี่ยนรหัสผ่าน", routes.PASSWORD, "nav-password"),
            native_form(
                rx.button(
                    rx.icon("log-out", size=14),
                    "ออกจากระบบ",
                    id="logout",
                    type="submit",
                    variant="outline",
                    size="1",
                    class_name="krs-on-brand",
                ),
                # a native POST: ends the session and clears the HttpOnly cookie (api_session.py)
                action=routes.API_LOGOUT,
                method="post",
                margin="0",
            ),
            align="center",
            spacing="2",
        ),
        justify="between",
        align="center",
        wrap="wrap",
        spacing="2",
        padding_x="1.25em",
        padding_y="0.75em",
        background=styles.BRAND_BLUE,
        width="100%",
    )


def page_shell(*children: rx.Component) -> rx.Component:
    return rx.box(
        header(),
        rx.box(*children, padding=["0.75em", "1em", "1.5em"], max_width="1200px", margin_x="auto"),
        min_height="100vh",
        background=styles.PAGE_BACKGROUND,
    )
