"""The login page (เข้าสู่ระบบ). The password is checked by POST /api/login (api_session.py),
which sets the HttpOnly session cookie; this state only fills the form and shows refusals."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from krs_app import routes
from krs_app.api_session import FLASH_COOKIE, decode_flash
from krs_app.settings import get_settings
from krs_app.state.session import SessionState, cookie_value


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
    _flash_seen: str = ""  # the last refusal shown on this tab (api_session's flash cookie id)

    @rx.event
    def load(self):
        """The form posts natively to /api/login (api_session.py); a refusal comes back here with
        its Thai message and the username typed in a short-lived signed cookie."""
        self.demo_accounts = _demo_accounts()
        self.password = ""
        user = self._user()
        if user is not None:
            return rx.redirect(routes.ROLE_HOME.get(user.role, routes.LOGIN))
        message, username, flash_id = decode_flash(cookie_value(self.router.headers.cookie, FLASH_COOKIE))
        fresh = bool(flash_id) and flash_id != self._flash_seen
        self._flash_seen = flash_id or self._flash_seen
        self.error = message if fresh else ""
        if fresh and username:
            self.username = username
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
