"""The per-process catalogue cache is dropped in every process when the catalogue changes.

Two processes on one PostgreSQL database and one Redis: a second process (a subprocess
here) keeps the catalogue in its cache; a change made through the editor in this process
is what that process scores with next. A change written behind the services' back (plain
SQL, nobody told) is NOT seen there — the proof that the other process really serves from its
cache, so the first check can fail. Skipped (with the reason) without PostgreSQL and Redis.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from dataclasses import replace
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import POSTGRES_URL, _postgres_admin_url, _use_database

REDIS_URL = os.environ.get("KRS_TEST_REDIS_URL", "redis://127.0.0.1:6379") + "/10"
PROJECT_ROOT = Path(__file__).resolve().parents[2]

OTHER_PROCESS = """
import sys
from krs_app.db.engine import session_scope
from krs_app.live import catalogue_sync
from krs_app.services.catalogue import load_entry, round_catalogue, get_round
with session_scope() as session:
    round_ = get_round(session, None)
    iid = next(e.indicator.id for e in round_catalogue(session, round_) if e.spec.code == "11.2")
assert catalogue_sync.ensure_listening(wait_seconds=10), "not subscribed"
print("ready", flush=True)
for line in sys.stdin:
    with session_scope() as session:
        print(load_entry(session, iid).spec.thresholds[0], flush=True)
"""


def _redis_or_skip() -> None:
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except Exception as error:  # noqa: BLE001
        pytest.skip(f"Redis is needed for the two-process cache test: {error}")


@pytest.fixture
def shared_database(postgres_template, tmp_path, monkeypatch):
    _redis_or_skip()
    import psycopg

    admin = _postgres_admin_url()
    name = f"krs_sync_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{postgres_template}"')
    url = f"{POSTGRES_URL.rsplit('/', 1)[0]}/{name}"
    monkeypatch.setenv("REFLEX_REDIS_URL", REDIS_URL)
    _use_database(tmp_path, url)
    yield url, tmp_path
    from krs_app.db.engine import get_engine

    get_engine().dispose()
    monkeypatch.delenv("REFLEX_REDIS_URL")
    _use_database(tmp_path, None)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _ask(process) -> float:
    process.stdin.write("read\n")
    process.stdin.flush()
    return float(process.stdout.readline())


def test_a_change_made_through_one_process_is_used_by_the_other(shared_database):
    url, data_dir = shared_database
    env = {**os.environ, "KRS_DATABASE_URL": url, "KRS_DATA_DIR": str(data_dir), "REFLEX_REDIS_URL": REDIS_URL}
    other = subprocess.Popen(
        [sys.executable, "-c", OTHER_PROCESS],
        cwd=PROJECT_ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert other.stdout.readline().strip() == "ready"
        first = _ask(other)

        # Behind the services' back: the other process keeps serving its cached catalogue.
        engine = sa.create_engine(url)
        with engine.begin() as c:
            c.execute(
                sa.text(
                    "UPDATE indicator SET t1 = t1 - 1 WHERE code = '11.2' AND fiscal_year_id = "
                    "(SELECT fiscal_year_id FROM round WHERE closed = false ORDER BY opens_at DESC LIMIT 1)"
                )
            )
        engine.dispose()
        assert _ask(other) == first

        from krs_app.services import catalogue_editor as editor
        from tests.services.helpers import indicator_id, login_as

        kpi = login_as("kpi")
        iid = indicator_id("11.2")
        form = editor.indicator_form(kpi, iid)
        editor.save_indicator(kpi, iid, replace(form, thresholds=(11, 22, 33, 44, 55)), confirmed=True)
        deadline = time.monotonic() + 5
        seen = _ask(other)
        while seen != 11 and time.monotonic() < deadline:
            time.sleep(0.05)
            seen = _ask(other)
        assert seen == 11
    finally:
        other.stdin.close()
        other.terminate()
        other.wait(timeout=10)
