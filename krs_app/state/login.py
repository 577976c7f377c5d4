"""The login page (เข้าสู่ระบบ)."""

from __future__ import annotations

import reflex as rx

from krs_app import routes
from krs_app.services import auth
from krs_app.services.demo_accounts import login_demo_accounts
from krs_app.services.errors import ServiceError
from krs_app.services.views import DemoAccount
from krs_app.state.session import SessionState


class LoginState(SessionState):
    error: str = ""
    username: str = ""
    password: str = ""
    demo_accounts: list[DemoAccount] = []

    @rx.event
    def load(self):
        self.error = ""
        self.demo_accounts = login_demo_accounts()
        if self._session_user() is not None:
            return self._away()
        return None

    @rx.event
    def set_username(self, value: str):
        self.username = str(value)[:100]

    @rx.event
    def set_password(self, value: str):
        self.password = str(value)[:1000]

    @rx.event
    def fill_demo(self, username: str):
        """Demo mode only: one click fills a demo account in."""
        for account in login_demo_accounts():
            if account.username == username:
                self.username = account.username
                self.password = account.password
                self.error = ""

    @rx.event
    def submit(self, form_data: dict):
        username = str(form_data.get("username", self.username) or "")
        password = str(form_data.get("password", self.password) or "")
        try:
            token, user = auth.login(username, password)
        except ServiceError as error:
            self.error = error.message
            self.password = ""
            return None
        self.error = ""
        self.password = ""
        self.session_token = token
        self._show_user(user)
        if user.must_change_password:  # a one-time password: changed before anything else
            return rx.redirect(routes.PASSWORD)
        return rx.redirect(routes.ROLE_HOME.get(user.role, routes.LOGIN))
