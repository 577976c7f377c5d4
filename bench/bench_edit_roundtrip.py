"""Benchmark: the data-entry edit round trip over the real Reflex websocket, next to a floor.

What is timed (one sample):

  edit   a scripted Socket.IO client (python-socketio AsyncClient, as the browser's
         socket.io-client would) sends EntryState.save_cell(variable, element, "1"/"0")
         for the 11.3 flag of the demo district spm07 on /_event, and the clock stops
         when the first "event" message whose delta carries the 11.3 row with the new
         value (and so its new score) arrives. The value toggles 1 <-> 0 each time.
  floor  a bare Socket.IO echo server (python-socketio ASGI app under uvicorn, another
         process on this machine) receives the very same event dict, upserts one row
         in a WAL-mode SQLite file with the app's own synchronous setting (krs_app.db.engine:
         EXTRA, a sync at every commit), commits, and echoes the dict.

Edits and floor samples are interleaved (edit, settle, floor, ...) so both see the same
machine load. The goal set by the product owner: edit p95 within 2x the floor p95.
The script prints the figures and the ratio; it asserts nothing.

Run from the project folder:

    python bench/bench_edit_roundtrip.py [--iterations 250] [--warmup 20]

starts its own app (production mode, backend only, demo data, fresh temp data dir, free
port) and floor, and stops both at the end. Against an app that is already running:

    python bench/bench_edit_roundtrip.py --url http://localhost:PORT --data-dir DATA_DIR

(--data-dir lets it log in through krs_app.services.auth against the same database;
without it, it logs in as the login form does, POST /api/login). It toggles spm07's
11.3 value in that database and puts the original value back at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import _harness  # first: this checkout on sys.path
from _harness import Started, http_ok, percentile, start_app, start_demo
from _reflex_client import (
    EVENT_PATH,
    MESSAGE,
    NAMESPACE,
    EntryRows,
    Names,
    Socket,
    delta_of,
    login_over_http,
    redirect_in,
    router_data,
    state_names,
)

from krs_app.db.engine import SQLITE_SYNCHRONOUS

# --------------------------------------------------------------------------- the floor process


def start_floor(work_dir: Path) -> tuple[Started, str, Path]:
    port = _harness.free_port()
    db = work_dir / "floor.db"
    log = work_dir / "floor.log"
    url = f"http://127.0.0.1:{port}"
    started = start_app(
        [sys.executable, str(Path(__file__).resolve()), "--serve-floor", str(port), str(db)],
        env=dict(os.environ),
        log=log,
        ping_url=url + "/ping",
        timeout=60,
        name="floor",
    )
    return started, url, db


# --------------------------------------------------------------------------- the floor server


def serve_floor(port: int, db_path: str) -> None:
    """python-socketio ASGI app under uvicorn: upsert + commit one row, echo the message."""
    import sqlite3

    import socketio
    import uvicorn

    from krs_app.db.engine import sync_every_commit

    db = sqlite3.connect(db_path, isolation_level="DEFERRED", check_same_thread=False)
    db.execute("PRAGMA journal_mode=WAL")
    sync_every_commit(db)  # the app's commits sync: the floor's must too, for a fair comparison
    db.execute(
        "CREATE TABLE IF NOT EXISTS value (id INTEGER PRIMARY KEY, district_id INTEGER NOT NULL, "
        "variable_id INTEGER NOT NULL, round_id INTEGER NOT NULL, value REAL NOT NULL, "
        "entered_by INTEGER, entered_at TEXT, UNIQUE (district_id, variable_id, round_id))"
    )
    db.commit()

    sio = socketio.AsyncServer(async_mode="asgi", transports=["websocket"], async_handlers=False)

    @sio.on(MESSAGE, namespace=NAMESPACE)
    async def on_event(sid, data):
        payload = data.get("payload", {}) if isinstance(data, dict) else {}
        try:
            value = float(payload.get("text", 0) or 0)
        except (TypeError, ValueError):
            value = 0.0
        db.execute(
            "INSERT INTO value (district_id, variable_id, round_id, value, entered_by, entered_at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (district_id, variable_id, round_id) "
            "DO UPDATE SET value = excluded.value, entered_by = excluded.entered_by, "
            "entered_at = excluded.entered_at",
            (1, int(payload.get("variable_id", 0) or 0), 1, value, 1, time.strftime("%Y-%m-%d %H:%M:%S")),
        )
        db.commit()
        reply = data
        pad = data.get("reply_bytes") if isinstance(data, dict) else None
        if pad:
            size = len(json.dumps(data))
            reply = {**data, "pad": "x" * max(0, int(pad) - size - 10)}
        await sio.emit(MESSAGE, reply, to=sid, namespace=NAMESPACE)

    async def ping_app(scope, receive, send):
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
        await send({"type": "http.response.body", "body": b"pong"})

    app = socketio.ASGIApp(sio, other_asgi_app=ping_app, socketio_path=EVENT_PATH.strip("/"))
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


# --------------------------------------------------------------------------- protocol


def login_in_process(data_dir: Path, username: str, password: str) -> str:
    """krs_app.services.auth.login against the app's own database (KRS_DATA_DIR)."""
    from krs_app.services import auth

    token, _ = auth.login(username, password)
    return token


