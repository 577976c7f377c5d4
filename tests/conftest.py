"""Shared fixtures: a fresh KRS database with the demo data for each test.

SQLite always; PostgreSQL too when one answers (KRS_TEST_POSTGRES_URL, default
postgresql://postgres@127.0.0.1:5432/postgres) — otherwise those runs are skipped
and say why.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from datetime import timedelta
from pathlib import Path

import pytest

_TEMPLATE_DIR = Path(tempfile.mkdtemp(prefix="krs-template-"))
os.environ["KRS_DATA_DIR"] = str(_TEMPLATE_DIR)
os.environ.pop("KRS_DATABASE_URL", None)
os.environ.setdefault("KRS_SECRET", "test-secret")

POSTGRES_URL = os.environ.get("KRS_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def _use_database(data_dir: Path, url: str | None) -> None:
    from krs_app.db.engine import get_engine, reset_engine_cache
    from krs_app.settings import reset_settings_cache

    try:
        get_engine().dispose()
    except Exception:  # noqa: BLE001
        pass
    os.environ["KRS_DATA_DIR"] = str(data_dir)
    if url:
        os.environ["KRS_DATABASE_URL"] = url
    else:
        os.environ.pop("KRS_DATABASE_URL", None)
    reset_settings_cache()
    reset_engine_cache()


@pytest.fixture(scope="session")
def sqlite_template() -> Path:
    """Migrated and seeded once; each test gets a copy."""
    _use_database(_TEMPLATE_DIR, None)
    from krs_app.db.migrate import upgrade_to_head
    from krs_app.seed.demo import load_demo

    upgrade_to_head()
    load_demo()
    from krs_app.db.engine import get_engine

    get_engine().dispose()
    return _TEMPLATE_DIR / "krs.db"


def _postgres_admin_url() -> str | None:
    try:
        import psycopg
    except ImportError:
        return None
    plain = POSTGRES_URL.replace("postgresql+psycopg://", "postgresql://")
    try:
        with psycopg.connect(plain, connect_timeout=2, autocommit=True):
            return plain
    except Exception:  # noqa: BLE001
        return None


@pytest.fixture(scope="session")
def postgres_template() -> str:
    admin = _postgres_admin_url()
    if admin is None:
        pytest.skip("PostgreSQL is not reachable (set KRS_TEST_POSTGRES_URL to run these against PostgreSQL)")
    import psycopg

    name = f"krs_tpl_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    base = POSTGRES_URL.rsplit("/", 1)[0]
    data_dir = Path(tempfile.mkdtemp(prefix="krs-pg-"))
    _use_database(data_dir, f"{base}/{name}")
    from krs_app.db.migrate import upgrade_to_head
    from krs_app.seed.demo import load_demo

    upgrade_to_head()
    load_demo()
    from krs_app.db.engine import get_engine

    get_engine().dispose()
    yield name
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgres"])
def krs_db(request, tmp_path):
    """A fresh demo database for one test, on SQLite and (when available) PostgreSQL."""
    from krs_app.services import clock

    clock.shift_for_tests(timedelta(0))
    # Put back afterwards what the process pointed at (e.g. the security suite's running app, whose
    # session-wide fixtures log in through this process's krs_app): a later test must not find the
    # process left on this test's throw-away database.
    saved_dir, saved_url = os.environ.get("KRS_DATA_DIR", str(_TEMPLATE_DIR)), os.environ.get("KRS_DATABASE_URL")
    if request.param == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        shutil.copy(template, tmp_path / "krs.db")
        (tmp_path / "secret.key").write_text("test-secret")
        _use_database(tmp_path, None)
        yield "sqlite"
    else:
        template = request.getfixturevalue("postgres_template")
        import psycopg

        admin = _postgres_admin_url()
        name = f"krs_t_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        base = POSTGRES_URL.rsplit("/", 1)[0]
        _use_database(tmp_path, f"{base}/{name}")
        yield "postgres"
        from krs_app.db.engine import get_engine

        get_engine().dispose()
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    clock.shift_for_tests(timedelta(0))
    _use_database(Path(saved_dir), saved_url)


@pytest.fixture
def ended():
    """The SessionsEnded notices announced during the test (the live layer's input)."""
    from krs_app.live import bus

    notices: list[bus.SessionsEnded] = []
    bus.subscribe_sessions_ended(notices.append)
    yield notices
    bus.unsubscribe_sessions_ended(notices.append)


@pytest.fixture(scope="session")
def browser():
    """ONE headless Chromium for the whole run, shared by tests/e2e and tests/security: Playwright's
    sync API cannot start a second instance while the first one's event loop runs in this thread."""
    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import CHROMIUM, CHROMIUM_FLAGS

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


def pytest_collection_modifyitems(items):
    """Order of the run: tests without a browser first; then the browser tests; then those that close
    the current round (final for the shared e2e app server); then the scale-out tests, whose app build
    replaces the shared frontend build.

    Once the shared Chromium starts, Playwright's sync API keeps an event loop running in this thread
    until the run ends, and asyncio.run() refuses to start beside it: every test that runs its own loop
    must come before the first browser test."""

    def rank(item) -> tuple[int, int]:
        fixtures = getattr(item, "fixturenames", ())
        with_browser = int("browser" in fixtures)
        if item.get_closest_marker("scale_out") is not None:
            return (4, 0)
        if item.get_closest_marker("closes_round") is not None:
            return (3, 0)
        if "http_app" in fixtures:
            # The attack suite's own full app (tests/security/http_fixtures.py) runs as one block,
            # stopped before the e2e app starts: each full app builds the one frontend of the
            # checkout for its own port, so a second build breaks the first app's pages.
            return (1, with_browser)
        return (2 if with_browser else 0, 0)

    items.sort(key=rank)
