"""Benchmark: the last day before the deadline, scripted users on one worker with embedded SQLite.

Users behave like the real ones for --minutes, all at once, each on its own websocket tab
(bench/_reflex_client.Socket, the same client the other websocket benchmarks use):

  district  logs in (POST /api/login), opens บันทึกข้อมูล (/entry), then every 5-20 s
            (--edit-gap) toggles one of its 0/1 cells (save_cell) and waits for the row
            that shows the new value
  bureau    logs in, opens its review list (/review), then now and then opens an awaiting
            result (open_detail) and certifies it, or reloads its list (refresh)
  kpi       logs in and reloads the report (/report: a new tab each time) every --report-gap s

Per action it prints count, p50, p95, p99 and errors (a refusal, a redirect or no answer
within --timeout), then the server's CPU (share of one core) and memory. With --users-steps
(e.g. 20,40,80) it runs one such period per district user count, with bureaus and the KPI
office as given, and prints the knee: the largest count whose every action had p95 <= 250 ms.

Not scripted yet: attaching a file, posting a message, refusing, bulk certifying; 2 and 4
workers on PostgreSQL + Redis. Full-size runs (--districts 490) are for a quiet machine
(bench/README.md). The script prints; it asserts nothing. Run from the project folder:

    python bench/bench_deadline_day.py --districts 50 --bureaus 6 --minutes 1
    python bench/bench_deadline_day.py --districts 20 --minutes 0.5 --users-steps 10,20,40
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import _harness  # noqa: F401  (first: this checkout on sys.path)
from _harness import backend_only, demo_env, free_port, percentile, start_app
from _reflex_client import EntryRows, Socket, delta_of, login_over_http, redirect_in, router_data, state_names
from bench_live_fanout import cpu_seconds, process_tree, rss_kb

PASSWORD = "krs2562"
KNEE_P95_MS = 250.0


class Stats:
    """Milliseconds and errors per action."""

    def __init__(self) -> None:
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.first_error: dict[str, str] = {}
        self.retries = 0  # logins tried again after a refusal (the login pool was busy)

    def ok(self, action: str, started: float) -> None:
        self.times[action].append((time.perf_counter() - started) * 1000)

    def error(self, action: str, why: str) -> None:
        self.errors[action] += 1
        self.first_error.setdefault(action, why)

    def actions(self) -> list[str]:
        return sorted(set(self.times) | set(self.errors))

    def p95(self, action: str) -> float | None:
        times = self.times.get(action)
        return percentile(times, 95) if times else None

    def table(self) -> str:
        lines = [f"{'action':<16}{'count':>7}{'p50 ms':>10}{'p95 ms':>10}{'p99 ms':>10}{'errors':>8}"]
        for action in self.actions():
            t = self.times.get(action) or []
            cells = (
                (f"{statistics.median(t):>10.1f}{percentile(t, 95):>10.1f}{percentile(t, 99):>10.1f}")
                if t
                else f"{'-':>10}{'-':>10}{'-':>10}"
            )
            lines.append(f"{action:<16}{len(t):>7}{cells}{self.errors.get(action, 0):>8}")
        lines.append(f"  logins tried again after a refusal (pool busy): {self.retries}")
        lines += [f"  first {action} error: {why}" for action, why in self.first_error.items()]
        return "\n".join(lines)


class Names:
    def __init__(self) -> None:
        from krs_app.state.report_matrix import ReportMatrixState
        from krs_app.state.review import ReviewState

        base = state_names()
        self.base = base
        self.entry = base.entry
        self.review = ReviewState.get_full_name()
        self.report = ReportMatrixState.get_full_name()

    def var(self, name: str) -> str:
        return self.base.var(name)


class Run:
    def __init__(self, args, url: str, names: Names, stats: Stats, stop_at: float) -> None:
        self.args, self.url, self.names, self.stats, self.stop_at = args, url, names, stats, stop_at
        self.addresses: dict[str, str] = {}

    def left(self) -> float:
        return self.stop_at - time.monotonic()

    async def login(self, username: str) -> str | None:
        """POST /api/login from the user's own address (X-Forwarded-For, one trusted proxy hop: each
        office has its own); a refusal (the login pool busy) is tried again after a pause, as a
        person would, up to 3 times. Timed from the first try to the cookie."""
        started = time.perf_counter()
        address = {"X-Forwarded-For": f"10.{len(self.addresses) // 250}.{len(self.addresses) % 250 + 1}.1"}
        self.addresses[username] = address["X-Forwarded-For"]
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

    async def open_page(
        self, action: str, token: str, path: str, state: str, var: str, pick=None
    ) -> tuple[Socket, Any] | None:
        """A new tab on `path`; timed until a delta of `state` carries `var` (or `pick(delta)` is set)."""
        socket = Socket(self.url)
        started = time.perf_counter()
        try:
            hydrate = {"name": self.names.base.hydrate, "router_data": router_data(path), "payload": {}}
            await socket.connect(hydrate, cookie=token)
            value = await self.wait_for(
                socket, pick or (lambda delta: (delta.get(state) or {}).get(self.names.var(var)))
            )
        except Exception as error:  # noqa: BLE001
            self.stats.error(action, f"{type(error).__name__}: {error}")
            await socket.close()
            return None
        self.stats.ok(action, started)
        return socket, value

    async def wait_for(self, socket: Socket, pick) -> Any:
        """The first non-empty pick(delta) of the next messages; raises on a redirect or a timeout."""
        deadline = time.monotonic() + self.args.timeout
        while True:
            _, message = await socket.next(max(0.01, deadline - time.monotonic()))
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

    async def district(self, username: str) -> None:
        token = await self.login(username)
        view = EntryRows(self.names.base)  # the page's rows: catalogue + row slots (krs_app/state/entry.py)
        opened = token and await self.open_page(
            "open_entry", token, "/entry", self.names.entry, "catalogue", lambda d: view.apply(d.get(self.names.entry))
        )
        if not opened:
            return
        socket, rows = opened
        cells = [
            (row["code"], variable)
            for row in rows
            if row.get("editable")
            for variable in row.get("variables") or []
            if variable.get("mode") == "input" and variable.get("value_text") in ("0", "1")
        ]
        try:
            while cells and await self.pause(*self.args.edit_gap):
                code, variable = random.choice(cells)
                text = "0" if variable["value_text"] == "1" else "1"
                event = {
                    "name": self.names.base.save_cell,
                    "router_data": router_data("/entry"),
                    "payload": {"variable_id": variable["id"], "element_id": variable["element_id"], "text": text},
                }
                started = time.perf_counter()
                try:
                    await socket.send(event)
                    await self.wait_for(
                        socket, lambda delta, code=code, v=variable, text=text: _shows(delta, view, self, code, v, text)
                    )
                except Exception as error:  # noqa: BLE001
                    self.stats.error("edit", f"{username} {code}: {type(error).__name__}: {error}")
                    continue
                self.stats.ok("edit", started)
                variable["value_text"] = text
        finally:
            await socket.close()

    async def bureau(self, username: str) -> None:
        token = await self.login(username)
        opened = token and await self.open_page("open_review", token, "/review", self.names.review, "rows")
        if not opened:
            return
        socket, rows = opened
        review = self.names.review
        try:
            while await self.pause(*self.args.review_gap):
                awaiting = [row for row in rows if row.get("selectable")]
                action = "certify" if awaiting and random.random() < 0.7 else "review_reload"
                started = time.perf_counter()
                try:
                    if action == "certify":
                        row = random.choice(awaiting)
                        await socket.send(_event(review, "open_detail", {"district_id": row["district_id"]}))
                        await self.wait_for(socket, lambda d: (d.get(review) or {}).get(self.names.var("detail")))
                        await socket.send(_event(review, "certify", {}))
                        rows = await self.wait_for(socket, lambda d: _certified(d, self))
                    else:
                        await socket.send(_event(review, "refresh", {}))
                        rows = await self.wait_for(socket, lambda d: (d.get(review) or {}).get(self.names.var("rows")))
                except Exception as error:  # noqa: BLE001
                    self.stats.error(action, f"{username}: {type(error).__name__}: {error}")
                    continue
                self.stats.ok(action, started)
        finally:
            await socket.close()

    async def kpi(self, username: str) -> None:
        token = await self.login(username)
        while token:
            opened = await self.open_page("open_report", token, "/report", self.names.report, "rows")
            if opened:
                await opened[0].close()
            if not await self.pause(self.args.report_gap * 0.5, self.args.report_gap * 1.5):
                return


def _event(state: str, handler: str, payload: dict) -> dict:
    return {"name": f"{state}.{handler}", "router_data": router_data("/review"), "payload": payload}


def _shows(delta: dict, view: EntryRows, run: Run, code: str, variable: dict, text: str) -> bool:
    for row in view.apply(delta.get(run.names.entry)) or []:
        if row.get("code") == code:
            return any(v.get("id") == variable["id"] and v.get("value_text") == text for v in row["variables"])
    errors = (delta.get(run.names.entry) or {}).get(run.names.var("cell_errors")) or {}
    if errors.get(variable["element_id"]):
        raise RuntimeError(f"refused: {errors[variable['element_id']]}")
    return False


def _certified(delta: dict, run: Run) -> list | None:
    """The reloaded list after "รับรองผลแล้ว" (the certified row may move to another page)."""
    state = delta.get(run.names.review) or {}
    error = state.get(run.names.var("decision_error"))
    if error:
        raise RuntimeError(f"refused: {error}")
    if state.get(run.names.var("notice_ok")) and run.names.var("rows") in state:
        return state[run.names.var("rows")] or [{}]
    return None


def usernames(districts: int, bureaus: int) -> tuple[list[str], list[str]]:
    from krs_app.seed.offices import BUREAUS, district_offices

    codes = [office.code for office in district_offices()]
    return codes[:districts], [b.code for b in BUREAUS][:bureaus]


async def period(args, url: str, pids: list[int], districts: int) -> Stats:
    names, stats = Names(), Stats()
    district_users, bureau_users = usernames(districts, args.bureaus)
    run = Run(args, url, names, stats, time.monotonic() + args.minutes * 60)
    cpu_before, wall_before = cpu_seconds(process_tree(pids[0])), time.monotonic()
    # Users arrive over the first --ramp seconds (a tenth of the period by default), not in one instant.
    ramp = args.ramp if args.ramp is not None else args.minutes * 6

    async def later(delay: float, user) -> None:
        await asyncio.sleep(delay)
        await user

    users = [run.district(u) for u in district_users] + [run.bureau(u) for u in bureau_users]
    users += [run.kpi("kpi")] if args.kpi else []
    peak_rss = 0

    async def sample_memory() -> None:
        nonlocal peak_rss
        while True:
            peak_rss = max(peak_rss, sum(rss_kb(p) for p in process_tree(pids[0])))
            await asyncio.sleep(1)

    sampler = asyncio.create_task(sample_memory())
    await asyncio.gather(*(later(random.uniform(0, ramp), u) for u in users))
    sampler.cancel()
    cpu = cpu_seconds(process_tree(pids[0])) - cpu_before
    wall = time.monotonic() - wall_before
    print(
        f"\n{districts} district users, {len(bureau_users)} bureau reviewers, {int(args.kpi)} KPI office, "
        f"{wall:.0f} s; load average {', '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs"
    )
    print(stats.table())
    print(f"server: CPU {cpu / wall * 100:.0f}% of one core over the period, peak RSS {peak_rss / 1024:.0f} MiB")
    return stats


async def main_async(args) -> None:
    random.seed(args.seed)
    with tempfile.TemporaryDirectory(prefix="krs-deadline-") as tmp:
        data_dir = Path(tmp) / "data"
        data_dir.mkdir()
        port = free_port()
        url = f"http://localhost:{port}"
        # One trusted proxy hop: each scripted user logs in from its own address (X-Forwarded-For),
        # not all 500 from 127.0.0.1 (the login gate limits attempts per address).
        env = demo_env(data_dir, port, "bench-deadline", REFLEX_TRUSTED_PROXY_HOPS="1")
        app = start_app(backend_only(port), env=env, log=Path(tmp) / "app.log", ping_url=url + "/ping", timeout=300)
        try:
            pids = process_tree(app.process.pid)
            print(f"app {url} (one worker, embedded SQLite in {data_dir}), started with demo data")
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
                    f"\nknee: {knee} district users (largest step with p95 <= {KNEE_P95_MS:.0f} ms and no errors "
                    f"for every action{', not judging ' + ', '.join(sorted(ignored)) if ignored else ', login included'})"
                )
        finally:
            app.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--districts", type=int, default=50, help="district users (490 on the real day)")
    parser.add_argument("--bureaus", type=int, default=6, help="bureau reviewer accounts (the demo has a few)")
    parser.add_argument("--no-kpi", dest="kpi", action="store_false", help="leave the KPI office out")
    parser.add_argument("--minutes", type=float, default=1.0)
    parser.add_argument("--edit-gap", type=float, nargs=2, default=(5.0, 20.0), metavar=("MIN", "MAX"))
    parser.add_argument("--review-gap", type=float, nargs=2, default=(5.0, 15.0), metavar=("MIN", "MAX"))
    parser.add_argument("--report-gap", type=float, default=20.0, help="seconds between report reloads (about)")
    parser.add_argument("--ramp", type=float, default=None, help="seconds over which users arrive (minutes*6)")
    parser.add_argument("--users-steps", default="", help="district user counts, e.g. 20,40,80: find the knee")
    parser.add_argument("--knee-ignore", default="", help="actions the knee does not judge, e.g. login")
    parser.add_argument("--timeout", type=float, default=30.0)
    parser.add_argument("--seed", type=int, default=2569)
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
