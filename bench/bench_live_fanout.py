"""Benchmark: one change fanned out live to many browser tabs of one district, and idle-tab memory.

What is timed (one run):

  A bureau tab ("finance", on /review) makes a change on district spm07: a certification
  of an awaiting 11.x result when the app has a bureau-side certify event handler, else a
  message in spm07's thread of that indicator (PanelState.open_comments + send_comment).
  N watcher tabs of spm07 (all hydrated on /entry, so each is a registered viewer of
  "district:<spm07's id>") wait for the live delta (krs_app.live.dispatch): the clock of each
  watcher stops when the first frame arrives whose EntryState row (a row_NN slot) shows the
  change (status "certified", or new_badge true). Between message runs a spm07 tab opens
  the badge (PanelState.open_badge), which is itself a live change (new_badge false) and is
  reported separately as district-triggered.
  M idle tabs of other districts (spm01..spm20 without spm07, on /entry) stay connected
  meanwhile.

Memory: RSS (VmRSS) of the app's processes (the launcher and its child workers) before
and after connecting the M idle tabs, divided by M; then a bounded ramp of more idle tabs
(in steps, until a step fails, a step or the ramp runs too long, or --ramp-to is reached),
reporting how many websocket connections each worker held.

Profiles:
  default       embedded: SQLite in a fresh temp data dir, in-memory state, one worker.
  --postgres    KRS_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/<fresh db>,
                created here and dropped at the end.
  --redis       REFLEX_REDIS_URL=redis://127.0.0.1:6379/<an empty db claimed here, flushed
                at the end>, and GRANIAN_WORKERS=2 (--workers).
  --scale-out   both.

Watcher and idle tabs speak Engine.IO v4 / Socket.IO v5 directly over an aiohttp websocket
(the receive time is taken when the frame is read, and frames are parsed only after the
window, so the 500 clients' JSON parsing does not delay each other's clock); the two
control tabs use python-socketio (_reflex_client.Socket). Everything is on this
machine and 127.0.0.1; clients and server share the 2 cores.

    python bench/bench_live_fanout.py                          # embedded, N = 100 and 500
    python bench/bench_live_fanout.py --scale-out              # PostgreSQL + Redis + 2 workers
    python bench/bench_live_fanout.py --watchers 100,500 --idle 200 --runs 4 --ramp-to 1000
    python bench/bench_live_fanout.py --bulk                   # bulk certification: 245 results, 735 tabs

--bulk (issue 15): before the app starts, every district's result of --bulk-code (11.2, a finance
indicator) in the current round is made complete and awaiting (values copied from a district
whose result is complete). --bulk-tabs (3) tabs of every district (735) open /entry; the finance
tab opens /review?indicator=11.2, ticks every district (toggle_selected, as many clicks) and opens
the confirmation (set_bulk_confirm_open), all outside the clock; then bulk_certify is sent and
each tab's clock stops at its first frame that shows its own 11.2 row certified (its row slot
joined with the catalogue: _reflex_client.EntryRows). Goal: p95 <= 500 ms, none lost.

It prints the figures and asserts nothing. It always stops the app it started, drops the
database it created and flushes the Redis db it claimed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import inspect
import json
import os
import resource
import secrets
import shutil
import signal
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from _harness import PROJECT_ROOT, Started, backend_only, demo_env, free_port, percentile, start_app
from _reflex_client import EVENT_PATH, NAMESPACE, EntryRows, Socket, delta_of, redirect_in, router_data, state_names

PASSWORD = "krs2562"
DISTRICT = "spm07"
BUREAU = "finance"
CLAIM_KEY = "krs-bench-fanout:claim"
CLK_TCK = os.sysconf("SC_CLK_TCK")


def log(*parts: Any) -> None:
    print(*parts, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- /proc


def _ppid(pid: int) -> int | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(text[text.rindex(")") + 2 :].split()[1])


def process_tree(root: int) -> list[int]:
    """root and all its descendants (the granian workers are children of the launcher)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            parent = _ppid(int(entry))
            if parent is not None:
                children.setdefault(parent, []).append(int(entry))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, []))
    return out


def rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            text = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        fields = text[text.rindex(")") + 2 :].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / CLK_TCK


def cpu_by_pid(pids: list[int]) -> dict[int, float]:
    return {pid: cpu_seconds([pid]) for pid in pids}


def cpu_delta(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds used between two readings by the processes alive at the second (new ones count whole)."""
    return sum(max(0.0, used - before.get(pid, 0.0)) for pid, used in after.items())


def established_on_port(port: int) -> set[int]:
    """Socket inodes of ESTABLISHED TCP connections whose local port is `port`."""
    inodes: set[int] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            parts = line.split()
            if int(parts[1].rsplit(":", 1)[1], 16) == port and parts[3] == "01":
                inodes.add(int(parts[9]))
    return inodes


def connections_per_process(pids: list[int], port: int) -> dict[int, int]:
    inodes = established_on_port(port)
    counts = {}
    for pid in pids:
        n = 0
        try:
            for fd in os.listdir(f"/proc/{pid}/fd"):
                try:
                    target = os.readlink(f"/proc/{pid}/fd/{fd}")
                except OSError:
                    continue
                if target.startswith("socket:[") and int(target[8:-1]) in inodes:
                    n += 1
        except OSError:
            pass
        counts[pid] = n
    return counts


def machine_busy() -> float:
    """CPU seconds all processes on this machine used so far (/proc/stat, not idle/iowait)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(fields[:8]) - fields[3] - fields[4]) / CLK_TCK


def service_pids() -> list[int]:
    """redis-server and postgres processes on this machine (the scale-out profile's services)."""
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                comm = Path(f"/proc/{entry}/comm").read_text().strip()
            except OSError:
                continue
            if comm.startswith(("redis-server", "postgres")):
                pids.append(int(entry))
    return pids


def client_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# --------------------------------------------------------------------------- profile setup


class Resources:
    """What this script created outside its temp dir, undone in reverse order."""

    def __init__(self) -> None:
        self.undo: list[tuple[str, Callable[[], None]]] = []

    def add(self, label: str, fn: Callable[[], None]) -> None:
        self.undo.append((label, fn))

    def release(self) -> None:
        while self.undo:
            label, fn = self.undo.pop()
            try:
                fn()
            except Exception as error:  # noqa: BLE001
                log(f"(cleanup failed: {label}: {error})")


def create_postgres_db(res: Resources, admin_url: str) -> str:
    import psycopg

    name = f"krs_bench_fanout_{os.getpid()}_{secrets.token_hex(3)}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        log(f"dropped PostgreSQL database {name}")

    res.add(f"drop database {name}", drop)
    return name


def claim_redis_db(res: Resources, host: str, port: int) -> int:
    import redis

    for db in range(15, 0, -1):
        client = redis.Redis(host=host, port=port, db=db)
        try:
            if client.dbsize() == 0 and client.set(CLAIM_KEY, str(os.getpid()), nx=True):

                def flush(client=client, db=db) -> None:
                    client.flushdb()
                    client.close()
                    log(f"flushed Redis db {db}")

                res.add(f"flush redis db {db}", flush)
                return db
        except Exception:
            client.close()
            raise
        client.close()
    raise RuntimeError("no empty Redis database (1..15) to use")


