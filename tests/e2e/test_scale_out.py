"""The scale-out profile: two app processes on PostgreSQL + Redis behind one port.

The district's websocket is held by process 1 and the bureau's by process 2; a
certification made through process 2 reaches the district on process 1 at once.
Skipped (with the reason) when PostgreSQL or Redis is not reachable.
"""

from __future__ import annotations

import os
import tempfile
import time
import uuid
from pathlib import Path

import pytest

from bench._harness import FULL_APP, backend_only, demo_env, free_port, start_app
from tests.e2e.balancer import Balancer
from tests.e2e.conftest import CHROMIUM, open_review_row, wait_status

pytestmark = [pytest.mark.e2e, pytest.mark.scale_out]

POSTGRES_ADMIN = os.environ.get("KRS_TEST_POSTGRES_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("KRS_TEST_REDIS_URL", "redis://127.0.0.1:6379")


def _services_or_skip() -> None:
    try:
        import psycopg
        import redis

        with psycopg.connect(POSTGRES_ADMIN, connect_timeout=2):
            pass
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except Exception as error:  # noqa: BLE001
        pytest.skip(f"PostgreSQL and Redis are needed for the scale-out test: {error}")


@pytest.fixture(scope="module")
def two_processes():
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian's chromium is not installed")
    _services_or_skip()
    import psycopg

    database = f"krs_scale_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{database}"')
    redis_db = 9
    import redis

    redis.Redis.from_url(f"{REDIS_URL}/{redis_db}").flushdb()
    front, first, second = free_port(), free_port(), free_port()
    data_dir = Path(tempfile.mkdtemp(prefix="krs-scale-"))
    env = demo_env(
        data_dir,
        first,
        "scale-secret",
        KRS_DATABASE_URL=f"postgresql+psycopg://postgres@127.0.0.1:5432/{database}",
        REFLEX_REDIS_URL=f"{REDIS_URL}/{redis_db}",
        KRS_API_URL=f"http://localhost:{front}",  # browsers reach both processes through the balancer
        KRS_WORKERS="1",
    )
    processes = []
    try:
        processes.append(
            start_app(
                FULL_APP, env=env, log=data_dir / "app1.log", ping_url=f"http://localhost:{first}/ping", timeout=1200
            )
        )
        # The second process: the backend only (Reflex's own server), the frontend stays with the first.
        processes.append(
            start_app(
                backend_only(second, server="granian"),
                env={**env, "KRS_PORT": str(second)},
                log=data_dir / "app2.log",
                ping_url=f"http://localhost:{second}/ping",
                timeout=300,
            )
        )
        balancer = Balancer(front, [first, second])
        balancer.start()
        yield f"http://localhost:{front}", balancer
        balancer.stop()
    finally:
        for process in reversed(processes):
            process.stop()
        with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def _page_on(browser, url: str, backend: int):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies([{"name": "krs_backend", "value": str(backend), "url": url}])
    context.set_default_timeout(20000)
    return context, context.new_page()


def _login(page, url: str, username: str) -> None:
    page.goto(url + "/login")
    page.wait_for_selector("#login-username")
    page.fill("#login-username", username)
    page.fill("#login-password", "krs2562")
    page.click("#login-submit")


def test_certification_on_process_2_reaches_the_district_on_process_1(browser, two_processes):
    url, balancer = two_processes
    district_context, district = _page_on(browser, url, 1)
    bureau_context, bureau = _page_on(browser, url, 2)
    try:
        _login(district, url, "spm07")
        district.wait_for_selector("#value-11_3-1")
        district.fill("#value-11_3-1", "1")
        district.press("#value-11_3-1", "Enter")
        wait_status(district, "status-11_3", "awaiting")

        _login(bureau, url, "finance")
        open_review_row(bureau, "11.3", "spm07")
        websockets = [port for kind, port in balancer.routed if kind == "websocket"]
        assert set(websockets) == set(balancer.backends), websockets  # one browser on each process
        started = time.monotonic()
        bureau.click("#certify-button")
        wait_status(district, "status-11_3", "certified", timeout=3000)
        elapsed = time.monotonic() - started
        assert elapsed < 3, elapsed
        assert district.inner_text("#score-11_3") == "5.0000"

        # And the other way: the district's file raises the bureau's badge across processes.
        district.click("#comments-open-11_4")
        district.wait_for_selector("#comment-input")
        district.fill("#comment-input", "ข้อความข้ามเครื่องแม่ข่าย")
        district.click("#comment-send")
        bureau.click("#detail-close")
        bureau.fill("#review-search", "")
        value = bureau.eval_on_selector_all(
            "#review-indicator option", "els => els.find(e => e.textContent.startsWith('11.4 ')).value"
        )
        bureau.select_option("#review-indicator", value)
        bureau.fill("#review-search", "spm07")
        bureau.wait_for_selector("#new-badge-spm07-11_4", timeout=5000)
    finally:
        district_context.close()
        bureau_context.close()


def test_a_password_changed_on_process_1_logs_out_the_tab_on_process_2(browser, two_processes):
    """The sessions ended by a password change are relayed over Redis: the process holding the
    other tab's websocket resets it and sends it to the login page, which says why."""
    url, balancer = two_processes
    mine_context, mine = _page_on(browser, url, 1)
    other_context, other = _page_on(browser, url, 2)
    new_password = "Lantern-Green-Hums-2569"
    try:
        _login(mine, url, "spm02")
        mine.wait_for_selector("#indicator-list [id^='status-']")
        _login(other, url, "spm02")
        other.wait_for_selector("#indicator-list [id^='status-']")
        routed = {port for kind, port in balancer.routed if kind == "websocket"}
        assert routed == set(balancer.backends), routed  # one browser on each process

        mine.click("#nav-password")
        mine.wait_for_url("**/password")
        mine.fill("#password-current", "krs2562")
        mine.fill("#password-new", new_password)
        mine.fill("#password-confirm", new_password)
        mine.click("#password-save")
        mine.wait_for_selector("#password-done")
        started = time.monotonic()
        other.wait_for_url("**/login?ended=password_changed", timeout=5000)
        other.wait_for_selector("#login-notice", timeout=5000)
        assert time.monotonic() - started < 5
        assert "เปลี่ยนรหัสผ่าน" in other.inner_text("#login-notice")
        assert other.locator("#indicator-list").count() == 0
        mine.click("#nav-entry")
        mine.wait_for_selector("#indicator-list [id^='status-']")  # the one that changed it stays in
    finally:
        mine_context.close()
        other_context.close()
