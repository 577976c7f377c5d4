"""The logged-in user, derived on the server from a session token kept in a browser cookie.

The cookie (krs_session) is HttpOnly: it is set by POST /api/login (api_session.py) and
read here from the websocket's handshake headers, so no script on the page can read it.
Nothing here trusts what the browser says about who it is: the token is checked
against the database on every event (services.auth.user_for_token).

Two things every page state gets from here:

- `guarded(*roles)`: the one event guard. It resolves the logged-in user on the server,
  checks the role, and sends anyone else away (login, or their own home) before the
  handler runs; the handler receives the user as its first argument.
- `SessionBoundary`: an app middleware run before every event, the hydrate of a
  (re)connect included. A tab's state is kept by its client token across logouts and
  changes of user, so whenever the session behind the tab ends, expires, is missing or
  changes, every state of the tab is reset on the server before anything is sent
  (ARCHITECTURE.md, invariant 7).
"""

from __future__ import annotations

import functools
import inspect
import time
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

import reflex as rx
from reflex.middleware import Middleware

from krs_app import routes
from krs_app.domain.roles import Role
from krs_app.live.bus import acting_client
from krs_app.live.reflex_adapter import load_page_then_handle
from krs_app.live.registry import get_registry
from krs_app.live.targets import on_session_ended
from krs_app.ops.logs import bind_user
from krs_app.services import auth, session_cache
from krs_app.services.auth import CurrentUser

SESSION_COOKIE = routes.SESSION_COOKIE

# The user the boundary resolved for this event, reused by the handler's guard:
# (session token, user or None, session_cache generation, monotonic time). Only ever reused
# for the same token, for a moment, and while nothing was forgotten since: a logout
# (auth.logout calls session_cache.forget_session after its commit, in this process or
# heard over Redis), a deactivation or a lock bumps the generation, so the next look-up
# goes to services.auth again and never trusts the answer from before the logout.
_resolved: ContextVar[tuple[str, CurrentUser | None, int, float] | None] = ContextVar("krs_resolved_user", default=None)
_RESOLVED_REUSE_SECONDS = 1.0


def _resolve(token: str) -> CurrentUser | None:
    cached = _resolved.get()
    if (
        cached is not None
        and cached[0] == token
        and cached[2] == session_cache.generation()
        and time.monotonic() - cached[3] < _RESOLVED_REUSE_SECONDS
    ):
        return cached[1]
    asked_at = session_cache.generation()  # read before asking, as session_cache.put does
    user = auth.user_for_token(token)
    _resolved.set((token, user, asked_at, time.monotonic()))
    return user


def _forget_resolved() -> None:
    _resolved.set(None)


class SessionState(rx.State):
    """Base of every page state: who is logged in, as plain display values."""

    user_display_name: str = ""
    user_office_name: str = ""
    user_role: str = ""
    # Which session this tab's stored state belongs to (the token's hash, "" for none); see SessionBoundary.
    _session_key: str = ""
    # Why the tab's session ended (Thai, services.auth.ended_notice), for the login page to say once.
    _ended_notice: str = ""

    def _session_token(self) -> str:
        """The session token the browser sent with this tab's websocket (the HttpOnly cookie)."""
        return cookie_value(self.router.headers.cookie, SESSION_COOKIE)

    def _session_user(self) -> CurrentUser | None:
        """The user behind this tab's session, also one who must first change a one-time password."""
        acting_client.set(self.router.session.client_token)
        user = _resolve(self._session_token())
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

    def _user_in(self, roles: tuple[str, ...]) -> CurrentUser | None:
        """The logged-in user if their role is one of these (any role when empty), else None."""
        user = self._user()
        self._show_user(user)
        if user is None or (roles and user.role not in roles):
            return None
        return user

    def _user_with_role(self, role: str) -> CurrentUser | None:
        """The logged-in user if they have this role, else None (see _away)."""
        return self._user_in((role,))

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
    async def logout(self):
        """End the session and reset the tab. (The page's logout button posts to /api/logout,
        which also clears the HttpOnly cookie; this event is for any other caller.)"""
        auth.logout(self._session_token())
        _forget_resolved()
        await reset_tab(self, "")
        return rx.redirect(routes.LOGIN)


def cookie_value(header: str, name: str) -> str:
    """One cookie's value from a Cookie header (the first of that name; "" when absent)."""
    for part in (header or "").split(";"):
        key, sep, value = part.strip().partition("=")
        if sep and key == name:
            return value.strip().strip('"')[:4096]
    return ""