def redis_used_memory(url: str | None) -> int | None:
    if not url:
        return None
    import redis

    client = redis.Redis.from_url(url)
    try:
        return int(client.info("memory")["used_memory"])
    finally:
        client.close()


def start_fanout_app(
    work_dir: Path, env: dict[str, str], port: int, app_dir: Path, timeout: float, server: str = "granian"
) -> Started:
    return start_app(
        backend_only(port, server, host="127.0.0.1"),
        env=env,
        log=work_dir / "app.log",
        ping_url=f"http://127.0.0.1:{port}/ping",
        timeout=timeout,
        cwd=app_dir,
    )


# --------------------------------------------------------------------------- protocol


@dataclass
class Names:
    hydrate: str
    cookie_var: str
    entry: str
    panel: str
    review: str
    marker: str

    @property
    def field_marker(self) -> str:  # as _reflex_client.Names (EntryRows reads it)
        return self.marker

    def var(self, name: str) -> str:
        return name + self.marker


def names_for() -> Names:
    base = state_names()
    from krs_app.state.panel import PanelState
    from krs_app.state.review import ReviewState

    return Names(
        hydrate=base.hydrate,
        cookie_var=base.cookie_var,
        entry=base.entry,
        panel=PanelState.get_full_name(),
        review=ReviewState.get_full_name(),
        marker=base.field_marker,
    )


@dataclass
class CertifyPlan:
    """How a bureau tab certifies one result with the app's current handlers."""

    state: str  # full state name
    params: list[str]  # certify's own parameters (filled from district/indicator/round ids)
    prepare: list[tuple[str, dict[str, type]]] = field(default_factory=list)  # (handler, {param: annotation})

    def describe(self) -> str:
        short = self.state.rsplit(".", 1)[-1].split("____")[-1]
        steps = [f"{name}({', '.join(p)})" for name, p in self.prepare]
        return f"{short}: " + " -> ".join([*steps, f"certify({', '.join(self.params)})"])


KNOWN_IDS = {"district_id", "indicator_id", "round_id"}


def _handler_params(state: type, name: str) -> tuple[list[inspect.Parameter], list[str]] | None:
    handler = getattr(state, "event_handlers", {}).get(name)
    if handler is None:
        return None
    params = list(inspect.signature(handler.fn).parameters.values())[1:]
    required = [p.name for p in params if p.default is inspect.Parameter.empty]
    return params, required


def find_certify_plan() -> tuple[CertifyPlan | None, str]:
    """A bureau-side `certify` event handler in krs_app.state, and how to call it.

    Either certify(district_id, indicator_id, round_id) (any subset), or, as on the review
    page, certify() on the opened result after choose_indicator(indicator_id) and
    open_detail(district_id)."""
    import importlib
    import pkgutil

    import reflex as rx

    import krs_app.state as package

    for info in pkgutil.iter_modules(package.__path__):
        try:
            module = importlib.import_module(f"krs_app.state.{info.name}")
        except Exception:  # noqa: BLE001
            continue
        for obj in vars(module).values():
            if not (isinstance(obj, type) and issubclass(obj, rx.State) and obj.__module__ == module.__name__):
                continue
            found = _handler_params(obj, "certify")
            if found is None:
                continue
            params, required = found
            names = [p.name for p in params]
            if required and set(required) <= KNOWN_IDS:
                return CertifyPlan(obj.get_full_name(), names), ""
            if not required:
                prepare = []
                for step in ("choose_indicator", "open_detail"):
                    step_params = _handler_params(obj, step)
                    if step_params is None or not set(step_params[1]) <= KNOWN_IDS:
                        break
                    prepare.append((step, {p.name: p.annotation for p in step_params[0]}))
                else:
                    return CertifyPlan(obj.get_full_name(), [], prepare), ""
                return (
                    None,
                    f"{obj.__name__}.certify() has no arguments and no choose_indicator/open_detail to open a result",
                )
            return None, f"{obj.__name__}.certify({', '.join(names)}) takes arguments this script cannot fill"
    return None, "no bureau-side `certify` event handler in krs_app/state yet"


def fill(params: dict[str, Any] | list[str], ids: dict[str, int]) -> dict[str, Any]:
    """Payload for a handler from the ids, as str where the handler wants a str."""
    out = {}
    items = params.items() if isinstance(params, dict) else ((p, int) for p in params)
    for name, annotation in items:
        if name in ids:
            out[name] = str(ids[name]) if annotation in (str, "str") else ids[name]
    return out


def parse_frame(text: str) -> dict | None:
    """'42/_event,["event", {...}]' -> the StateUpdate dict."""
    if not text.startswith("42"):
        return None
    start = text.index("[")
    try:
        name, data = json.loads(text[start:])[:2]
    except (ValueError, TypeError):
        return None
    return data if name == "event" and isinstance(data, dict) else None


def rows_of(update: dict | None, names: Names, catalogue: list[dict] | None = None) -> list[dict] | None:
    """The rows a frame changed (the page's catalogue joined with the row slots it carries:
    _reflex_client.EntryRows); `catalogue`: what the tab got with its page load."""
    if not update:
        return None
    view = EntryRows(names)
    view.catalogue = list(catalogue or [])
    view.slots = {}
    return view.apply((update.get("delta") or {}).get(names.entry) or {})


