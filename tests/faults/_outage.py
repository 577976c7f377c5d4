"""What the outage tests share: a throw-away PostgreSQL cluster and redis-server of their own
(the shared servers on 5432 and 6379 are never stopped), and a scripted browser tab on the
district's entry page over the app's real websocket (bench/_reflex_client.py)."""

from __future__ import annotations

import asyncio
import glob
import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from bench._harness import free_port
from bench._reflex_client import EntryRows, Socket, delta_of, login_over_http, redirect_in, router_data, state_names
from krs_app.state.panel import PanelState

NAMES = state_names()
PANEL_STATE = PanelState.get_full_name()
PG_USER = "postgres"  # initdb and postgres refuse to run as root: the cluster runs as this OS user


def _as_postgres(*command: str, check: bool = True) -> subprocess.CompletedProcess:
    prefix = ["runuser", "-u", PG_USER, "--"] if os.geteuid() == 0 else []
    return subprocess.run([*prefix, *command], capture_output=True, text=True, timeout=120, check=check)


class PostgresCluster:
    """initdb into a temp dir, on a free port (unix socket in the same dir), trust auth on 127.0.0.1."""

    def __init__(self) -> None:
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        if not found:
            pytest.skip("PostgreSQL's initdb is not installed (/usr/lib/postgresql/*/bin/initdb)")
        if os.geteuid() == 0 and shutil.which("runuser") is None:
            pytest.skip("running as root without runuser: PostgreSQL cannot be started as its own user")
        self.bin = Path(found[-1]).parent
        self.dir = Path(tempfile.mkdtemp(prefix="krs-pg-"))
        self.data = self.dir / "data"
        self.port = free_port()
        if os.geteuid() == 0:
            shutil.chown(self.dir, PG_USER, PG_USER)
        _as_postgres(str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", PG_USER, "-E", "UTF8")
        self.start()
        _as_postgres(str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", PG_USER, "krs")

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://{PG_USER}@127.0.0.1:{self.port}/krs"

    def start(self) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        _as_postgres(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.dir / "pg.log"), "-w", "start"
        )

    def stop(self) -> None:
        _as_postgres(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop", check=False)

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


class RedisServer:
    """A redis-server of this test on a free port; stop() shuts it down as a restart does (it
    saves its data to its own dir first), start() brings it back on the same port. Without
    `persist` it runs as `--save '' --appendonly no`: a restart comes back empty."""

    def __init__(self, persist: bool = True) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.skip("redis-server is not installed")
        self.binary = binary
        self.persistence = ["--save", "3600 1"] if persist else ["--save", ""]
        self.dir = Path(tempfile.mkdtemp(prefix="krs-redis-"))
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}"

    def start(self) -> None:
        with open(self.dir / "redis.log", "a") as log:
            self.process = subprocess.Popen(
                [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.dir),
                 *self.persistence, "--appendonly", "no"],
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        import redis

        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                redis.Redis.from_url(self.url, socket_connect_timeout=1).ping()
                return
            except redis.RedisError:
                time.sleep(0.1)
        raise RuntimeError("the test's redis-server did not start")

    def flushall(self) -> None:
        import redis

        redis.Redis.from_url(self.url).flushall()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()  # SIGTERM: redis saves its dump and exits, as a service restart does
            self.process.wait(20)

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


# --------------------------------------------------------------------------- a tab on /entry


def entry_of(message: Any) -> dict:
    return delta_of(message).get(NAMES.entry) or {}


def rows_in(message: Any) -> dict[str, dict] | None:
    """The catalogue rows a message sends the entry page (None: it sends none; {}: an empty page)."""
    rows = entry_of(message).get(NAMES.var("catalogue"))
    return None if rows is None else {row["code"]: row for row in rows}


class EntryTab:
    """A district's browser tab on /entry: the rows it shows, the cell messages it shows."""

    def __init__(self, base_url: str, cookie: str) -> None:
        self.base_url = base_url
        self.cookie = cookie
        self.socket = Socket(base_url)
        self.rows: dict[str, dict] = {}
        self.view = EntryRows(NAMES)  # the page's catalogue and row slots, as the deltas left them
        self.cell_errors: dict[str, str] = {}
        self.round_id: int | None = None
        self.panel: dict[str, Any] = {}  # the comments window's fields (PanelState), as last sent
        self.messages: list[Any] = []

    async def open(self, timeout: float = 60) -> None:
        hydrate = {"name": NAMES.hydrate, "router_data": router_data("/entry"), "payload": {}}
        await self.socket.connect(hydrate, cookie=self.cookie)
        await self.wait(lambda: bool(self.rows), timeout, "the entry page's rows")

    async def reconnect(self, timeout: float = 60) -> None:
        """The browser's socket drops and connects again: the same tab (client token), hydrated anew."""
        await self.socket.close()
        client_token = self.socket.client_token
        self.socket = Socket(self.base_url)
        self.socket.client_token = client_token
        self.rows = {}
        await self.open(timeout)

    def _take(self, message: Any) -> None:
        self.messages.append(message)
        if (path := redirect_in(message)) is not None:
            raise AssertionError(f"the tab was sent to {path}")
        if self.view.apply(entry_of(message)) is not None:
            self.rows = {row["code"]: row for row in self.view.rows()}
        round_id = entry_of(message).get(NAMES.var("round_id"))
        if round_id not in (None, ""):
            self.round_id = int(round_id)
        for name, value in (delta_of(message).get(PANEL_STATE) or {}).items():
            self.panel[name.removesuffix(NAMES.field_marker)] = value
        errors = entry_of(message).get(NAMES.var("cell_errors"))
        if errors is not None:
            self.cell_errors = errors

    async def wait(self, condition, timeout: float, what: str) -> float:
        """Read what the server sends until `condition()` holds; the seconds it took."""
        started = time.monotonic()
        while not condition():
            left = started + timeout - time.monotonic()
            if left <= 0:
                raise AssertionError(f"not on the tab within {timeout:.0f} s: {what}")
            try:
                _, message = await self.socket.next(left)
            except TimeoutError:
                continue
            self._take(message)
        return time.monotonic() - started

    async def settle(self, quiet: float) -> None:
        """Take what the server sends until it has sent nothing for `quiet` seconds."""
        while True:
            try:
                _, message = await self.socket.next(quiet)
            except TimeoutError:
                return
            self._take(message)

    async def call(self, state: str, handler: str, payload: dict) -> None:
        await self.socket.send({"name": f"{state}.{handler}", "router_data": router_data("/entry"), "payload": payload})

    async def open_comments(self, code: str) -> None:
        """The row's comments button: the thread window opens on that indicator."""
        row = self.rows[code]
        payload = {"indicator_id": row["id"], "district_id": 0, "round_id": str(self.round_id), "title": code}
        await self.call(PANEL_STATE, "open_comments", payload)
        await self.wait(lambda: self.panel.get("comments_open") is True, 30, "the comments window")

    async def send_comment(self, body: str, request_id: str) -> None:
        await self.call(PANEL_STATE, "send_comment", {"form_data": {"comment": body, "request_id": request_id}})

    def thread_bodies(self) -> list[str]:
        return [m["body"] for m in self.panel.get("messages") or []]

    def variable(self, code: str, key: str) -> dict:
        return next(v for v in self.rows[code]["variables"] if v["key"] == key)

    async def save(self, code: str, key: str, text: str) -> dict:
        variable = self.variable(code, key)
        await self.socket.send(
            {
                "name": NAMES.save_cell,
                "router_data": router_data("/entry"),
                "payload": {"variable_id": variable["id"], "element_id": variable["element_id"], "text": text},
            }
        )
        return variable

    def was_told(self, text: str) -> bool:
        """Whether anything sent since the tab opened holds this text: a field's value, or a
        toast's (its text is a JSON string, Thai escaped, inside the script Reflex sends)."""
        escaped = json.dumps(text)[1:-1]

        def strings(value: Any):
            if isinstance(value, str):
                yield value
            elif isinstance(value, dict):
                for item in value.values():
                    yield from strings(item)
            elif isinstance(value, list):
                for item in value:
                    yield from strings(item)

        return any(text in s or escaped in s for m in self.messages for s in strings(m))

    async def close(self) -> None:
        await self.socket.close()


def district_login(base_url: str, username: str = "spm07") -> str:
    return login_over_http(base_url, username, "krs2562", 30)


def upload_evidence(base_url: str, cookie: str, indicator_id: int, round_id: int, body: bytes, name: str) -> dict:
    """The evidence window's upload, as its script sends it (POST /api/evidence)."""
    from urllib.parse import quote

    request = urllib.request.Request(
        f"{base_url}/api/evidence?indicator={indicator_id}&round={round_id}",
        data=body,
        method="POST",
        headers={
            "Cookie": f"krs_session={cookie}",
            "X-KRS-Upload": "1",
            "X-Filename": quote(name),
            "X-Description": quote("หลักฐานระหว่าง Redis ดับ"),
            "Content-Type": "application/pdf",
            "Origin": base_url,
        },
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def run(coroutine):
    return asyncio.run(coroutine)
