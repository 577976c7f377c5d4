"""Closing rounds (by the KPI office or automatically), idempotency, and lock exceptions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import delete, func
from sqlmodel import select

from krs_app.db.engine import session_scope
from krs_app.db.models import District, Result
from krs_app.domain.numbers import format_score
from krs_app.domain.status import Status, public_score
from krs_app.live import bus
from krs_app.services import clock, decisions, entry, rounds
from krs_app.services.catalogue import round_catalogue
from krs_app.services.errors import NotAllowed, NotFound, ServiceError
from tests.services.helpers import (
    audit_count,
    audit_rows,
    current_round_id,
    district_id,
    districts_with_status,
    indicator_id,
    login_as,
    result_of,
    round_row,
    variable_id,
)


def status_counts(round_id: int) -> dict[str, int]:
    with session_scope() as session:
        rows = session.exec(
            select(Result.status, func.count(Result.id)).where(Result.round_id == round_id).group_by(Result.status)
        )
        return dict(rows.all())


def assessed_count(round_id: int) -> int:
    months = round_row(round_id).months
    with session_scope() as session:
        return sum(1 for e in round_catalogue(session, round_row(round_id)) if e.spec.is_assessed_in(months))


@pytest.mark.parametrize("username", ["spm07", "finance"])
def test_only_the_kpi_office_closes_a_round(krs_db, username):
    round_id = current_round_id()
    with pytest.raises(NotAllowed) as refused:
        rounds.close_round(login_as(username), round_id)
    assert "กพร." in refused.value.message
    assert not round_row(round_id).closed and audit_count("close_round") == 0


def test_closing_fixes_unreported_results_at_one(krs_db):
    round_id = current_round_id()
    spm07 = district_id("spm07")
    before = status_counts(round_id)
    with session_scope() as session:  # a district that never touched 11.6: no result row at all
        session.exec(
            delete(Result).where(
                Result.district_id == spm07, Result.indicator_id == indicator_id("11.6"), Result.round_id == round_id
            )
        )
    seen: list[bus.Change] = []
    bus.subscribe(seen.append)
    try:
        report = rounds.close_round(login_as("kpi"), round_id)
    finally:
        bus.unsubscribe(seen.append)
    assert not report.already_closed and report.created == 1
    assert report.fixed == before["not_reported"]  # the deleted row was one of them, and is back
    assert report.stays_refused == before["not_certified"] and report.certified == before["certified"]
    assert report.overdue_total == before["awaiting"]
    assert sum(b.awaiting for b in report.overdue) == before["awaiting"]
    assert report.closed_by == "ผู้ดูแลระบบ กพร."
    closed = round_row(round_id)
    assert closed.closed and closed.closed_at is not None
    with session_scope() as session:
        total = session.exec(select(func.count(Result.id)).where(Result.round_id == round_id)).one()
        districts = session.exec(select(func.count(District.id))).one()
    assert total == districts * assessed_count(round_id)
    for code in ("11.3", "11.6"):
        fixed = result_of(spm07, code, round_id)
        assert fixed.status == "not_reported" and fixed.fixed_at_close and fixed.score == 1.0
        assert f"{public_score(Status(fixed.status), fixed.score):.5f}" == "1.00000"
        assert format_score(public_score(Status(fixed.status), fixed.score)) == "1.0000"
    fixes = audit_rows("close_fix")
    assert len(fixes) == report.fixed and "1.00000" in fixes[0].after
    assert audit_count("close_round") == 1
    assert {c.kind for c in seen} == {"round"} and len({c.district_id for c in seen}) == districts
    assert status_counts(round_id)["awaiting"] == before["awaiting"]  # awaiting stays, listed as overdue


def test_closing_twice_changes_and_audits_nothing(krs_db):
    round_id = current_round_id()
    first = rounds.close_round(login_as("kpi"), round_id)
    counts = status_counts(round_id)
    fixes, closes = audit_count("close_fix"), audit_count("close_round")
    closed_at = round_row(round_id).closed_at
    second = rounds.close_round(None, round_id)
    assert second.already_closed and second.created == 0
    assert second.fixed == first.fixed and second.overdue_total == first.overdue_total
    assert status_counts(round_id) == counts
    assert (audit_count("close_fix"), audit_count("close_round")) == (fixes, closes)
    assert round_row(round_id).closed_at == closed_at


def test_a_closed_round_is_read_only_for_districts_and_bureaus(krs_db):
    round_id = current_round_id()
    user = login_as("spm07")
    rounds.close_round(login_as("kpi"), round_id)
    refused = entry.enter_value(user, round_id, variable_id("11.3", "1"), "1")
    assert not refused.ok and "ปิด" in refused.message
    awaiting = districts_with_status("11.3", round_id, "awaiting")[0]
    with pytest.raises(ServiceError) as late:
        decisions.certify(login_as("finance"), awaiting, indicator_id("11.3"), round_id)
    assert "ปิด" in late.value.message
    # The KPI office acts on what the bureau left waiting.
    assert decisions.certify(login_as("kpi"), awaiting, indicator_id("11.3"), round_id).status == "certified"
    with pytest.raises(ServiceError):
        decisions.refuse(
            login_as("kpi"), awaiting, indicator_id("11.3"), round_id, "x", clock.utcnow() + timedelta(days=1)
        )


def test_refused_results_past_their_correction_stay_refused(krs_db):
    round_id = current_round_id()
    refused = districts_with_status("11.3", round_id, "not_certified")
    clock.shift_for_tests(timedelta(days=11))
    rounds.close_round(None, round_id)
    for d in refused:
        result = result_of(d, "11.3", round_id)
        assert result.status == "not_certified" and not result.fixed_at_close
        assert public_score(Status(result.status), result.score) == 1.0


def test_close_due_rounds_waits_for_the_certification_deadline(krs_db):
    round_id = current_round_id()
    assert rounds.close_due_rounds() == []
    assert not round_row(round_id).closed
    clock.shift_for_tests(timedelta(days=10))  # the deadline is 10 days 8 hours away
    assert rounds.close_due_rounds() == []
    clock.shift_for_tests(timedelta(days=11))
    reports = rounds.close_due_rounds()
    assert [r.round_id for r in reports] == [round_id]
    assert reports[0].closed_by == "ระบบ" and round_row(round_id).closed
    assert audit_rows("close_round")[0].user_id is None
    assert rounds.close_due_rounds() == []  # nothing left; nothing audited twice
    assert audit_count("close_round") == 1


def test_closing_an_unknown_round(krs_db):
    for crafted in (10**9, "1", None):
        with pytest.raises(NotFound):
            rounds.close_round(login_as("kpi"), crafted)