class RawTab:
    """One browser tab: Engine.IO v4 over an aiohttp websocket, Socket.IO namespace /_event."""

    def __init__(self, fanout: Fanout, label: str):
        self.fanout = fanout
        self.label = label
        self.client_token = str(uuid.uuid4())
        self.ws = None
        self.reader: asyncio.Task | None = None
        self.loaded = asyncio.Event()
        self.closed = False
        self.error = ""
        self.frames = 0
        self.recording = False
        self.recorded: list[tuple[float, str]] = []
        self.first_rows: list[dict] | None = None
        self.catalogue: list[dict] = []  # the page's catalogue, from its load (rows_of)
        self.round_id = ""
        self.path = "/entry"

    async def connect(self, session_token: str, path: str, timeout: float) -> None:
        names = self.fanout.names
        self.path = path
        url = f"{self.fanout.ws_base}{EVENT_PATH}/?EIO=4&transport=websocket&token={self.client_token}"
        cookie = {"Cookie": f"krs_session={session_token}"} if session_token and path != "/login" else {}
        self.ws = await self.fanout.http.ws_connect(url, autoping=True, max_msg_size=0, compress=0, headers=cookie)
        opening = await asyncio.wait_for(self.ws.receive(), timeout)
        if not (isinstance(opening.data, str) and opening.data.startswith("0")):
            raise RuntimeError(f"unexpected Engine.IO opening {opening.data!r}")
        hydrate = {
            "name": names.hydrate,
            "router_data": router_data(path),
            "payload": {"vars": {names.cookie_var: session_token} if path != "/login" else {}},
        }
        if path == "none":  # bare connection: Socket.IO CONNECT without the hydrate event
            await self.ws.send_str(f"40{NAMESPACE},{{}}")
        else:
            await self.ws.send_str(f"40{NAMESPACE}," + json.dumps({"event": hydrate}))
        self.reader = asyncio.create_task(self._read())
        try:
            await asyncio.wait_for(self.loaded.wait(), timeout)
        except TimeoutError:
            raise RuntimeError(f"{self.label}: page not loaded within {timeout:.0f}s {self.error}") from None
        if self.error:
            raise RuntimeError(f"{self.label}: {self.error}")

    async def _read(self) -> None:
        from aiohttp import WSMsgType

        names = self.fanout.names
        try:
            async for message in self.ws:
                arrived = time.perf_counter()
                if message.type != WSMsgType.TEXT:
                    continue
                text = message.data
                if text == "2":
                    await self.ws.send_str("3")
                    continue
                if text.startswith("44"):
                    self.error = f"connect refused: {text[:200]}"
                    self.loaded.set()
                    continue
                if text.startswith("40") and self.path == "none":
                    self.loaded.set()
                    continue
                if not text.startswith("42"):
                    continue
                self.frames += 1
                if self.recording:
                    self.recorded.append((arrived, text))
                    if len(self.recorded) == 1:
                        self.fanout.on_first_frame()
                    continue
                if not self.loaded.is_set():
                    update = parse_frame(text)
                    if (path := redirect_in(update)) is not None:
                        self.error = f"redirected to {path}"
                        self.loaded.set()
                        continue
                    if self.path != "/entry":
                        root = (update or {}).get("delta", {}).get(names.hydrate.rsplit(".", 1)[0]) or {}
                        if root.get(names.var("is_hydrated")) is True:
                            self.loaded.set()
                        continue
                    rows = rows_of(update, names)
                    if rows:
                        self.first_rows = rows
                        entry = (update.get("delta") or {}).get(names.entry) or {}
                        self.catalogue = entry.get(names.var("catalogue")) or []
                        self.round_id = str(entry.get(names.var("round_id"), ""))
                        self.loaded.set()
        except Exception as error:  # noqa: BLE001
            self.error = f"reader: {error!r}"
        finally:
            self.closed = True
            self.loaded.set()

    async def close(self) -> None:
        if self.ws is not None and not self.ws.closed:
            try:
                await self.ws.close()
            except Exception:  # noqa: BLE001
                pass
        if self.reader is not None:
            self.reader.cancel()
            try:
                await self.reader
            except BaseException:  # noqa: BLE001
                pass


# --------------------------------------------------------------------------- the benchmark


@dataclass
class RunResult:
    label: str
    kind: str  # bureau | district
    n: int
    times_ms: list[float]
    lost: int
    wrong_frames: int
    server_cpu_ms: float
    client_cpu_ms: float
    service_cpu_ms: float
    other_cpu_ms: float
    committed: bool
    note: str = ""

    def line(self) -> str:
        t = self.times_ms
        if t:
            figures = f"{statistics.median(t):>9.1f}{percentile(t, 95):>9.1f}{max(t):>9.1f}"
        else:
            figures = f"{'-':>9}{'-':>9}{'-':>9}"
        return (
            f"  {self.label:<34}{self.n:>5}{len(t):>6}{figures}{self.lost:>6}"
            f"{self.server_cpu_ms:>10.0f}{self.client_cpu_ms:>9.0f}{self.service_cpu_ms:>9.0f}"
            f"{self.other_cpu_ms:>9.0f}"
            + ("" if self.committed else "   (change NOT committed)")
            + (f"   {self.note}" if self.note else "")
        )


HEADER = (
    f"  {'run':<34}{'N':>5}{'got':>6}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'lost':>6}"
    f"{'app CPU':>10}{'cli CPU':>9}{'svc CPU':>9}{'other':>9}"
)


