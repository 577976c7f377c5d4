"""A scripted browser tab on Reflex's websocket (python-socketio AsyncClient), and the app's
state names as Reflex formats them: what the websocket benchmarks share (bench/README.md,
"Driving the Reflex websocket"). Imported as `_reflex_client` beside the benchmark scripts.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass
from typing import Any

# Socket.IO endpoint of Reflex: engine.io path and namespace are both "/_event"
# (reflex_base.constants.Endpoint.EVENT), the message name is "event" both ways.
EVENT_PATH = "/_event"
NAMESPACE = "/_event"
MESSAGE = "event"
SESSION_COOKIE = "krs_session"  # HttpOnly, set by POST /api/login; sent in the websocket handshake

# Fallback names, as Reflex derives them (module path + class name, snake-cased, "." between
# parent and child state); the live ones are computed from the state classes when importable.
FALLBACK_NAMES = {
    "root": "reflex___state____state",
    "session": "reflex___state____state.krs_app___state___session____session_state",
    "entry": "reflex___state____state.krs_app___state___session____session_state"
    ".krs_app___state___entry____entry_state",
    "login": "reflex___state____state.krs_app___state___session____session_state"
    ".krs_app___state___login____login_state",
    "field_marker": "_rx_state_",
}


@dataclass
class Names:
    root: str
    session: str
    entry: str
    login: str
    field_marker: str
    source: str

    @property
    def hydrate(self) -> str:
        return f"{self.root}.hydrate_and_load"

    @property
    def save_cell(self) -> str:
        return f"{self.entry}.save_cell"

    @property
    def cookie_var(self) -> str:
        """The client-storage key the session cookie had while it was an rx.Cookie. The server
        no longer reads it (the HttpOnly cookie comes in the websocket handshake, see
        Socket.connect); a hydrate payload carrying it is still accepted."""
        return f"{self.session}.session_token{self.field_marker}"

    def var(self, name: str) -> str:
        return name + self.field_marker


def state_names() -> Names:
    """Full state names as Reflex formats them, from the app's own state classes."""
    try:
        import reflex as rx
        from reflex_base.constants.state import FIELD_MARKER

        from krs_app.state.entry import EntryState
        from krs_app.state.login import LoginState
        from krs_app.state.session import SessionState

        return Names(
            root=rx.State.get_full_name(),
            session=SessionState.get_full_name(),
            entry=EntryState.get_full_name(),
            login=LoginState.get_full_name(),
            field_marker=FIELD_MARKER,
            source="state classes",
        )
    except Exception:  # noqa: BLE001
        return Names(**FALLBACK_NAMES, source="built-in fallback")


class EntryRows:
    """The rows one /entry tab shows, rebuilt from the deltas it received.

    The page arrives in two parts (krs_app/state/entry.py): `catalogue`, the round's indicator
    texts in page order (with the page load or a round change), and one slot var per position,
    `row_00`, `row_01`, … (each row's state, sent only when it changed). `apply(entry_delta)`
    keeps both and returns the rows that delta changed, each joined into one dict as the page
    shows it: the catalogue fields, the state fields, and `variables` with their `value_text`."""

    def __init__(self, names: Names) -> None:
        self.names = names
        self.catalogue: list[dict] = []
        self.slots: dict[int, dict] = {}

    def apply(self, entry_delta: dict | None) -> list[dict] | None:
        """The rows this delta of the entry state changed (None: it changed none)."""
        if not entry_delta:
            return None
        marker = self.names.field_marker
        changed: set[int] = set()
        catalogue = entry_delta.get("catalogue" + marker)
        if catalogue is not None:
            self.catalogue = list(catalogue)
            changed.update(range(len(self.catalogue)))
        for key, value in entry_delta.items():
            name = key[: -len(marker)] if key.endswith(marker) else key
            if name.startswith("row_") and name[4:].isdigit():
                self.slots[int(name[4:])] = value
                changed.add(int(name[4:]))
        rows = [self.row(n) for n in sorted(changed) if n < len(self.catalogue) and n in self.slots]
        return rows or None

    def row(self, position: int) -> dict:
        text, live = self.catalogue[position], self.slots[position]
        values = list(live.get("values") or [])
        variables = [
            {**variable, "value_text": values[i] if i < len(values) else ""}
            for i, variable in enumerate(text.get("variables") or [])
        ]
        return {**text, **{k: v for k, v in live.items() if k != "values"}, "variables": variables}

    def rows(self) -> list[dict]:
        """Every row the tab shows now."""
        return [self.row(n) for n in range(len(self.catalogue)) if n in self.slots]


