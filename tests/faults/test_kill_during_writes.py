"""kill -9 of the app process while 100 district clients write over the real app (websocket
events: values and thread messages; the evidence upload route: files), then a restart of the app
on the same data (migrate + start-up clean-up): every write a client saw acknowledged is there,
nothing is half-stored (no value, message or file row without its audit row, no file row without
its file on disk, no file on disk without its row), the touched results' scores equal a
recomputation from the stored values, and the audit chain verifies. SQLite (WAL) and PostgreSQL.

The clients (tests/faults/_crash_clients.py) are tabs of bench/_reflex_client.Socket, logged in
through POST /api/login; the app is the production backend started as bench/_harness starts it.
The kill comes at a random moment once every kind of write has been acknowledged a few times."""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import time
from collections import defaultdict

from sqlalchemy import select

from bench._harness import backend_only, demo_env, free_port, http_ok, start_app
from bench._reflex_client import login_over_http
from krs_app.db.engine import get_engine, session_scope
from krs_app.db.models import AuditLog, EvidenceFile, Message, Result, User, Value, Variable
from krs_app.domain.scoring import evaluate
from krs_app.seed.demo import DEMO_PASSWORD
from krs_app.services.catalogue import current_round, load_entry
from krs_app.services.results import values_by_key
from krs_app.settings import get_settings
from tests.faults._crash_clients import DistrictTab, Ledger, Write

CLIENTS = 100
# Acknowledged writes of each kind before the kill may come (then a random 0-3 s more).
ENOUGH = {"value": 300, "message": 80, "file": 80}
WRITE_SECONDS = 90  # the kill comes by then whatever was acknowledged
START_SECONDS = 180


def _districts_and_their_values() -> tuple[list[str], dict[tuple[str, int], float]]:
    """CLIENTS district usernames, and their districts' values of the current round before the run."""
    with session_scope() as session:
        names = list(
            session.execute(
                select(User.username).where(User.district_id.is_not(None)).order_by(User.username)
            ).scalars()
        )
        assert len(names) >= CLIENTS
        chosen = random.Random(11).sample(names, CLIENTS)
        districts = {
            u.district_id: u.username for u in session.execute(select(User).where(User.username.in_(chosen))).scalars()
        }
        round_id = current_round(session).id
        before = {
            (districts[v.district_id], v.variable_id): v.value
            for v in session.execute(
                select(Value).where(Value.district_id.in_(districts), Value.round_id == round_id)
            ).scalars()
        }
    get_engine().dispose()
    return chosen, before


def _start(data_dir, env_extra: dict[str, str], log_name: str):
    port = free_port()
    env = demo_env(data_dir, port, "crash-secret", **env_extra)
    app = start_app(
        backend_only(port), env=env, log=data_dir / log_name, ping_url=f"http://localhost:{port}/ping",
        timeout=START_SECONDS, name="crash-app",
    )  # fmt: skip
    return app, f"http://localhost:{port}"


async def _write_until_killed(base_url: str, usernames: list[str], app) -> tuple[Ledger, dict[str, float]]:
    import aiohttp

    ledger = Ledger()
    timings: dict[str, float] = {}
    logins = asyncio.Semaphore(2)  # the login gate lets one address have 2 attempts in progress
    opening = asyncio.Semaphore(20)

    async def login(name: str) -> str:
        async with logins:
            return await asyncio.to_thread(login_over_http, base_url, name, DEMO_PASSWORD, 60)

    async def open_tab(tab: DistrictTab) -> None:
        async with opening:
            await tab.open()

    clock = time.monotonic()
    tokens = await asyncio.gather(*(login(name) for name in usernames))
    timings["logins"] = time.monotonic() - clock
    tabs = [DistrictTab(base_url, name, token, ledger) for name, token in zip(usernames, tokens, strict=True)]
    writers: list[asyncio.Task] = []
    # a new connection per upload: a kept-alive one the server closes after its idle timeout
    # just as the next upload goes out would fail as "Server disconnected"
    connector = aiohttp.TCPConnector(force_close=True)
    async with aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.DummyCookieJar()) as http:
        try:
            clock = time.monotonic()
            await asyncio.gather(*(open_tab(tab) for tab in tabs))
            timings["tabs open"] = time.monotonic() - clock
            writers = [asyncio.create_task(tab.write_forever(http)) for tab in tabs]
            clock = time.monotonic()
            while time.monotonic() - clock < WRITE_SECONDS:
                if all(ledger.acks(kind) >= count for kind, count in ENOUGH.items()):
                    break
                if failed := next((task for task in writers if task.done()), None):
                    failed.result()  # a client failed before the kill: show why
                await asyncio.sleep(0.2)
            await asyncio.sleep(random.uniform(0, 3))
            os.killpg(app.process.pid, signal.SIGKILL)  # kill -9 of the server's process group, mid-write
            timings["writes before the kill"] = time.monotonic() - clock
            app.process.wait(10)
        finally:
            for task in writers:
                task.cancel()
            await asyncio.gather(*writers, return_exceptions=True)
            await asyncio.gather(*(tab.close() for tab in tabs), return_exceptions=True)
    return ledger, timings


