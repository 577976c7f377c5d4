"""Redis restarted in the scale-out profile (two app processes on PostgreSQL + Redis): a
district's tab open on process 1 stays connected and catches up: a file attached through
process 2 while Redis was down is on its screen once Redis is back, within a bounded time,
and a value saved through process 2 afterwards reaches it live again; nothing is lost. What
the open tab itself does during the outage is answered with a Thai message (not silence).

Its own redis-server (restarted as a service restart does: SIGTERM, it saves, it starts again
on the same port) and its own PostgreSQL cluster: the shared ones are never touched."""

from __future__ import annotations

import asyncio
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from bench._harness import backend_only, demo_env, free_port, start_app
from krs_app.state.exceptions import STATE_STORE_UNAVAILABLE
from tests.faults._outage import EntryTab, PostgresCluster, RedisServer, district_login, rows_in, upload_evidence

CATCH_UP_SECONDS = 15  # from Redis answering again to the change on the tab
LIVE_SECONDS = 5
OUTAGE_SECONDS = 5


@contextmanager
def _apps_on_redis(count: int, persist: bool = True):
    """`count` app processes on their own PostgreSQL cluster and redis-server."""
    pytest.importorskip("redis")
    redis_server = RedisServer(persist=persist)
    cluster = PostgresCluster()
    data_dir = Path(tempfile.mkdtemp(prefix="krs-redis-restart-"))
    ports = [free_port() for _ in range(count)]
    env = demo_env(
        data_dir, ports[0], "redis-secret", KRS_DATABASE_URL=cluster.url, REFLEX_REDIS_URL=f"{redis_server.url}/0"
    )
    processes = []
    try:
        for port in ports:  # one after the other: the first seeds the demo data
            processes.append(  # noqa: PERF401 - each one kept as it starts, for the clean-up
                start_app(
                    backend_only(port),
                    env={**env, "KRS_PORT": str(port)},
                    log=data_dir / f"app-{port}.log",
                    ping_url=f"http://localhost:{port}/ping",
                    timeout=300,
                )
            )
        yield [f"http://localhost:{port}" for port in ports], redis_server, cluster, processes
    finally:
        for process in reversed(processes):
            process.stop()
        redis_server.remove()
        cluster.remove()


@pytest.fixture
def scale_out():
    with _apps_on_redis(2) as (urls, redis_server, cluster, processes):
        yield *urls, redis_server, cluster, processes


