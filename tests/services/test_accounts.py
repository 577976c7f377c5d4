"""Accounts: the KPI office creates, lists, deactivates, unlocks and resets; every user changes
their own password, which ends their other sessions."""

from __future__ import annotations

import pytest
from sqlmodel import select

from krs_app.db.engine import session_scope
from krs_app.db.models import User, UserSession
from krs_app.seed.demo import DEMO_PASSWORD
from krs_app.services import accounts, auth, own_password
from krs_app.services.errors import FieldError, NotAllowed, ServiceError
from tests.services.helpers import audit_count, login_as

NEW_PASSWORD = "Blue-Kettle-Sings-42"


def _stored(username: str) -> User:
    with session_scope() as session:
        return session.exec(select(User).where(User.username == username)).one()


@pytest.mark.parametrize("who", ["spm07", "finance"])
def test_only_the_kpi_office_manages_accounts(krs_db, who):
    user = login_as(who)
    for call in (
        lambda: accounts.list_accounts(user),
        lambda: accounts.create_account(user, "newuser", "district", "district:spm07"),
        lambda: accounts.reset_password(user, "spm01"),
        lambda: accounts.unlock_account(user, "spm01"),
        lambda: accounts.set_account_active(user, "spm01", False),
        lambda: accounts.office_options(user),
    ):
        with pytest.raises(NotAllowed):
            call()
    assert _stored("spm01").active


def test_list_searches_by_role_office_and_text_and_shows_last_login(krs_db):
    kpi = login_as("kpi")
    page = accounts.list_accounts(kpi, role="bureau")
    assert page.total == 10 and {r.role for r in page.rows} == {"bureau"}
    spm07 = accounts.list_accounts(kpi, office_key="district:spm07")
    assert [r.username for r in spm07.rows] == ["spm07"]
    assert spm07.rows[0].last_login_text == "-" and spm07.rows[0].status_label == "ใช้งาน"
    found = accounts.list_accounts(kpi, search="มัธยมศึกษา เขต 7")
    assert "spm07" in [r.username for r in found.rows]
    me = accounts.list_accounts(kpi, search="kpi").rows[0]
    assert me.last_login_text.endswith("น.") and me.office_key == "kpi_office"
    first = accounts.list_accounts(kpi, page=1, page_size=100)
    second = accounts.list_accounts(kpi, page=2, page_size=100)
    assert first.total == 245 + 10 + 1 and first.page_count == 3 and second.page == 2 and len(second.rows) == 100
    assert not {r.username for r in first.rows} & {r.username for r in second.rows}


def test_create_gives_a_one_time_password_that_must_be_changed(krs_db):
    kpi = login_as("kpi")
    made = accounts.create_account(kpi, "  Spm07b ", "district", "district:spm07", "เจ้าหน้าที่ สพม. 7")
    assert made.account.username == "spm07b" and made.account.must_change_password
    stored = _stored("spm07b")
    assert made.one_time.password not in stored.password_hash and len(made.one_time.password) >= 12
    _token, user = auth.login("spm07b", made.one_time.password)
    assert user.must_change_password and user.district_id is not None
    assert audit_count("create_account") == 1


@pytest.mark.parametrize(
    "username,role,office,field",
    [
        ("spm07", "district", "district:spm07", "username"),  # taken
        ("a b", "district", "district:spm07", "username"),
        ("", "district", "district:spm07", "username"),
        ("okname", "admin", "", "role"),
        ("okname", "district", "bureau:finance", "office"),
        ("okname", "bureau", "bureau:nosuch", "office"),
        ("okname", "kpi_office", "district:spm07", "office"),
    ],
)
def test_bad_account_fields_are_refused_at_the_field(krs_db, username, role, office, field):
    kpi = login_as("kpi")
    with pytest.raises(FieldError) as refused:
        accounts.create_account(kpi, username, role, office)
    assert refused.value.field == field and refused.value.message
    assert audit_count("create_account") == 0


def test_reset_ends_every_session_and_the_old_password_stops_working(krs_db, ended):
    kpi = login_as("kpi")
    token, _ = auth.login("finance", DEMO_PASSWORD)
    assert auth.user_for_token(token) is not None  # remembered by this process's session cache
    reset = accounts.reset_password(kpi, "finance")
    assert auth.user_for_token(token) is None
    assert ended and ended[-1].user_id == _stored("finance").id and auth.session_key(token) in ended[-1].session_keys
    with pytest.raises(ServiceError):
        auth.login("finance", DEMO_PASSWORD)
    new_token, user = auth.login("finance", reset.one_time.password)
    assert user.must_change_password
    own_password.change_own_password(new_token, reset.one_time.password, NEW_PASSWORD, NEW_PASSWORD)
    assert not auth.user_for_token(new_token).must_change_password
    with pytest.raises(ServiceError):
        auth.login("finance", reset.one_time.password)
    auth.login("finance", NEW_PASSWORD)


