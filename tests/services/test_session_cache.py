"""The session check per event is answered from a short per-process cache, and every way a
session ends takes effect at once."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import event
from sqlmodel import select

from krs_app.db.engine import get_engine, session_scope
from krs_app.db.models import User, UserSession
from krs_app.seed.demo import DEMO_PASSWORD
from krs_app.services import auth, clock, session_cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    session_cache.forget_all()
    yield
    session_cache.forget_all()


class _Queries:
    def __init__(self):
        self.count = 0

    def __call__(self, *args, **kwargs):
        self.count += 1


@pytest.fixture
def queries(krs_db):
    counter = _Queries()
    engine = get_engine()
    event.listen(engine, "before_cursor_execute", counter)
    yield counter
    event.remove(engine, "before_cursor_execute", counter)


def _deactivate(username: str) -> int:
    with session_scope() as session:
        user = session.exec(select(User).where(User.username == username)).one()
        user.active = False
        session.add(user)
        return user.id


def test_a_repeated_check_asks_the_database_once(queries):
    token, user = auth.login("spm07", DEMO_PASSWORD)
    queries.count = 0
    assert auth.user_for_token(token) == user
    first = queries.count
    assert first > 0
    for _ in range(5):
        assert auth.user_for_token(token) == user
    assert queries.count == first


def test_logout_ends_the_session_at_once_even_when_cached(krs_db):
    token, _user = auth.login("spm07", DEMO_PASSWORD)
    assert auth.user_for_token(token) is not None  # now remembered
    auth.logout(token)
    assert auth.user_for_token(token) is None


def test_deactivation_with_forget_user_ends_every_session_of_that_user_at_once(krs_db):
    first, _user = auth.login("spm02", DEMO_PASSWORD)
    second, _ = auth.login("spm02", DEMO_PASSWORD)
    other, _ = auth.login("spm03", DEMO_PASSWORD)
    for token in (first, second, other):
        assert auth.user_for_token(token) is not None
    session_cache.forget_user(_deactivate("spm02"))
    assert auth.user_for_token(first) is None
    assert auth.user_for_token(second) is None
    assert auth.user_for_token(other) is not None


def test_a_change_committed_without_the_hook_lasts_no_longer_than_the_cache_time(krs_db, monkeypatch):
    token, _user = auth.login("spm04", DEMO_PASSWORD)
    assert auth.user_for_token(token) is not None
    _deactivate("spm04")  # e.g. straight in the database, nobody called forget_user
    assert auth.user_for_token(token) is not None  # the remembered answer, for at most ttl()
    clock.shift_for_tests(session_cache.ttl() + timedelta(milliseconds=1))
    assert auth.user_for_token(token) is None


def test_the_cache_never_outlives_the_idle_limit(krs_db, monkeypatch):
    monkeypatch.setenv("KRS_SESSION_CACHE_SECONDS", str(24 * 3600))
    token, _user = auth.login("kpi", DEMO_PASSWORD)
    assert auth.user_for_token(token) is not None
    clock.shift_for_tests(timedelta(hours=8, minutes=1))  # the idle limit is 480 minutes
    assert auth.user_for_token(token) is None


def test_an_ended_session_row_is_honoured_once_the_hook_is_called(krs_db):
    token, _user = auth.login("finance", DEMO_PASSWORD)
    assert auth.user_for_token(token) is not None
    with session_scope() as session:
        row = session.exec(select(UserSession).where(UserSession.token_hash == auth.session_key(token))).one()
        row.ended_at = clock.utcnow()
        session.add(row)
    session_cache.forget_session(auth.session_key(token))
    assert auth.user_for_token(token) is None


def test_an_answer_read_before_a_forget_is_not_stored_after_it(krs_db):
    """A check that was reading the database while a logout committed cannot keep the session alive."""
    token, user = auth.login("spm05", DEMO_PASSWORD)
    key = auth.session_key(token)
    asked_at = session_cache.generation()
    session_cache.forget_session(key)  # the logout commits while the check is still reading
    session_cache.put(key, user.id, user, clock.utcnow() + timedelta(hours=1), asked_at)
    assert session_cache.get(key) is None


def test_zero_seconds_turns_the_cache_off(queries, monkeypatch):
    monkeypatch.setenv("KRS_SESSION_CACHE_SECONDS", "0")
    token, _user = auth.login("spm06", DEMO_PASSWORD)
    queries.count = 0
    auth.user_for_token(token)
    once = queries.count
    auth.user_for_token(token)
    assert queries.count == 2 * once


def test_forget_listeners_hear_what_ended(krs_db):
    heard = []
    session_cache.on_forget(lambda kind, what: heard.append((kind, what)))
    token, user = auth.login("spm08", DEMO_PASSWORD)
    auth.logout(token)
    session_cache.forget_user(user.id)
    assert ("session", auth.session_key(token)) in heard
    assert ("user", user.id) in heard


REDIS_URL = "redis://127.0.0.1:6379/13"


def test_a_forget_published_by_another_process_drops_the_entry_here(krs_db, monkeypatch):
    try:
        import redis

        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5)
        client.ping()
    except Exception as error:  # noqa: BLE001 - any failure to reach Redis skips
        pytest.skip(f"Redis does not answer at {REDIS_URL}: {error}")
    monkeypatch.setenv("REFLEX_REDIS_URL", REDIS_URL)
    from krs_app.settings import reset_settings_cache

    reset_settings_cache()
    try:
        token, user = auth.login("spm09", DEMO_PASSWORD)
        assert auth.user_for_token(token) is not None  # remembered; the listener thread runs
        assert any(t.name == "krs-session-forget" for t in threading.enumerate())
        # Another process deactivates the user and says so on the channel.
        _deactivate("spm09")
        client.publish(session_cache.CHANNEL, f'{{"kind": "user", "what": {user.id}, "from": "other"}}')
        deadline = time.monotonic() + 2
        while session_cache.get(auth.session_key(token)) is not None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert auth.user_for_token(token) is None
    finally:
        monkeypatch.delenv("REFLEX_REDIS_URL")
        reset_settings_cache()