def _evidence_rows(url: str, district_code: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return int(
                connection.execute(
                    text(
                        "SELECT count(*) FROM evidence_file e JOIN district d ON d.id = e.district_id "
                        "WHERE d.code = :code"
                    ),
                    {"code": district_code},
                ).scalar_one()
            )
    finally:
        engine.dispose()


async def _through_a_restart(one: str, two: str, redis_server: RedisServer, database_url: str) -> dict:
    cookie = await asyncio.to_thread(district_login, one)
    watcher = EntryTab(one, cookie)  # the open tab, its websocket on process 1
    try:
        await watcher.open()
        indicator = watcher.rows["11.4"]["id"]
        files_before = watcher.rows["11.4"]["evidence_count"]
        stored_before = await asyncio.to_thread(_evidence_rows, database_url, "spm07")

        # Live across the processes before the restart (the pipeline works at all).
        await asyncio.to_thread(upload_evidence, two, cookie, indicator, watcher.round_id, b"%PDF-1.4 before", "a.pdf")
        await watcher.wait(
            lambda: watcher.rows["11.4"]["evidence_count"] == files_before + 1, LIVE_SECONDS, "the first file"
        )

        await asyncio.to_thread(redis_server.stop)
        down_at = time.monotonic()
        # A change during the outage, through process 2 (a route that needs the database only).
        answer = await asyncio.to_thread(
            upload_evidence, two, cookie, indicator, watcher.round_id, b"%PDF-1.4 during", "b.pdf"
        )
        assert answer.get("ok"), answer
        # The open tab acts during the outage: its tab is told in Thai, not left waiting in silence.
        await watcher.save("11.3", "1", "1")
        await watcher.wait(lambda: watcher.was_told(STATE_STORE_UNAVAILABLE), 20, "the Thai message")
        await asyncio.sleep(max(0.0, down_at + OUTAGE_SECONDS - time.monotonic()))
        await asyncio.to_thread(redis_server.start)
        back_at = time.monotonic()
        await watcher.wait(
            lambda: watcher.rows["11.4"]["evidence_count"] == files_before + 2,
            CATCH_UP_SECONDS,
            "the file attached while Redis was down",
        )
        caught_up = time.monotonic() - back_at

        # And live again: a value saved in a second tab, on process 2, reaches the first one.
        other = EntryTab(two, cookie)
        try:
            await other.open()
            await other.save("11.3", "1", "1")
            await other.wait(lambda: other.variable("11.3", "1")["value_text"] == "1", 30, "the other tab's save")
            started = time.monotonic()
            await watcher.wait(
                lambda: watcher.variable("11.3", "1")["value_text"] == "1", LIVE_SECONDS, "the value saved on process 2"
            )
            live = time.monotonic() - started
        finally:
            await other.close()
        stored_after = await asyncio.to_thread(_evidence_rows, database_url, "spm07")
        assert stored_after == stored_before + 2  # nothing lost
        return {"caught_up": caught_up, "live": live, "outage": back_at - down_at}
    finally:
        await watcher.close()


def test_an_open_tab_catches_up_after_a_redis_restart(scale_out):
    one, two, redis_server, cluster, processes = scale_out
    measured = asyncio.run(_through_a_restart(one, two, redis_server, cluster.url))
    print(
        f"\nRedis down {measured['outage']:.1f} s: the change made meanwhile on the open tab "
        f"{measured['caught_up']:.1f} s after it was back; live again in {measured['live']:.2f} s"
    )
    assert all(process.process.poll() is None for process in processes)


def _stored_value(url: str, district_code: str, variable_id: int, round_id: int) -> float | None:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(
                text(
                    "SELECT v.value FROM value v JOIN district d ON d.id = v.district_id "
                    "WHERE d.code = :code AND v.variable_id = :variable AND v.round_id = :round"
                ),
                {"code": district_code, "variable": variable_id, "round": round_id},
            ).scalar()
    finally:
        engine.dispose()


async def _edit_after_state_lost(tab: EntryTab, database_url: str, text_value: str) -> None:
    """The tab's next edit after Redis lost its state: stored, and shown on a page that still
    has its rows (never a blank page, never a refusal of a value the page offered)."""
    sent_before = len(tab.messages)
    variable = await tab.save("11.3", "1", text_value)
    await tab.wait(
        lambda: bool(tab.rows) and tab.variable("11.3", "1")["value_text"] == text_value,
        30,
        f"the page's rows with the edit {text_value!r}",
    )
    blank = [m for m in tab.messages[sent_before:] if (rows := rows_in(m)) is not None and not rows]
    assert not blank, "the tab was sent an empty page"
    assert not tab.cell_errors, tab.cell_errors
    stored = await asyncio.to_thread(_stored_value, database_url, "spm07", variable["id"], tab.round_id)
    assert stored == float(text_value)


async def _through_lost_state(url: str, redis_server: RedisServer, database_url: str) -> None:
    cookie = await asyncio.to_thread(district_login, url)
    tab = EntryTab(url, cookie)
    try:
        await tab.open()
        first = "0" if tab.variable("11.3", "1")["value_text"] == "1" else "1"
        # Redis restarted without persistence: every tab's state is gone; the tab stays open.
        await asyncio.to_thread(redis_server.stop)
        await asyncio.to_thread(redis_server.start)
        await _edit_after_state_lost(tab, database_url, first)
        # Watching its district again: a file attached elsewhere reaches it live.
        row = tab.rows["11.4"]
        await asyncio.to_thread(upload_evidence, url, cookie, row["id"], tab.round_id, b"%PDF-1.4 x", "x.pdf")
        await tab.wait(lambda: tab.rows["11.4"]["evidence_count"] == row["evidence_count"] + 1, 10, "the new file")
        # The data wiped (FLUSHALL), then the tab's socket reconnects.
        await asyncio.to_thread(redis_server.flushall)
        await tab.reconnect()
        assert tab.variable("11.3", "1")["value_text"] == first  # its page's data again, as stored
        second = "1" if first == "0" else "0"
        await _edit_after_state_lost(tab, database_url, second)
        # Wiped again: an edit the rules refuse says so in Thai, and keeps saying it (no late
        # load of the page wipes the message); nothing is stored.
        await tab.settle(1)  # between events, as a restart finds a tab (one in flight is told STATE_STORE_UNAVAILABLE)
        await asyncio.to_thread(redis_server.flushall)
        variable = await tab.save("11.3", "1", "7")
        await tab.wait(lambda: variable["element_id"] in tab.cell_errors, 30, "the refusal of '7'")
        await tab.settle(2)
        told = tab.cell_errors.get(variable["element_id"], "")
        assert tab.rows and any("\u0e00" <= c <= "\u0e7f" for c in told), told
        stored = await asyncio.to_thread(_stored_value, database_url, "spm07", variable["id"], tab.round_id)
        assert stored == float(second)
    finally:
        await tab.close()


def test_an_open_tab_keeps_its_page_and_its_edits_when_redis_loses_every_state():
    """Redis without persistence restarted (or flushed) in the scale-out profile: the open
    tab's next event, or its reconnect, finds no state of its own; it gets its page's data
    again (the page's load for its route) and the user's edit is stored."""
    with _apps_on_redis(1, persist=False) as (urls, redis_server, cluster, processes):
        asyncio.run(_through_lost_state(urls[0], redis_server, cluster.url))
        assert all(process.process.poll() is None for process in processes)


def test_a_process_hears_session_forgets_again_after_redis_was_down(krs_db, monkeypatch):
    """A session checked while Redis was down (its forget listener could not subscribe) must not
    leave the process deaf to other processes' forgets once Redis is back: a user deactivated on
    another process is nobody here at once, not after the cache time."""
    pytest.importorskip("redis")
    from krs_app.seed.demo import DEMO_PASSWORD
    from krs_app.services import auth, session_cache
    from krs_app.settings import reset_settings_cache

    redis_server = RedisServer()
    monkeypatch.setenv("REFLEX_REDIS_URL", f"{redis_server.url}/0")
    monkeypatch.setenv("KRS_SESSION_CACHE_SECONDS", "60")  # only a forget heard over Redis ends it in time
    reset_settings_cache()
    try:
        token, user = auth.login("spm09", DEMO_PASSWORD)
        redis_server.stop()
        session_cache.forget_all()
        assert auth.user_for_token(token) is not None  # checked while Redis is down: the subscribe fails
        redis_server.start()
        time.sleep(1.2)  # past the pause before a failed subscribe is tried again (RETRY_SECONDS)
        session_cache.forget_all()
        assert auth.user_for_token(token) is not None  # remembered again, Redis answering

        from krs_app.db.engine import session_scope
        from krs_app.db.models import User

        with session_scope() as session:  # another process deactivates the user and says so
            session.get(User, user.id).active = False
        import redis

        redis.Redis.from_url(f"{redis_server.url}/0").publish(
            session_cache.CHANNEL, f'{{"kind": "user", "what": {user.id}, "from": "other"}}'
        )
        deadline = time.monotonic() + 3
        while session_cache.get(auth.session_key(token)) is not None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert auth.user_for_token(token) is None
    finally:
        session_cache.forget_all()
        monkeypatch.delenv("REFLEX_REDIS_URL")
        reset_settings_cache()
        redis_server.remove()


def test_a_change_kept_during_the_outage_reaches_a_process_that_subscribes_again_later(monkeypatch):
    """The order the end-to-end test cannot force: the process that made the change while Redis
    was down subscribes again first and resends it to nobody; the other process subscribes
    later, asks for what it missed (RESYNC), and gets it."""
    pytest.importorskip("redis")
    import redis

    from krs_app.live import bus
    from krs_app.live import dispatch as live

    redis_server = RedisServer()
    url = f"{redis_server.url}/0"
    heard: dict[str, list] = {"maker": [], "other": []}

    async def recorded(app, change, local_only=False):
        heard[app].append(change)

    monkeypatch.setattr(live, "dispatch", recorded)

    def subscribed() -> bool:
        counts = dict(redis.Redis.from_url(url).pubsub_numsub(live.CHANNEL))
        return counts.get(live.CHANNEL.encode(), 0) >= 1

    async def until(condition, what: str, timeout: float = 10) -> None:
        deadline = time.monotonic() + timeout
        while not await asyncio.to_thread(condition):
            assert time.monotonic() < deadline, what
            await asyncio.sleep(0.05)

    async def scenario() -> None:
        loop = asyncio.get_running_loop()
        maker = live._LiveUpdates("maker", loop, redis.Redis.from_url(url))
        other = live._LiveUpdates("other", loop, redis.Redis.from_url(url))
        tasks = [loop.create_task(maker.listen(url))]
        try:
            await until(subscribed, "the maker subscribed")
            await asyncio.to_thread(redis_server.stop)
            change = bus.Change(district_id=7, round_id=3, indicator_id=11, kind="evidence")
            maker.on_change(change)  # Redis down: not published, kept
            await asyncio.to_thread(redis_server.start)
            await until(lambda: not maker.lost and subscribed(), "the maker subscribed again")
            await until(lambda: change in heard["maker"], "the maker's own tabs, after its resend")
            await asyncio.sleep(0.3)  # its resend went out to nobody else
            assert change not in heard["other"]
            other.lost = True  # the other process lost Redis too, and subscribes again only now
            tasks.append(loop.create_task(other.listen(url)))
            await until(lambda: change in heard["other"], "the change at the other process")
        finally:
            for task in tasks:
                task.cancel()

    try:
        asyncio.run(scenario())
    finally:
        redis_server.remove()
