"""Login: password checks off the event loop, bounded, limited per client address; unknown
usernames cost the same hashing as known ones. Mechanism tests (no wall-clock assertions),
plus one integration case over the real websocket with a generous bound."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from krs_app.services import auth, passwords
from krs_app.services.errors import ServiceError
from krs_app.services.login_gate import BUSY, LoginGate, LoginRefused
from tests.security.http_tab import run as run_in_thread  # own loop: Playwright's sync API runs one here
from tests.security.session_client import REVIEW, Tab, login, post_login, run


def _blocking_check(release: threading.Event, calls: list):
    def check(username, password):
        calls.append((username, threading.current_thread().name))
        release.wait(10)
        raise ServiceError("ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง")

    return check


def test_password_check_runs_off_the_event_loop():
    calls: list = []
    release = threading.Event()
    gate = LoginGate(workers=1, queue=0, check=_blocking_check(release, calls))

    async def case():
        attempt = asyncio.ensure_future(gate.login("10.0.0.1", "someone", "x"))
        # the loop keeps running other work while the check blocks its worker thread
        ticks = 0
        for _ in range(5):
            await asyncio.sleep(0.01)
            ticks += 1
        assert ticks == 5 and not attempt.done()
        release.set()
        with pytest.raises(ServiceError):
            await attempt
        assert calls and calls[0][1].startswith("krs-login")

    run_in_thread(case())


def test_a_full_pool_refuses_at_once_with_try_again():
    calls: list = []
    release = threading.Event()
    gate = LoginGate(workers=1, queue=1, per_address_in_flight=10, check=_blocking_check(release, calls))

    async def case():
        first = asyncio.ensure_future(gate.login("10.0.0.1", "a", "x"))
        second = asyncio.ensure_future(gate.login("10.0.0.2", "b", "x"))
        await asyncio.sleep(0.05)
        with pytest.raises(LoginRefused) as refused:
            await gate.login("10.0.0.3", "c", "x")
        assert "ลองใหม่อีกครั้ง" in refused.value.message
        release.set()
        for task in (first, second):
            with pytest.raises(ServiceError):
                await task
        assert len(calls) == 2  # the refused attempt never reached the hasher

    run_in_thread(case())


def test_one_flooding_address_cannot_take_the_pool():
    calls: list = []
    release = threading.Event()
    gate = LoginGate(workers=2, queue=8, per_address_in_flight=2, check=_blocking_check(release, calls))

    async def case():
        flood = [asyncio.ensure_future(gate.login("10.6.6.6", f"u{i}", "x")) for i in range(40)]
        await asyncio.sleep(0.05)
        refused = [t for t in flood if t.done() and isinstance(t.exception(), LoginRefused)]
        assert len(refused) == 38
        # another address still gets a slot while the flood's two are busy
        other = asyncio.ensure_future(gate.login("10.0.0.9", "spm01", "x"))
        await asyncio.sleep(0.05)
        assert not other.done()
        release.set()
        await asyncio.gather(*flood, other, return_exceptions=True)
        assert [name for name, _ in calls].count("spm01") == 1

    run_in_thread(case())


def test_attempts_per_address_are_limited_in_a_window():
    now = [1000.0]
    gate = LoginGate(per_address=3, window_seconds=60, check=lambda u, p: ("t", None), clock=lambda: now[0])

    async def case():
        for _ in range(3):
            await gate.login("10.1.1.1", "x", "y")
        with pytest.raises(LoginRefused) as refused:
            await gate.login("10.1.1.1", "x", "y")
        assert "ลองใหม่อีกครั้ง" in refused.value.message
        await gate.login("10.1.1.2", "x", "y")  # another address is not slowed
        now[0] += 61
        await gate.login("10.1.1.1", "x", "y")  # the window moved on

    run_in_thread(case())


def test_unknown_username_is_checked_against_a_dummy_hash(krs_db, monkeypatch):
    checked: list = []
    real_verify = passwords._context.verify

    def counting(secret, hash_):
        checked.append(hash_)
        return real_verify(secret, hash_)

    monkeypatch.setattr(passwords._context, "verify", counting)
    for username in ("no-such-user", "spm07"):
        with pytest.raises(ServiceError) as refused:
            auth.login(username, "wrong-password")
        assert refused.value.message == auth.WRONG_CREDENTIALS
    assert len(checked) == 2, checked
    unknown, known = checked
    assert unknown == passwords._DUMMY_HASH
    # the same argon2 parameters, so the same work: only the salt and digest differ
    assert unknown.rsplit("$", 2)[0] == known.rsplit("$", 2)[0]


def test_login_flood_does_not_stall_another_users_websocket(session_alive):
    """40 parallel attempts from one address; a logged-in bureau's events keep being answered."""

    async def case():
        server = session_alive
        bureau = Tab(server.url)
        await login(bureau, "finance")
        await run(bureau, "/review", REVIEW + ".load")
        answered: list[float] = []

        async def probe():
            await asyncio.sleep(0.05)
            for i in range(10):
                start = time.monotonic()
                count = len(bureau.messages)
                await bureau.send(REVIEW + ".set_search", {"value": f"{i}"}, "/review")
                while len(bureau.messages) == count:
                    await asyncio.sleep(0.005)
                answered.append(time.monotonic() - start)

        flood = [post_login(server.url, f"nobody{i}", "x") for i in range(40)]
        outcomes, _ = await asyncio.gather(asyncio.gather(*flood), probe())
        assert max(answered) < 3.0, answered  # generous: one argon2 check is ~0.2 s on this machine
        messages = [message for _token, _home, message in outcomes]
        assert sum(BUSY in m for m in messages) >= 30, messages  # refused before any hashing
        assert all(m for m in messages)  # every attempt got a Thai answer back on the login page
        await bureau.close()

    run_in_thread(case())
