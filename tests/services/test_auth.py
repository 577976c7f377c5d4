"""Logging in: one message for wrong user or password, lockout after 5 failures, sessions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from krs_app.db.engine import session_scope
from krs_app.db.models import User
from krs_app.seed.demo import DEMO_PASSWORD
from krs_app.services import auth, clock
from krs_app.services.errors import ServiceError


def test_login_gives_a_token_that_names_the_user(krs_db):
    token, user = auth.login("spm07", DEMO_PASSWORD)
    assert user.role == "district"
    assert user.office_name == "สำนักงานเขตพื้นที่การศึกษามัธยมศึกษา เขต 7"
    again = auth.user_for_token(token)
    assert again is not None and again.district_id == user.district_id


def test_username_is_case_and_space_insensitive(krs_db):
    _token, user = auth.login("  SPM07 ", DEMO_PASSWORD)
    assert user.username == "spm07"


@pytest.mark.parametrize("username,password", [("spm07", "wrong"), ("nobody", DEMO_PASSWORD), ("", "")])
def test_wrong_credentials_get_one_message_that_does_not_say_which(krs_db, username, password):
    with pytest.raises(ServiceError) as refused:
        auth.login(username, password)
    assert refused.value.message == auth.WRONG_CREDENTIALS


def test_five_failures_lock_the_account_for_fifteen_minutes(krs_db):
    for _ in range(4):
        with pytest.raises(ServiceError) as refused:
            auth.login("finance", "wrong")
        assert refused.value.message == auth.WRONG_CREDENTIALS
    with pytest.raises(auth.AccountLocked) as locked:
        auth.login("finance", "wrong")
    assert "ล็อก" in locked.value.message and "15" in locked.value.message
    # Even the right password is refused while locked.
    with pytest.raises(auth.AccountLocked):
        auth.login("finance", DEMO_PASSWORD)
    clock.shift_for_tests(timedelta(minutes=16))
    _token, user = auth.login("finance", DEMO_PASSWORD)
    assert user.username == "finance"


def test_inactive_user_gets_no_session(krs_db):
    with session_scope() as session:
        user = session.exec(select(User).where(User.username == "spm01")).one()
        user.active = False
        session.add(user)
    with pytest.raises(ServiceError):
        auth.login("spm01", DEMO_PASSWORD)


def test_deactivating_a_user_ends_their_sessions(krs_db):
    token, _user = auth.login("spm02", DEMO_PASSWORD)
    with session_scope() as session:
        user = session.exec(select(User).where(User.username == "spm02")).one()
        user.active = False
        session.add(user)
    assert auth.user_for_token(token) is None


def test_logout_ends_the_session(krs_db):
    token, _user = auth.login("kpi", DEMO_PASSWORD)
    auth.logout(token)
    assert auth.user_for_token(token) is None


def test_idle_session_expires(krs_db):
    token, _user = auth.login("kpi", DEMO_PASSWORD)
    clock.shift_for_tests(timedelta(hours=9))
    assert auth.user_for_token(token) is None


@pytest.mark.parametrize("token", [None, "", "x" * 500, "not-a-token"])
def test_unknown_tokens_are_nobody(krs_db, token):
    assert auth.user_for_token(token) is None


def test_live_pushes_go_only_to_sessions_still_logged_in_as_that_district(krs_db):
    """The live layer pushes a district's rows to the tabs whose sessions this returns."""
    own, user = auth.login("spm07", DEMO_PASSWORD)
    other, _ = auth.login("spm01", DEMO_PASSWORD)
    bureau, _ = auth.login("finance", DEMO_PASSWORD)
    ended, _ = auth.login("spm07", DEMO_PASSWORD)
    auth.logout(ended)
    keys = {auth.session_key(t) for t in (own, other, bureau, ended)} | {"", "not-a-key"}
    assert auth.live_district_sessions(keys, user.district_id) == {auth.session_key(own)}
    clock.shift_for_tests(timedelta(hours=9))
    assert auth.live_district_sessions(keys, user.district_id) == set()
