"""The change bus: services announce "district D / round R / indicator I changed" after commit.

In-process listeners on the embedded default; the Reflex layer subscribes and
refreshes the browsers watching that district/round.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, replace

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Change:
    district_id: int
    round_id: int
    indicator_id: int | None
    kind: str  # value | status | evidence | message | opened | receipt | round
    origin: str = ""  # the browser (client token) whose action caused it: it has already refreshed


# Set by the Reflex layer for the event being handled, so the acting browser is not refreshed twice.
acting_client: ContextVar[str] = ContextVar("acting_client", default="")


Listener = Callable[[Change], None]
_listeners: list[Listener] = []


def subscribe(listener: Listener) -> None:
    if listener not in _listeners:
        _listeners.append(listener)


def unsubscribe(listener: Listener) -> None:
    if listener in _listeners:
        _listeners.remove(listener)


def announce(change: Change) -> None:
    """Tell every listener; a failing listener never undoes a committed change."""
    if not change.origin:
        change = replace(change, origin=acting_client.get())
    for listener in _listeners:
        try:
            listener(change)
        except Exception:
            logger.exception("change listener failed for %s", change)


# ---------------------------------------------------------------- sessions ended


@dataclass(frozen=True)
class SessionsEnded:
    """A user's login sessions were ended by the server (password changed or reset, account
    deactivated): every open tab of these sessions must be logged out at once.

    session_keys are services.auth.session_key values (the stored token hashes), the same the
    viewer registry keeps per tab (Viewer.session). Announced after commit by
    services.accounts. The tab side (find the tabs of these sessions on every process, reset
    their office data and send them to /login) subscribes with subscribe_sessions_ended; with
    several processes it relays the notice over Redis like Change (dataclasses.asdict)."""

    user_id: int
    session_keys: tuple[str, ...]
    reason: str = ""  # password_changed | password_reset | deactivated


SessionsListener = Callable[[SessionsEnded], None]
_sessions_listeners: list[SessionsListener] = []


def subscribe_sessions_ended(listener: SessionsListener) -> None:
    if listener not in _sessions_listeners:
        _sessions_listeners.append(listener)


def unsubscribe_sessions_ended(listener: SessionsListener) -> None:
    if listener in _sessions_listeners:
        _sessions_listeners.remove(listener)


def announce_sessions_ended(notice: SessionsEnded) -> None:
    """Tell every listener; a failing listener never undoes the committed change."""
    for listener in _sessions_listeners:
        try:
            listener(notice)
        except Exception:
            logger.exception("sessions-ended listener failed for user %s", notice.user_id)
