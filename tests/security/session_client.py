"""A scripted browser tab over Reflex's real websocket (python-socketio), for the session cases.

It speaks what the frontend speaks: the hydrate_and_load event in the CONNECT packet, then
"event" messages {name, payload, router_data}; the server answers with StateUpdate dicts
({"delta": {state: {var_rx_state_: value}}, "events": [...]}). The session cookie is HttpOnly:
it goes with the websocket handshake (the Cookie header), and logging in is the login form's
POST /api/login followed by a full page load (a new connection with the cookie)."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from typing import Any

EVENT_PATH = "/_event"
NAMESPACE = "/_event"
MESSAGE = "event"
FIELD_MARKER = "_rx_state_"

ROOT = "reflex___state____state"
SESSION = ROOT + ".krs_app___state___session____session_state"


def state_name(module: str, cls: str) -> str:
    """The full name Reflex gives a page state under SessionState (krs_app.state.<module>.<Cls>)."""
    snake = "".join("_" + c.lower() if c.isupper() else c for c in cls).lstrip("_")
    return f"{SESSION}.krs_app___state___{module}____{snake}"


LOGIN = state_name("login", "LoginState")
ENTRY = state_name("entry", "EntryState")
PANEL = state_name("panel", "PanelState")
REVIEW = state_name("review", "ReviewState")
HOME = state_name("home", "KpiHomeState")
CENTRAL = state_name("central", "CentralState")


def router_data(path: str) -> dict[str, str]:
    return {"pathname": path, "asPath": path}


class Tab:
    """One browser tab: its client token survives reconnects, like the browser's sessionStorage."""

    def __init__(self, base_url: str, client_token: str | None = None):
        self.base_url = base_url.rstrip("/")
        self.client_token = client_token or str(uuid.uuid4())
        self.client = None
        self.messages: list[Any] = []
        self.path = "/login"
        self.cookie = ""  # what the browser's krs_session cookie holds

    async def connect(self, path: str, cookie: str | None = None, send_cookie: bool = True, more: str = "") -> None:
        """A page load: a new websocket whose handshake carries the browser's cookies (`more`: others)."""
        import socketio

        if cookie is not None:
            self.cookie = cookie
        self.path = path
        self.client = socketio.AsyncClient(reconnection=False)
        queue = self.messages

        async def on_message(data):
            queue.append((time.monotonic(), data))

        self.client.on(MESSAGE, on_message, namespace=NAMESPACE)
        cookies = [f"krs_session={self.cookie}"] if (send_cookie and self.cookie) else []
        headers = {"Cookie": "; ".join([*cookies, more] if more else cookies)} if (cookies or more) else {}
        hydrate = {"name": ROOT + ".hydrate_and_load", "router_data": router_data(path), "payload": {"vars": {}}}
        await self.client.connect(
            f"{self.base_url}?token={self.client_token}",
            socketio_path=EVENT_PATH,
            namespaces=[NAMESPACE],
            transports=["websocket"],
            headers=headers,
            auth={"event": hydrate},
            wait_timeout=30,
        )

    async def send(self, name: str, payload: dict | None = None, path: str | None = None) -> None:
        await self.client.emit(
            MESSAGE,
            {"name": name, "payload": payload or {}, "router_data": router_data(path or self.path)},
            namespace=NAMESPACE,
        )

    async def settle(self, quiet: float = 0.6, timeout: float = 30.0) -> list[Any]:
        """Wait until nothing came for `quiet` seconds; the messages that came meanwhile."""
        start = len(self.messages)
        deadline = time.monotonic() + timeout
        last = len(self.messages)
        quiet_since = time.monotonic()
        while time.monotonic() < deadline:
            await asyncio.sleep(0.05)
            if len(self.messages) != last:
                last, quiet_since = len(self.messages), time.monotonic()
            elif time.monotonic() - quiet_since >= quiet:
                break
        return [m for _, m in self.messages[start:]]

    async def until(self, predicate, timeout: float = 20.0) -> Any:
        """The first message from now on for which predicate(message) is true."""
        seen = len(self.messages)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            while seen < len(self.messages):
                message = self.messages[seen][1]
                seen += 1
                if predicate(message):
                    return message
            await asyncio.sleep(0.02)
        raise TimeoutError("no such message")

    def text(self, since: int = 0) -> str:
        """Everything this tab was sent (from message `since` on), as one string; without the
        login page's list of demo accounts (demo mode shows the demo offices' names to anyone)."""
        shown = []
        for _, message in self.messages[since:]:
            if isinstance(message, dict) and LOGIN in delta_of(message):
                message = json.loads(json.dumps(message))
                message["delta"][LOGIN].pop("demo_accounts" + FIELD_MARKER, None)
            shown.append(json.dumps(message, ensure_ascii=False))
        return "\n".join(shown)

    def var(self, state: str, name: str, default: Any = None) -> Any:
        """The latest value of a var this tab was sent."""
        value = default
        for _, message in self.messages:
            fields = delta_of(message).get(state) or {}
            if name + FIELD_MARKER in fields:
                value = fields[name + FIELD_MARKER]
        return value

    async def close(self) -> None:
        if self.client is not None:
            try:
                await self.client.disconnect()
            except Exception:  # noqa: BLE001
                pass
            self.client = None
            await asyncio.sleep(0.2)


