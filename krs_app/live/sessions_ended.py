"""Tabs of the sessions the server ended are logged out live.

A changed or reset password, a deactivated account or office ends the user's other sessions
(services.sessions_end) and announces a bus.SessionsEnded after commit. Here, in every app
process (relayed over Redis like a Change, by live.dispatch), the tabs bound to those
sessions (live.registry: session key -> tabs) that are connected to this process are, each
under its state lock: reset (every state holding office data, by the session state's own
reset, registered with live.targets.on_session_ended) and sent the reset values with a
redirect to the login page, which says why (routes.login_after_ended).

A tab connected nowhere is not touched: its state still names the ended session, and the
session boundary resets it before anything is sent when it reconnects.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from krs_app import routes
from krs_app.live import bus
from krs_app.live.reflex_adapter import Connections, refresh_stored_state, send_delta
from krs_app.live.registry import get_registry
from krs_app.live.targets import session_reset
from krs_app.services import session_cache

logger = logging.getLogger(__name__)


async def log_out_tabs(app: Any, notice: bus.SessionsEnded, local_only: bool = False) -> list[str]:
    """Log out the tabs of these sessions (only those connected here when `local_only`);
    returns the client tokens logged out."""
    # This process may hear this before the session cache's own forget (another channel):
    # the tab's next event must not find the ended session still remembered.
    session_cache.forget_user(notice.user_id, publish=False)
    target = session_reset()
    keys = frozenset(key for key in notice.session_keys if key)
    if target is None or not keys:
        return []
    cls, reset = target
    registry = get_registry()
    connections = Connections(app)
    login = routes.login_after_ended(notice.reason)
    tabs = await asyncio.to_thread(registry.session_tabs, keys)
    logged_out: list[str] = []
    for session, tokens in tabs.items():
        handled = []
        for token in sorted(tokens):
            if local_only and connections.known and not connections.is_local(token):
                continue  # another process holds its socket and does it
            handled.append(token)
            if not await connections.is_connected(token):
                continue
            done = False

            async def end(state, ended=keys) -> None:
                nonlocal done
                done = await reset(state, ended)

            try:
                delta = await refresh_stored_state(app, token, cls, end)
                if done:
                    await send_delta(app, delta, [token], redirect=login)
                    logged_out.append(token)
            except Exception:
                logger.exception("could not log out the tab %s of an ended session", token)
        if handled:
            await asyncio.to_thread(registry.unbind_tabs, session, handled)
    return logged_out
