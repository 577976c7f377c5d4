"""The session cookie is HttpOnly and set by the server over HTTP (api_session.py): no script on
the page can read it, nothing the server sends over the websocket carries it, and a foreign
site cannot post the login or logout form."""

from __future__ import annotations

import httpx

from tests.security.http_tab import run as run_in_thread  # own loop: Playwright's sync API runs one here
from tests.security.session_client import LOGIN, Tab, login


def test_login_sets_an_httponly_samesite_cookie(session_alive):
    answer = httpx.post(
        session_alive.url + "/api/login",
        data={"username": "spm07", "password": "krs2562"},
        headers={"Origin": session_alive.url},
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/"
    cookie = next(v for k, v in answer.headers.multi_items() if k == "set-cookie" and v.startswith("krs_session="))
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")}
    assert {"httponly", "path", "max-age"} <= attributes
    assert "samesite=lax" in cookie.lower()


def test_nothing_sent_over_the_websocket_carries_the_token(session_alive):
    async def case():
        tab = Tab(session_alive.url)
        token = await login(tab, "spm07")
        assert tab.messages, "the home page loaded"
        assert token not in tab.text()
        await tab.close()

    run_in_thread(case())


def test_a_foreign_site_cannot_post_the_login_form(session_alive):
    before = session_alive.one("SELECT count(*) FROM user_session")[0]
    answer = httpx.post(
        session_alive.url + "/api/login",
        data={"username": "spm07", "password": "krs2562"},
        headers={"Origin": "http://evil.example"},
    )
    assert answer.status_code == 403
    assert "krs_session" not in answer.headers.get("set-cookie", "")
    assert session_alive.one("SELECT count(*) FROM user_session")[0] == before


def test_a_foreign_site_cannot_log_a_user_out(session_alive):
    async def case():
        tab = Tab(session_alive.url)
        token = await login(tab, "spm07")
        await tab.close()
        return token

    token = run_in_thread(case())
    answer = httpx.post(
        session_alive.url + "/api/logout",
        headers={"Origin": "http://evil.example", "Cookie": f"krs_session={token}"},
    )
    assert answer.status_code == 403
    row = session_alive.one("SELECT count(*) FROM user_session WHERE ended_at IS NULL")
    assert row[0] >= 1


def test_a_refused_login_shows_its_thai_message_on_the_login_page(session_alive):
    async def case():
        answer = httpx.post(
            session_alive.url + "/api/login",
            data={"username": "spm07", "password": "wrong"},
            headers={"Origin": session_alive.url},
        )
        assert answer.status_code == 303 and answer.headers["location"] == "/"
        flash = answer.cookies.get("krs_login_flash")
        assert flash
        tab = Tab(session_alive.url)  # the browser loads /login with the flash cookie it was given
        await tab.connect("/login", more=f"krs_login_flash={flash}")
        await tab.settle()
        assert tab.var(LOGIN, "error") == "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง"
        assert tab.var(LOGIN, "username") == "spm07"
        await tab.close()
        await tab.connect("/login", more=f"krs_login_flash={flash}")  # a reload shows it no more
        await tab.settle()
        assert tab.var(LOGIN, "error") == ""
        await tab.close()

    run_in_thread(case())


def test_a_forged_flash_message_is_not_shown(session_alive):
    async def case():
        import base64
        import json

        data = json.dumps({"m": "โทรหาเบอร์นี้เพื่อยืนยันรหัสผ่าน", "u": "x"}).encode()
        forged = base64.urlsafe_b64encode(data).decode().rstrip("=") + "." + "0" * 32
        tab = Tab(session_alive.url)
        await tab.connect("/login", more=f"krs_login_flash={forged}")
        await tab.settle()
        assert not tab.var(LOGIN, "error")
        await tab.close()

    run_in_thread(case())
