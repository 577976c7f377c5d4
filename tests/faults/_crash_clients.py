"""The clients of the kill -9 test (test_kill_during_writes.py): district tabs on the real app's
websocket (bench/_reflex_client.Socket, the project's scripted browser tab) plus the evidence
upload route, each writing its own district's values, thread messages and files.

A write is "acknowledged" only once its reply was seen: the entry row showing the new value
(save_cell), the thread showing the new message (send_comment), HTTP 200 with a file id (upload).
Every write is put in the ledger before it is sent, so what was tried but not answered (in
flight at the kill) is known too."""

from __future__ import annotations

import asyncio
import hashlib
import random
import secrets
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from bench._reflex_client import SESSION_COOKIE, EntryRows, Socket, delta_of, redirect_in, router_data, state_names
from krs_app.domain.validation import parse_number
from krs_app.routes import EVIDENCE_UPLOAD

REPLY_SECONDS = 60.0  # a loaded 2-core machine; a reply not seen by then stays unacknowledged


@dataclass
class Write:
    kind: str  # value | message | file
    user: str
    key: Any  # value: variable id; message: body; file: sha-256
    value: float | None = None
    acked: bool = False


@dataclass
class Ledger:
    writes: list[Write] = field(default_factory=list)

    def tried(self, write: Write) -> Write:
        self.writes.append(write)
        return write

    def acks(self, kind: str) -> int:
        return sum(1 for w in self.writes if w.kind == kind and w.acked)


def pdf_for(username: str, i: int) -> bytes:
    """About 1 MB: large enough that uploads are mid-stream (a staging file) when the kill comes."""
    return b"%PDF-1.4\n" + f"{username}-{i}\n".encode().ljust(64, b" ") * 16_000 + b"%%EOF\n"


class DistrictTab:
    """One district's /entry tab with the thread window of one indicator open."""

    def __init__(self, base_url: str, username: str, token: str, ledger: Ledger):
        from krs_app.state.panel import PanelState

        self.base_url = base_url
        self.username = username
        self.token = token
        self.ledger = ledger
        self.names = state_names()
        self.panel = PanelState.get_full_name()
        self.socket = Socket(base_url)
        self.view = EntryRows(self.names)  # the page's catalogue and row slots, as the deltas left them
        self.round_id = ""
        self.pairs: list[tuple[int, dict[str, dict]]] = []  # (indicator id, {"a": variable, "b": variable})

    def _entry(self, message: Any) -> dict:
        return delta_of(message).get(self.names.entry) or {}

    def _panel(self, message: Any) -> dict:
        return delta_of(message).get(self.panel) or {}

    async def _until(self, found, timeout: float = REPLY_SECONDS):
        """The first truthy found(message) among the messages that arrive; None when none came in time."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while (left := deadline - loop.time()) > 0:
            try:
                _, message = await self.socket.next(left)
            except TimeoutError:
                return None
            if (path := redirect_in(message)) is not None:
                raise RuntimeError(f"{self.username}: the app redirected the tab to {path}")
            if (answer := found(message)) is not None:
                return answer
        return None

    async def open(self) -> None:
        hydrate = {"name": self.names.hydrate, "router_data": router_data("/entry"), "payload": {}}
        await self.socket.connect(hydrate, cookie=self.token)
        entry = await self._until(lambda m: self._entry(m) if self.view.apply(self._entry(m)) else None)
        if entry is None:
            raise RuntimeError(f"{self.username}: EntryState.load sent no rows")
        self.round_id = str(entry.get(self.names.var("round_id")) or "")
        for row in self.view.rows():
            variables = {v["key"]: v for v in row.get("variables") or []}
            inputs = sorted(variables) == ["a", "b"] and all(v["mode"] == "input" for v in variables.values())
            if row.get("editable") and inputs:
                self.pairs.append((row["id"], variables))
        if not self.pairs or not self.round_id.isdigit():
            raise RuntimeError(f"{self.username}: no editable a/b indicator in round {self.round_id!r}")
        open_thread = {
            "name": f"{self.panel}.open_comments",
            "router_data": router_data("/entry"),
            "payload": {"indicator_id": self.pairs[0][0], "district_id": 0, "round_id": self.round_id, "title": "t"},
        }
        await self.socket.send(open_thread)
        if await self._until(lambda m: True if self._panel(m).get(self.names.var("comments_open")) else None) is None:
            raise RuntimeError(f"{self.username}: the thread window did not open")

    async def save_value(self, variable: dict, number: int) -> None:
        write = self.ledger.tried(Write("value", self.username, variable["id"], float(number)))
        event = {
            "name": self.names.save_cell,
            "router_data": router_data("/entry"),
            "payload": {"variable_id": variable["id"], "element_id": variable["element_id"], "text": str(number)},
        }
        await self.socket.send(event)

        def shown(message: Any):
            entry = self._entry(message)
            if entry.get(self.names.var("cell_errors"), {}).get(variable["element_id"]):
                return False  # refused: not a write
            for row in self.view.apply(entry) or []:
                for cell in row.get("variables") or []:
                    if cell["id"] == variable["id"] and parse_number(cell["value_text"]) == number:
                        return True
            return None

        write.acked = bool(await self._until(shown))

    async def post_message(self, i: int) -> None:
        body = f"{self.username} ข้อความ {i} {secrets.token_hex(4)}"
        write = self.ledger.tried(Write("message", self.username, body))
        form = {"comment": body, "request_id": secrets.token_urlsafe(16)}
        event = {
            "name": f"{self.panel}.send_comment",
            "router_data": router_data("/entry"),
            "payload": {"form_data": form},
        }
        await self.socket.send(event)

        def shown(message: Any):
            panel = self._panel(message)
            if panel.get(self.names.var("comment_error")):
                return False
            rows = panel.get(self.names.var("messages")) or []
            return True if any(row.get("body") == body for row in rows) else None

        write.acked = bool(await self._until(shown))

    async def upload(self, http, i: int) -> None:
        data = pdf_for(self.username, i)
        write = self.ledger.tried(Write("file", self.username, hashlib.sha256(data).hexdigest()))
        headers = {
            "Cookie": f"{SESSION_COOKIE}={self.token}",
            "X-KRS-Upload": "1",
            "X-Filename": quote(f"หลักฐาน-{i}.pdf"),
            "X-Description": quote(f"ไฟล์ {i}"),
            "X-Request-Id": secrets.token_urlsafe(16),
            "Content-Type": "application/pdf",
        }
        url = f"{self.base_url}{EVIDENCE_UPLOAD}?indicator={self.pairs[0][0]}&round={self.round_id}"
        async with http.post(url, data=data, headers=headers, timeout=REPLY_SECONDS) as response:
            answer = await response.json(content_type=None) if response.status == 200 else {}
        write.acked = bool(answer.get("ok") and answer.get("id"))

    async def write_forever(self, http) -> None:
        """Steps in a random order (seeded per user): a value pair (b first, then a ≤ b: the
        cross-field rule), a message or a file; every value differs from the cell's previous one,
        so each save changes the row. The first steps are one of each kind."""
        steps = random.Random(self.username)
        i = 0
        while True:
            i += 1
            step = i if i <= 3 else steps.choice((1, 1, 2, 3))
            if step == 1:
                _indicator, cells = self.pairs[i % len(self.pairs)]
                await self.save_value(cells["b"], 1000 + i)
                await self.save_value(cells["a"], i)
            elif step == 2:
                await self.post_message(i)
            else:
                await self.upload(http, i)

    async def close(self) -> None:
        await self.socket.close()
