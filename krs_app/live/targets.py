"""What the live dispatcher updates, as the page states declare it, and the helpers they call.

A page state registers itself when its class is defined, with one of two decorators:

- `@pushed`: the page with many viewers (the district's entry page). The class provides
  `_live_delta(change, context, memo) -> dict | None` (a classmethod): the same plain field
  values for every tab of a district showing `context`, computed once per change and sent to
  them all; each such tab is marked stale and catches up at its next event (`take_stale`).
- `@refreshed`: pages with few viewers, each with their own filters (review, KPI, central
  data). The instance method `_live_refresh(change, memo)` reloads one tab's stored state.

States call `watch(self, key, context)` to be found by the dispatcher (live.dispatch), which
imports no state: it looks the registered classes up by the name stored with each viewer.

`on_session_ended(cls, reset)`: the session state (state.session) names the state class that
knows a tab's login session and how to reset a tab, for live.sessions_ended to log out the
tabs of sessions the server ended.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

import reflex as rx

from krs_app.live.registry import Viewer, get_registry
from krs_app.services import auth

S = TypeVar("S", bound=type[rx.State])

_pushed: dict[str, type[rx.State]] = {}
_refreshed: dict[str, type[rx.State]] = {}
TabReset = Callable[[rx.State, frozenset[str]], Awaitable[bool]]
_session_reset: list[tuple[type[rx.State], TabReset]] = []


def pushed(cls: S) -> S:
    """Class decorator: tabs of this state are pushed shared values (see the module docstring)."""
    if not callable(getattr(cls, "_live_delta", None)):
        raise TypeError(f"{cls.__name__} needs a _live_delta(change, context, memo) classmethod")
    _pushed[cls.get_full_name()] = cls
    return cls


def refreshed(cls: S) -> S:
    """Class decorator: each tab of this state is refreshed by its `_live_refresh(change, memo)`."""
    if not callable(getattr(cls, "_live_refresh", None)):
        raise TypeError(f"{cls.__name__} needs a _live_refresh(change, memo) method")
    _refreshed[cls.get_full_name()] = cls
    return cls


def pushed_class(full_name: str) -> type[rx.State] | None:
    return _pushed.get(full_name)


def refreshed_class(full_name: str) -> type[rx.State] | None:
    return _refreshed.get(full_name)


def watch(state: rx.State, key: str, context: str = "") -> None:
    """Register this browser's state as a viewer of a watch key (context: what it shows of it)."""
    token = state.router.session.client_token
    if token:
        # The session behind the tab as the server knows it: the HttpOnly cookie of the tab's
        # websocket handshake, read exactly as state.session.SessionBoundary reads it.
        session = auth.session_key(state._session_token())
        get_registry().add(key, Viewer(token, type(state).get_full_name(), session, context))


def take_stale(state: rx.State) -> bool:
    """Whether a live push left this tab's stored state behind what its screen shows (clears it)."""
    token = state.router.session.client_token
    return bool(token) and get_registry().take_stale(token)


def on_session_ended(cls: type[rx.State], reset: TabReset) -> None:
    """Register how a tab is logged out: `reset(state of cls, ended session keys)` resets the
    tab (its stored state, under its lock) if it still belongs to one of those sessions, and
    returns whether it did."""
    _session_reset[:] = [(cls, reset)]


def session_reset() -> tuple[type[rx.State], TabReset] | None:
    return _session_reset[0] if _session_reset else None
