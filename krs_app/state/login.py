"""The login page (เข้าสู่ระบบ)."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from krs_app import routes
from krs_app.services import auth
from krs_app.services.errors import ServiceError
from krs_app.settings import get_settings
from krs_app.state.session import SessionState


@dataclass
class DemoAccount:
    username: str
    password: str
    who: str


def _demo_accounts() -> list[DemoAccount]:
    if not get_settings().demo:
        return []
    from krs_app.seed.demo import DEMO_BUREAU, DEMO_DISTRICT, DEMO_KPI_OFFICE, DEMO_PASSWORD

    return [
        DemoAccount(DEMO_DISTRICT, DEMO_PASSWORD, "สพท.: สำนักงานเขตพื้นที่การศึกษามัธยมศึกษา เขต 7"),
        DemoAccount(DEMO_BUREAU, DEMO_PASSWORD, "สำนัก: สำนักการคลังและสินทรัพย์"),
        DemoAccount(DEMO_KPI_OFFICE, DEMO_PASSWORD, "กพร.: ผู้ดูแลระบบ"),
    ]


class LoginState(SessionState):
    error: str = ""
    username: str = ""
    password: str = ""
    demo_accounts: list[DemoAccount] = []

    @rx.event
    def load(self):
        self.error = ""
        self.demo_accounts = _demo_accounts()
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
        for account in _demo_accounts():
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