class Fanout:
    def __init__(self, args, port: int, app: Started, redis_url: str | None):
        self.args = args
        self.port = port
        self.app = app
        self.redis_url = redis_url
        self.base_url = f"http://127.0.0.1:{port}"
        self.ws_base = f"ws://127.0.0.1:{port}"
        self.names: Names = names_for()
        self.http = None
        self.first_frame_count = 0
        self.first_frame_target = 0
        self.all_first = asyncio.Event()
        self.tokens: dict[str, str] = {}
        self.watchers: list[RawTab] = []
        self.idle: list[RawTab] = []
        self.results: list[RunResult] = []
        self.report_trigger: list[str] = []
        self.report_memory: list[str] = []
        self.report_ramp: list[str] = []
        self.bulk_setup: tuple[str, int, int, int] | None = None  # --bulk: (code, indicator id, round id, awaiting)

    # ---- helpers

    def server_pids(self) -> list[int]:
        return process_tree(self.app.process.pid)

    def rss(self) -> tuple[int, dict[int, int]]:
        per = {pid: rss_kb(pid) for pid in self.server_pids()}
        return sum(per.values()), per

    def on_first_frame(self) -> None:
        self.first_frame_count += 1
        if self.first_frame_count >= self.first_frame_target:
            self.all_first.set()

    def login(self, username: str) -> str:
        if username not in self.tokens:
            from krs_app.services import auth

            self.tokens[username], _ = auth.login(username, PASSWORD)
        return self.tokens[username]

    async def connect_many(
        self, count: int, users: list[str], label: str, limit_s: float | None = None, path: str = "/entry"
    ) -> tuple[list[RawTab], int, float]:
        """Connect `count` tabs on /entry, round-robin over users; (tabs, failures, seconds)."""
        tabs: list[RawTab] = []
        failures = 0
        semaphore = asyncio.Semaphore(self.args.connect_concurrency)
        started = time.monotonic()
        deadline = started + limit_s if limit_s else None

        async def one(i: int) -> None:
            nonlocal failures
            async with semaphore:
                if deadline and time.monotonic() > deadline:
                    failures += 1
                    return
                tab = RawTab(self, f"{label}{i}")
                user = users[i % len(users)]
                try:
                    await tab.connect(self.tokens[user], path, self.args.connect_timeout)
                    tabs.append(tab)
                except Exception as error:  # noqa: BLE001
                    failures += 1
                    if failures <= 3:
                        log(f"  connect failed ({tab.label} as {user}): {error}")
                    await tab.close()

        await asyncio.gather(*(one(i) for i in range(count)))
        return tabs, failures, time.monotonic() - started

    async def wait_connections(self, expected: int, limit_s: float = 30) -> int:
        """Wait until the app holds at most `expected` (+ a few) websocket connections (bounded)."""
        end = time.monotonic() + limit_s
        while True:
            held = sum(connections_per_process(self.server_pids(), self.port).values())
            if held <= expected + 3 or time.monotonic() > end:
                return held
            await asyncio.sleep(0.5)

    async def quiet(self, tabs: list[RawTab], quiet_s: float = 0.5, limit_s: float = 10) -> None:
        """Wait until none of these tabs got a frame for quiet_s (bounded)."""
        end = time.monotonic() + limit_s
        last = sum(t.frames for t in tabs)
        while time.monotonic() < end:
            await asyncio.sleep(quiet_s)
            now = sum(t.frames for t in tabs)
            if now == last:
                return
            last = now

    # ---- DB checks (outside the timed windows)

    def db_facts(self, district_id: int, indicator_id: int, round_id: int) -> tuple[str, int]:
        from sqlmodel import func, select

        from krs_app.db.engine import session_scope
        from krs_app.db.models import Message, Result

        with session_scope() as session:
            result = session.exec(
                select(Result).where(
                    Result.district_id == district_id, Result.indicator_id == indicator_id, Result.round_id == round_id
                )
            ).first()
            messages = session.exec(
                select(func.count())
                .select_from(Message)
                .where(Message.district_id == district_id, Message.indicator_id == indicator_id)
            ).one()
        return (result.status if result else "none"), int(messages)

    def unopened_bureau_messages(self, district_id: int, indicator_id: int) -> int:
        from sqlmodel import func, select

        from krs_app.db.engine import session_scope
        from krs_app.db.models import Message

        with session_scope() as session:
            return int(
                session.exec(
                    select(func.count())
                    .select_from(Message)
                    .where(
                        Message.district_id == district_id,
                        Message.indicator_id == indicator_id,
                        Message.sender_side == "bureau",
                        Message.opened_at.is_(None),
                    )
                ).one()
            )

    def district_id_of(self, code: str) -> int:
        from sqlmodel import select

        from krs_app.db.engine import session_scope
        from krs_app.db.models import District

        with session_scope() as session:
            return session.exec(select(District.id).where(District.code == code)).one()

    # ---- one measured change

    async def measure(
        self,
        label: str,
        kind: str,
        trigger: Callable[[], Any],
        predicate: Callable[[dict], bool],
        verify: Callable[[], bool],
    ) -> RunResult:
        watchers = [w for w in self.watchers if not w.closed]
        for w in watchers:
            w.recorded = []
            w.recording = True
        self.first_frame_count = 0
        self.first_frame_target = len(watchers)
        self.all_first = asyncio.Event()
        pids = self.server_pids()
        cpu0, ccpu0, svc0, busy0 = cpu_seconds(pids), client_cpu(), cpu_by_pid(service_pids()), machine_busy()
        sent = await trigger()
        deadline = sent + self.args.deadline
        arrival: dict[int, float] = {}
        wrong = 0
        parsed_upto = [0] * len(watchers)

        def scan() -> None:
            nonlocal wrong
            for i, w in enumerate(watchers):
                if i in arrival:
                    continue
                frames = w.recorded
                for j in range(parsed_upto[i], len(frames)):
                    t, text = frames[j]
                    if t < sent:
                        continue
                    rows = rows_of(parse_frame(text), self.names, w.catalogue)
                    if rows is not None and any(predicate(r) for r in rows):
                        arrival[i] = t
                        break
                    wrong += 1
                parsed_upto[i] = len(frames)

        # No parsing while frames are still coming in: first wait for every watcher's first
        # frame (or the deadline), then check them; then poll for stragglers until the deadline.
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self.all_first.wait(), max(0.0, deadline - time.perf_counter()))
        cpu1, ccpu1, svc1, busy1 = cpu_seconds(pids), client_cpu(), cpu_by_pid(service_pids()), machine_busy()
        scan()
        while len(arrival) < len(watchers) and time.perf_counter() < deadline:
            await asyncio.sleep(0.1)
            scan()
        for w in watchers:
            w.recording = False
            w.recorded = []
        if len(arrival) < len(watchers):
            cpu1, ccpu1, svc1, busy1 = cpu_seconds(pids), client_cpu(), cpu_by_pid(service_pids()), machine_busy()
        await self.quiet(watchers)
        committed = await asyncio.to_thread(verify)
        times = sorted((t - sent) * 1000 for t in arrival.values())
        result = RunResult(
            label=label,
            kind=kind,
            n=len(watchers),
            times_ms=times,
            lost=len(watchers) - len(arrival),
            wrong_frames=wrong,
            server_cpu_ms=(cpu1 - cpu0) * 1000,
            client_cpu_ms=(ccpu1 - ccpu0) * 1000,
            service_cpu_ms=cpu_delta(svc0, svc1) * 1000,
            other_cpu_ms=max(0.0, ((busy1 - busy0) - (cpu1 - cpu0) - (ccpu1 - ccpu0) - cpu_delta(svc0, svc1)) * 1000),
            committed=committed,
            note=(f"{wrong} non-matching frames" if wrong else ""),
        )
        self.results.append(result)
        log(result.line())
        return result

    # ---- the whole thing

    async def run(self) -> None:
        import aiohttp

        self.http = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))
        control: list[Socket] = []
        try:
            await self._run(control)
        finally:
            for tab in self.watchers + self.idle:
                await tab.close()
            for sock in control:
                await sock.close()
            await self.http.close()

    async def _run(self, control: list[Socket]) -> None:
        if self.args.bulk:
            return await self._bulk(control)
        args = self.args
        names = self.names
        idle_users = [f"spm{i:02d}" for i in range(1, 21) if f"spm{i:02d}" != DISTRICT]
        for user in [DISTRICT, BUREAU, *idle_users]:
            self.login(user)
        district_id = self.district_id_of(DISTRICT)

        # One spm07 tab to learn the page (indicator ids, round), which later resets badges.
        opener = RawTab(self, "probe")
        await opener.connect(self.tokens[DISTRICT], "/entry", args.connect_timeout)
        rows = {r["code"]: r for r in opener.first_rows or []}
        round_id = opener.round_id
        await opener.close()
        missing = [c for c in [*args.certify_codes, args.message_code] if c not in rows]
        if missing:
            raise RuntimeError(f"spm07's entry page has no rows {missing}")

        reset_tab = Socket(self.base_url)
        control.append(reset_tab)
        await reset_tab.connect(
            {
                "name": names.hydrate,
                "router_data": router_data("/entry"),
                "payload": {"vars": {names.cookie_var: self.tokens[DISTRICT]}},
            },
            cookie=self.tokens[DISTRICT],
        )
        bureau = Socket(self.base_url)
        control.append(bureau)
        await bureau.connect(
            {
                "name": names.hydrate,
                "router_data": router_data("/review"),
                "payload": {"vars": {names.cookie_var: self.tokens[BUREAU]}},
            },
            cookie=self.tokens[BUREAU],
        )
        await bureau.drain(1.0)
        await reset_tab.drain(0.5)

        # What triggers a bureau change.
        certify, certify_note = (
            find_certify_plan() if args.trigger in ("auto", "certify") else (None, "--trigger message")
        )
        if args.trigger == "certify" and certify is None:
            raise RuntimeError(f"--trigger certify: {certify_note}")
        awaiting = [c for c in args.certify_codes if rows[c]["status"] == "awaiting"]
        if certify is not None and not awaiting:
            certify_note = f"none of {args.certify_codes} awaiting on spm07"
            certify = None
        trigger_text = (
            f"certify ({certify.describe()}) on {', '.join(awaiting)}, then messages"
            if certify
            else f"messages (PanelState.send_comment) on {args.message_code}"
            + (f"  [certify not used: {certify_note}]" if certify_note else "")
        )
        self.report_trigger.append(f"  bureau trigger: {trigger_text}")

        msg_row = rows[args.message_code]
        msg_indicator = int(msg_row["id"])
        title = f"{args.message_code} bench"

        async def open_thread() -> None:
            """Point the bureau tab's PanelState at spm07 x the message indicator (outside the clock)."""
            await bureau.drain(0.2)
            await bureau.send(
                {
                    "name": f"{names.panel}.open_comments",
                    "router_data": router_data("/review"),
                    "payload": {
                        "indicator_id": msg_indicator,
                        "district_id": district_id,
                        "round_id": round_id,
                        "title": title,
                    },
                }
            )
            await bureau.drain(0.5)

        # ---- memory: idle tabs of other districts
        # Warm every worker first: the first tabs a worker serves load its caches, which
        # would otherwise be counted as the idle tabs' memory.
        if args.idle_path != "none":
            warm, _, _ = await self.connect_many(min(40, args.idle), idle_users, "warm", path=args.idle_path)
            for tab in warm:
                await tab.close()
        await asyncio.sleep(1.0)
        rss0, per0 = self.rss()
        redis0 = redis_used_memory(self.redis_url)
        log(f"connecting {args.idle} idle tabs (spm01..spm20 without spm07) ...")
        self.idle, failed, secs = await self.connect_many(args.idle, idle_users, "idle", path=args.idle_path)
        await self.quiet(self.idle, 0.5, 20)
        await asyncio.sleep(args.settle)
        rss1, per1 = self.rss()
        redis1 = redis_used_memory(self.redis_url)
        held = len(self.idle)
        per_client = (rss1 - rss0) / max(1, held)
        self.report_memory.append(
            f"  idle tabs: {held} connected ({failed} failed) in {secs:.1f}s; app RSS {rss0 / 1024:.1f} -> "
            f"{rss1 / 1024:.1f} MiB over {len(per1)} processes => {per_client:.1f} KiB per idle tab "
            f"(goal <= 60 KB: {'met' if per_client * 1.024 <= 60 else 'NOT met'})"
        )
        if redis0 is not None and redis1 is not None:
            self.report_memory.append(
                f"             Redis used_memory {redis0 / 2**20:.1f} -> {redis1 / 2**20:.1f} MiB => "
                f"{(redis1 - redis0) / 1024 / max(1, held):.1f} KiB per idle tab in Redis (whole server)"
            )
        self.report_memory.append(
            "             per process RSS after: "
            + ", ".join(
                f"{pid}: {kb / 1024:.1f} MiB (+{(kb - per0.get(pid, 0)) / 1024:.1f})" for pid, kb in per1.items()
            )
        )
        for line in self.report_memory:
            log(line)

        # ---- fan-out runs
        certify_queue = list(awaiting) if certify else []
        badge_on = bool(msg_row.get("new_badge"))
        msg_counter = 0
        reset_counter = 0

        async def open_badge() -> RunResult:
            nonlocal badge_on, reset_counter
            reset_counter += 1

            async def trigger() -> float:
                return await reset_tab.send(
                    {
                        "name": f"{names.panel}.open_badge",
                        "router_data": router_data("/entry"),
                        "payload": {
                            "indicator_id": msg_indicator,
                            "district_id": district_id,
                            "round_id": round_id,
                            "title": title,
                        },
                    }
                )

            result = await self.measure(
                f"district opens badge {args.message_code} #{reset_counter}",
                "district",
                trigger,
                lambda r: r.get("code") == args.message_code and r.get("new_badge") is False,
                lambda: self.unopened_bureau_messages(district_id, msg_indicator) == 0,
            )
            badge_on = False
            await reset_tab.drain(0.3)
            return result

        async def message() -> RunResult:
            nonlocal badge_on, msg_counter
            msg_counter += 1
            if badge_on:
                await open_badge()
            _, before = self.db_facts(district_id, msg_indicator, int(round_id))
            await open_thread()

            async def trigger() -> float:
                return await bureau.send(
                    {
                        "name": f"{names.panel}.send_comment",
                        "router_data": router_data("/review"),
                        "payload": {"form_data": {"comment": f"bench fan-out message {msg_counter}"}},
                    }
                )

            result = await self.measure(
                f"bureau message {args.message_code} #{msg_counter}",
                "bureau",
                trigger,
                lambda r: r.get("code") == args.message_code and r.get("new_badge") is True,
                lambda: self.db_facts(district_id, msg_indicator, int(round_id))[1] == before + 1,
            )
            badge_on = True
            await bureau.drain(0.3)
            return result

        async def certify_run(code: str) -> RunResult:
            indicator = int(rows[code]["id"])
            ids = {"district_id": district_id, "indicator_id": indicator, "round_id": int(round_id)}
            for step, params in certify.prepare:  # open the result as the review page does (outside the clock)
                await bureau.drain(0.2)
                await bureau.send(
                    {
                        "name": f"{certify.state}.{step}",
                        "router_data": router_data("/review"),
                        "payload": fill(params, ids),
                    }
                )
                await bureau.drain(0.5)
            payload = fill(certify.params, ids)

            async def trigger() -> float:
                return await bureau.send(
                    {"name": f"{certify.state}.certify", "router_data": router_data("/review"), "payload": payload}
                )

            result = await self.measure(
                f"bureau certify {code}",
                "bureau",
                trigger,
                lambda r: r.get("code") == code and r.get("status") == "certified",
                lambda: self.db_facts(district_id, indicator, int(round_id))[0] == "certified",
            )
            await bureau.drain(0.3)
            return result

        for n in args.watchers:
            if n <= 0:
                continue
            need = n - len(self.watchers)
            if need > 0:
                log(f"connecting {need} more watcher tabs of {DISTRICT} (to {n}) ...")
                tabs, failed, secs = await self.connect_many(need, [DISTRICT], f"w{len(self.watchers)}-")
                self.watchers.extend(tabs)
                log(f"  {len(tabs)} connected, {failed} failed, {secs:.1f}s")
                await self.quiet(self.watchers, 0.5, 20)
            await asyncio.sleep(args.settle)
            log(HEADER)
            if certify_queue:
                await certify_run(certify_queue.pop(0))
                await asyncio.sleep(args.gap)
            for _ in range(args.runs):
                await message()
                await asyncio.sleep(args.gap)
                if args.with_open:
                    await open_badge()
                    await asyncio.sleep(args.gap)

        # ---- ramp of idle tabs
        await self.ramp()

    async def _bulk(self, control: list[Socket]) -> None:
        """The bureau bulk-certifies every district's awaiting result of one indicator while
        --bulk-tabs tabs of every district watch /entry: each tab's clock stops at the first frame
        showing its own row of that indicator certified."""
        args = self.args
        code, indicator_id, round_id, awaiting = self.bulk_setup
        districts = self.district_codes()
        log(f"logging in {len(districts)} district users and {BUREAU} ...")
        await asyncio.gather(*(asyncio.to_thread(self.login, user) for user in [BUREAU, *districts]))
        count = args.bulk_tabs * len(districts)
        log(f"connecting {count} watcher tabs ({args.bulk_tabs} per district) ...")
        self.watchers, failed, secs = await self.connect_many(count, districts, "b")
        log(f"  {len(self.watchers)} connected, {failed} failed, {secs:.1f}s")
        await self.quiet(self.watchers, 0.5, 30)
        bureau = Socket(self.base_url)
        control.append(bureau)
        path = f"/review?indicator={code}"
        router = {**router_data(path), "pathname": "/review", "query": {"indicator": code}}
        await bureau.connect(
            {"name": self.names.hydrate, "router_data": router, "payload": {}}, cookie=self.tokens[BUREAU]
        )
        review, var = self.names.review, self.names.var
        shown = {}
        end = time.monotonic() + 60
        while not (shown.get(var("rows")) and shown.get(var("indicator_code"))) and time.monotonic() < end:
            _, message = await bureau.next(max(0.1, end - time.monotonic()))
            shown.update(delta_of(message).get(review) or {})
        if str(shown.get(var("indicator_code"))) != code:
            raise RuntimeError(f"the review page opened {shown.get(var('indicator_code'))!r}, not {code}")
        ids = sorted(self.district_id_of_all().values())
        for district_id in ids:  # the reviewer ticks every district (outside the clock)
            event = {"name": f"{review}.toggle_selected", "router_data": router, "payload": {}}
            event["payload"] = {"district_id": district_id, "checked": True}
            await bureau.send(event)
        await bureau.drain(1.0)
        await bureau.send(
            {"name": f"{review}.set_bulk_confirm_open", "router_data": router, "payload": {"value": True}}
        )
        request_id = ""
        end = time.monotonic() + 30
        while not request_id and time.monotonic() < end:
            _, message = await bureau.next(max(0.1, end - time.monotonic()))
            request_id = (delta_of(message).get(review) or {}).get(var("request_id")) or ""
        await bureau.drain(0.5)
        await asyncio.sleep(args.settle)
        self.report_trigger.append(
            f"  bureau trigger: {BUREAU} bulk-certifies {code} of round {round_id} for {len(ids)} districts "
            f"({awaiting} awaiting after setup; ReviewState.toggle_selected x {len(ids)}, set_bulk_confirm_open, "
            f"bulk_certify); {args.bulk_tabs} watching /entry tabs per district"
        )

        async def trigger() -> float:
            return await bureau.send(
                {"name": f"{review}.bulk_certify", "router_data": router, "payload": {"request_id": request_id}}
            )

        def certified_all() -> bool:
            return self.certified_count(indicator_id, round_id, ids) == len(ids)

        await self.measure(
            f"bulk certify {code} ({len(ids)} results)",
            "bureau",
            trigger,
            lambda r: (r.get("code") == code or r.get("id") == indicator_id) and r.get("status") == "certified",
            certified_all,
        )
        await bureau.drain(0.5)

    def district_codes(self) -> list[str]:
        from krs_app.seed.offices import district_offices

        return [office.code for office in district_offices()][: self.args.bulk_districts]

    def district_id_of_all(self) -> dict[str, int]:
        from sqlmodel import select

        from krs_app.db.engine import session_scope
        from krs_app.db.models import District

        wanted = set(self.district_codes())
        with session_scope() as session:
            return {c: i for c, i in session.exec(select(District.code, District.id)).all() if c in wanted}

    def certified_count(self, indicator_id: int, round_id: int, district_ids: list[int]) -> int:
        from sqlmodel import func, select

        from krs_app.db.engine import session_scope
        from krs_app.db.models import Result

        with session_scope() as session:
            return int(
                session.exec(
                    select(func.count())
                    .select_from(Result)
                    .where(
                        Result.indicator_id == indicator_id,
                        Result.round_id == round_id,
                        Result.status == "certified",
                        Result.district_id.in_(district_ids),
                    )
                ).one()
            )

    async def ramp(self) -> None:
        args = self.args
        if args.ramp_to <= len(self.idle):
            return
        for tab in self.watchers:
            await tab.close()
        self.watchers = []
        await self.wait_connections(len(self.idle) + 2)
        await asyncio.sleep(args.settle)
        idle_users = [f"spm{i:02d}" for i in range(1, 21) if f"spm{i:02d}" != DISTRICT]
        lines = [
            f"  {'idle tabs':>10}{'step s':>8}{'failed':>8}{'app RSS MiB':>13}{'KiB/tab (step)':>16}"
            f"   websocket connections per process"
        ]
        rss_prev, _ = self.rss()
        started = time.monotonic()
        best_per_worker = 0
        first_step, steps_kib = True, []
        stop_reason = f"reached --ramp-to {args.ramp_to}"
        while len(self.idle) < args.ramp_to:
            if time.monotonic() - started > args.ramp_time:
                stop_reason = f"ramp time limit {args.ramp_time:.0f}s"
                break
            step = min(args.ramp_step, args.ramp_to - len(self.idle))
            tabs, failed, secs = await self.connect_many(
                step, idle_users, f"r{len(self.idle)}-", limit_s=args.ramp_step_time, path=args.idle_path
            )
            self.idle.extend(tabs)
            await self.quiet(self.idle, 0.5, 10)
            alive = [t for t in self.idle if not t.closed]
            rss_now, _ = self.rss()
            pids = self.server_pids()
            conns = connections_per_process(pids, self.port)
            best_per_worker = max([best_per_worker, *conns.values()])
            step_kib = (rss_now - rss_prev) / max(1, len(tabs))
            if not first_step:  # the first step may overlap the release of the closed watchers' memory
                steps_kib.append(step_kib)
            first_step = False
            lines.append(
                f"  {len(alive):>10}{secs:>8.1f}{failed:>8}{rss_now / 1024:>13.1f}"
                f"{step_kib:>16.1f}{'*' if len(steps_kib) == 0 else ' '}  "
                + ", ".join(f"{pid}: {c}" for pid, c in conns.items() if c)
            )
            log(lines[-1])
            rss_prev = rss_now
            if failed or len(alive) < len(self.idle):
                stop_reason = f"{failed} connects failed / {len(self.idle) - len(alive)} dropped in the last step"
                break
            if secs > args.ramp_step_time:
                stop_reason = f"a step took more than {args.ramp_step_time:.0f}s"
                break
        # Hold them a moment and count who is still there.
        await asyncio.sleep(args.settle)
        alive = [t for t in self.idle if not t.closed]
        conns = connections_per_process(self.server_pids(), self.port)
        best_per_worker = max([best_per_worker, *conns.values()])
        self.report_ramp.append("  idle ramp (watchers closed first):")
        self.report_ramp.extend(lines)
        if steps_kib:
            self.report_ramp.append(
                f"  app RSS growth per idle tab over the ramp steps after the first: "
                f"{statistics.median(steps_kib):.1f} KiB (median; * = first step, which overlaps the release "
                f"of the closed watchers' memory)"
            )
        self.report_ramp.append(
            f"  stopped: {stop_reason}; {len(alive)} idle tabs alive after {args.settle:.0f}s hold; "
            f"largest number of websocket connections one process held: {best_per_worker}"
        )


