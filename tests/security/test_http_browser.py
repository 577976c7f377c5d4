"""In Chromium against the running app: the pages work with the Content-Security-Policy on,
they cannot be framed, a page on another origin cannot read an office's file with its cookie,
and stored XSS through every free-text field shows as text and never runs."""

from __future__ import annotations

import json
import uuid
from urllib.parse import quote

import pytest

from tests.e2e.conftest import CHROMIUM_FLAGS, login, open_review_row  # noqa: F401
from tests.security.http_tab import attack, http

pytestmark = pytest.mark.usefixtures("http_alive")

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<<>>\n%%EOF\n" + b"x" * 300
MARK = uuid.uuid4().hex[:8]
PAYLOADS = [
    f'<img src=x onerror="window.__xss=1">{MARK}',
    f"<script>window.__xss=2</script>{MARK}",
    f'"><svg onload="window.__xss=3">{MARK}',
    "{{constructor.constructor('window.__xss=4')()}}" + MARK,
    f"javascript:window.__xss=5 {MARK}",
]
NAME_PAYLOADS = [f'<img src=x onerror="window.__xss=6">{MARK}.pdf', f"<svg onload=window.__xss=7>{MARK}.pdf"]


@pytest.fixture
def http_page(http_browser, http_app):
    contexts = []

    def make():
        context = http_browser.new_context(viewport={"width": 1280, "height": 900}, locale="th-TH")
        context.set_default_timeout(20000)
        contexts.append(context)
        page = context.new_page()
        page.csp_errors = []
        page.on("console", lambda m: "Content Security Policy" in m.text and page.csp_errors.append(m.text))
        return page

    yield make
    for context in contexts:
        context.close()


def _wait_for_entry(page) -> None:
    page.wait_for_url("**/entry**")
    page.wait_for_selector("[id^=status-]")


# --- the CSP leaves the app working ------------------------------------------------------------------


def test_login_and_data_entry_work_with_the_csp_on(http_app, http_db, http_page):
    page = http_page()
    login(page, http_app.url, "spm08")
    _wait_for_entry(page)
    cell = page.query_selector("input[id^=value-]:not([disabled])")
    assert cell is not None, "spm08 has a cell to fill in"
    variable = cell.get_attribute("id")
    page.fill(f"#{variable}", "1")
    page.keyboard.press("Enter")
    page.wait_for_timeout(1500)
    page.reload()
    page.wait_for_selector(f"#{variable}")
    page.wait_for_function(f"document.querySelector('#{variable}').value === '1'")
    assert page.csp_errors == []


@pytest.mark.parametrize(
    ("username", "path", "selector"),
    [("finance", "/review", "#review-indicator"), ("kpi", "/report", "#report-table tbody tr")],
)
def test_the_bureau_and_kpi_pages_work_with_the_csp_on(http_app, http_page, username, path, selector):
    page = http_page()
    login(page, http_app.url, username)
    page.wait_for_url(f"**{path}**")
    page.wait_for_selector(selector)
    assert page.csp_errors == []


# --- framing and cross-origin reads ----------------------------------------------------------------


def test_the_review_page_does_not_render_inside_a_foreign_frame(http_app, http_page):
    page = http_page()
    login(page, http_app.url, "finance")
    page.wait_for_url("**/review**")
    foreign = "http://localhost:9/frame.html"
    page.route(
        foreign,
        lambda route: route.fulfill(
            content_type="text/html", body=f'<iframe id="f" src="{http_app.url}/review"></iframe>'
        ),
    )
    page.goto(foreign)
    page.wait_for_timeout(3000)
    for frame in page.frames[1:]:
        try:
            rendered = (
                frame.query_selector("#review-indicator") is not None
                or frame.query_selector("#login-username") is not None
            )
        except Exception:  # noqa: BLE001 — an error page that cannot be inspected is not the app
            rendered = False
        assert not rendered, "the app rendered inside a foreign frame"


def test_a_page_on_another_port_cannot_read_an_offices_file(http_app, http_db, http_tokens, http_page):
    _status, _, body = http(
        "POST",
        f"{http_app.url}/api/evidence?indicator={http_db.indicator('11.3')}",
        PDF,
        {
            "X-KRS-Upload": "1",
            "X-Filename": "a.pdf",
            "X-Description": "x",
            "Cookie": f"krs_session={http_tokens['spm07']}",
        },
    )
    file_id = json.loads(body)["id"]
    page = http_page()
    login(page, http_app.url, "spm07")  # the victim is logged in: its cookie is in this browser
    _wait_for_entry(page)
    attacker = "http://localhost:9/steal.html"  # same site (another port), so the Lax cookie is sent
    page.route(attacker, lambda route: route.fulfill(content_type="text/html", body="<p>hello</p>"))
    page.goto(attacker)
    outcome = page.evaluate(
        """async (url) => {
            try { const r = await fetch(url, {credentials: 'include'}); return 'read ' + (await r.text()).length; }
            catch (e) { return 'blocked'; }
        }""",
        f"{http_app.url}/api/evidence/{file_id}",
    )
    assert outcome == "blocked"


