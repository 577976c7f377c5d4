"""Entering values on the district's page: allowed, refused, and what changes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from krs_app.db.engine import session_scope
from krs_app.db.models import Result, Round
from krs_app.services import clock, entry
from krs_app.services.errors import NotAllowed, NotFound, ServiceError
from tests.services.helpers import (
    audit_count,
    current_round_id,
    login_as,
    result_of,
    stored_value,
    variable_id,
)


def _row(page, code):
    return next(row for row in page.indicators if row.code == code)


def test_demo_district_starts_clean_with_the_manuals_indicators(krs_db):
    user = login_as("spm07")
    page = entry.entry_page(user)
    assert page.district_name == "สำนักงานเขตพื้นที่การศึกษามัธยมศึกษา เขต 7"
    codes = [row.code for row in page.indicators]
    assert codes == sorted(codes, key=lambda c: tuple(int(p) for p in c.split(".")))
    assert {"11.2", "11.3", "11.4", "12"} <= set(codes)
    assert not _row(page, "11.5").assessed  # listed, labelled ยังไม่ต้องรายงานในรอบนี้ (6-month round)
    row = _row(page, "11.3")
    assert row.status == "not_reported" and row.score_text == "1.0000" and row.editable
    assert [v.mode for v in _row(page, "11.2").variables] == ["central", "central"]
    assert page.countdown_text.startswith("เหลืออีก")


def test_entering_a_flag_reports_the_indicator_and_scores_it(krs_db):
    user = login_as("spm07")
    round_id = current_round_id()
    before_overall = entry.entry_page(user).overall_text
    outcome = entry.enter_value(user, round_id, variable_id("11.3", "1"), "1")
    assert outcome.ok and outcome.changed
    page = entry.entry_page(user)
    row = _row(page, "11.3")
    assert (row.status, row.score_text, row.percent_text) == ("awaiting", "5.0000", "100.00")
    assert page.overall_text != before_overall
    assert audit_count("enter_value") == 1


def test_a_refused_value_changes_nothing(krs_db):
    user = login_as("spm07")
    round_id = current_round_id()
    vid = variable_id("11.3", "1")
    entry.enter_value(user, round_id, vid, "0")
    for bad in ["2", "abc", "nan", "inf", "1e999", "-1", "0.5", 10**30, float("nan")]:
        outcome = entry.enter_value(user, round_id, vid, bad)
        assert not outcome.ok and outcome.message, bad
    assert stored_value(user.district_id, "11.3", "1", round_id) == 0
    assert audit_count("enter_value") == 1


def test_a_part_cannot_exceed_its_whole(krs_db):
    user = login_as("spm07")
    round_id = current_round_id()
    entry.enter_value(user, round_id, variable_id("2.1", "b"), "50")
    refused = entry.enter_value(user, round_id, variable_id("2.1", "a"), "51")
    assert not refused.ok and "ไม่มากกว่า" in refused.message
    assert stored_value(user.district_id, "2.1", "a", round_id) is None
    ok = entry.enter_value(user, round_id, variable_id("2.1", "a"), "44")
    assert ok.ok
    page = entry.entry_page(user)
    row = _row(page, "2.1")
    assert row.percent_text == "88.00" and row.score_text == "2.6000"
    assert "ต้องเพิ่มอีก 1" in row.hint and "ระดับ 3" in row.hint
    # Lowering the whole below the part is refused too.
    lowered = entry.enter_value(user, round_id, variable_id("2.1", "b"), "40")
    assert not lowered.ok


def test_clearing_a_cell_clears_the_value_and_unreports(krs_db):
    user = login_as("spm07")
    round_id = current_round_id()
    vid = variable_id("11.3", "1")
    entry.enter_value(user, round_id, vid, "1")
    entry.enter_value(user, round_id, vid, "")
    assert stored_value(user.district_id, "11.3", "1", round_id) is None
    assert result_of(user.district_id, "11.3", round_id).status == "not_reported"


def test_thai_digits_are_understood(krs_db):
    user = login_as("spm07")
    round_id = current_round_id()
    assert entry.enter_value(user, round_id, variable_id("3.1", "b"), "๑,๒๐๐").ok
    assert stored_value(user.district_id, "3.1", "b", round_id) == 1200


def test_central_variables_are_refused_to_districts(krs_db):
    user = login_as("spm07")
    round_id = current_round_id()
    before = stored_value(user.district_id, "11.2", "a", round_id)
    with pytest.raises(NotAllowed):
        entry.enter_value(user, round_id, variable_id("11.2", "a"), "1")
    assert stored_value(user.district_id, "11.2", "a", round_id) == before


def test_variables_not_required_this_round_are_refused(krs_db):
    user = login_as("spm07")
    with pytest.raises(ServiceError):
        entry.enter_value(user, current_round_id(), variable_id("11.5", "1"), "1")


def test_a_district_only_ever_writes_its_own_values(krs_db):
    """The service takes the district from the session, whatever ids are sent."""
    user = login_as("spm07")
    other = login_as("spm08")
    round_id = current_round_id()
    entry.enter_value(user, round_id, variable_id("11.3", "1"), "1")
    assert (
        stored_value(other.district_id, "11.3", "1", round_id) != 1
        or result_of(other.district_id, "11.3", round_id).status != "not_reported"
    )
    assert stored_value(user.district_id, "11.3", "1", round_id) == 1


@pytest.mark.parametrize("username", ["finance", "kpi"])
def test_other_roles_cannot_use_the_entry_page(krs_db, username):
    user = login_as(username)
    with pytest.raises(NotAllowed):
        entry.entry_page(user)
    with pytest.raises(NotAllowed):
        entry.enter_value(user, current_round_id(), variable_id("11.3", "1"), "1")


@pytest.mark.parametrize("round_id,variable", [(999999, ("11.3", "1")), ("1", ("11.3", "1"))])
def test_crafted_ids_are_refused(krs_db, round_id, variable):
    user = login_as("spm07")
    with pytest.raises((NotFound, ServiceError)):
        entry.enter_value(user, round_id, variable_id(*variable), "1")


def test_unknown_variable_is_refused(krs_db):
    user = login_as("spm07")
    with pytest.raises(NotFound):
        entry.enter_value(user, current_round_id(), 10**9, "1")


def test_closed_rounds_are_read_only(krs_db):
    user = login_as("spm07")
    with session_scope() as session:
        closed = session.exec(select(Round).where(Round.closed == True)).first()  # noqa: E712
        closed_id = closed.id
    outcome = entry.enter_value(user, closed_id, variable_id("11.3", "1", closed_id), "1")
    assert not outcome.ok and "แก้ไขไม่ได้" in outcome.message
    page = entry.entry_page(user, closed_id)
    assert page.round_closed and not any(row.editable for row in page.indicators)


def test_certified_results_are_locked(krs_db):
    user = login_as("spm07")
    round_id = current_round_id()
    vid = variable_id("11.3", "1")
    entry.enter_value(user, round_id, vid, "1")
    with session_scope() as session:
        result = session.get(Result, result_of(user.district_id, "11.3", round_id).id)
        result.status = "certified"
        session.add(result)
    outcome = entry.enter_value(user, round_id, vid, "0")
    assert not outcome.ok and "รับรอง" in outcome.message
    assert stored_value(user.district_id, "11.3", "1", round_id) == 1


def test_after_the_district_deadline_values_are_locked(krs_db):
    user = login_as("spm07")
    clock.shift_for_tests(timedelta(days=5))
    outcome = entry.enter_value(user, current_round_id(), variable_id("11.3", "1"), "1")
    assert not outcome.ok and "พ้นกำหนด" in outcome.message


def test_a_refused_result_can_be_corrected_until_its_deadline_and_goes_back_to_awaiting(krs_db):
    user = login_as("spm07")
    round_id = current_round_id()
    vid = variable_id("11.3", "1")
    entry.enter_value(user, round_id, vid, "0")
    with session_scope() as session:
        result = session.get(Result, result_of(user.district_id, "11.3", round_id).id)
        result.status = "not_certified"
        result.reason = "แนบหลักฐานไม่ครบ"
        result.correction_deadline = clock.utcnow() + timedelta(days=6)
        session.add(result)
    clock.shift_for_tests(timedelta(days=5))  # past the district deadline, before the correction deadline
    page = entry.entry_page(user)
    assert _row(page, "11.3").editable and "แนบหลักฐานไม่ครบ" in _row(page, "11.3").refusal_reason
    assert entry.enter_value(user, round_id, vid, "1").ok
    assert result_of(user.district_id, "11.3", round_id).status == "awaiting"
    clock.shift_for_tests(timedelta(days=7))
    with session_scope() as session:
        result = session.get(Result, result_of(user.district_id, "11.3", round_id).id)
        result.status = "not_certified"
        session.add(result)
    assert not entry.enter_value(user, round_id, vid, "0").ok


def test_the_audit_log_keeps_every_edit_of_a_cell(krs_db):
    user = login_as("spm07")
    round_id = current_round_id()
    vid = variable_id("11.6", "2")
    entry.enter_value(user, round_id, vid, "0")
    entry.enter_value(user, round_id, vid, "1")
    from krs_app.db.models import AuditLog

    with session_scope() as session:
        rows = list(session.exec(select(AuditLog).where(AuditLog.action == "enter_value").order_by(AuditLog.id)))
    assert [(row.before, row.after) for row in rows][-2:][0][1].count('"value": 0.0') == 1
    assert '"value": 0.0' in rows[-1].before and '"value": 1.0' in rows[-1].after
    assert stored_value(user.district_id, "11.6", "2", round_id) == 1
