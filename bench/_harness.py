"""Starting and stopping the demo server: the one harness the benchmarks (bench/*.py) and the
end-to-end tests (tests/e2e) share.

The app runs in its own process group with the demo data, a fresh data directory and a free
port, either as `krs run --demo` (frontend build included, as a user starts it) or as the
production backend only (no frontend build: enough for a websocket client, and it leaves the
shared .web/ alone). Every process group started here is stopped by its own id.

Benchmarks import this module as `_harness` (their own folder is on sys.path when run as
`python bench/<name>.py`); tests import it as `bench._harness`. Importing it puts this checkout
first on sys.path, so krs_app is imported from here, not from wherever the venv's editable
install points (worktrees share one venv).
"""

from __future__ import annotations

import contextlib
import math
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=3) as response:
            return response.status == 200
    except Exception:  # noqa: BLE001
        return False


def wait_for(url: str, process: subprocess.Popen | None, log: Path | None, timeout: float) -> None:
    """Until `url` answers 200; RuntimeError (with the log's tail) if the process exits or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            tail = log.read_text(errors="replace")[-4000:] if log else ""
            raise RuntimeError(f"the process serving {url} exited early:\n{tail}")
        if http_ok(url):
            return
        time.sleep(0.5)
    tail = log.read_text(errors="replace")[-4000:] if log else ""
    raise RuntimeError(f"nothing answered at {url} within {timeout:.0f}s:\n{tail}")


class Started:
    """A child process group started here, stopped by its own id."""

    def __init__(self, name: str, process: subprocess.Popen, log: Path):
        self.name = name
        self.process = process
        self.log = log

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=20)
        except ProcessLookupError:
            pass
        except Exception:  # noqa: BLE001
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
            except Exception:  # noqa: BLE001
                pass


@contextlib.contextmanager
def throwaway_data_dir(prefix: str, secret: str):
    """For a benchmark that runs the services in its own process: a fresh embedded database in a
    temporary data directory (no PostgreSQL, no Redis), removed afterwards."""
    data = Path(tempfile.mkdtemp(prefix=prefix))
    os.environ["KRS_DATA_DIR"] = str(data)
    for key in ("KRS_DATABASE_URL", "REFLEX_REDIS_URL"):
        os.environ.pop(key, None)
    os.environ.setdefault("KRS_SECRET", secret)
    try:
        yield data
    finally:
        shutil.rmtree(data, ignore_errors=True)


def demo_env(data_dir: Path, port: int, secret: str, **extra: str) -> dict[str, str]:
    """This process's environment for a demo app: embedded SQLite in `data_dir`, in-memory state,
    `port`, a fixed secret (no secret.key written), no telemetry; `extra` on top."""
    env = dict(os.environ)
    env.update(
        KRS_DATA_DIR=str(data_dir),
        KRS_DEMO="1",
        KRS_PORT=str(port),
        KRS_SECRET=secret,
        REFLEX_USE_NPM="1",
        REFLEX_TELEMETRY_ENABLED="false",
        PATH=str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", ""),
    )
    for key in ("KRS_DATABASE_URL", "REFLEX_REDIS_URL", "KRS_API_URL"):
        env.pop(key, None)
    env.update(extra)
    return env


FULL_APP = [sys.executable, "-m", "krs_app.cli", "run", "--demo"]  # `krs run --demo`, frontend build included

# `reflex run --env prod --backend-only` refuses to start here because rxconfig.py pins
# frontend_port; this is the same code path the CLI takes after that check.
# argv: port, server (uvicorn: the app's production server, krs_app.server; granian: Reflex's
# own default), host (optional).
_BACKEND_ONLY_LAUNCHER = """
import sys
from reflex_base import constants
if sys.argv[2] == "uvicorn":
    from krs_app.server import use_uvicorn

    use_uvicorn()  # the server `krs run` uses: uvicorn with wsproto websockets
from reflex_base.environment import environment
from reflex.reflex import _run
environment.REFLEX_COMPILE_CONTEXT.set(constants.CompileContext.RUN)
environment.REFLEX_BACKEND_ONLY.set(True)
environment.REFLEX_FRONTEND_ONLY.set(False)
host = {"backend_host": sys.argv[3]} if len(sys.argv) > 3 else {}
_run(env=constants.Env.PROD, running_mode=constants.RunningMode.BACKEND_ONLY, backend_port=int(sys.argv[1]), **host)
"""


def backend_only(port: int, server: str = "uvicorn", host: str | None = None) -> list[str]:
    """The command of the production backend without the frontend, on `port`."""
    return [sys.executable, "-c", _BACKEND_ONLY_LAUNCHER, str(port), server, *([host] if host else [])]


def start_app(
    command: list[str],
    *,
    env: dict[str, str],
    log: Path,
    ping_url: str,
    timeout: float,
    cwd: Path = PROJECT_ROOT,
    page_url: str | None = None,
    name: str = "app",
) -> Started:
    """Start `command` in its own process group, output to `log`, and wait until `ping_url`
    (then `page_url`, when the frontend is served) answers; stopped again if it does not."""
    with open(log, "w") as out:
        process = subprocess.Popen(
            command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    started = Started(name, process, log)
    try:
        wait_for(ping_url, process, log, timeout)
        if page_url is not None:
            wait_for(page_url, process, log, 120)
    except BaseException:
        started.stop()
        raise
    return started


def start_demo(
    data_dir: Path,
    log: Path,
    *,
    full: bool,
    secret: str,
    timeout: float,
    port: int | None = None,
    **env_extra: str,
) -> tuple[Started, str]:
    """A demo app on a free port (or `port`) with its data in `data_dir`: `krs run --demo` when
    `full`, else the production backend only (`env_extra`: more KRS_* settings). Its process group and base URL."""
    port = port or free_port()
    url = f"http://localhost:{port}"
    started = start_app(
        FULL_APP if full else backend_only(port),
        env=demo_env(data_dir, port, secret, **env_extra),
        log=log,
        ping_url=url + "/ping",
        page_url=url + "/login" if full else None,
        timeout=timeout,
    )
    return started, url


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]
