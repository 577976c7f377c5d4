"""A cap on Reflex's frontend-exception event, which any client may send without logging in.

Reflex hands each report to a regular-expression check and the log; 50 reports of 1 MB from
one anonymous client stalled the server for 2 s. Reports larger than MAX_REPORT_CHARS, or
beyond MAX_PER_CLIENT per client token / MAX_PER_WINDOW for the whole process in one
WINDOW_SECONDS window, are dropped before Reflex looks at them.
"""

from __future__ import annotations

import time

from reflex.middleware import Middleware

from krs_app.live.reflex_adapter import dropped_event

MAX_REPORT_CHARS = 16 * 1024
MAX_PER_CLIENT = 5
MAX_PER_WINDOW = 30
WINDOW_SECONDS = 60.0
_EVENT_SUFFIX = ".handle_frontend_exception"


class FrontendReportLimit(Middleware):
    def __init__(self) -> None:
        self._window_start = time.monotonic()
        self._total = 0
        self._per_client: dict[str, int] = {}

    def _allowed(self, client: str) -> bool:
        now = time.monotonic()
        if now - self._window_start > WINDOW_SECONDS:
            self._window_start, self._total, self._per_client = now, 0, {}
        if self._total >= MAX_PER_WINDOW or self._per_client.get(client, 0) >= MAX_PER_CLIENT:
            return False
        self._total += 1
        self._per_client[client] = self._per_client.get(client, 0) + 1
        return True

    async def preprocess(self, app, state, event):  # an update that drops it, or None to let it through
        if not event.name.endswith(_EVENT_SUFFIX):
            return None
        payload = event.payload if isinstance(event.payload, dict) else {}
        values = list(payload.values())
        if not all(isinstance(v, str) for v in values) or sum(len(v) for v in values) > MAX_REPORT_CHARS:
            return dropped_event()
        client = str(getattr(state.router.session, "client_token", "") or "")
        if not self._allowed(client):
            return dropped_event()
        return None