def test_changing_ones_password_ends_the_other_sessions_only(krs_db, ended):
    mine, _ = auth.login("spm07", DEMO_PASSWORD)
    other, _ = auth.login("spm07", DEMO_PASSWORD)
    assert auth.user_for_token(other) is not None  # remembered by this process's session cache
    own_password.change_own_password(mine, DEMO_PASSWORD, NEW_PASSWORD, NEW_PASSWORD)
    assert auth.user_for_token(mine) is not None
    assert auth.user_for_token(other) is None
    assert ended[-1].session_keys == (auth.session_key(other),) and ended[-1].reason == "password_changed"
    # pressed twice: nothing more happens, no error
    own_password.change_own_password(mine, DEMO_PASSWORD, NEW_PASSWORD, NEW_PASSWORD)
    assert audit_count("change_password") == 1


@pytest.mark.parametrize(
    "current,new,confirm,field",
    [
        ("", NEW_PASSWORD, NEW_PASSWORD, "password_current"),
        ("wrong-password", NEW_PASSWORD, NEW_PASSWORD, "password_current"),
        (DEMO_PASSWORD, "short1!", "short1!", "password_new"),
        (DEMO_PASSWORD, "password123", "password123", "password_new"),
        (DEMO_PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "x", "password_confirm"),
    ],
)
def test_a_refused_change_names_the_field_and_changes_nothing(krs_db, current, new, confirm, field):
    token, _ = auth.login("spm07", DEMO_PASSWORD)
    other, _ = auth.login("spm07", DEMO_PASSWORD)
    before = _stored("spm07").password_hash
    with pytest.raises(FieldError) as refused:
        own_password.change_own_password(token, current, new, confirm)
    assert refused.value.field == field
    assert _stored("spm07").password_hash == before and auth.user_for_token(other) is not None


def test_change_needs_a_session(krs_db):
    with pytest.raises(NotAllowed):
        own_password.change_own_password("not-a-token", DEMO_PASSWORD, NEW_PASSWORD, NEW_PASSWORD)


def test_unlock_lets_a_locked_account_log_in_again(krs_db):
    kpi = login_as("kpi")
    for _ in range(5):
        with pytest.raises(ServiceError):
            auth.login("finance", "wrong")
    row = accounts.list_accounts(kpi, search="finance").rows[0]
    assert row.locked and row.status_label == "ถูกล็อก"
    assert accounts.list_accounts(kpi, status="locked").total == 1
    with pytest.raises(auth.AccountLocked):
        auth.login("finance", DEMO_PASSWORD)
    assert not accounts.unlock_account(kpi, "finance").locked
    accounts.unlock_account(kpi, "finance")  # twice: no second audit row
    assert audit_count("unlock_account") == 1
    auth.login("finance", DEMO_PASSWORD)


def test_deactivate_ends_sessions_and_reactivate_restores(krs_db, ended):
    kpi = login_as("kpi")
    token, _ = auth.login("spm01", DEMO_PASSWORD)
    row = accounts.set_account_active(kpi, "spm01", False)
    assert not row.active and row.status_label == "ปิดการใช้งาน"
    assert auth.user_for_token(token) is None and ended[-1].reason == "deactivated"
    accounts.set_account_active(kpi, "spm01", False)
    assert audit_count("deactivate_account") == 1
    with pytest.raises(ServiceError):
        auth.login("spm01", DEMO_PASSWORD)
    accounts.set_account_active(kpi, "spm01", True)
    auth.login("spm01", DEMO_PASSWORD)


def test_the_kpi_office_cannot_lock_itself_out(krs_db):
    kpi = login_as("kpi")
    with pytest.raises(ServiceError):
        accounts.set_account_active(kpi, "kpi", False)
    assert _stored("kpi").active


def test_sessions_are_stored_ended_not_deleted(krs_db):
    kpi = login_as("kpi")
    auth.login("spm02", DEMO_PASSWORD)
    accounts.reset_password(kpi, "spm02")
    with session_scope() as session:
        user_id = session.exec(select(User.id).where(User.username == "spm02")).one()
        rows = list(session.exec(select(UserSession).where(UserSession.user_id == user_id)))
    assert rows and all(r.ended_at is not None for r in rows)
