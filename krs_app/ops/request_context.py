"""A new log id for each Reflex event and each HTTP request (krs_app.ops.logs).

The Reflex middleware runs before every event's handler in the same task, the ASGI
middleware around every route of the API app; both only set context variables."""

from __future__ import annotations

import reflex as rx

from krs_app.ops.logs import bind_event


class EventLogContext(rx.Middleware):
    """Reflex: the event's name (never its payload) and a fresh event id."""

    async def preprocess(self, app, state, event):
        bind_event(str(getattr(event, "name", "event")))
        return None


class RequestLogContext:
    """ASGI: "METHOD /path" (no query string) and the caller's X-Request-ID when sane, else a new id."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope.get("type") == "http":
            given = None
            for key, value in scope.get("headers") or []:
                if key == b"x-request-id":
                    given = value.decode("latin-1")
                    break
            bind_event(f"{scope.get('method', '')} {scope.get('path', '')}", given)
        await self.app(scope, receive, send)