def delta_of(message: Any) -> dict:
    return (message.get("delta") or {}) if isinstance(message, dict) else {}


def redirect_of(message: Any) -> str | None:
    for event in (message.get("events") or []) if isinstance(message, dict) else []:
        if isinstance(event, dict) and event.get("name") == "_redirect":
            return str((event.get("payload") or {}).get("path"))
    return None


async def post_login(base_url: str, username: str, password: str = "krs2562") -> tuple[str, str, str]:
    """The login form's POST: (session token or "", where it sends the browser, flash message)."""
    import base64

    import httpx

    async with httpx.AsyncClient(base_url=base_url, timeout=60) as http:
        answer = await http.post(
            "/api/login", data={"username": username, "password": password}, headers={"Origin": base_url}
        )
    flash = answer.cookies.get("krs_login_flash") or ""
    message = ""
    if flash:
        encoded = flash.strip('"').rsplit(".", 1)[0]
        message = json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))).get("m", "")
    return answer.cookies.get("krs_session") or "", answer.headers.get("location", ""), message


async def login(tab: Tab, username: str, password: str = "krs2562") -> str:
    """Log in as the browser does: POST the form, then a full page load of the home page on the
    same tab (same client token) with the new cookie. Returns the session token."""
    token, home, message = await post_login(tab.base_url, username, password)
    if not token:
        raise RuntimeError(f"login refused: {message}")
    assert home == "/", home
    await tab.close()
    start = len(tab.messages)
    await tab.connect("/", cookie=token)  # the index page sends the role on to its home
    await tab.until(lambda m: redirect_of(m) is not None)
    tab.path = next(redirect_of(m) for _, m in tab.messages[start:] if redirect_of(m))
    await tab.settle()
    return token


async def logout(tab: Tab) -> None:
    """The logout button: POST /api/logout with the cookie, then the browser loads /login without it."""
    import httpx

    async with httpx.AsyncClient(base_url=tab.base_url, timeout=60) as http:
        answer = await http.post("/api/logout", headers={"Origin": tab.base_url, "Cookie": f"krs_session={tab.cookie}"})
    assert answer.status_code == 303
    await tab.close()
    tab.cookie = ""
    await tab.connect("/", cookie="")
    await tab.settle()
    tab.path = "/login"


async def run(tab: Tab, path: str, event: str, payload: dict | None = None) -> list[Any]:
    """Send one event (a page's load on a client-side navigation, or any handler) and wait for quiet."""
    tab.path = path
    await tab.send(event, payload or {}, path)
    return await tab.settle()
