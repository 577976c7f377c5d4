"""Fixtures of the session cases (tests/security/test_session_*.py): the real app, backend only
(no frontend build: these cases speak the websocket), demo data, fresh data directory."""

from __future__ import annotations

import sqlite3
import subprocess
import tempfile
import urllib.request
from pathlib import Path

import pytest

from bench._harness import backend_only, demo_env, free_port, start_app

SESSION_CACHE_SECONDS = 2
# The current round's 11.3 (the catalogue belongs to a fiscal year: one 11.3 per year).
CURRENT_11_3 = (
    "SELECT i.id FROM indicator i JOIN round r ON r.fiscal_year_id = i.fiscal_year_id"
    " WHERE i.code = '11.3' AND r.closed_at IS NULL ORDER BY r.id DESC LIMIT 1"
)


class SessionServer:
    def __init__(self, url: str, data_dir: Path, process: subprocess.Popen):
        self.url = url
        self.data_dir = data_dir
        self.process = process

    def db(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.data_dir / "krs.db", timeout=30)
        connection.row_factory = sqlite3.Row
        return connection

    def one(self, sql: str, *args):
        with self.db() as connection:
            return connection.execute(sql, args).fetchone()

    def alive(self) -> bool:
        try:
            with urllib.request.urlopen(self.url + "/ping", timeout=5) as response:
                return response.status == 200
        except Exception:  # noqa: BLE001
            return False


@pytest.fixture(scope="session")
def session_server():
    port = free_port()
    data_dir = Path(tempfile.mkdtemp(prefix="krs-security-"))
    url = f"http://127.0.0.1:{port}"
    env = demo_env(
        data_dir,
        port,
        "security-secret",
        KRS_LOGIN_ATTEMPTS_PER_MINUTE="1000",  # many cases log in from 127.0.0.1; the limit has its own case
        KRS_LOGIN_MAX_FAILURES="1000",
        # The per-process session cache stays on (logout must end a session through it at once);
        # short, so a case that ends a session behind the app's back waits only this long.
        KRS_SESSION_CACHE_SECONDS=str(SESSION_CACHE_SECONDS),
    )
    app = start_app(backend_only(port), env=env, log=data_dir / "server.log", ping_url=url + "/ping", timeout=600)
    try:
        yield SessionServer(url, data_dir, app.process)
    finally:
        app.stop()


@pytest.fixture
def session_alive(session_server):
    """The server is still up after the case."""
    yield session_server
    assert session_server.alive(), "the server went down during the case"