def find_row(message: Any, view: EntryRows, code: str) -> dict | None:
    """The indicator's row if this message changed it (the page's rows, rebuilt by `view`)."""
    for row in view.apply(delta_of(message).get(view.names.entry)) or []:
        if row.get("code") == code:
            return row
    return None


def input_variable(row: dict) -> dict:
    for variable in row.get("variables") or []:
        if variable.get("mode") == "input":
            return variable
    raise RuntimeError(f"indicator {row.get('code')} has no cell the district fills in this round")


# --------------------------------------------------------------------------- measuring


@dataclass
class Samples:
    times_ms: list[float] = field(default_factory=list)
    reply_bytes: list[int] = field(default_factory=list)

    def line(self, label: str) -> str:
        t = self.times_ms
        return (
            f"{label:<24}{len(t):>6}{statistics.median(t):>10.2f}{percentile(t, 95):>10.2f}"
            f"{max(t):>10.2f}{statistics.fmean(t):>10.2f}"
        )


async def run_benchmark(args, base_url: str, data_dir: Path | None, floor_url: str) -> int:
    names = state_names()
    timeout = args.timeout

    login_mode = args.login
    if login_mode == "auto":
        login_mode = "db" if args.data_dir else "http"  # an app started here: as the login form does
    if login_mode == "db":
        if data_dir is None:
            raise SystemExit("--login db needs --data-dir")
        token = login_in_process(data_dir, args.username, args.password)
    else:
        token = await asyncio.to_thread(login_over_http, base_url, args.username, args.password, timeout)

    # The tab on /entry. The HttpOnly krs_session cookie reaches the backend in the
    # websocket handshake's Cookie header, as a browser sends it (Socket.connect).
    editor = Socket(base_url)
    view = EntryRows(names)
    floor = Socket(floor_url)
    original_text: str | None = None
    variable: dict = {}
    try:
        await editor.connect(
            {
                "name": names.hydrate,
                "router_data": router_data("/entry"),
                "payload": {},
            },
            cookie=token,
        )
        # hydrate_and_load sends the snapshot, then the backend itself runs on_load_internal ->
        # EntryState.load -> set_is_hydrated; nothing comes back for the client to re-send.
        row = None
        deadline = time.monotonic() + timeout
        while row is None and time.monotonic() < deadline:
            _, message = await editor.next(deadline - time.monotonic())
            if (path := redirect_in(message)) is not None:
                raise RuntimeError(f"the app redirected the /entry tab to {path} (not logged in as a district?)")
            row = find_row(message, view, args.indicator)
        if row is None:
            raise RuntimeError(f"EntryState.load sent no row for indicator {args.indicator}")
        if not row.get("editable"):
            raise RuntimeError(f"indicator {args.indicator} is not editable: {row.get('lock_reason')!r}")
        variable = input_variable(row)
        original_text = variable.get("value_text", "")
        await editor.drain(args.settle_ms / 1000)
        await floor.connect(None)

        def event_for(text: str) -> dict:
            return {
                "name": names.save_cell,
                "router_data": router_data("/entry"),
                "payload": {"variable_id": variable["id"], "element_id": variable["element_id"], "text": text},
            }

        async def one_edit(text: str) -> tuple[float, int, str, int]:
            event = event_for(text)
            start = await editor.send(event)
            while True:
                arrived, message = await editor.next(timeout)
                if (path := redirect_in(message)) is not None:
                    raise RuntimeError(f"save_cell answered with a redirect to {path}")
                new_row = find_row(message, view, args.indicator)
                if (
                    new_row is not None
                    and new_row["variables"]
                    and any(v.get("id") == variable["id"] and v.get("value_text") == text for v in new_row["variables"])
                ):
                    elapsed = (arrived - start) * 1000
                    size = len(json.dumps(message, ensure_ascii=False).encode())
                    trailing = await editor.drain(args.settle_ms / 1000)
                    return elapsed, size, new_row.get("score_text", "?"), trailing
                errors = (delta_of(message).get(names.entry) or {}).get(names.var("cell_errors")) or {}
                if errors.get(variable["element_id"]):
                    raise RuntimeError(f"save_cell refused {text!r}: {errors[variable['element_id']]}")

        async def one_echo(event: dict) -> tuple[float, int]:
            start = await floor.send(event)
            arrived, message = await floor.next(timeout)
            return (arrived - start) * 1000, len(json.dumps(message, ensure_ascii=False).encode())

        edit, echo, echo_big = Samples(), Samples(), Samples()
        scores: dict[str, set[str]] = {"1": set(), "0": set()}
        trailing_total = 0
        request_bytes = len(json.dumps(event_for("1"), ensure_ascii=False).encode())
        text = "0" if original_text == "1" else "1"
        total = args.warmup + args.iterations
        reply_size_for_big = 0
        gap = args.settle_ms / 1000
        for i in range(total):
            # Every sample starts after the same idle gap: one_edit ends with `gap` of quiet on
            # the editing tab, the floor samples sleep it, so none runs on a hotter machine.
            elapsed, size, score, trailing = await one_edit(text)
            floor_ms, floor_size = await one_echo(event_for(text))
            await asyncio.sleep(gap)
            if not reply_size_for_big:
                reply_size_for_big = size
            big_ms = big_size = None
            if args.floor_delta_sized:
                big_ms, big_size = await one_echo({**event_for(text), "reply_bytes": reply_size_for_big})
                await asyncio.sleep(gap)
            if i >= args.warmup:
                edit.times_ms.append(elapsed)
                edit.reply_bytes.append(size)
                echo.times_ms.append(floor_ms)
                echo.reply_bytes.append(floor_size)
                if big_ms is not None:
                    echo_big.times_ms.append(big_ms)
                    echo_big.reply_bytes.append(big_size)
                scores[text].add(score)
                trailing_total += trailing
            text = "0" if text == "1" else "1"
            if args.pause_ms:
                await asyncio.sleep(args.pause_ms / 1000)

        # ---- report
        print()
        print(
            f"KRS edit round trip over the Reflex websocket vs a bare Socket.IO floor  ({time.strftime('%Y-%m-%d %H:%M')})"
        )
        print(f"  app    {base_url}{EVENT_PATH}   ({args.app_mode})")
        print(
            f"  floor  {floor_url}{EVENT_PATH}   (python-socketio ASGI under uvicorn, SQLite WAL, synchronous={SQLITE_SYNCHRONOUS}, upsert+commit per message)"
        )
        print(
            f"  user {args.username}, indicator {args.indicator}, variable id {variable['id']} ({variable['element_id']}), "
            f"event {names.save_cell.rsplit('.', 1)[-1]} (names from {names.source})"
        )
        print(f"  machine: {os.cpu_count()} CPUs, load average {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
        print(
            f"  warm-up {args.warmup}, measured {args.iterations}; samples interleaved edit/floor, each after "
            f"{args.settle_ms:g} ms idle (the edit's after the tab was quiet that long)"
        )
        print(
            f"  request {request_bytes} B (same dict to both); edit reply median "
            f"{int(statistics.median(edit.reply_bytes))} B; floor reply median {int(statistics.median(echo.reply_bytes))} B"
        )
        print(
            f"  11.3 score shown after '1': {', '.join(sorted(scores['1'])) or '-'};  after '0': {', '.join(sorted(scores['0'])) or '-'}"
        )
        print(
            f"  further deltas the editing tab got after each matched reply (live refresh): "
            f"{trailing_total / max(1, args.iterations):.2f} per edit"
        )
        print()
        print(f"{'':<24}{'N':>6}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}{'mean ms':>10}")
        print(edit.line("edit (Reflex)"))
        print(echo.line("floor (echo)"))
        if echo_big.times_ms:
            print(echo_big.line(f"floor ({int(statistics.median(echo_big.reply_bytes))} B reply)"))
        print()
        ratio = percentile(edit.times_ms, 95) / percentile(echo.times_ms, 95)
        ratio50 = statistics.median(edit.times_ms) / statistics.median(echo.times_ms)
        verdict = "within" if ratio <= 2 else "NOT within"
        print(f"ratio p95 edit / p95 floor: {ratio:.2f}x   (p50 ratio {ratio50:.2f}x)   goal <= 2x: {verdict}")
        if echo_big.times_ms:
            ratio_big = percentile(edit.times_ms, 95) / percentile(echo_big.times_ms, 95)
            print(f"ratio p95 edit / p95 floor with a reply as large as the edit's delta: {ratio_big:.2f}x")
        return 0
    finally:
        if variable and original_text is not None and args.restore:
            try:
                await editor.drain(args.settle_ms / 1000)
                await editor.send(event_for_restore(names, variable, original_text))
                await editor.drain(0.5)
            except Exception:  # noqa: BLE001
                print(f"(could not put the original value {original_text!r} back)", file=sys.stderr)
        await editor.close()
        await floor.close()


def event_for_restore(names: Names, variable: dict, text: str) -> dict:
    return {
        "name": names.save_cell,
        "router_data": router_data("/entry"),
        "payload": {"variable_id": variable["id"], "element_id": variable["element_id"], "text": text},
    }


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    if argv is None:
        argv = sys.argv[1:]
    if argv[:1] == ["--serve-floor"]:
        serve_floor(int(argv[1]), argv[2])
        return 0

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a running app (e.g. http://localhost:3000); default: start one")
    parser.add_argument("--data-dir", help="KRS_DATA_DIR of the app at --url (to log in against its database)")
    parser.add_argument("--iterations", type=int, default=250, help="measured edits (default 250)")
    parser.add_argument("--warmup", type=int, default=20, help="edits before measuring (default 20)")
    parser.add_argument(
        "--settle-ms",
        type=float,
        default=60,
        help="after each matched reply, wait until the tab is quiet this long (default 60)",
    )
    parser.add_argument("--pause-ms", type=float, default=0, help="extra pause between iterations")
    parser.add_argument("--timeout", type=float, default=15, help="seconds to wait for any one reply")
    parser.add_argument("--username", default="spm07")
    parser.add_argument("--password", default="krs2562")
    parser.add_argument("--indicator", default="11.3")
    parser.add_argument(
        "--login",
        choices=("auto", "db", "http", "ws"),
        default="auto",
        help="db: krs_app.services.auth.login on --data-dir; http (ws, its old name): POST /api/login as the "
        "login form does; auto: db when --data-dir is given, else http",
    )
    parser.add_argument(
        "--full",
        action="store_true",
        help="start the app with `python -m krs_app.cli run --demo` (builds the frontend into the "
        "shared .web/); default: the same production backend without the frontend",
    )
    parser.add_argument(
        "--no-floor-delta-sized",
        dest="floor_delta_sized",
        action="store_false",
        help="skip the extra floor whose reply is as large as the edit's delta",
    )
    parser.add_argument(
        "--no-restore", dest="restore", action="store_false", help="leave the last toggled value in the database"
    )
    parser.add_argument("--start-timeout", type=float, default=1200)
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (logs, databases)")
    args = parser.parse_args(argv)
    if args.iterations < 1:
        parser.error("--iterations must be at least 1")

    def on_sigterm(_signum, _frame):
        raise SystemExit(143)

    signal.signal(signal.SIGTERM, on_sigterm)

    work_dir = Path(tempfile.mkdtemp(prefix="krs-bench-edit-"))
    started: list[Started] = []
    ok = False
    try:
        if args.url:
            base_url = args.url.rstrip("/")
            data_dir = Path(args.data_dir).resolve() if args.data_dir else None
            args.app_mode = "given with --url"
            if not http_ok(base_url + "/ping"):
                raise RuntimeError(f"{base_url}/ping does not answer")
        else:
            if args.data_dir:
                parser.error("--data-dir goes with --url")
            print("starting the app (production backend, demo data, fresh data dir) ...", file=sys.stderr)
            t0 = time.monotonic()
            data_dir = work_dir / "data"
            data_dir.mkdir()
            app, base_url = start_demo(
                data_dir, work_dir / "app.log", full=args.full, secret="bench-secret", timeout=args.start_timeout
            )
            started.append(app)
            args.app_mode = (
                "started here: krs run --demo, full production app"
                if args.full
                else "started here: production backend only (uvicorn, as `krs run`), demo data"
            )
            print(f"app up at {base_url} after {time.monotonic() - t0:.1f}s", file=sys.stderr)
        if data_dir is not None:
            # Before anything imports krs_app.settings: the same database as the app.
            os.environ["KRS_DATA_DIR"] = str(data_dir)
            os.environ.setdefault("KRS_SECRET", "bench-secret")  # never write a secret.key into their dir
        floor, floor_url, _ = start_floor(work_dir)
        started.append(floor)
        result = asyncio.run(run_benchmark(args, base_url, data_dir, floor_url))
        ok = True
        return result
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    finally:
        for process in reversed(started):
            process.stop()
        if ok and not args.keep:
            shutil.rmtree(work_dir, ignore_errors=True)
        else:
            print(f"(logs and databases kept in {work_dir})", file=sys.stderr)


if __name__ == "__main__":
    raise SystemExit(main())