# --- stored XSS through every free-text field -------------------------------------------------------


@pytest.fixture(scope="module")
def xss_world(http_app, http_db, http_tokens):
    """A district whose 11.3 result awaits certification; hostile text in its thread, its file
    descriptions and names (sent through the real websocket and upload route), and in the
    bureau's refusal reason."""
    from krs_app.services import auth

    indicator = http_db.indicator("11.3")
    code = http_db.value(
        "SELECT d.code FROM result r JOIN district d ON d.id = r.district_id "
        "WHERE r.indicator_id = ? AND r.round_id = ? AND r.status = 'awaiting' AND d.code NOT IN ('spm07', 'spm08') "
        "ORDER BY d.code",
        indicator,
        http_db.current_round(),
    )
    district_token = auth.login(code, "krs2562")[0]
    district = http_db.district(code)
    events = [("panel", "open_comments", {"indicator_id": indicator, "district_id": 0, "round_id": "", "title": "x"})]
    events += [("panel", "send_comment", {"form_data": {"comment": text}}) for text in PAYLOADS]
    attack(http_app.url, district_token, events)
    for i, text in enumerate(PAYLOADS[:3]):
        name = NAME_PAYLOADS[i % len(NAME_PAYLOADS)]
        status, _, body = http(
            "POST",
            f"{http_app.url}/api/evidence?indicator={indicator}",
            PDF,
            {
                "X-KRS-Upload": "1",
                "X-Filename": quote(name),
                "X-Description": quote(text),
                "Cookie": f"krs_session={district_token}",
            },
        )
        assert status == 200, body
    reason = f'<img src=x onerror="window.__xss=8">ไม่รับรอง{MARK}'
    attack(
        http_app.url,
        http_tokens["finance"],
        [
            ("review", "choose_indicator", {"indicator_id": str(indicator)}),
            ("review", "open_detail", {"district_id": district}),
            ("review", "refuse", {"form_data": {"reason": reason, "final": "on"}}),
        ],
    )
    stored = {
        r["body"]
        for r in http_db.all("SELECT body FROM message WHERE district_id = ? AND indicator_id = ?", district, indicator)
    }
    assert all(text in stored for text in PAYLOADS), "the hostile messages were stored as they were typed"
    assert any(reason in body for body in stored), "the refusal reason is in the thread"
    return {"code": code, "reason": reason}


def _assert_shown_as_text_and_not_run(page, selector: str, texts: list[str]) -> None:
    page.wait_for_function(
        f"document.querySelector('{selector}') && document.querySelector('{selector}').innerText.includes('{MARK}')"
    )
    shown = page.inner_text(selector)
    for text in texts:
        assert text in shown, f"not shown as text: {text}"
    assert page.evaluate("() => window.__xss === undefined")
    assert page.query_selector(f"{selector} img[src='x'], {selector} svg[onload], {selector} script") is None


FIELDS = {
    "message": ("comments", "#comment-list", PAYLOADS),
    "evidence description": ("evidence", "#evidence-list", PAYLOADS[:3]),
    "evidence file name": ("evidence", "#evidence-list", NAME_PAYLOADS),
    "refusal reason": ("comments", "#comment-list", None),
}


@pytest.mark.parametrize("field", list(FIELDS))
def test_stored_xss_shows_as_text_on_the_district_page(http_app, http_page, xss_world, field):
    window, selector, texts = FIELDS[field]
    page = http_page()
    login(page, http_app.url, xss_world["code"])
    _wait_for_entry(page)
    page.click(f"#{window}-open-11_3")
    _assert_shown_as_text_and_not_run(page, selector, texts or [xss_world["reason"]])


@pytest.mark.parametrize("field", list(FIELDS))
def test_stored_xss_shows_as_text_on_the_bureau_page(http_app, http_page, xss_world, field):
    _window, selector, texts = FIELDS[field]
    page = http_page()
    login(page, http_app.url, "finance")
    page.wait_for_url("**/review**")
    open_review_row(page, "11.3", xss_world["code"])
    _assert_shown_as_text_and_not_run(page, selector, texts or [xss_world["reason"]])


# --- closed is closed: the windows of a closed round offer no input -------------------------------


def test_a_closed_rounds_windows_offer_no_input(http_app, http_db, http_page):
    closed = http_db.closed_round()
    page = http_page()
    login(page, http_app.url, "spm07")
    _wait_for_entry(page)
    page.select_option("#round-select", str(closed))
    page.wait_for_function(f"document.querySelector('#round-select').value === '{closed}'")
    page.wait_for_timeout(1500)
    opener = page.wait_for_selector("[id^=comments-open-]")
    opener.click()
    page.wait_for_selector("#comment-closed")
    assert page.query_selector("#comment-input") is None and page.query_selector("#comment-send") is None
    page.keyboard.press("Escape")
    page.wait_for_timeout(500)
    page.click("[id^=evidence-open-]")
    page.wait_for_selector("#evidence-closed")
    assert page.query_selector("#evidence-file") is None and page.query_selector("#evidence-submit") is None
