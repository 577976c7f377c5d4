"""The login page (เข้าสู่ระบบ)."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from krs_app import routes
from krs_app.services.errors import ServiceError
from krs_app.services.login_gate import login_gate
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
        user = self._user()
        if user is not None:
            return rx.redirect(routes.ROLE_HOME.get(user.role, routes.LOGIN))
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
    async def submit(self, form_data: dict):
        """Check the password off the event loop (services.login_gate); a success starts a new
        session on this tab, and nothing the tab held before is kept."""
        form = form_data if isinstance(form_data, dict) else {}
        username = str(form.get("username", self.username) or "")
        password = str(form.get("password", self.password) or "")
        try:
            token, user = await login_gate().login(self.router.session.client_ip, username, password)
        except ServiceError as error:
            self.error = error.message
            self.password = ""
            return None
        await self._start_session(token, user)
        return rx.redirect(routes.ROLE_HOME.get(user.role, routes.LOGIN))
