"""The KPI office's fiscal years and rounds."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from krs_app.db.engine import session_scope
from krs_app.db.models import AuditLog, FiscalYear, Round
from krs_app.services import fiscal_years as years
from krs_app.services.clock import to_bangkok, utcnow
from krs_app.services.errors import FieldError, NotAllowed, ServiceError
from tests.services.helpers import current_round_id, fy2562_round_id, login_as, round_row


def counts() -> tuple[int, int, int]:
    with session_scope() as session:
        return (
            len(list(session.exec(select(FiscalYear)))),
            len(list(session.exec(select(Round)))),
            len(list(session.exec(select(AuditLog)))),
        )


def new_year(kpi, year_be: int = 2575) -> int:
    return years.create_year(kpi, year_be).id


def test_a_year_gets_rounds_with_generated_labels(krs_db):
    kpi = login_as("kpi")
    year_id = new_year(kpi)
    first = years.add_round(kpi, year_id, 6, date(2031, 10, 1), date(2032, 4, 20), date(2032, 4, 30))
    second = years.add_round(
        kpi, year_id, 12, date(2032, 10, 1), date(2032, 10, 20), date(2032, 10, 20), label="รอบปลายปี"
    )
    assert first.label == "ครั้งที่ 1 ปี 75 (รอบ 6 เดือน)" and first.number == 1
    assert second.label == "รอบปลายปี" and second.number == 2
    assert first.opens_text == "1 ต.ค. 2574 00:00 น." and "20 เม.ย. 2575" in first.district_deadline_text
    assert [r.label for r in years.list_rounds(kpi, year_id)] == [first.label, "รอบปลายปี"]
    assert next(y for y in years.list_years(kpi) if y.year_be == 2575).round_count == 2


@pytest.mark.parametrize(
    ("dates", "field"),
    [
        ((date(2032, 4, 1), date(2032, 3, 1), date(2032, 4, 30)), "round-district-deadline"),
        ((date(2032, 4, 1), date(2032, 4, 20), date(2032, 4, 19)), "round-certification-deadline"),
    ],
)
def test_dates_out_of_order_are_refused_at_the_field(krs_db, dates, field):
    kpi = login_as("kpi")
    year_id = new_year(kpi)
    before = counts()
    with pytest.raises(FieldError) as refused:
        years.add_round(kpi, year_id, 6, *dates)
    assert refused.value.field == field and "กำหนด" in refused.value.message
    assert counts() == before


def test_bad_years_and_lengths_are_refused(krs_db):
    kpi = login_as("kpi")
    with pytest.raises(FieldError) as refused:
        years.create_year(kpi, 2019)
    assert refused.value.field == "year-be"
    with pytest.raises(FieldError):
        years.create_year(kpi, 2562)  # exists
    year_id = new_year(kpi)
    with pytest.raises(FieldError) as refused:
        years.add_round(kpi, year_id, 5, date(2032, 4, 1), date(2032, 4, 20), date(2032, 4, 30))
    assert refused.value.field == "round-months"


def test_a_deadline_of_the_open_round_moves_and_is_audited(krs_db):
    kpi = login_as("kpi")
    round_id = current_round_id()
    later = to_bangkok(round_row(round_id).district_deadline).date() + timedelta(days=2)
    row = years.edit_round(kpi, round_id, district_deadline=later)
    assert to_bangkok(row.district_deadline).date() == later
    with session_scope() as session:
        audit = session.exec(select(AuditLog).where(AuditLog.action == "edit_round")).one()
    assert audit.round_id == round_id and audit.before != audit.after
    with pytest.raises(FieldError) as refused:  # after the certification deadline
        years.edit_round(kpi, round_id, district_deadline=later + timedelta(days=30))
    assert refused.value.field == "round-certification-deadline"


def test_closed_rounds_take_no_edits_and_rounds_with_values_stay(krs_db):
    kpi = login_as("kpi")
    before = counts()
    with pytest.raises(ServiceError):
        years.edit_round(kpi, fy2562_round_id(), label="ใหม่")
    with pytest.raises(ServiceError) as refused:
        years.delete_round(kpi, current_round_id())
    assert "ลบไม่ได้" in refused.value.message
    assert counts() == before


def test_an_empty_round_is_deleted_and_the_current_round_is_known(krs_db):
    kpi = login_as("kpi")
    year_id = new_year(kpi)
    soon = (utcnow() + timedelta(days=400)).date()
    row = years.add_round(kpi, year_id, 3, soon, soon + timedelta(days=10), soon + timedelta(days=20))
    years.delete_round(kpi, row.id)
    assert years.list_rounds(kpi, year_id) == []
    current = years.current_round_row(kpi)
    assert current.id == current_round_id() and current.is_current


def test_closing_a_round_uses_the_closing_rules(krs_db):
    kpi = login_as("kpi")
    report = years.close_round(kpi, current_round_id())
    assert report.fixed > 0 and round_row(current_round_id()).closed


@pytest.mark.parametrize("username", ["finance", "spm07"])
def test_others_cannot_set_up_years(krs_db, username):
    user = login_as(username)
    before = counts()
    for call in (
        lambda: years.create_year(user, 2580),
        lambda: years.list_years(user),
        lambda: years.list_rounds(user, round_row(current_round_id()).fiscal_year_id),
        lambda: years.edit_round(user, current_round_id(), label="x"),
        lambda: years.delete_round(user, current_round_id()),
        lambda: years.close_round(user, current_round_id()),
    ):
        with pytest.raises(NotAllowed):
            call()
    assert counts() == before


def test_a_round_set_up_for_later_does_not_become_current_when_the_running_round_closes(krs_db):
    """Closing this round while next year's round waits to open: every page keeps the round just
    closed (its catalogue, its results), not the empty year whose round has not opened."""
    kpi = login_as("kpi")
    running = current_round_id()
    year_id = new_year(kpi)
    years.add_round(kpi, year_id, 6, date(2031, 10, 1), date(2032, 4, 20), date(2032, 4, 30))
    assert current_round_id() == running
    years.close_round(kpi, running)
    assert current_round_id() == running
    assert round_row(running).closed
