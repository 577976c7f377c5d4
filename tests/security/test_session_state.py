"""A tab's page state belongs to its session (ARCHITECTURE.md invariant 7), over the real websocket.

Reflex keeps a tab's state by its client token across logouts and changes of user. These cases
log in as district A on a tab, open its message thread, then end or change the session behind
that tab and check that nothing of A's reaches what the tab is sent afterwards."""

from __future__ import annotations

from tests.security.http_tab import run as run_in_thread  # own loop: Playwright's sync API runs one here
from tests.security.session_client import ENTRY, PANEL, SESSION, Tab, login, logout, run

A, B = "spm07", "spm01"
# In the demo thread of สพม. เขต 7 on 11.3 (seed/demo.py MANUAL_THREAD): A's office data.
A_SECRET = "GL.1101020603"


def _ids(server) -> tuple[int, int, str]:
    district = server.one("SELECT id, name FROM district WHERE code = ?", A)
    # the indicator (of its fiscal year) the demo thread is on
    indicator = server.one(
        "SELECT indicator_id AS id FROM message WHERE body LIKE ? ORDER BY id LIMIT 1", f"%{A_SECRET}%"
    )
    return district["id"], indicator["id"], district["name"]


async def _a_opens_thread(server, tab: Tab) -> None:
    district_id, indicator_id, _ = _ids(server)
    await login(tab, A)
    await run(tab, "/entry", ENTRY + ".load")
    await run(
        tab,
        "/entry",
        PANEL + ".open_comments",
        {"indicator_id": indicator_id, "district_id": district_id, "round_id": "", "title": "11.3"},
    )
    assert A_SECRET in tab.text(), "the case must first see A's thread on A's own tab"


def test_next_user_on_the_same_tab_gets_nothing_of_the_previous(session_alive):
    async def case():
        server = session_alive
        _, _, a_name = _ids(server)
        tab = Tab(server.url)
        await _a_opens_thread(server, tab)
        since_logout = len(tab.messages)
        await logout(tab)  # the logout button, then /login loads on the same tab
        await login(tab, B)
        await run(tab, "/entry", ENTRY + ".load")
        # a reload of the page on the same tab: same client token, B's cookie, a full snapshot
        await tab.close()
        await tab.connect("/entry")
        await tab.settle()
        sent = tab.text(since_logout)
        assert tab.var(ENTRY, "district_name")  # B's own page did load
        assert A_SECRET not in sent
        assert a_name not in sent
        assert tab.var(ENTRY, "district_name") != a_name
        await tab.close()

    run_in_thread(case())


def test_reconnect_with_only_the_client_token_gets_nothing(session_alive):
    async def case():
        server = session_alive
        _, _, a_name = _ids(server)
        tab = Tab(server.url)
        await _a_opens_thread(server, tab)
        await tab.close()
        thief = Tab(server.url, client_token=tab.client_token)  # the token, no cookie, no session
        await thief.connect("/entry")
        await thief.settle()
        await run(thief, "/entry", PANEL + ".set_comments_open", {"value": True})
        sent = thief.text()
        assert A_SECRET not in sent
        assert a_name not in sent
        await thief.close()

    run_in_thread(case())


def test_reconnect_with_a_logged_out_token_gets_nothing(session_alive):
    async def case():
        server = session_alive
        _, _, a_name = _ids(server)
        tab = Tab(server.url)
        await _a_opens_thread(server, tab)
        stolen = tab.cookie
        # A logs out in another tab of the same browser: this tab's stored state still holds A's thread
        other = Tab(server.url)
        await other.connect("/entry", cookie=stolen)
        await other.settle()
        await run(other, "/entry", SESSION + ".logout")
        await other.close()
        await tab.close()
        replay = Tab(server.url, client_token=tab.client_token)
        await replay.connect("/entry", cookie=stolen)
        await replay.settle()
        sent = replay.text()
        assert A_SECRET not in sent
        assert a_name not in sent
        await replay.close()

    run_in_thread(case())


def test_the_logout_event_resets_the_tab_too(session_alive):
    """SessionState.logout (not the button) ends the session and resets what the tab holds."""

    async def case():
        server = session_alive
        tab = Tab(server.url)
        await _a_opens_thread(server, tab)
        await run(tab, "/entry", SESSION + ".logout")
        assert tab.var(PANEL, "messages") == []
        assert tab.var(ENTRY, "district_name") == ""
        await tab.close()
        reload_from = len(tab.messages)
        await tab.connect("/entry")  # the dead cookie is still in the browser
        await tab.settle()
        assert A_SECRET not in tab.text(reload_from)
        await tab.close()

    run_in_thread(case())
