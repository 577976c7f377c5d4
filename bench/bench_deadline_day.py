"""Benchmark: the last day before the deadline, scripted users on the real websocket.

Users arrive over --ramp seconds, then all behave like the real ones for --minutes, each on its
own websocket tab (bench/_reflex_client.Socket, the same client the other websocket benchmarks use):

  district  logs in (POST /api/login), opens บันทึกข้อมูล (/entry), then every 5-20 s
            (--edit-gap) does one thing: mostly toggles one of its 0/1 cells (save_cell, timed
            until a frame shows the cell's new text), sometimes attaches a small file (HTTP POST
            /api/evidence, as the page's upload script does) or posts a message in an
            indicator's thread (PanelState.open_comments once, then send_comment, timed until the
            thread shows it). There are 245 district offices: with more users than that, an
            office has several staff, each logged in on its own session and editing its own cells.
  bureau    logs in, opens its review list (/review), then every 5-15 s (--review-gap) certifies
            an awaiting result (open_detail + certify), refuses one (open_detail + open_refuse +
            refuse, a final refusal with a reason), bulk-certifies a few ticked rows
            (toggle_selected + set_bulk_confirm_open + bulk_certify) or reloads its list. There are
            10 bureaus: reviewer k of a bureau takes the districts whose id % reviewers == k.
  kpi       logs in and reloads the report (/report: a new tab each time) every --report-gap s.

Live pushes are counted: each change (an edit, a certification, a refusal, a bulk
certification) expects a frame on every other open /entry tab of the district concerned that
shows it (the cell's new text, the row's new status); the time from the change's send to that
frame is the push's time, and a tab that never shows it (within --timeout, or by the time it
closes) counts it lost. Frames are matched by content (bench/_live_match.py), not by var name:
the entry page's vars may be split into small per-row vars and the benchmark still sees them.

Per action it prints count, p50, p95, p99, errors (no answer within --timeout, a redirect, a
broken connection) and refusals (the app said no: a row certified meanwhile, a race between two
reviewers; a correct answer, shown apart), then the server's CPU (share of one core; PostgreSQL +
Redis apart), peak RSS, this client's CPU and the load average. With --users-steps (e.g.
20,40,80) it runs one such period per district user count and prints the knee: the largest
count whose every action had p95 <= 250 ms and no errors.

Profiles: default one worker with embedded SQLite and in-memory state; --scale-out runs
--workers uvicorn workers on PostgreSQL (a fresh database, dropped at the end) and Redis (an
empty db claimed here, flushed at the end), as bench_live_fanout.py --scale-out does.

The clients run in this one process on the same machine as the server: on the shared 2-core
machine they take a good part of a core at full size, and other engineers' work takes more; the
load average printed with every figure says how far they are from a quiet machine. The script
prints; it asserts nothing. Run from the project folder:

    python bench/bench_deadline_day.py --districts 50 --bureaus 6 --minutes 1
    python bench/bench_deadline_day.py --districts 490 --bureaus 60 --minutes 3 --ramp 60
    python bench/bench_deadline_day.py --users-steps 50,100,200,490 --bureaus 20 --minutes 1 --knee-ignore login
    python bench/bench_deadline_day.py --scale-out --workers 2 --users-steps 100,200,490 --minutes 1
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import secrets
import signal
import statistics
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import quote

import _harness  # noqa: F401  (first: this checkout on sys.path)
from _harness import backend_only, demo_env, free_port, percentile, start_app
from _live_match import cell_shows, cells_of, locked_codes, rows_in, status_shows, walk
from _reflex_client import (
    MESSAGE,
    NAMESPACE,
    SESSION_COOKIE,
    EntryRows,
    Socket,
    delta_of,
    login_over_http,
    redirect_in,
    router_data,
    state_names,
)
from bench_live_fanout import (
    Resources,
    claim_redis_db,
    client_cpu,
    cpu_by_pid,
    cpu_delta,
    cpu_seconds,
    create_postgres_db,
    process_tree,
    rss_kb,
    service_pids,
)

PASSWORD = "krs2562"
KNEE_P95_MS = 250.0
ROWS = "__rows__"  # added to an /entry frame's entry delta: the rows it changed, joined (EntryRows)


class Refused(Exception):
    """The app answered no (a correct answer, counted apart from errors)."""


class Stats:
    """Milliseconds, errors and refusals per action; live pushes expected and received."""

    def __init__(self) -> None:
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.refused: dict[str, int] = defaultdict(int)
        self.first_error: dict[str, str] = {}
        self.first_refusal: dict[str, str] = {}
        self.expected: dict[str, int] = defaultdict(int)
        self.superseded: dict[str, int] = defaultdict(int)  # pushes overtaken by a newer change of the same cell/row
        self.retries = 0  # logins tried again after a refusal (the login pool was busy)
        self.without_cells = 0  # district users with no 0/1 cell of their own to toggle

    def ok(self, action: str, started: float, now: float | None = None) -> None:
        self.times[action].append(((now or time.perf_counter()) - started) * 1000)

    def error(self, action: str, why: str) -> None:
        self.errors[action] += 1
        self.first_error.setdefault(action, why)

    def refusal(self, action: str, why: str) -> None:
        self.refused[action] += 1
        self.first_refusal.setdefault(action, why)

    def actions(self) -> list[str]:
        return sorted(set(self.times) | set(self.errors) | set(self.refused))

    def p95(self, action: str) -> float | None:
        times = self.times.get(action)
        return percentile(times, 95) if times else None

    def table(self) -> str:
        lines = [f"{'action':<16}{'count':>7}{'p50 ms':>10}{'p95 ms':>10}{'p99 ms':>10}{'errors':>8}{'refused':>9}"]
        for action in self.actions():
            t = self.times.get(action) or []
            cells = (
                (f"{statistics.median(t):>10.1f}{percentile(t, 95):>10.1f}{percentile(t, 99):>10.1f}")
                if t
                else f"{'-':>10}{'-':>10}{'-':>10}"
            )
            lost = " (lost)" if action.startswith("push_") and self.errors.get(action) else ""
            lines.append(
                f"{action:<16}{len(t):>7}{cells}{self.errors.get(action, 0):>8}{self.refused.get(action, 0):>9}{lost}"
            )
        pushes = [a for a in self.actions() if a.startswith("push_")]
        for action in pushes:
            got = len(self.times.get(action) or [])
            lines.append(
                f"  {action}: expected {self.expected[action]} frames on watching tabs, received {got}, "
                f"lost {self.errors.get(action, 0)}; superseded by a newer change of the same cell or row "
                f"before it arrived (not expected any more): {self.superseded.get(action, 0)}"
            )
        if not pushes:
            lines.append("  live pushes: no change had another open tab of its district watching")
        lines.append(f"  logins tried again after a refusal (pool busy): {self.retries}")
        if self.without_cells:
            lines.append(f"  district users with no 0/1 cell of their own (attach and post only): {self.without_cells}")
        lines += [f"  first {action} error: {why}" for action, why in self.first_error.items()]
        lines += [f"  first {action} refusal: {why}" for action, why in self.first_refusal.items()]
        return "\n".join(lines)


class Names:
    def __init__(self) -> None:
        from krs_app.state.panel import PanelState
        from krs_app.state.report_matrix import ReportMatrixState
        from krs_app.state.review import ReviewState

        base = state_names()
        self.base = base
        self.entry = base.entry
        self.panel = PanelState.get_full_name()
        self.review = ReviewState.get_full_name()
        self.report = ReportMatrixState.get_full_name()

    def var(self, name: str) -> str:
        return self.base.var(name)


class Expect:
    """One live push a watching tab should show."""

    def __init__(self, action: str, match, sent: float, key: Any = None) -> None:
        self.action, self.match, self.sent, self.key = action, match, sent, key


class Tab:
    """A Socket whose every frame is checked against the pushes it is expected to show."""

    def __init__(self, run: Run, office: str = "") -> None:
        self.run = run
        self.office = office
        self.socket = Socket(run.url)
        self.pending: list[Expect] = []
        self.locked: set[str] = set()
        self.open = False
        self.indicator_id: int | None = None  # a review tab's indicator
        self.indicator_code = ""

        # An /entry tab's rows come as a catalogue + row slots (krs_app/state/entry.py): each frame's
        # entry delta gets the rows it changed, joined as the page shows them, under ROWS.
        self.view = EntryRows(run.names.base) if office else None

        async def on_message(data):
            arrived = time.perf_counter()
            delta = delta_of(data)
            entry = delta.get(run.names.entry)
            if self.view is not None and isinstance(entry, dict):
                entry[ROWS] = self.view.apply(entry) or []
            await self.socket.queue.put((arrived, data))
            if self.pending or self.office:
                if self.office:
                    self.locked |= locked_codes(entry.get(ROWS) if isinstance(entry, dict) else None)
                for expect in list(self.pending):
                    if expect.match(delta):
                        self.pending.remove(expect)
                        run.stats.ok(expect.action, expect.sent, arrived)

        self.socket.client.on(MESSAGE, on_message, namespace=NAMESPACE)

    def forget(self) -> None:
        """Drop the frames waiting in the queue (their pushes were matched on arrival)."""
        while not self.socket.queue.empty():
            self.socket.queue.get_nowait()

    def expect(self, expect: Expect) -> None:
        """A newer change of the same cell or row supersedes an older one still awaited: the tab
        may show only the newest (the live update sends the rows as they are now)."""
        if expect.key is not None:
            older = [e for e in self.pending if e.key == expect.key]
            for e in older:
                self.pending.remove(e)
                self.run.stats.expected[e.action] -= 1
                self.run.stats.superseded[e.action] += 1
        self.pending.append(expect)
        self.run.stats.expected[expect.action] += 1

    async def close(self, grace: float = 0.0) -> None:
        """Close the tab; pushes still expected after `grace` seconds are lost."""
        self.open = False
        self.run.watching.get(self.office, set()).discard(self)
        end = time.monotonic() + grace
        while self.pending and time.monotonic() < end:
            await asyncio.sleep(0.1)
        for expect in self.pending:
            self.run.stats.error(expect.action, f"{self.office}: no frame showed it within {grace:.0f}s")
        self.pending = []
        await self.socket.close()


class Run:
    def __init__(self, args, url: str, names: Names, stats: Stats, stop_at: float, http) -> None:
        self.args, self.url, self.names, self.stats, self.stop_at = args, url, names, stats, stop_at
        self.http = http
        self.addresses: dict[str, str] = {}
        self.watching: dict[str, set[Tab]] = defaultdict(set)  # office code -> its open /entry tabs
        self.district_codes: dict[int, str] = {}

    def left(self) -> float:
        return self.stop_at - time.monotonic()

    def announce(
        self, action: str, office: str, match, sent: float, besides: Tab | None = None, key: Any = None
    ) -> None:
        """A change on `office` (of the cell or row `key`): every other open /entry tab of it should show it."""
        for tab in list(self.watching.get(office, ())):
            if tab is not besides and tab.open:
                tab.expect(Expect(action, match, sent, key))

    def withdraw(self, action: str, office: str, sent: float) -> None:
        """The change was refused: nothing to show."""
        for tab in self.watching.get(office, ()):
            kept = [e for e in tab.pending if not (e.action == action and e.sent == sent)]
            self.stats.expected[action] -= len(tab.pending) - len(kept)
            tab.pending = kept

    async def login(self, username: str) -> str | None:
        """POST /api/login from the user's own address (X-Forwarded-For, one trusted proxy hop: each
        office has its own); a refusal (the login pool busy) is tried again after a pause, as a
        person would, up to 3 times. Timed from the first try to the cookie."""
        started = time.perf_counter()
        n = len(self.addresses)
        address = {"X-Forwarded-For": f"10.{n // 250}.{n % 250 + 1}.1"}
        self.addresses[f"{username}#{n}"] = address["X-Forwarded-For"]
        for attempt in range(4):
            try:
                token = await asyncio.to_thread(
                    login_over_http, self.url, username, PASSWORD, self.args.timeout, address
                )
            except Exception as error:  # noqa: BLE001
                if attempt == 3:
                    self.stats.error("login", f"{username}: {error}")
                    return None
                self.stats.retries += 1
                await asyncio.sleep(random.uniform(1, 3))
                continue
            self.stats.ok("login", started)
            return token
        return None

    async def open_page(self, action: str, token: str, path: str, found, office: str = "", query: str = ""):
        """A new tab on `path`; timed until found(delta) is truthy. (tab, what found returned) or None."""
        tab = Tab(self, office)
        started = time.perf_counter()
        try:
            hydrate = {"name": self.names.base.hydrate, "router_data": _router(path, query), "payload": {}}
            await tab.socket.connect(hydrate, cookie=token)
            value = await self.wait_for(tab, found)
        except Exception as error:  # noqa: BLE001
            self.stats.error(action, f"{type(error).__name__}: {error}")
            await tab.socket.close()
            return None
        self.stats.ok(action, started)
        tab.open = True
        return tab, value

    async def wait_for(self, tab: Tab, pick) -> Any:
        """The first truthy pick(delta) of the next messages; raises on a redirect or a timeout."""
        deadline = time.monotonic() + self.args.timeout
        while True:
            _, message = await tab.socket.next(max(0.01, deadline - time.monotonic()))
            if (path := redirect_in(message)) is not None:
                raise RuntimeError(f"redirected to {path}")
            found = pick(delta_of(message))
            if found:
                return found

    async def pause(self, low: float, high: float) -> bool:
        """Sleep a human gap; False when the period ends first."""
        gap = random.uniform(low, high)
        if gap >= self.left():
            return False
        await asyncio.sleep(gap)
        return True

    async def timed(self, action: str, who: str, step, tab: Tab | None = None) -> Any:
        """Run step() as one timed action: a Refused is a refusal, anything else raised an error.
        Frames the tab got before (live refreshes) are dropped first: only an answer counts."""
        if tab is not None:
            tab.forget()
        started = time.perf_counter()
        try:
            answer = await step()
        except Refused as why:
            self.stats.refusal(action, f"{who}: {why}")
            return None
        except Exception as error:  # noqa: BLE001
            self.stats.error(action, f"{who}: {type(error).__name__}: {error}")
            return None
        self.stats.ok(action, started)
        return answer

    # ------------------------------------------------------------------ district staff

    async def district(self, username: str, staff: int, of: int) -> None:
        token = await self.login(username)
        entry = self.names.entry
        seen: list[dict] = []

        def loaded(delta: dict) -> dict | None:
            part = delta.get(entry) or {}
            seen.append(part)
            return part if part.get(ROWS) or (ROWS not in part and rows_in(part)) else None

        opened = token and await self.open_page("open_entry", token, "/entry", loaded, office=username)
        if not opened:
            return
        tab, first = opened
        rows = first.get(ROWS) or rows_in(first)
        round_id = str(first.get(self.names.var("round_id")) or next(_values_named(seen, "round_id"), ""))
        cells = [
            (row, cell)
            for i, (row, cell) in enumerate(cells_of(rows, rows))
            if i % of == staff and cell.get("value_text") in ("0", "1")
        ]
        if not cells:
            self.stats.without_cells += 1  # it attaches files and posts messages only
        self.watching[username].add(tab)
        thread_open: list[int] = []
        try:
            while await self.pause(*self.args.edit_gap):
                draw = random.random()
                if draw < self.args.attach_share and rows:
                    await self.timed("attach", username, lambda: self.attach(token, rows, round_id))
                elif draw < self.args.attach_share + self.args.message_share and rows:
                    await self.post_message(tab, username, rows, round_id, thread_open)
                elif cells:
                    cells = [(r, c) for r, c in cells if str(r.get("code")) not in tab.locked] or cells
                    row, cell = random.choice(cells)
                    await self.edit(tab, username, row, cell)
        finally:
            await tab.close(grace=self.args.push_grace)

    async def edit(self, tab: Tab, username: str, row: dict, cell: dict) -> None:
        text = "0" if cell.get("value_text") == "1" else "1"
        var_id, element_id = cell["id"], cell.get("element_id", "")
        event = {
            "name": self.names.base.save_cell,
            "router_data": router_data("/entry"),
            "payload": {"variable_id": var_id, "element_id": element_id, "text": text},
        }

        def shown(delta: dict) -> bool:
            errors = (delta.get(self.names.entry) or {}).get(self.names.var("cell_errors")) or {}
            if isinstance(errors, dict) and errors.get(element_id):
                raise Refused(f"{row.get('code')}: {errors[element_id]}")
            return cell_shows(delta, var_id, element_id, text)

        sent = time.perf_counter()

        async def step():
            await tab.socket.send(event)
            shows = lambda d: cell_shows(d, var_id, element_id, text)  # noqa: E731
            self.announce("push_edit", username, shows, sent, tab, key=("cell", var_id))
            try:
                await self.wait_for(tab, shown)
            except Refused:
                self.withdraw("push_edit", username, sent)
                tab.locked.add(str(row.get("code")))
                raise
            cell["value_text"] = text

        await self.timed("edit", f"{username} {row.get('code')}", step, tab)

    async def attach(self, token: str, rows: list[dict], round_id: str) -> None:
        """POST /api/evidence as the page's upload script does: the raw file, its name in headers."""
        row = random.choice(rows)
        data = b"%PDF-1.4\n" + secrets.token_bytes(self.args.file_kb * 1024) + b"\n%%EOF\n"
        headers = {
            "Cookie": f"{SESSION_COOKIE}={token}",
            "X-KRS-Upload": "1",
            "X-Filename": quote("หลักฐาน.pdf"),
            "X-Description": quote("หลักฐานประกอบ"),
            "X-Request-Id": secrets.token_urlsafe(16),
            "Content-Type": "application/pdf",
        }
        url = f"{self.url}/api/evidence?indicator={row['id']}&round={round_id}"
        async with self.http.post(url, data=data, headers=headers, timeout=self.args.timeout) as response:
            answer = await response.json(content_type=None) if response.status in (200, 400, 403, 409) else {}
            if response.status != 200 or not answer.get("ok"):
                if answer.get("error") or answer.get("message"):
                    raise Refused(f"{row.get('code')}: HTTP {response.status} {answer}")
                raise RuntimeError(f"HTTP {response.status} {str(answer)[:200]}")

    async def post_message(self, tab: Tab, username: str, rows: list[dict], round_id: str, opened: list) -> None:
        panel = self.names.panel
        if not opened:
            row = random.choice(rows)
            event = _event(panel, "open_comments", "/entry")
            event["payload"] = {"indicator_id": row["id"], "district_id": 0, "round_id": round_id, "title": "t"}
            try:
                await tab.socket.send(event)
                await self.wait_for(tab, lambda d: (d.get(panel) or {}).get(self.names.var("comments_open")))
            except Exception as error:  # noqa: BLE001
                self.stats.error("message", f"{username}: thread did not open: {error}")
                return
            opened.append(row["id"])
        body = f"{username} ข้อความ {secrets.token_hex(4)}"
        event = _event(panel, "send_comment", "/entry")
        event["payload"] = {"form_data": {"comment": body, "request_id": secrets.token_urlsafe(16)}}

        def shown(delta: dict) -> bool:
            state = delta.get(panel) or {}
            if state.get(self.names.var("comment_error")):
                raise Refused(str(state[self.names.var("comment_error")]))
            return any(d.get("body") == body for d in walk(state))

        async def step():
            await tab.socket.send(event)
            await self.wait_for(tab, shown)

        await self.timed("message", username, step, tab)

    # ------------------------------------------------------------------ bureau reviewers

    async def bureau(self, username: str, staff: int, of: int) -> None:
        token = await self.login(username)
        review = self.names.review
        var = self.names.var
        opened = token and await self.open_page(
            "open_review",
            token,
            "/review",
            lambda d: (d.get(review) or {}) if var("rows") in (d.get(review) or {}) else None,
        )
        if not opened:
            return
        tab, first = opened
        rows = first[var("rows")]
        tab.indicator_id = int(first.get(var("indicator_id")) or 0) or None
        tab.indicator_code = str(first.get(var("indicator_code")) or "")
        try:
            while await self.pause(*self.args.review_gap):
                mine = [r for r in rows if r.get("selectable") and int(r.get("district_id", 0)) % of == staff]
                draw = random.random()
                if mine and draw < 0.5:
                    action = "certify"
                elif mine and draw < 0.65:
                    action = "refuse"
                elif mine and draw < 0.75:
                    action = "bulk_certify"
                else:
                    action = "review_reload"
                answer = await self.timed(action, username, lambda a=action, m=mine: self.decide(tab, a, m), tab)
                rows = answer or rows
        finally:
            await tab.close()

    async def decide(self, tab: Tab, action: str, mine: list[dict]) -> list[dict]:
        review = self.names.review
        var = self.names.var
        if action == "review_reload":
            await tab.socket.send(_event(review, "refresh", "/review"))
            return await self.wait_for(tab, lambda d: (d.get(review) or {}).get(var("rows")))
        state = {}

        async def ask(handler: str, payload: dict, pick) -> Any:
            event = _event(review, handler, "/review")
            event["payload"] = payload
            await tab.socket.send(event)
            return await self.wait_for(tab, pick)

        def got(name: str):
            def pick(d):
                part = d.get(review) or {}
                state.update(part)
                return var(name) in part

            return pick

        if action == "bulk_certify":
            chosen = random.sample(mine, min(len(mine), self.args.bulk_size))
            for row in chosen:
                await ask("toggle_selected", {"district_id": row["district_id"], "checked": True}, got("selected"))
            await ask("set_bulk_confirm_open", {"value": True}, got("request_id"))
            sent = time.perf_counter()
            for row in chosen:
                self.announce_status(row, tab.indicator_id, "certified", "push_bulk", sent, tab.indicator_code)
            await tab.socket.send(
                {**_event(review, "bulk_certify", "/review"), "payload": {"request_id": state[var("request_id")]}}
            )
            return await self.wait_for(tab, lambda d: _decided(d, self))
        row = random.choice(mine)
        await ask("open_detail", {"district_id": row["district_id"]}, got("detail"))
        detail = state.get(var("detail")) or {}
        indicator_id = detail.get("indicator_id")
        if action == "certify":
            sent = time.perf_counter()
            self.announce_status(row, indicator_id, "certified", "push_certify", sent, detail.get("indicator_code", ""))
            await tab.socket.send(_event(review, "certify", "/review"))
            push = "push_certify"
        else:
            await ask("open_refuse", {}, got("request_id"))
            form = {"reason": "หลักฐานไม่ครบถ้วน (bench)", "final": "on", "request_id": state[var("request_id")]}
            sent = time.perf_counter()
            code = detail.get("indicator_code", "")
            self.announce_status(row, indicator_id, "not_certified", "push_refuse", sent, code)
            await tab.socket.send({**_event(review, "refuse", "/review"), "payload": {"form_data": form}})
            push = "push_refuse"
        try:
            return await self.wait_for(tab, lambda d: _decided(d, self))
        except Refused:
            self.withdraw(push, str(row.get("district_code")), sent)
            raise

    def announce_status(
        self, row: dict, indicator_id: int | None, status: str, action: str, sent: float, code: str = ""
    ) -> None:
        if indicator_id is None and not code:
            return
        self.announce(
            action,
            str(row.get("district_code")),
            lambda d: status_shows(d, indicator_id or -1, code, status),
            sent,
            key=("row", indicator_id, code),
        )

    # ------------------------------------------------------------------ KPI office

    async def kpi(self, username: str) -> None:
        token = await self.login(username)
        report = self.names.report
        while token:
            opened = await self.open_page("open_report", token, "/report", lambda d: _report_rows(d.get(report)))
            if opened:
                await opened[0].close()
            if not await self.pause(self.args.report_gap * 0.5, self.args.report_gap * 1.5):
                return


