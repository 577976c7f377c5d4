"""A scripted browser tab for the HTTP/websocket attack cases: Reflex's real Socket.IO endpoint.

It speaks what the frontend speaks (as bench/bench_edit_roundtrip.py does): the hydrate event in
the CONNECT packet with the krs_session cookie among the client-storage vars, then "event"
messages {name, payload, router_data}; the server answers with StateUpdate dicts.
"""

from __future__ import annotations

import asyncio
import json
import urllib.request
import uuid
from typing import Any

EVENT_PATH = "/_event"
NAMESPACE = "/_event"
MESSAGE = "event"


def _names() -> dict[str, str]:
    import reflex as rx

    from krs_app.state.central import CentralState
    from krs_app.state.entry import EntryState
    from krs_app.state.extensions import ExtensionState
    from krs_app.state.home import KpiHomeState
    from krs_app.state.login import LoginState
    from krs_app.state.panel import PanelState
    from krs_app.state.review import ReviewState
    from krs_app.state.session import SessionState

    return {
        "root": rx.State.get_full_name(),
        "session": SessionState.get_full_name(),
        "login": LoginState.get_full_name(),
        "entry": EntryState.get_full_name(),
        "panel": PanelState.get_full_name(),
        "review": ReviewState.get_full_name(),
        "home": KpiHomeState.get_full_name(),
        "extensions": ExtensionState.get_full_name(),
        "central": CentralState.get_full_name(),
    }


NAMES = _names()
FIELD_MARKER = "_rx_state_"
COOKIE_VAR = f"{NAMES['session']}.session_token{FIELD_MARKER}"
PAGE_OF = {
    "entry": "/entry",
    "panel": "/entry",
    "review": "/review",
    "home": "/report",
    "extensions": "/report",
    "central": "/central",
}


def event_name(state: str, handler: str) -> str:
    return f"{NAMES[state]}.{handler}"


def router_data(path: str) -> dict[str, str]:
    return {"pathname": path, "asPath": path}


class Tab:
    """One tab: connect to a page with a session cookie, send events, collect every answer."""

    def __init__(self, base_url: str, token: str | None, path: str, origin: str | None = None):
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.path = path
        self.origin = origin
        self.client_token = str(uuid.uuid4())
        self.messages: list[Any] = []
        self.client = None

    async def __aenter__(self) -> Tab:
        import socketio

        self.client = socketio.AsyncClient(reconnection=False)

        async def on_message(data):
            self.messages.append(data)

        self.client.on(MESSAGE, on_message, namespace=NAMESPACE)
        headers = {"Cookie": f"krs_session={self.token}"} if self.token else {}
        if self.origin:
            headers["Origin"] = self.origin
        hydrate = {
            "name": f"{NAMES['root']}.hydrate_and_load",
            "router_data": router_data(self.path),
            "payload": {"vars": {COOKIE_VAR: self.token} if self.token else {}},
        }
        await self.client.connect(
            f"{self.base_url}?token={self.client_token}",
            socketio_path=EVENT_PATH,
            namespaces=[NAMESPACE],
            transports=["websocket"],
            headers=headers,
            auth={"event": hydrate},
            wait_timeout=20,
        )
        await self.settle()
        return self

    async def __aexit__(self, *exc) -> None:
        try:
            await self.client.disconnect()
        except Exception:  # noqa: BLE001
            pass

    async def settle(self, quiet: float = 0.35, limit: float = 8.0) -> None:
        """Wait until no answer came for `quiet` seconds."""
        loop = asyncio.get_running_loop()
        end = loop.time() + limit
        seen = -1
        while loop.time() < end and seen != len(self.messages):
            seen = len(self.messages)
            await asyncio.sleep(quiet)

    async def send(self, state: str, handler: str, **payload) -> None:
        await self.send_raw({"name": event_name(state, handler), "payload": payload})

    async def send_raw(self, event: dict) -> None:
        event = {"router_data": router_data(self.path), **event}
        await self.client.emit(MESSAGE, event, namespace=NAMESPACE)
        await self.settle()

    def text(self) -> str:
        """Everything the server sent this tab, as one string (to search for leaks)."""
        return json.dumps(self.messages, ensure_ascii=False)

    def var(self, state: str, name: str) -> Any:
        """The last value the server sent for a state var (None if never sent)."""
        value = None
        for message in self.messages:
            delta = (message or {}).get("delta") or {} if isinstance(message, dict) else {}
            part = delta.get(NAMES[state]) or {}
            if name + FIELD_MARKER in part:
                value = part[name + FIELD_MARKER]
        return value


def run(coro):
    """Run a coroutine to its end on a loop of its own (in a worker thread, so it works beside
    Playwright's sync API, which keeps a loop running in the test's thread)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


async def _one_shot(base_url: str, token: str | None, path: str, events: list[tuple[str, str, dict]]) -> Tab:
    async with Tab(base_url, token, path) as tab:
        for state, handler, payload in events:
            await tab.send(state, handler, **payload)
    return tab


def attack(base_url: str, token: str | None, events: list[tuple[str, str, dict]], path: str | None = None) -> Tab:
    """Open a tab (on the page of the first event's state), send the events, return what came back."""
    page = path or PAGE_OF.get(events[0][0], "/") if events else (path or "/")
    return run(_one_shot(base_url, token, page, events))


def http(method: str, url: str, body: bytes | None = None, headers: dict | None = None):
    """(status, headers, body) of one request; HTTP errors are answers, not exceptions."""
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()
