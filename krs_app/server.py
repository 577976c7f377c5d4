"""Serve KRS in production: `reflex run --env prod` with uvicorn (wsproto websockets) as the
ASGI server, one port for the built frontend and the backend.

Why uvicorn rather than Reflex's default granian (measured with bench/bench_live_fanout.py on
the 2-core machine, Reflex 0.10.1): an idle connected tab costs about 27 KiB under
uvicorn + wsproto against about 160 KiB under granian, and a change reaches 500 watching tabs
about three times faster, because the Socket.IO writes stay on one event loop.

Reflex 0.10 only runs uvicorn through gunicorn; this module swaps in a direct `uvicorn.run`
for that one function (the reflex pin in pyproject.toml keeps it stable). Workers per app
process: KRS_WORKERS (default 1). KRS_SERVER=granian goes back to Reflex's own choice.

Usage (what `krs run` calls): python -m krs_app.server [reflex run options]
"""

from __future__ import annotations

import os
import sys


def workers() -> int:
    raw = os.environ.get("KRS_WORKERS", "").strip()
    return max(1, int(raw)) if raw.isdigit() else 1


def _serve_with_uvicorn(host: str, port: int, loglevel, app_target: str | None = None) -> None:
    import uvicorn
    from reflex.utils import exec as reflex_exec

    level = getattr(loglevel, "value", str(loglevel))
    uvicorn.run(
        app_target or reflex_exec.get_app_instance_from_file(),
        factory=True,
        host=host,
        port=port,
        workers=workers(),
        ws="wsproto",
        log_level=level if level in {"critical", "error", "warning", "info", "debug", "trace"} else "warning",
        timeout_graceful_shutdown=5,
    )


def use_uvicorn() -> None:
    """Make Reflex's production backend uvicorn (call before `reflex run`)."""
    from reflex.utils import exec as reflex_exec

    os.environ["REFLEX_USE_GRANIAN"] = "0"
    reflex_exec.run_uvicorn_backend_prod = _serve_with_uvicorn


def main(argv: list[str]) -> int:
    if os.environ.get("KRS_SERVER", "uvicorn").strip().lower() != "granian":
        use_uvicorn()
    from reflex.reflex import cli

    try:
        cli.main(args=["run", *argv], prog_name="reflex", standalone_mode=False)
    except KeyboardInterrupt:
        return 0
    except SystemExit as stop:
        return stop.code if isinstance(stop.code, int) else 0
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