def make_awaiting(code: str, district_codes: list[str]) -> tuple[str, int, int, int]:
    """Before the app starts: every given district's result of indicator `code` in the current round
    complete and awaiting, with the values of a district whose result is complete (copied), so one
    bulk certification has them all to certify. (code, indicator id, round id, awaiting count)."""
    from sqlmodel import select

    from krs_app.db.engine import session_scope
    from krs_app.db.models import District, Result, Value
    from krs_app.services.catalogue import current_round, round_catalogue

    with session_scope() as session:
        round_ = current_round(session)
        entry = next((e for e in round_catalogue(session, round_) if e.indicator.code == code), None)
        if entry is None:
            raise RuntimeError(f"no indicator {code} in the current round's catalogue")
        indicator_id, variable_ids = entry.indicator.id, set(entry.variable_ids.values())
        results = {
            r.district_id: r
            for r in session.exec(
                select(Result).where(Result.indicator_id == indicator_id, Result.round_id == round_.id)
            ).all()
        }
        template = next((r for r in results.values() if r.status in ("awaiting", "certified", "not_certified")), None)
        if template is None:
            raise RuntimeError(f"no district has a complete result of {code} to copy")
        values = {
            v.variable_id: v
            for v in session.exec(
                select(Value).where(Value.district_id == template.district_id, Value.round_id == round_.id)
            ).all()
            if v.variable_id in variable_ids
        }
        ids = [d for c, d in session.exec(select(District.code, District.id)).all() if c in set(district_codes)]
        for district_id in ids:
            have = {
                v.variable_id: v
                for v in session.exec(
                    select(Value).where(Value.district_id == district_id, Value.round_id == round_.id)
                ).all()
            }
            for variable_id, value in values.items():
                if variable_id in have:
                    have[variable_id].value = value.value
                else:
                    session.add(
                        Value(
                            district_id=district_id,
                            variable_id=variable_id,
                            round_id=round_.id,
                            value=value.value,
                            entered_by=value.entered_by,
                            entered_at=value.entered_at,
                        )
                    )
            result = results.get(district_id) or Result(
                district_id=district_id, indicator_id=indicator_id, round_id=round_.id
            )
            result.status, result.result, result.score = "awaiting", template.result, template.score
            result.reported_at = template.reported_at or value.entered_at
            result.certified_by = result.certified_at = result.refused_by = result.refused_at = None
            result.reason = result.correction_deadline = None
            result.not_applicable, result.not_applicable_reason = False, None
            result.not_applicable_by = result.not_applicable_at = None
            session.add(result)
        session.commit()
        return code, indicator_id, round_.id, len(ids)