def _report_rows(part: dict | None) -> bool:
    """The report's rows are there: `rows`, or the chunk vars `rows_0`..`rows_49` with `row_order`
    (state/report_rows.py), whichever the page has: any non-empty var whose name starts with rows."""
    return any(key.startswith(("rows", "row_order")) and value for key, value in (part or {}).items())


def _router(path: str, query: str = "") -> dict:
    data = router_data(path + (f"?{query}" if query else ""))
    data["pathname"] = path
    return data


def _event(state: str, handler: str, path: str) -> dict:
    return {"name": f"{state}.{handler}", "router_data": router_data(path), "payload": {}}


def _values_named(parts: list[dict], name: str):
    for part in parts:
        for key, value in part.items():
            if key.startswith(name) and value:
                yield value


def _decided(delta: dict, run: Run) -> list | None:
    """The reloaded list after a decision ("รับรองผลแล้ว", "ไม่รับรองแล้ว", ...)."""
    state = delta.get(run.names.review) or {}
    error = state.get(run.names.var("decision_error"))
    if error:
        raise Refused(error)
    if run.names.var("rows") in state and (run.names.var("notice") in state or run.names.var("notice_ok") in state):
        if state.get(run.names.var("notice_ok")) is False:
            raise Refused(state.get(run.names.var("notice")))
        return state[run.names.var("rows")] or [{}]
    return None


