"""เปลี่ยนรหัสผ่าน: every logged-in user changes their own password (services.accounts).

The passwords travel in the form's submit only and are never kept in the state; a refusal is
shown at its field. A user with a one-time password is sent on to their home page once it is
changed (until then every other page sends them here: SessionState._away)."""

from __future__ import annotations

import reflex as rx

from krs_app import routes
from krs_app.services import own_password
from krs_app.services.errors import FieldError, NotAllowed, ServiceError
from krs_app.state.session import SessionState

FIELDS = ("password_current", "password_new", "password_confirm")
ELEMENT_IDS = ("password-current", "password-new", "password-confirm")
CHANGED = "เปลี่ยนรหัสผ่านแล้ว เครื่องอื่นที่เข้าสู่ระบบด้วยบัญชีนี้ถูกออกจากระบบ"


class PasswordState(SessionState):
    error_current: str = ""
    error_new: str = ""
    error_confirm: str = ""
    done: str = ""
    must_change: bool = False

    def _clear(self) -> None:
        self.error_current = self.error_new = self.error_confirm = self.done = ""

    @rx.event
    def load(self):
        user = self._session_user()
        self._show_user(user)
        self._clear()
        if user is None:
            return rx.redirect(routes.LOGIN)
        self.must_change = user.must_change_password
        return None

    @rx.event
    def save(self, form_data: dict):
        form = form_data if isinstance(form_data, dict) else {}
        values = [str(form.get(name, "") or "")[:1000] for name in ("current", "new", "confirm")]
        self._clear()
        try:
            own_password.change_own_password(self._session_token(), *values)
        except FieldError as error:
            setattr(self, "error_" + error.field.removeprefix("password_"), error.message)
            return None
        except NotAllowed:
            return rx.redirect(routes.LOGIN)
        except ServiceError as error:
            self.error_new = error.message
            return None
        user = self._session_user()
        self._show_user(user)
        if self.must_change and user is not None:
            self.must_change = False
            return rx.redirect(routes.ROLE_HOME.get(user.role, routes.LOGIN))
        self.done = CHANGED
        return [rx.set_value(element_id, "") for element_id in ELEMENT_IDS]
