"""The real app in production mode, driven in headless Chromium (Debian's chromium + Playwright)."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from bench._harness import start_demo

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
START_TIMEOUT = float(os.environ.get("KRS_E2E_START_TIMEOUT", "1200"))


class RunningApp:
    def __init__(self, url: str, data_dir: Path):
        self.url = url
        self.data_dir = data_dir


def running_demo_app():
    """`krs run --demo` on a free port with a fresh data directory, stopped when the generator closes."""
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian's chromium is not installed (apt-get install -y chromium)")
    data_dir = Path(tempfile.mkdtemp(prefix="krs-e2e-"))
    app, url = start_demo(
        data_dir,
        data_dir / "server.log",
        full=True,
        secret="e2e-secret",
        timeout=START_TIMEOUT,
        # Every browser of the run logs in from 127.0.0.1: the per-address limit (30 a minute) has its
        # own case in tests/security; here it would refuse the suite's own logins.
        KRS_LOGIN_ATTEMPTS_PER_MINUTE="1000",
    )
    try:
        yield RunningApp(url, data_dir)
    finally:
        app.stop()


@pytest.fixture(scope="session")
def app_server():
    """The e2e suite's app (one per run; started after the attack suite's app has stopped)."""
    yield from running_demo_app()


@pytest.fixture
def app_services(app_server):
    """This test process's services pointed at the running app's database (to set up accounts),
    and put back afterwards: a later test (the security suite runs its own app) must not find the
    process left on this app's database."""
    from tests.conftest import _use_database

    saved_dir, saved_url = os.environ.get("KRS_DATA_DIR"), os.environ.get("KRS_DATABASE_URL")
    _use_database(app_server.data_dir, None)
    yield
    if saved_dir:
        _use_database(Path(saved_dir), saved_url)


@pytest.fixture
def new_page(browser, app_server):
    """Fresh browser contexts (separate cookies), as many as a test needs."""
    contexts = []

    def make():
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="th-TH")
        context.set_default_timeout(20000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def login(page, base_url: str, username: str, password: str = "krs2562") -> None:
    """Type into the login form and send it. The form posts natively to /api/login, which sets
    the HttpOnly session cookie and answers with a redirect to "/" (a full page load that sends
    the role on to its home, or back to /login with the refusal shown)."""
    page.goto(base_url + "/login")
    # The page's on_load has run (the demo server lists its accounts): nothing it sets can
    # clear what is typed afterwards.
    page.wait_for_selector("#demo-accounts")
    page.fill("#login-username", username)
    page.fill("#login-password", password)
    with page.expect_navigation():
        page.click("#login-submit")


def wait_status(page, element_id: str, status: str, timeout: float = 5000) -> None:
    page.wait_for_function(
        f"document.querySelector('#{element_id}') && document.querySelector('#{element_id}').dataset.status === '{status}'",
        timeout=timeout,
    )


def show_review_list(bureau, indicator_code: str, district_code: str) -> None:
    """On the bureau's review page: choose the indicator and filter the list to one district."""
    bureau.wait_for_function("document.querySelectorAll('#review-indicator option').length > 0")
    value = bureau.eval_on_selector_all(
        "#review-indicator option",
        f"els => els.find(e => e.textContent.startsWith('{indicator_code} ')).value",
    )
    bureau.select_option("#review-indicator", value)
    bureau.fill("#review-search", district_code)
    bureau.wait_for_selector(f"#review-open-{district_code}-{indicator_code.replace('.', '_')}")


def open_review_row(bureau, indicator_code: str, district_code: str) -> None:
    """On the bureau's review page: choose the indicator, find the district, open its result."""
    show_review_list(bureau, indicator_code, district_code)
    bureau.click(f"#review-open-{district_code}-{indicator_code.replace('.', '_')}")
    bureau.wait_for_selector("#certify-button")


def wait_text(page, selector: str, text: str, timeout: float = 10000) -> None:
    """Wait until the element shows this text: a panel's lists fill in after the window opens
    (the review window and its thread load in the same event)."""
    page.wait_for_function(
        "([s, t]) => { const e = document.querySelector(s); return !!e && e.innerText.includes(t); }",
        arg=[selector, text],
        timeout=timeout,
    )