def users(
    districts: int, bureaus: int, offices: int = 0
) -> tuple[list[tuple[str, int, int]], list[tuple[str, int, int]]]:
    """(username, staff index, staff of that office) for district users and bureau reviewers; past
    245 offices (or `offices`) and 10 bureaus an office gets a second person, each on its own session."""
    from krs_app.seed.offices import BUREAUS, district_offices

    codes = [office.code for office in district_offices()]
    codes = codes[: offices or len(codes)]
    bureau_codes = [b.code for b in BUREAUS]

    def spread(codes: list[str], n: int) -> list[tuple[str, int, int]]:
        chosen = [codes[i % len(codes)] for i in range(n)]
        staff = Counter(chosen)
        return [(code, i // len(codes), staff[code]) for i, code in enumerate(chosen)]

    return spread(codes, districts), spread(bureau_codes, bureaus)


async def period(args, url: str, pids: list[int], districts: int) -> Stats:
    import aiohttp

    names, stats = Names(), Stats()
    reviewers = args.bureaus
    if args.scale_bureaus and args.users_steps:  # reviewers grow with the district users: 60 at the largest step
        reviewers = max(1, round(args.bureaus * districts / max(int(x) for x in args.users_steps.split(","))))
    district_users, bureau_users = users(districts, reviewers, args.offices)
    http = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))
    # Users arrive over the first --ramp seconds (a tenth of the period by default), not in one
    # instant; then all of them work for --minutes.
    ramp = args.ramp if args.ramp is not None else args.minutes * 6
    run = Run(args, url, names, stats, time.monotonic() + ramp + args.minutes * 60, http)
    server = process_tree(pids[0])
    cpu_before, wall_before, client_before = cpu_seconds(server), time.monotonic(), client_cpu()
    svc_before = cpu_by_pid(service_pids()) if args.postgres else {}

    async def later(delay: float, user) -> None:
        await asyncio.sleep(delay)
        await user

    everyone = [run.district(*u) for u in district_users] + [run.bureau(*u) for u in bureau_users]
    everyone += [run.kpi("kpi")] if args.kpi else []
    peak_rss = 0
    loads = []

    async def sample() -> None:
        nonlocal peak_rss
        while True:
            peak_rss = max(peak_rss, sum(rss_kb(p) for p in process_tree(pids[0])))
            loads.append(os.getloadavg()[0])
            await asyncio.sleep(1)

    sampler = asyncio.create_task(sample())
    try:
        await asyncio.gather(*(later(random.uniform(0, ramp), u) for u in everyone))
    finally:
        sampler.cancel()
        await http.close()
    server = process_tree(pids[0])
    cpu = cpu_seconds(server) - cpu_before
    wall = time.monotonic() - wall_before
    client = client_cpu() - client_before
    svc = cpu_delta(svc_before, cpu_by_pid(service_pids())) if args.postgres else 0.0
    bureaus = len(bureau_users)
    print(
        f"\n{districts} district users, {bureaus} bureau reviewers, {int(args.kpi)} KPI office, {wall:.0f} s "
        f"({args.profile}); load average at the end {', '.join(f'{x:.2f}' for x in os.getloadavg())}, "
        f"1-min load during the period min {min(loads, default=0):.1f} / max {max(loads, default=0):.1f} "
        f"on {os.cpu_count()} CPUs"
    )
    print(stats.table())
    work = sum(len(t) for a, t in stats.times.items() if not a.startswith(("push_", "login", "open_")))
    print(
        f"work actions (edits, files, messages, decisions, reloads) answered: {work}, {work / wall:.1f}/s; "
        f"server CPU {cpu / max(1, work) * 1000:.0f} ms per work action (logins and page opens in that CPU too)"
    )
    print(
        f"server: CPU {cpu / wall * 100:.0f}% of one core over the period ({len(server)} processes), "
        f"peak RSS {peak_rss / 1024:.0f} MiB"
        + (f"; PostgreSQL + Redis CPU {svc / wall * 100:.0f}%" if args.postgres else "")
        + f"; this client process CPU {client / wall * 100:.0f}%"
    )
    if args.csv:
        write_csv(args, stats, districts, len(bureau_users), cpu / wall, os.getloadavg()[0])
    return stats


