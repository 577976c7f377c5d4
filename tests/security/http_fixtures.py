"""Fixtures of the HTTP / websocket attack cases (tests/security/test_http_*.py), all prefixed http_.

One app for the whole suite: a `krs run --demo` like the e2e suite's (tests/e2e/conftest.py), for this
package only — its tests run as one block (tests/conftest.py orders them) and the app stops before
the e2e app starts, because each full app builds the checkout's one frontend for its own port. The test process reads the app's database
directly (sqlite3) to check that nothing changed, and logs users in through the services
against that same database (a login is only a session row; it bypasses nothing the
attacked handlers check).
"""

from __future__ import annotations

import os
import sqlite3
import urllib.request
from pathlib import Path

import pytest

from tests.e2e.conftest import RunningApp, running_demo_app

DEMO_PASSWORD = "krs2562"
USERS = ("spm07", "spm08", "finance", "testing", "kpi")


@pytest.fixture(scope="package")
def http_browser(browser):
    """The run's one Chromium (tests/conftest.py)."""
    return browser


@pytest.fixture(scope="package")
def http_app():
    """The app under attack: its own `krs run --demo`, or one already running when
    KRS_SECURITY_APP_URL and KRS_SECURITY_APP_DATA (its data directory) are set."""
    url = os.environ.get("KRS_SECURITY_APP_URL")
    if url:
        yield RunningApp(url.rstrip("/"), Path(os.environ["KRS_SECURITY_APP_DATA"]))
        return
    yield from running_demo_app()


class HttpDb:
    """Read (and, for test setup only, write) the running app's SQLite database."""

    def __init__(self, path):
        self.path = path

    def _connect(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.path, timeout=30)
        connection.row_factory = sqlite3.Row
        return connection

    def one(self, sql: str, *args):
        with self._connect() as connection:
            return connection.execute(sql, args).fetchone()

    def all(self, sql: str, *args) -> list:
        with self._connect() as connection:
            return connection.execute(sql, args).fetchall()

    def value(self, sql: str, *args):
        row = self.one(sql, *args)
        return None if row is None else row[0]

    def execute(self, sql: str, *args) -> None:
        with self._connect() as connection:
            connection.execute(sql, args)

    def district(self, code: str) -> int:
        return self.value("SELECT id FROM district WHERE code = ?", code)

    def indicator(self, code: str) -> int:
        return self.value("SELECT id FROM indicator WHERE code = ? ORDER BY id DESC", code)

    def current_round(self) -> int:
        return self.value("SELECT id FROM round WHERE closed = 0 ORDER BY opens_at DESC")

    def closed_round(self) -> int:
        return self.value("SELECT id FROM round WHERE closed = 1 ORDER BY opens_at DESC")

    def snapshot(self, indicators: tuple[int, ...] = ()) -> dict[str, str]:
        """What offices write, each table as a short digest: values, results, messages, files,
        audit, rounds — all of it, or only what concerns the given indicators."""
        import hashlib

        only = f" WHERE indicator_id IN ({','.join(str(int(i)) for i in indicators)})" if indicators else ""
        value_only = f" WHERE variable_id IN (SELECT id FROM variable{only})" if indicators else ""
        queries = {
            "value": f"SELECT id, district_id, variable_id, round_id, value FROM value{value_only} ORDER BY id",
            "result": "SELECT id, status, score, correction_deadline, extended_until, certified_by, refused_by, reason "
            f"FROM result{only} ORDER BY id",
            "message": f"SELECT id, district_id, indicator_id, round_id, body, opened_at FROM message{only} ORDER BY id",
            "evidence": "SELECT id, district_id, round_id, withdrawn_at, received_at, opened_at FROM evidence_file "
            f"{only} ORDER BY id",
            "audit": f"SELECT count(*) FROM audit_log{only}",
            "round": "SELECT id, closed FROM round ORDER BY id",
        }
        return {
            name: hashlib.sha256(repr([tuple(r) for r in self.all(sql)]).encode()).hexdigest()[:16]
            for name, sql in queries.items()
        }

    def rows(self, table: str) -> dict:
        return {r["id"]: tuple(r) for r in self.all(f"SELECT * FROM {table}")}


@pytest.fixture(scope="package")
def http_db(http_app):
    """The app's database, and the test process's own krs_app pointed at it (for logins and setup)."""
    from krs_app.db.engine import get_engine, reset_engine_cache
    from krs_app.settings import reset_settings_cache

    saved = {name: os.environ.get(name) for name in ("KRS_DATA_DIR", "KRS_DATABASE_URL", "KRS_SECRET")}
    get_engine().dispose()
    os.environ["KRS_DATA_DIR"] = str(http_app.data_dir)
    os.environ.pop("KRS_DATABASE_URL", None)
    os.environ["KRS_SECRET"] = "e2e-secret"
    reset_settings_cache()
    reset_engine_cache()
    yield HttpDb(http_app.data_dir / "krs.db")
    get_engine().dispose()
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    reset_settings_cache()
    reset_engine_cache()


@pytest.fixture(scope="package")
def http_tokens(http_db) -> dict[str, str]:
    """A live session token for each attacker / victim account (and a second one for spm07)."""
    from krs_app.services import auth

    tokens = {name: auth.login(name, DEMO_PASSWORD)[0] for name in USERS}
    tokens["spm07-second"] = auth.login("spm07", DEMO_PASSWORD)[0]
    return tokens


@pytest.fixture
def http_alive(http_app):
    """After the case: the server still answers."""
    yield http_app
    with urllib.request.urlopen(http_app.url + "/healthz", timeout=10) as response:
        assert response.status == 200, "the server went down during the case"
