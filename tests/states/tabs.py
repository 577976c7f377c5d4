"""A browser tab's states as the server holds them, for the state tests."""

from __future__ import annotations

import asyncio
import inspect

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


def run_event(state: rx.State, name: str, *args) -> list:
    """Run an event handler as Reflex would: a coroutine awaited, a generator drained. Its answers.

    Calling an async handler's function alone only makes a coroutine (never None, nothing run):
    a check on that answer could not fail."""
    answer = getattr(type(state), name).fn(state, *args)

    async def drain():
        if inspect.iscoroutine(answer):
            return [await answer]
        if inspect.isasyncgen(answer):
            return [item async for item in answer]
        if inspect.isgenerator(answer):
            return list(answer)
        return [answer]

    return asyncio.run(drain())