CSV_HEADER = [
    "profile",
    "districts",
    "bureaus",
    "action",
    "count",
    "p50_ms",
    "p95_ms",
    "p99_ms",
    "errors",
    "refused",
    "expected",
    "server_cpu_share",
    "load1",
]


def write_csv(args, stats: Stats, districts: int, bureaus: int, cpu_share: float, load: float) -> None:
    """One line per action of this period appended to --csv (a header when the file is new)."""
    import csv

    new = not Path(args.csv).exists()
    with open(args.csv, "a", newline="") as out:
        writer = csv.writer(out)
        if new:
            writer.writerow(CSV_HEADER)
        for action in stats.actions():
            t = stats.times.get(action) or []
            figures = [f"{statistics.median(t):.1f}", f"{percentile(t, 95):.1f}", f"{percentile(t, 99):.1f}"]
            writer.writerow(
                [
                    args.profile,
                    districts,
                    bureaus,
                    action,
                    len(t),
                    *(figures if t else ["", "", ""]),
                    stats.errors.get(action, 0),
                    stats.refused.get(action, 0),
                    stats.expected.get(action, ""),
                    f"{cpu_share:.2f}",
                    f"{load:.2f}",
                ]
            )


async def run_steps(args, url: str, pids: list[int]) -> None:
    steps = [int(s) for s in args.users_steps.split(",")] if args.users_steps else [args.districts]
    within = None
    ignored = {a.strip() for a in args.knee_ignore.split(",") if a.strip()}
    for count in steps:
        stats = await period(args, url, pids, count)
        judged = [a for a in stats.actions() if a not in ignored]
        over = [a for a in judged if (stats.p95(a) or 0) > KNEE_P95_MS or stats.errors.get(a)]
        if not over:
            within = count
        elif args.users_steps:
            print(f"p95 over {KNEE_P95_MS:.0f} ms or errors at {count} district users: {', '.join(over)}")
            break
    if args.users_steps:
        knee = within if within is not None else f"below {steps[0]}"
        print(
            f"\nknee ({args.profile}): {knee} district users with "
            f"{'their share of ' if args.scale_bureaus else ''}{args.bureaus} bureau reviewers "
            f"(largest step with p95 <= {KNEE_P95_MS:.0f} ms and no errors for every action"
            f"{', not judging ' + ', '.join(sorted(ignored)) if ignored else ', login included'})"
        )