def guarded(*roles: Role | str) -> Callable:
    """The event guard: only a logged-in user with one of these roles (any role when none
    are given) runs the handler, which gets that user as its first argument after self;
    anyone else is sent away (login, or their own home) and nothing else happens.

    Put it under @rx.event. Reflex sees the handler's own signature without `user`, so it
    still checks the arguments a page binds and converts the payload by the annotations.
    """
    allowed = tuple(str(role) for role in roles)

    def decorate(fn: Callable) -> Callable:
        signature = inspect.signature(fn)
        params = list(signature.parameters.values())
        if len(params) < 2 or params[1].name != "user":
            raise TypeError(f"{fn.__qualname__}: a guarded handler takes (self, user, ...)")
        exposed = signature.replace(parameters=[params[0], *params[2:]])

        if inspect.iscoroutinefunction(fn):

            @functools.wraps(fn)
            async def async_wrapper(self, *args: Any, **kwargs: Any):
                exposed.bind(self, *args, **kwargs)  # no `user` or other unknown argument from the browser
                user = self._user_in(allowed)
                if user is None:
                    return self._away()
                return await fn(self, user, *args, **kwargs)

            wrapper = async_wrapper
        else:

            @functools.wraps(fn)
            def sync_wrapper(self, *args: Any, **kwargs: Any):
                exposed.bind(self, *args, **kwargs)
                user = self._user_in(allowed)
                if user is None:
                    return self._away()
                return fn(self, user, *args, **kwargs)

            wrapper = sync_wrapper
        wrapper.__signature__ = exposed  # type: ignore[attr-defined]
        wrapper.__annotations__ = {k: v for k, v in fn.__annotations__.items() if k != "user"}
        wrapper.__krs_roles__ = allowed  # type: ignore[attr-defined]
        return wrapper

    return decorate


# ---------------------------------------------------------------------------- the session boundary


def _descendants(cls: type[rx.State]) -> list[type[rx.State]]:
    found: list[type[rx.State]] = []
    for sub in sorted(cls.get_substates(), key=lambda c: c.get_full_name()):
        found.append(sub)
        found.extend(_descendants(sub))
    return found


async def reset_tab(state: rx.State, token: str) -> None:
    """Reset every state of this tab that may hold office data (SessionState and every page
    state under it, also ones not loaded yet) and bind the tab to the session `token` ("" for
    none). Its live pushes stop: a page registers the tab again when it loads."""
    root = state._get_root_state()
    session = await root.get_state(SessionState)
    for cls in _descendants(SessionState):
        await root.get_state(cls)  # a state manager that loads lazily (Redis) has them all now
    previous = session._session_key
    session.reset()  # recursive: every loaded substate goes back to its defaults
    session._session_key = auth.session_key(token) if token else ""
    client_token = state.router.session.client_token
    if client_token:
        registry = get_registry()
        registry.remove_token(client_token)
        # Found again when the server ends this session (live.sessions_ended logs the tab out).
        registry.bind_session(client_token, session._session_key, previous)


async def _end_tab(session: SessionState, ended: frozenset[str]) -> bool:
    """The server ended one of these sessions: if this tab's stored state belongs to one,
    reset the tab (bound to no session) and return True; live.sessions_ended then sends it
    the reset values and the login page."""
    if not session._session_key or session._session_key not in ended:
        return False
    await reset_tab(session, "")
    return True


on_session_ended(SessionState, _end_tab)


class SessionBoundary(Middleware):
    """Before every event: if the session behind the tab is not the one its stored state
    belongs to (logged out, expired, missing, another user), reset the tab first."""

    async def preprocess(self, app, state, event):
        root = state._get_root_state()
        session = await root.get_state(SessionState)
        # The websocket's own cookie, the same for the hydrate of a (re)connect and every later
        # event on it: a login or logout happens over HTTP and is followed by a full page load.
        token = session._session_token()
        acting_client.set(session.router.session.client_token)
        key = auth.session_key(token) if token and _resolve(token) is not None else ""
        if key != session._session_key:
            ended = session._session_key
            await reset_tab(session, token if key else "")
            if ended and not key:  # the login page this tab is sent to says why
                session._ended_notice = auth.ended_notice(ended, still_sent=bool(token))
            if key and not ended:
                # A logged-in tab whose stored state is new: Redis restarted without persistence,
                # flushed or its state expired while the tab stayed open (or the tab's first
                # connect, whose hydrate this leaves to Reflex). Its page is loaded again first,
                # so whatever event comes first acts on the page the user sees, never a blank one.
                return await load_page_then_handle(app, state, event)
        return None
