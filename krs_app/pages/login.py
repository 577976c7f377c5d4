"""เข้าสู่ระบบ: username + password of the office; demo accounts listed in demo mode only."""

from __future__ import annotations

import reflex as rx

from krs_app import routes, styles
from krs_app.components.native_form import native_form
from krs_app.pages.page import page
from krs_app.services.views import DemoAccount
from krs_app.state.login import LoginState


def _demo_account(account: DemoAccount) -> rx.Component:
    return rx.button(
        rx.vstack(
            rx.text(account.who, size="2", weight="medium"),
            rx.text("ชื่อผู้ใช้ " + account.username + " / รหัสผ่าน " + account.password, size="1"),
            spacing="0",
            align="start",
        ),
        on_click=LoginState.fill_demo(account.username),
        variant="surface",
        width="100%",
        height="auto",
        padding="0.5em",
        type="button",
        id="demo-" + account.username,
    )


def _message(text, icon: str, color: str, element_id: str) -> rx.Component:
    """A message above the button, present only while there is one."""
    return rx.cond(text, rx.callout(text, icon=icon, color_scheme=color, size="1", id=element_id, width="100%"))


@page(routes.LOGIN, "เข้าสู่ระบบ", on_load=LoginState.load, layout=None)
def login_page() -> rx.Component:
    return rx.center(
        rx.card(
            rx.vstack(
                rx.heading("KRS System", size="7", color=styles.BRAND_BLUE),
                rx.text(
                    "ระบบรายงานผลการประเมินส่วนราชการตามมาตรการปรับปรุงประสิทธิภาพในการปฏิบัติราชการ",
                    size="2",
                    color=styles.TEXT_SECONDARY,
                ),
                native_form(
                    rx.vstack(
                        rx.el.label("ชื่อผู้ใช้ (Username)", html_for="login-username", class_name="krs-label"),
                        rx.input(
                            id="login-username",
                            name="username",
                            value=LoginState.username,
                            on_change=LoginState.set_username,
                            auto_complete="username",
                            width="100%",
                            size="3",
                        ),
                        rx.el.label("รหัสผ่าน (Password)", html_for="login-password", class_name="krs-label"),
                        rx.input(
                            id="login-password",
                            name="password",
                            type="password",
                            value=LoginState.password,
                            on_change=LoginState.set_password,
                            auto_complete="current-password",
                            width="100%",
                            size="3",
                        ),
                        # why the server logged this tab out (live.sessions_ended), then a refusal
                        _message(LoginState.notice, "info", "amber", "login-notice"),
                        _message(LoginState.error, "circle-alert", "red", "login-error"),
                        rx.button("เข้าสู่ระบบ", id="login-submit", type="submit", width="100%", size="3"),
                        spacing="2",
                        width="100%",
                    ),
                    # a native POST: the answer sets the HttpOnly session cookie (api_session.py)
                    action=routes.API_LOGIN,
                    method="post",
                    width="100%",
                ),
                rx.cond(
                    LoginState.demo_accounts.length() > 0,
                    rx.vstack(
                        rx.divider(),
                        rx.text("บัญชีทดลองใช้ (โหมดสาธิต) — คลิกเพื่อกรอกให้", size="2", weight="medium"),
                        rx.foreach(LoginState.demo_accounts, _demo_account),
                        width="100%",
                        spacing="2",
                        id="demo-accounts",
                    ),
                ),
                spacing="3",
                width="100%",
            ),
            width="min(440px, 94vw)",
            size="3",
        ),
        min_height="100vh",
        background=styles.LOGIN_BACKGROUND,
    )
