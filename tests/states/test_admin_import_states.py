"""The /admin import events (and the round-closing confirmation) refuse a district and a bureau on
the server: handed a real preview token, their ยืนยันนำเข้า stores nothing and the tab is sent
away. The same apply from the KPI office does import (so the check can fail), once."""

from __future__ import annotations

import pytest

from krs_app.services import admin_imports
from krs_app.state.admin_imports import AdminImportState
from krs_app.state.admin_rounds import AdminRoundsState
from tests.services.helpers import audit_count, login_as
from tests.states.tabs import run_event
from tests.states.test_admin_states import _fingerprint, _state

BUREAUS = "\ufeffcode,name,short_name\nimp-bureau,สำนักทดสอบการนำเข้า,สทน.\n".encode()


_call = run_event


def _with_preview(username: str) -> AdminImportState:
    rounds, *_ = _state(AdminRoundsState, username)  # a tab of this user (the session cookie)
    root = rounds
    while root.parent_state is not None:
        root = root.parent_state
    state = root.get_substate(AdminImportState.get_full_name().split(".")[1:])
    preview = admin_imports.preview_import(login_as("kpi"), "bureaus", None, "bureaus.csv", BUREAUS)
    state.kind, state._token, state.can_apply, state.request_id = "bureaus", preview.token, True, "r" * 22
    return state


@pytest.mark.parametrize("who", ["spm07", "finance"])
def test_a_district_or_a_bureau_calling_the_import_events_changes_nothing(krs_db, who):
    state = _with_preview(who)
    rounds, round_id, *_ = _state(AdminRoundsState, who)
    before = _fingerprint()
    result = {"ok": True, "input": "admin-file-bureaus", "kind": "bureaus", "token": state._token, "changes": []}
    calls = [(state, "apply", ("r" * 22,)), (state, "preview_received", (result,)), (state, "cancel", ()),
             (state, "download_passwords", ()), (state, "tab_changed", ()), (rounds, "ask_close", (round_id,))]  # fmt: skip
    for target, name, args in calls:
        answers = _call(target, name, *args)
        assert answers[0] is not None, f"{name} ran for {who}"  # sent away (a redirect), not run
    assert _fingerprint() == before and audit_count("import_offices") == 0
    assert state.kind == "bureaus" and rounds.closing_id == ""


def test_the_kpi_office_applies_the_preview_once(krs_db):
    state = _with_preview("kpi")
    before = _fingerprint()
    _call(state, "apply", "r" * 22)
    assert _fingerprint() != before and audit_count("import_offices") == 1
    assert state.field_ok and "เพิ่มใหม่ 1" in state.field_message and state.kind == ""
    _call(state, "apply", "r" * 22)  # pressed twice
    assert audit_count("import_offices") == 1 and state.field_ok
