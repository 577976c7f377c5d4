"""The logged-in user, derived on the server from a session token kept in a browser cookie.

Nothing here trusts what the browser says about who it is: the token is checked
against the database on every event (services.auth.user_for_token).
"""

from __future__ import annotations

import reflex as rx

from krs_app import routes
from krs_app.live.bus import acting_client
from krs_app.live.registry import get_registry
from krs_app.ops.logs import bind_user
from krs_app.services import auth
from krs_app.services.auth import CurrentUser

SESSION_COOKIE = routes.SESSION_COOKIE


class SessionState(rx.State):
    """Base of every page state: who is logged in, as plain display values."""

    session_token: str = rx.Cookie("", name=SESSION_COOKIE, path="/", same_site="lax", max_age=60 * 60 * 24 * 7)
    user_display_name: str = ""
    user_office_name: str = ""
    user_role: str = ""

    def _session_user(self) -> CurrentUser | None:
        """The user behind this tab's session, also one who must first change a one-time password."""
        acting_client.set(self.router.session.client_token)
        user = auth.user_for_token(self.session_token)
        bind_user(user.id if user else None)
        return user

    def _user(self) -> CurrentUser | None:
        """The logged-in user; None when there is none, or while they must change a one-time
        password (every page but /password then sends them there: see _away)."""
        user = self._session_user()
        return None if user is None or user.must_change_password else user

    def _show_user(self, user: CurrentUser | None) -> None:
        self.user_display_name = user.display_name if user else ""
        self.user_office_name = user.office_name if user else ""
        self.user_role = user.role if user else ""

    def _user_with_role(self, role: str) -> CurrentUser | None:
        """The logged-in user if they have this role, else None (see _away)."""
        user = self._user()
        self._show_user(user)
        if user is None or user.role != role:
            return None
        return user

    def _away(self):
        """Where to send a browser that may not see this page: login, /password, or its own home."""
        user = self._session_user()
        if user is None:
            return rx.redirect(routes.LOGIN)
        if user.must_change_password:
            return rx.redirect(routes.PASSWORD)
        return rx.redirect(routes.ROLE_HOME.get(user.role, routes.LOGIN))

    @rx.event
    def go_home(self):
        """The index page: each role to its home, anyone else to the login page."""
        return self._away()

    @rx.event
    def logout(self):
        auth.logout(self.session_token)
        get_registry().remove_token(self.router.session.client_token)  # no more live pushes to this tab
        self.session_token = ""
        self._show_user(None)
        return rx.redirect(routes.LOGIN)
