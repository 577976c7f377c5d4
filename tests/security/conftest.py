"""Fixtures of the session cases (tests/security/test_session_*.py): the real app, backend only
(no frontend build: these cases speak the websocket), demo data, fresh data directory."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]

# `reflex run --backend-only` refuses to start because rxconfig.py pins frontend_port; this is
# the code path the CLI takes after that check (as bench/bench_edit_roundtrip.py does).
_BACKEND_ONLY = """
from krs_app.server import use_uvicorn
use_uvicorn()
import sys
from reflex_base import constants
from reflex_base.environment import environment
from reflex.reflex import _run
environment.REFLEX_COMPILE_CONTEXT.set(constants.CompileContext.RUN)
environment.REFLEX_BACKEND_ONLY.set(True)
environment.REFLEX_FRONTEND_ONLY.set(False)
_run(env=constants.Env.PROD, running_mode=constants.RunningMode.BACKEND_ONLY, backend_port=int(sys.argv[1]))
"""


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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def session_server():
    port = _free_port()
    data_dir = Path(tempfile.mkdtemp(prefix="krs-security-"))
    log = data_dir / "server.log"
    env = dict(os.environ)
    env.update(
        KRS_DATA_DIR=str(data_dir),
        KRS_DEMO="1",
        KRS_PORT=str(port),
        KRS_SECRET="security-secret",
        KRS_LOGIN_ATTEMPTS_PER_MINUTE="1000",  # many cases log in from 127.0.0.1; the limit has its own case
        KRS_LOGIN_MAX_FAILURES="1000",
        REFLEX_TELEMETRY_ENABLED="false",
        PATH=str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", ""),
    )
    for name in ("KRS_DATABASE_URL", "REFLEX_REDIS_URL", "KRS_API_URL"):
        env.pop(name, None)
    with open(log, "w") as out:
        process = subprocess.Popen(
            [sys.executable, "-c", _BACKEND_ONLY, str(port)],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = SessionServer(f"http://127.0.0.1:{port}", data_dir, process)
    deadline = time.monotonic() + 600
    try:
        while not server.alive():
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the app did not start:\n{log.read_text()[-4000:]}")
            time.sleep(1)
        yield server
    finally:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=20)
        except Exception:  # noqa: BLE001
            os.killpg(process.pid, signal.SIGKILL)


@pytest.fixture
def session_alive(session_server):
    """The server is still up after the case."""
    yield session_server
    assert session_server.alive(), "the server went down during the case"
