"""The login page (เข้าสู่ระบบ). The password is checked by POST /api/login (api_session.py),
which sets the HttpOnly session cookie; this state only fills the form and shows refusals."""

from __future__ import annotations

import reflex as rx

from krs_app import routes
from krs_app.api_session import FLASH_COOKIE, decode_flash
from krs_app.services.demo_accounts import login_demo_accounts
from krs_app.services.views import DemoAccount
from krs_app.state.session import SessionState, cookie_value

# Why the server ended this tab's session (/login?ended=<reason>, live.sessions_ended); only
# these fixed texts are shown, never the query's own text.
ENDED_MESSAGES = {
    "password_changed": "บัญชีนี้ถูกออกจากระบบ เนื่องจากมีการเปลี่ยนรหัสผ่าน",
    "password_reset": "บัญชีนี้ถูกออกจากระบบ เนื่องจากผู้ดูแลระบบตั้งรหัสผ่านใหม่",
    "deactivated": "บัญชีนี้ถูกออกจากระบบ เนื่องจากบัญชีหรือหน่วยงานถูกปิดการใช้งาน",
}


class LoginState(SessionState):
    error: str = ""
    # why this tab was logged out: the server ended it (ENDED_MESSAGES), or it expired or was
    # logged out in another tab (SessionBoundary, services.auth.ended_notice); "" when it was not
    notice: str = ""
    username: str = ""
    password: str = ""
    demo_accounts: list[DemoAccount] = []
    _flash_seen: str = ""  # the last refusal shown on this tab (api_session's flash cookie id)

    @rx.event
    def load(self):
        """The form posts natively to /api/login (api_session.py); a refusal comes back here with
        its Thai message and the username typed in a short-lived signed cookie."""
        self.demo_accounts = login_demo_accounts()
        self.password = ""
        ended_here, self._ended_notice = self._ended_notice, ""  # said once
        if self._session_user() is not None:
            return self._away()  # its home, or /password while a one-time password must be changed
        message, username, flash_id = decode_flash(cookie_value(self.router.headers.cookie, FLASH_COOKIE))
        fresh = bool(flash_id) and flash_id != self._flash_seen
        self._flash_seen = flash_id or self._flash_seen
        self.error = message if fresh else ""
        ended = ENDED_MESSAGES.get(str(self.router.page.params.get(routes.LOGIN_ENDED, "")), "")
        self.notice = "" if self.error else ended or ended_here
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
        for account in login_demo_accounts():
            if account.username == username:
                self.username = account.username
                self.password = account.password
                self.error = ""
