"""Why a session ended, as the login page says it (services.auth.ended_notice)."""

from __future__ import annotations

from datetime import timedelta

from krs_app.seed.demo import DEMO_PASSWORD
from krs_app.services import auth, clock


def test_a_logout_elsewhere_and_this_tabs_own_logout(krs_db):
    token, _user = auth.login("spm07", DEMO_PASSWORD)
    key = auth.session_key(token)
    assert auth.ended_notice(key, still_sent=True) == ""  # still open
    auth.logout(token)
    assert auth.ended_notice(key, still_sent=True) == "ออกจากระบบจากหน้าต่างอื่นแล้ว กรุณาเข้าสู่ระบบอีกครั้ง"
    assert auth.ended_notice(key, still_sent=False) == "ออกจากระบบแล้ว"


def test_an_idle_session_says_it_expired(krs_db):
    token, _user = auth.login("spm07", DEMO_PASSWORD)
    key = auth.session_key(token)
    clock.shift_for_tests(timedelta(hours=9))
    assert auth.user_for_token(token) is None  # ends it
    assert auth.ended_notice(key, still_sent=True) == "หมดเวลาการใช้งาน กรุณาเข้าสู่ระบบอีกครั้ง"
    assert auth.ended_notice("", still_sent=True) == auth.ended_notice("0" * 64, still_sent=True) == ""
