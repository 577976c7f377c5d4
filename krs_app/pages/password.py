"""เปลี่ยนรหัสผ่าน (/password): the user's own password, for every logged-in role."""

from __future__ import annotations

import reflex as rx

from krs_app import routes, styles
from krs_app.domain.password_policy import MIN_LENGTH
from krs_app.pages.page import page
from krs_app.state.password import PasswordState


def _field(label: str, name: str, element_id: str, error, auto_complete: str) -> rx.Component:
    return rx.vstack(
        rx.el.label(label, html_for=element_id, font_size="0.875rem", font_weight="500"),
        rx.input(id=element_id, name=name, type="password", auto_complete=auto_complete, width="100%", size="3"),
        rx.cond(error, rx.text(error, color=styles.TEXT_ERROR, size="2", id=element_id + "-error")),
        spacing="1",
        width="100%",
    )


@page(routes.PASSWORD, "เปลี่ยนรหัสผ่าน", on_load=PasswordState.load)
def password_page() -> rx.Component:
    return rx.fragment(
        rx.card(
            rx.vstack(
                rx.heading("เปลี่ยนรหัสผ่าน", size="5"),
                rx.cond(
                    PasswordState.must_change,
                    rx.callout(
                        "บัญชีนี้ใช้รหัสผ่านใช้ครั้งเดียว กรุณาตั้งรหัสผ่านใหม่ก่อนใช้งานระบบ",
                        icon="key-round",
                        color_scheme="amber",
                        id="password-must-change",
                        width="100%",
                    ),
                ),
                rx.text(
                    f"รหัสผ่านใหม่ยาวอย่างน้อย {MIN_LENGTH} ตัวอักษร และต้องไม่ใช่รหัสผ่านที่ใช้กันทั่วไป",
                    size="2",
                    color=styles.TEXT_SECONDARY,
                ),
                rx.form(
                    rx.vstack(
                        _field(
                            "รหัสผ่านปัจจุบัน",
                            "current",
                            "password-current",
                            PasswordState.error_current,
                            "current-password",
                        ),
                        _field("รหัสผ่านใหม่", "new", "password-new", PasswordState.error_new, "new-password"),
                        _field(
                            "ยืนยันรหัสผ่านใหม่",
                            "confirm",
                            "password-confirm",
                            PasswordState.error_confirm,
                            "new-password",
                        ),
                        rx.button(
                            "บันทึกรหัสผ่านใหม่",
                            id="password-save",
                            type="submit",
                            size="3",
                            width="100%",
                            # Not before the page has loaded: its on_load (PasswordState.load, which
                            # clears the messages) is queued by the server behind anything sent
                            # meanwhile, so a change sent then lost its "เปลี่ยนรหัสผ่านแล้ว".
                            disabled=~rx.State.is_hydrated,
                        ),
                        spacing="3",
                        width="100%",
                    ),
                    on_submit=PasswordState.save,
                    reset_on_submit=False,
                    width="100%",
                ),
                rx.cond(
                    PasswordState.done,
                    rx.callout(
                        PasswordState.done, icon="check", color_scheme="green", id="password-done", width="100%"
                    ),
                ),
                spacing="3",
                width="100%",
            ),
            width="min(480px, 100%)",
            margin_x="auto",
            margin_top="1.5em",
            size="3",
        )
    )