def login_over_http(
    base_url: str, username: str, password: str, timeout: float, headers: dict[str, str] | None = None
) -> str:
    """The login form's POST /api/login (api_session.py), as the browser sends it; the session
    token is the HttpOnly krs_session cookie of its answer (a 303 to "/"). A refusal comes back
    as the same redirect with no session cookie (the message is in a signed flash cookie).
    `headers` go with it (X-Forwarded-For: a user behind a trusted proxy, each at its own address)."""
    import urllib.error
    import urllib.parse
    import urllib.request

    class _NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    origin = base_url.rstrip("/")
    body = urllib.parse.urlencode({"username": username, "password": password}).encode()
    request = urllib.request.Request(
        origin + "/api/login", data=body, method="POST", headers={"Origin": origin, **(headers or {})}
    )
    try:
        headers = urllib.request.build_opener(_NoRedirect).open(request, timeout=timeout).headers
    except urllib.error.HTTPError as error:  # the 303 itself (not followed)
        headers = error.headers
    for cookie in headers.get_all("set-cookie") or []:
        name, _, rest = cookie.partition("=")
        value = rest.split(";")[0].strip('"')
        if name.strip() == SESSION_COOKIE and value:
            return value
    raise RuntimeError("login refused: no session cookie came back from POST /api/login")


def router_data(path: str) -> dict[str, str]:
    """What the frontend's withRouterData puts on every event."""
    return {"pathname": path, "asPath": path}


class Socket:
    """One browser tab: a Socket.IO connection to /_event with its own client token."""

    def __init__(self, base_url: str):
        import socketio

        self.base_url = base_url.rstrip("/")
        self.client = socketio.AsyncClient(reconnection=False)
        self.client_token = str(uuid.uuid4())
        self.queue: asyncio.Queue[tuple[float, Any]] = asyncio.Queue()

        async def on_message(data):
            await self.queue.put((time.perf_counter(), data))

        self.client.on(MESSAGE, on_message, namespace=NAMESPACE)

    async def connect(self, first_event: dict | None, cookie: str | None = None) -> None:
        # The session token, as a browser sends its HttpOnly cookie: in the handshake's Cookie
        # header, which the server reads for every event of this socket (state.session).
        headers = {"Cookie": f"{SESSION_COOKIE}={cookie}"} if cookie else {}
        # The frontend puts its hydrate event in the CONNECT packet's auth ({"event": ...});
        # the backend links ?token=<client token> to this sid and processes that event first.
        await self.client.connect(
            f"{self.base_url}?token={self.client_token}",
            socketio_path=EVENT_PATH,
            namespaces=[NAMESPACE],
            transports=["websocket"],
            headers=headers,
            auth={"event": first_event} if first_event else None,
            wait_timeout=30,
        )

    async def send(self, event: dict) -> float:
        start = time.perf_counter()
        await self.client.emit(MESSAGE, event, namespace=NAMESPACE)
        return start

    async def next(self, timeout: float) -> tuple[float, Any]:
        return await asyncio.wait_for(self.queue.get(), timeout)

    async def drain(self, quiet: float) -> int:
        """Swallow messages until none came for `quiet` seconds; how many were swallowed."""
        count = 0
        while True:
            try:
                await asyncio.wait_for(self.queue.get(), quiet)
                count += 1
            except TimeoutError:
                return count

    async def close(self) -> None:
        try:
            await self.client.disconnect()
        except Exception:  # noqa: BLE001
            pass


def delta_of(message: Any) -> dict:
    """A StateUpdate as sent: {"delta": {full state name: {var + "_rx_state_": value}}, "events": [...]}."""
    if not isinstance(message, dict):
        return {}
    return message.get("delta") or {}


def redirect_in(message: Any) -> str | None:
    """The path of an rx.redirect the backend asks the browser to follow, if any."""
    events = (message.get("events") or []) if isinstance(message, dict) else []
    for event in events:
        if isinstance(event, dict) and event.get("name") == "_redirect":
            return str((event.get("payload") or {}).get("path"))
    return None