def main_sync(args) -> None:
    random.seed(args.seed)

    def on_sigterm(_signum, _frame):
        raise SystemExit(143)  # stopped from outside (timeout): still stop the app, drop the database

    signal.signal(signal.SIGTERM, on_sigterm)
    res = Resources()
    with tempfile.TemporaryDirectory(prefix="krs-deadline-") as tmp:
        data_dir = Path(tmp) / "data"
        data_dir.mkdir()
        port = free_port()
        url = f"http://localhost:{port}"
        # One trusted proxy hop: each scripted user logs in from its own address (X-Forwarded-For),
        # not all 500 from 127.0.0.1 (the login gate limits attempts per address).
        env = demo_env(data_dir, port, "bench-deadline", REFLEX_TRUSTED_PROXY_HOPS="1")
        try:
            if args.postgres:
                db = create_postgres_db(res, args.pg_admin_url)
                env["KRS_DATABASE_URL"] = f"postgresql+psycopg://postgres@127.0.0.1:5432/{db}"
                rdb = claim_redis_db(res, "127.0.0.1", 6379)
                env["REFLEX_REDIS_URL"] = f"redis://127.0.0.1:6379/{rdb}"
                env["KRS_WORKERS"] = env["GRANIAN_WORKERS"] = str(args.workers)
                args.profile = f"{args.workers} workers, PostgreSQL {db} + Redis db {rdb}"
                # The workers each import the app: seed the database once first so they do not race.
                for key in ("KRS_DATA_DIR", "KRS_SECRET", "KRS_DATABASE_URL", "REFLEX_REDIS_URL", "KRS_DEMO"):
                    os.environ[key] = env[key]
                from krs_app.startup import prepare_database

                prepare_database()
            else:
                env["KRS_WORKERS"] = env["GRANIAN_WORKERS"] = "1"
                args.profile = "1 worker, embedded SQLite, in-memory state"
            app = start_app(backend_only(port), env=env, log=Path(tmp) / "app.log", ping_url=url + "/ping", timeout=300)
            res.add("stop the app", app.stop)
            pids = process_tree(app.process.pid)
            print(f"app {url} ({args.profile}), started with demo data; processes {pids}")
            asyncio.run(run_steps(args, url, pids))
        finally:
            res.release()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--districts", type=int, default=50, help="district users (490 on the real day)")
    parser.add_argument("--offices", type=int, default=0, help="district offices the users work at (0: all 245)")
    parser.add_argument("--bureaus", type=int, default=6, help="bureau reviewers (60 on the real day)")
    parser.add_argument("--no-kpi", dest="kpi", action="store_false", help="leave the KPI office out")
    parser.add_argument("--minutes", type=float, default=1.0, help="length of each period")
    parser.add_argument("--edit-gap", type=float, nargs=2, default=(5.0, 20.0), metavar=("MIN", "MAX"))
    parser.add_argument("--attach-share", type=float, default=0.1, help="share of district steps that attach a file")
    parser.add_argument("--message-share", type=float, default=0.1, help="share of district steps that post a message")
    parser.add_argument("--file-kb", type=int, default=20, help="size of an attached file")
    parser.add_argument("--review-gap", type=float, nargs=2, default=(5.0, 15.0), metavar=("MIN", "MAX"))
    parser.add_argument("--bulk-size", type=int, default=5, help="rows a reviewer ticks for one bulk certification")
    parser.add_argument("--report-gap", type=float, default=20.0, help="seconds between report reloads (about)")
    parser.add_argument("--ramp", type=float, default=None, help="seconds over which users arrive (minutes*6)")
    parser.add_argument("--users-steps", default="", help="district user counts, e.g. 20,40,80: find the knee")
    parser.add_argument(
        "--scale-bureaus",
        action="store_true",
        help="with --users-steps: reviewers per step in proportion, --bureaus at the largest step",
    )
    parser.add_argument("--knee-ignore", default="", help="actions the knee does not judge, e.g. login")
    parser.add_argument("--push-grace", type=float, default=5.0, help="seconds a closing tab waits for its pushes")
    parser.add_argument("--timeout", type=float, default=30.0)
    parser.add_argument("--scale-out", dest="postgres", action="store_true", help="PostgreSQL + Redis, --workers")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn workers with --scale-out")
    parser.add_argument("--pg-admin-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--csv", default="", help="append one line per action and period to this CSV file")
    parser.add_argument("--seed", type=int, default=2569)
    main_sync(parser.parse_args())


if __name__ == "__main__":
    main()
