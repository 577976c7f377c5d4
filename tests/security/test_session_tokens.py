"""Session tokens over the real websocket: a token replayed after logout, a forged one and an
expired one open nothing, change nothing, and a tab whose session expires is reset."""

from __future__ import annotations

import asyncio
import secrets

from tests.security.http_tab import run as run_in_thread  # own loop: Playwright's sync API runs one here
from tests.security.session_client import ENTRY, PANEL, SESSION, Tab, login, redirect_of, run
from tests.security.session_fixtures import CURRENT_11_3, SESSION_CACHE_SECONDS

FINGERPRINT = "SELECT (SELECT count(*) FROM value), (SELECT count(*) FROM message), (SELECT count(*) FROM audit_log)"


def _targets(server) -> dict:
    district = server.one("SELECT id FROM district WHERE code = 'spm07'")["id"]
    indicator = server.one(CURRENT_11_3)["id"]
    variable = server.one("SELECT id FROM variable WHERE indicator_id = ? ORDER BY id", indicator)["id"]
    return {"district": district, "indicator": indicator, "variable": variable}


async def _try_everything(server, tab: Tab) -> list[str | None]:
    """What a holder of a bad token would try: load the page, write a value, post a message."""
    t = _targets(server)
    redirects = []
    for event, payload in (
        (ENTRY + ".load", {}),
        (ENTRY + ".save_cell", {"variable_id": t["variable"], "element_id": "x", "text": "1"}),
        (
            PANEL + ".open_comments",
            {"indicator_id": t["indicator"], "district_id": t["district"], "round_id": "", "title": "x"},
        ),
        (PANEL + ".send_comment", {"form_data": {"comment": "replayed"}}),
    ):
        start = len(tab.messages)
        await tab.send(event, payload, "/entry")
        await tab.until(lambda m: redirect_of(m) is not None, timeout=15)
        redirects.extend(redirect_of(m) for _, m in tab.messages[start:] if redirect_of(m))
    return redirects


def _bad_token_case(server, token: str) -> None:
    async def case():
        before = server.one(FINGERPRINT)
        tab = Tab(server.url)
        await tab.connect("/entry", cookie=token)
        await tab.settle()
        redirects = await _try_everything(server, tab)
        assert redirects and set(redirects) == {"/login"}
        assert tuple(server.one(FINGERPRINT)) == tuple(before)
        assert "GL.1101020603" not in tab.text()  # nothing of spm07's thread
        await tab.close()

    run_in_thread(case())
    assert server.alive()


def test_a_token_replayed_after_logout_opens_nothing(session_alive):
    async def get_token():
        tab = Tab(session_alive.url)
        token = await login(tab, "spm07")
        await run(tab, "/entry", SESSION + ".logout")
        await tab.close()
        return token

    token = run_in_thread(get_token())
    assert token
    _bad_token_case(session_alive, token)


def test_a_forged_token_opens_nothing(session_alive):
    _bad_token_case(session_alive, secrets.token_urlsafe(32))


def test_an_oversized_token_opens_nothing(session_alive):
    _bad_token_case(session_alive, "A" * 5000)


def test_an_expired_token_opens_nothing_and_its_tab_is_reset(session_alive):
    server = session_alive

    async def case():
        tab = Tab(server.url)
        token = await login(tab, "spm07")
        await run(tab, "/entry", ENTRY + ".load")
        assert tab.var(ENTRY, "district_name")
        with server.db() as db:  # nine hours idle (the limit is KRS_SESSION_IDLE_MINUTES = 480)
            db.execute("UPDATE user_session SET last_seen_at = datetime(last_seen_at, '-9 hours')")
        # Changed behind the app's back (no session_cache hook): seen once the cached answer ages out.
        await asyncio.sleep(SESSION_CACHE_SECONDS + 0.5)
        before = server.one(FINGERPRINT)
        redirects = await _try_everything(server, tab)
        assert set(redirects) == {"/login"}
        assert tab.var(ENTRY, "district_name") == ""  # the page state was reset on the server and sent so
        assert tuple(server.one(FINGERPRINT)) == tuple(before)
        await tab.close()
        return token

    token = run_in_thread(case())
    _bad_token_case(server, token)