# --------------------------------------------------------------------------- report


def summary(results: list[RunResult], kind: str, n: int) -> str | None:
    chosen = [r for r in results if r.kind == kind and r.n == n]
    if not chosen:
        return None
    times = [t for r in chosen for t in r.times_ms]
    lost = sum(r.lost for r in chosen)
    sent = sum(r.n for r in chosen)
    if not times:
        return f"  all {kind}-triggered runs at N={n}: nothing arrived; lost {lost}/{sent}"
    return (
        f"  all {kind}-triggered runs at N={n}: {len(chosen)} runs, {len(times)} deliveries, p50 "
        f"{statistics.median(times):.1f} ms, p95 {percentile(times, 95):.1f} ms, max {max(times):.1f} ms, "
        f"lost {lost}/{sent}"
    )


def print_report(args, profile: str, fan: Fanout | None, elapsed: float) -> None:
    print()
    print(f"KRS live fan-out over the Reflex websocket  ({time.strftime('%Y-%m-%d %H:%M')}, {elapsed:.0f}s)")
    print(f"  profile: {profile}")
    print(
        f"  machine: {os.cpu_count()} CPUs, load average {', '.join(f'{x:.2f}' for x in os.getloadavg())}; "
        f"clients in this one process on the same machine"
    )
    if fan is None:
        return
    for line in fan.report_trigger:
        print(line)
    print(
        f"  deadline {args.deadline:g}s; times from the bulk certification's send to each tab's frame showing "
        "its own row certified"
        if args.bulk
        else f"  watchers of {DISTRICT}: {', '.join(map(str, args.watchers))}; idle tabs of other districts: {args.idle}; "
        f"deadline {args.deadline:g}s; times from the trigger's send to each watcher's matching frame"
    )
    print(
        "  CPU ms from the send until every watcher had a frame (or the deadline): app = the app's processes,"
        " cli = this client process, svc = redis-server + postgres processes, other = the rest of the machine"
        " (other programs: the times are only clean when it is near 0)"
    )
    print()
    print("memory")
    for line in fan.report_memory:
        print(line)
    print()
    if fan.results:
        print("fan-out")
        print(HEADER)
        for r in fan.results:
            print(r.line())
        print()
    for n in args.watchers:
        for kind in ("bureau", "district"):
            if (line := summary(fan.results, kind, n)) is not None:
                print(line)
    if fan.report_ramp:
        print()
        for line in fan.report_ramp:
            print(line)
    print()
    if args.bulk:
        times = [t for r in fan.results for t in r.times_ms]
        lost = sum(r.lost for r in fan.results)
        if times:
            p95 = percentile(times, 95)
            print(
                f"goal (bulk certification to every watching tab): p95 <= 500 ms and none lost: "
                f"{'met' if p95 <= 500 and lost == 0 else 'NOT met'} (p95 {p95:.1f} ms, lost {lost})"
            )
        return
    big = max(args.watchers)
    chosen = [r for r in fan.results if r.kind == "bureau" and r.n == big]
    times = [t for r in chosen for t in r.times_ms]
    if times:
        p95 = percentile(times, 95)
        lost = sum(r.lost for r in chosen)
        ok = p95 <= 300 and lost == 0
        print(
            f"goal at N={big}: p95 <= 300 ms and none lost: {'met' if ok else 'NOT met'} "
            f"(p95 {p95:.1f} ms, lost {lost})"
        )


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--watchers", default="100,500", help="watcher counts, ascending (default 100,500)")
    parser.add_argument("--idle", type=int, default=200, help="idle tabs of other districts (default 200)")
    parser.add_argument(
        "--idle-path",
        default="/entry",
        help="page the idle tabs are on (default /entry; /login: a tab with a tiny state; "
        "none: a bare Socket.IO connection that never hydrates)",
    )
    parser.add_argument("--runs", type=int, default=4, help="bureau message runs per watcher count (default 4)")
    parser.add_argument(
        "--no-open-runs",
        dest="with_open",
        action="store_false",
        help="do not measure the district's badge opening after each message",
    )
    parser.add_argument(
        "--trigger",
        choices=("auto", "certify", "message"),
        default="auto",
        help="auto: a certification first if the app has a bureau certify handler, then messages",
    )
    parser.add_argument("--certify-codes", default="11.2,11.4")
    parser.add_argument("--message-code", default="11.2")
    parser.add_argument(
        "--bulk",
        action="store_true",
        help="instead of the runs above: the bureau bulk-certifies every district's result of --bulk-code "
        "while --bulk-tabs tabs of every district watch",
    )
    parser.add_argument("--bulk-code", default="11.2", help="indicator of the bulk certification (a finance one)")
    parser.add_argument("--bulk-tabs", type=int, default=3, help="watching /entry tabs per district")
    parser.add_argument("--bulk-districts", type=int, default=245, help="districts in the bulk certification")
    parser.add_argument("--deadline", type=float, default=10.0, help="seconds a watcher may take (default 10)")
    parser.add_argument("--gap", type=float, default=1.0, help="idle seconds between runs")
    parser.add_argument("--settle", type=float, default=3.0, help="seconds before memory readings and runs")
    parser.add_argument("--connect-concurrency", type=int, default=16)
    parser.add_argument("--connect-timeout", type=float, default=60.0)
    parser.add_argument("--ramp-to", type=int, default=1000, help="ramp idle tabs up to this many (0: no ramp)")
    parser.add_argument("--ramp-step", type=int, default=200)
    parser.add_argument("--ramp-step-time", type=float, default=120.0, help="stop the ramp if a step takes longer")
    parser.add_argument("--ramp-time", type=float, default=600.0, help="stop the ramp after this many seconds")
    parser.add_argument("--postgres", action="store_true", help="a fresh PostgreSQL database on 127.0.0.1:5432")
    parser.add_argument("--redis", action="store_true", help="Redis state on 127.0.0.1:6379 and --workers workers")
    parser.add_argument("--scale-out", action="store_true", help="--postgres --redis")
    parser.add_argument("--workers", type=int, default=2, help="GRANIAN_WORKERS with --redis (default 2)")
    parser.add_argument("--pg-admin-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument(
        "--app-dir",
        default=str(PROJECT_ROOT),
        help="project folder to run the app from (e.g. a copy with a change to try)",
    )
    parser.add_argument(
        "--server",
        choices=("granian", "uvicorn"),
        default="uvicorn",
        help="ASGI server under Reflex (default uvicorn with wsproto, as `krs run` serves; "
        "granian: Reflex's own default, to compare)",
    )
    parser.add_argument("--start-timeout", type=float, default=600)
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (app log, SQLite)")
    args = parser.parse_args(argv)
    args.watchers = sorted({int(x) for x in args.watchers.split(",") if x.strip()})
    args.certify_codes = [c.strip() for c in args.certify_codes.split(",") if c.strip()]
    if args.scale_out:
        args.postgres = args.redis = True

    def on_sigterm(_signum, _frame):
        raise SystemExit(143)

    signal.signal(signal.SIGTERM, on_sigterm)

    t0 = time.monotonic()
    work_dir = Path(tempfile.mkdtemp(prefix="krs-bench-fanout-"))
    res = Resources()
    app: Started | None = None
    fan: Fanout | None = None
    ok = False
    profile = ""
    try:
        port = free_port()
        data_dir = work_dir / "data"
        data_dir.mkdir()
        env = demo_env(data_dir, port, "bench-secret")
        parts = []
        redis_url = None
        if args.postgres:
            db = create_postgres_db(res, args.pg_admin_url)
            env["KRS_DATABASE_URL"] = f"postgresql+psycopg://postgres@127.0.0.1:5432/{db}"
            parts.append(f"PostgreSQL database {db}")
        else:
            parts.append("SQLite in a temp data dir")
        if args.redis:
            rdb = claim_redis_db(res, "127.0.0.1", 6379)
            redis_url = f"redis://127.0.0.1:6379/{rdb}"
            env["REFLEX_REDIS_URL"] = redis_url
            env["GRANIAN_WORKERS"] = env["KRS_WORKERS"] = str(args.workers)
            parts.append(f"Redis db {rdb} (state, tokens, viewer registry), {args.workers} workers")
        else:
            env["GRANIAN_WORKERS"] = env["KRS_WORKERS"] = "1"
            parts.append("in-memory state, 1 worker")
        profile = ("scale-out: " if args.redis or args.postgres else "embedded: ") + "; ".join(parts)
        profile += f"; served by {args.server}"
        if Path(args.app_dir).resolve() != PROJECT_ROOT:
            profile += f"; app from {args.app_dir}"
        # This process logs in and checks the database directly: the same settings as the app.
        keys = ("KRS_DATA_DIR", "KRS_SECRET", "KRS_DATABASE_URL", "REFLEX_REDIS_URL")
        for key in keys + (("KRS_DEMO",) if args.bulk else ()):  # --bulk: demo data seeded here, then changed
            if key in env:
                os.environ[key] = env[key]
            else:
                os.environ.pop(key, None)
        if args.server == "uvicorn" or args.bulk:
            # uvicorn workers each import the app; seed the database once first so they do not race.
            from krs_app.startup import prepare_database

            prepare_database()
        if args.bulk:
            from krs_app.seed.offices import district_offices

            codes = [office.code for office in district_offices()][: args.bulk_districts]
            bulk_setup = make_awaiting(args.bulk_code, codes)
            log(f"setup: {bulk_setup[3]} results of {args.bulk_code} awaiting")
        log(f"starting the app ({profile}) on 127.0.0.1:{port} ...")
        app = start_fanout_app(work_dir, env, port, Path(args.app_dir).resolve(), args.start_timeout, args.server)
        log(f"app up after {time.monotonic() - t0:.1f}s; processes {process_tree(app.process.pid)}")
        res.add("stop the app", app.stop)
        fan = Fanout(args, port, app, redis_url)
        fan.bulk_setup = bulk_setup if args.bulk else None
        asyncio.run(fan.run())
        ok = True
        return 0
    except KeyboardInterrupt:
        log("interrupted")
        return 130
    finally:
        res.release()  # stops the app first (added last), then drops/flushes
        print_report(args, profile, fan, time.monotonic() - t0)
        if ok and not args.keep:
            shutil.rmtree(work_dir, ignore_errors=True)
        else:
            log(f"(app log and data kept in {work_dir})")


if __name__ == "__main__":
    raise SystemExit(main())