def _files_without_rows() -> int:
    """Files in the evidence folder no row names (unfinished uploads' staging files included)."""
    with session_scope() as session:
        named = set(session.execute(select(EvidenceFile.stored_name)).scalars())
    get_engine().dispose()
    return sum(1 for p in get_settings().evidence_dir.glob("*/*") if p.is_file() and p.name not in named)


def _age_evidence_files(root) -> None:
    """On PostgreSQL (a volume several servers may share) the start-up clean-up leaves files
    younger than 10 minutes alone (another server may be mid-upload): the restart here stands
    for one after that wait."""
    old = time.time() - 3600
    for path in root.rglob("*"):
        if path.is_file():
            os.utime(path, (old, old))


def test_kill_9_of_the_app_under_100_writing_clients_loses_no_acknowledged_write(krs_db, tmp_path):
    usernames, before = _districts_and_their_values()
    env_extra = {"KRS_LOGIN_ATTEMPTS_PER_MINUTE": "1000"}  # 100 logins from this one address
    if krs_db == "postgres":
        env_extra["KRS_DATABASE_URL"] = os.environ["KRS_DATABASE_URL"]
    app, base_url = _start(tmp_path, env_extra, "server.log")
    try:
        ledger, timings = asyncio.run(_write_until_killed(base_url, usernames, app))
    finally:
        app.stop()
    for kind in ENOUGH:
        assert ledger.acks(kind) > 0, (kind, (tmp_path / "server.log").read_text(errors="replace")[-3000:])
    left_by_the_kill = _files_without_rows()
    if krs_db == "postgres":
        _age_evidence_files(get_settings().evidence_dir)

    restarted, again = _start(tmp_path, env_extra, "restart.log")  # migrate + clean-up, then serve
    try:
        assert http_ok(again + "/readyz")  # the restarted app has its database
    finally:
        restarted.stop()
    figures = _check_database(usernames, before, ledger)
    print(
        f"\n[{krs_db}] kill -9 of the app under {CLIENTS} clients (values, messages: websocket events; "
        f"files: POST /api/evidence); " + ", ".join(f"{k} {v:.1f} s" for k, v in timings.items())
    )
    for kind, (tried, acked, found, half, late) in figures.items():
        print(
            f"  {kind:<8} attempted {tried:>5}  acknowledged {acked:>5}  found after restart {found:>5}  "
            f"half-stored {half}  (in flight at the kill {tried - acked}, of which committed {late})"
        )
    tried, acked, found, half, late = (sum(column) for column in zip(*figures.values(), strict=True))
    print(f"  files on disk without a row: {left_by_the_kill} left by the kill, 0 after the start-up clean-up")
    print(
        f"  {'all':<8} attempted {tried:>5}  acknowledged {acked:>5}  found after restart {found:>5}  half-stored {half}"
    )


