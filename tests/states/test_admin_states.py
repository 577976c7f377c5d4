"""The /admin events refuse a district and a bureau on the server: whatever the browser sends,
nothing stored changes and the tab is sent away. The same events from the KPI office do change
the database (so the check can fail)."""

from __future__ import annotations

import pytest
import reflex as rx
from reflex.istate.data import RouterData
from sqlalchemy import text

from krs_app.db.engine import get_engine, session_scope
from krs_app.routes import SESSION_COOKIE
from krs_app.seed.demo import DEMO_PASSWORD
from krs_app.services import auth
from krs_app.services.catalogue import current_round
from krs_app.state.admin import AdminState
from krs_app.state.admin_accounts import AdminAccountsState
from krs_app.state.admin_indicators import AdminIndicatorsState
from krs_app.state.admin_offices import AdminOfficesState
from krs_app.state.admin_rounds import AdminRoundsState
from tests.states.tabs import run_event

TABLES = ("fiscal_year", "round", "indicator", "variable", "district", "bureau", "audit_log", "result")
ACCOUNT_COLUMNS = "username, password_hash, active, locked_until, failed_logins, must_change_password"


def _fingerprint() -> list:
    with get_engine().connect() as connection:
        rows = [connection.execute(text(f"SELECT * FROM {t} ORDER BY id")).all() for t in TABLES]
        rows.append(connection.execute(text(f"SELECT {ACCOUNT_COLUMNS} FROM user_account ORDER BY id")).all())
    return [[tuple(map(str, r)) for r in table] for table in rows]


def _state(cls, username: str):
    token, _user = auth.login(username, DEMO_PASSWORD)
    root = rx.State(_reflex_internal_init=True)
    router = RouterData.from_router_data({"headers": {"cookie": f"{SESSION_COOKIE}={token}"}, "token": ""})
    pending = [root]
    while pending:  # the tab's websocket handshake carries the session cookie
        tab_state = pending.pop()
        tab_state.router = router
        pending.extend(tab_state.substates.values())
    state = root.get_substate(cls.get_full_name().split(".")[1:])
    with session_scope() as session:
        state.year_id = str(current_round(session).fiscal_year_id)
        round_id = str(current_round(session).id)
        bureau_id = str(session.execute(text("SELECT id FROM bureau ORDER BY id")).first()[0])
        locked = session.execute(text("SELECT username FROM user_account WHERE username = 'spm01'")).one()[0]
    return state, round_id, bureau_id, locked


def _lock(username: str) -> None:
    with get_engine().begin() as connection:
        connection.execute(
            text("UPDATE user_account SET locked_until = '2999-01-01 00:00:00', failed_logins = 9 WHERE username = :u"),
            {"u": username},
        )


def _calls(username: str) -> list:
    """Every writing admin event, each on a state filled as the KPI office's page would fill it."""
    calls = []
    state, round_id, bureau_id, target = _state(AdminIndicatorsState, username)
    state.fields = {"code": "99.1", "name": "ทดสอบ", "bureau": bureau_id, "weight": "1", "formula": "v1 * 100",
                    "t1": "20", "t2": "40", "t3": "60", "t4": "80", "t5": "100", "direction": "higher", "kind": "percent"}  # fmt: skip
    state.variables = [{"key": "1", "label": "ส่งแล้ว", "unit": "", "kind": "flag", "source": "district",
                        "months": "3, 6, 9, 12", "min": "", "max": "", "whole": "", "id": ""}]  # fmt: skip
    state.editor_open = True
    calls += [(state, "save", ()), (state, "confirm_save", ())]
    rows, _, _, _ = _state(AdminIndicatorsState, username)
    with session_scope() as session:
        first = session.execute(text("SELECT id FROM indicator WHERE fiscal_year_id = :y ORDER BY id"),
                                {"y": int(rows.year_id)}).first()[0]  # fmt: skip
    calls.append((rows, "set_active", (str(first), False)))

    accounts, *_ = _state(AdminAccountsState, username)
    accounts.form_open, accounts.username, accounts.role, accounts.office = True, "newone", "district", "district:spm07"
    calls += [(accounts, "save", ()), (accounts, "unlock", (target,)), (accounts, "deactivate", (target,)),
              (accounts, "reset_password", (target,))]  # fmt: skip

    years, *_ = _state(AdminRoundsState, username)
    years.new_year_be = "2590"
    years.form_open = True
    years.form = {"months": "3", "label": "", "opens": "1/1/2590", "district_deadline": "10/1/2590",
                  "certification_deadline": "20/1/2590"}  # fmt: skip
    calls += [(years, "create_year", ()), (years, "save_round", ()), (years, "close_round", (round_id,))]

    offices, *_ = _state(AdminOfficesState, username)
    offices.form_kind = "bureau"
    offices.form = {"code": "newb", "name": "สำนักใหม่", "short_name": "สน.", "level": "", "province": ""}
    calls += [(offices, "save", ()), (offices, "set_active", ("district", "spm07", False))]
    return calls


def _run(state, name: str, args: tuple):
    """The event's answers, run as Reflex runs it; None when it answered nothing."""
    answers = [answer for answer in run_event(state, name, *args) if answer is not None]
    return answers or None


@pytest.mark.parametrize("who", ["spm07", "finance"])
def test_a_district_or_a_bureau_calling_the_admin_events_changes_nothing(krs_db, who):
    _lock("spm01")
    calls = _calls(who)
    before = _fingerprint()
    for state, name, args in calls:
        answer = _run(state, name, args)
        assert answer is not None, f"{name} ran for {who}"  # sent away (a redirect), not run
    assert _fingerprint() == before
    assert _run(_state(AdminState, who)[0], "load", ()) is not None


def test_the_same_events_from_the_kpi_office_change_the_database(krs_db):
    _lock("spm01")
    for state, name, args in _calls("kpi"):
        if name == "confirm_save":
            continue  # the same form again: stored once (pressed twice), see the next test
        before = _fingerprint()
        _run(state, name, args)
        assert _fingerprint() != before, f"{name} changed nothing for the KPI office"


def test_saving_the_same_indicator_twice_stores_it_once(krs_db):
    state, _name, _args = _calls("kpi")[0]
    _run(state, "save", ())
    assert state.error == "" and state.editing_id
    once = _fingerprint()
    _run(state, "save", ())
    _run(state, "confirm_save", ())
    assert _fingerprint() == once
