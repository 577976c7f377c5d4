"""A browser tab's states as the server holds them, for the state tests."""

from __future__ import annotations

import reflex as rx
from reflex.istate.data import RouterData

from krs_app.routes import SESSION_COOKIE


def tab(token: str, client_token: str = "") -> rx.State:
    """The tab's root state, its websocket handshake carrying this session cookie."""
    root = rx.State(_reflex_internal_init=True)
    router = RouterData.from_router_data({"headers": {"cookie": f"{SESSION_COOKIE}={token}"}, "token": client_token})
    pending = [root]
    while pending:
        state = pending.pop()
        state.router = router
        pending.extend(state.substates.values())
    return root