def _check_database(
    usernames: list[str], before: dict[tuple[str, int], float], ledger: Ledger
) -> dict[str, tuple[int, ...]]:
    from krs_app.services.audit_log import verify_chain

    writes = ledger.writes
    with session_scope() as session:
        users = {u.username: u for u in session.execute(select(User).where(User.username.in_(usernames))).scalars()}
        by_id = {u.id: name for name, u in users.items()}
        round_ = current_round(session)
        districts = {u.district_id: name for name, u in users.items()}
        stored = {
            (districts[row.district_id], row.variable_id): row.value
            for row in session.execute(
                select(Value).where(Value.district_id.in_(districts), Value.round_id == round_.id)
            ).scalars()
        }
        audits: dict[tuple, list] = defaultdict(list)
        audited: dict[str, set[int]] = defaultdict(set)
        for row in session.execute(
            select(AuditLog).where(AuditLog.user_id.in_(by_id)).order_by(AuditLog.seq)
        ).scalars():
            if row.action == "enter_value":
                audits[(by_id[row.user_id], row.entity_id)].append(json.loads(row.after)["value"])
            audited[row.action].add(row.entity_id)
        messages = session.execute(select(Message).where(Message.district_id.in_(districts))).scalars().all()
        files = session.execute(select(EvidenceFile)).scalars().all()
        ours = [f for f in files if f.district_id in districts]

        # values: each cell holds its last acknowledged value, or one tried after it (in flight)
        tried_values = [w for w in writes if w.kind == "value"]
        later: dict[tuple, list[float]] = defaultdict(list)  # per cell, the values tried from each write on
        found_values = 0
        for write in reversed(tried_values):
            later[(write.user, write.key)].append(write.value)
            if write.acked:
                cell = (write.user, write.key)
                assert stored.get(cell) in later[cell], (write, stored.get(cell))
                found_values += 1
        touched = {(w.user, w.key) for w in tried_values}
        # a value written here has its audit row (same transaction): the cell's last audited value;
        # a cell without one holds what it held before the run
        half_values = sum(1 for cell in touched if stored.get(cell) != (audits[cell] or [before.get(cell)])[-1])

        bodies = {m.body for m in messages}
        acked_bodies = {w.key for w in writes if w.kind == "message" and w.acked}
        tried_bodies = {w.key for w in writes if w.kind == "message"}
        half_messages = sum(1 for m in messages if m.body in tried_bodies and m.id not in audited["post_message"])

        shas = {f.sha256 for f in ours}
        acked_shas = {w.key for w in writes if w.kind == "file" and w.acked}
        root = get_settings().evidence_dir
        on_disk = {p.name for p in root.glob("*/*") if p.is_file()}
        named = {f.stored_name for f in files}
        half_files = (
            len(named - on_disk)  # a row without its file
            + len(on_disk - named)  # a file without its row (staging files included)
            + sum(1 for f in ours if f.id not in audited["attach_evidence"])
        )

        # the touched results' scores: recomputed from the stored values
        variables = session.execute(select(Variable).where(Variable.id.in_({w.key for w in tried_values}))).scalars()
        indicator_of = {v.id: v.indicator_id for v in variables}
        checked = 0
        for district_id, indicator_id in {(users[w.user].district_id, indicator_of[w.key]) for w in tried_values}:
            result = session.execute(
                select(Result).where(
                    Result.district_id == district_id,
                    Result.indicator_id == indicator_id,
                    Result.round_id == round_.id,
                )
            ).scalar_one_or_none()
            if result is None:  # never scored: then no value of it was stored here either
                assert not any(
                    audits[(districts[district_id], v)] for v, i in indicator_of.items() if i == indicator_id
                ), (district_id, indicator_id)
                continue
            entry = load_entry(session, indicator_id)
            evaluation = evaluate(entry.spec, values_by_key(session, entry, district_id, round_.id), round_.months)
            assert (result.result, result.score) == (evaluation.result, evaluation.score), result
            checked += 1
    get_engine().dispose()
    assert acked_bodies <= bodies, sorted(acked_bodies - bodies)[:5]
    assert acked_shas <= shas, sorted(acked_shas - shas)[:5]
    assert (half_values, half_messages, half_files) == (0, 0, 0)
    assert checked and verify_chain().ok

    def count(kind: str, stored_anyway) -> tuple[int, int]:
        kind_writes: list[Write] = [w for w in writes if w.kind == kind]
        return len(kind_writes), sum(w.acked for w in kind_writes), sum(map(stored_anyway, kind_writes))

    def unacked_value_stored(w: Write) -> bool:  # each value differs from the cell's others
        return not w.acked and stored.get((w.user, w.key)) == w.value

    tried_v, acked_v, late_v = count("value", unacked_value_stored)
    tried_m, acked_m, late_m = count("message", lambda w: not w.acked and w.key in bodies)
    tried_f, acked_f, late_f = count("file", lambda w: not w.acked and w.key in shas)
    return {
        "values": (tried_v, acked_v, found_values, half_values, late_v),
        "messages": (tried_m, acked_m, len(acked_bodies & bodies), half_messages, late_m),
        "files": (tried_f, acked_f, len(acked_shas & shas), half_files, late_f),
    }
