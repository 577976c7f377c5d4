"""ติดตามการรับรองผล: the KPI office's view of late bureaus, and its exports."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from krs_app.domain.certification import OVERDUE_AFTER_DAYS
from krs_app.services import clock, tracking
from krs_app.services.errors import NotAllowed
from tests.services.helpers import (
    current_round_id,
    districts_with_status,
    login_as,
    set_result,
)


def finance_of(view):
    return next(b for b in view.bureaus if b.short_name == "สคส.")


@pytest.mark.parametrize("username", ["finance", "spm07"])
def test_only_the_kpi_office_tracks(krs_db, username):
    user = login_as(username)
    for call in (tracking.certification_tracking, tracking.tracking_csv, tracking.tracking_xlsx):
        with pytest.raises(NotAllowed) as refused:
            call(user, current_round_id())
        assert "กพร." in refused.value.message


def test_counts_per_bureau_and_indicator_add_up(krs_db):
    view = tracking.certification_tracking(login_as("kpi"))
    assert view.round_id == current_round_id() and view.overdue_after_days == OVERDUE_AFTER_DAYS
    indicators = [i for b in view.bureaus for i in b.indicators]
    assert len(indicators) == 26  # 27 in the catalogue; 11.5 is not assessed in a 6-month round
    for indicator in indicators:
        c = indicator.counts
        assert c.awaiting + c.certified + c.refused + c.not_reported == 245
    t = view.totals
    assert t.awaiting + t.certified + t.refused + t.not_reported == 245 * 26
    finance = finance_of(view)
    assert [i.code for i in finance.indicators] == ["7.1", "7.2", "11.2", "11.3", "11.4", "11.6"]
    c = next(i for i in finance.indicators if i.code == "11.3").counts
    round_id = current_round_id()
    assert c.awaiting == len(districts_with_status("11.3", round_id, "awaiting"))
    assert c.refused == len(districts_with_status("11.3", round_id, "not_certified"))
    assert t.overdue == 0 and not any(b.late for b in view.bureaus)  # everything reported a day ago
    assert finance.counts.oldest_district and finance.counts.oldest_days == 1
    assert "2" in finance.counts.oldest_date_text  # a Thai date, Buddhist era


def test_waiting_more_than_the_allowed_days_is_overdue(krs_db):
    clock.shift_for_tests(timedelta(days=OVERDUE_AFTER_DAYS - 2))
    assert tracking.certification_tracking(login_as("kpi")).totals.overdue == 0
    clock.shift_for_tests(timedelta(days=OVERDUE_AFTER_DAYS))  # reported 1 day before: now 8 days
    view = tracking.certification_tracking(login_as("kpi"))
    assert view.totals.overdue == view.totals.awaiting > 0
    assert view.bureaus[0].late
    overdue = [b.counts.overdue for b in view.bureaus]
    assert overdue == sorted(overdue, reverse=True)


def test_after_the_certification_deadline_everything_waiting_is_overdue(krs_db):
    round_id = current_round_id()
    district = districts_with_status("11.3", round_id, "awaiting")[0]
    set_result(district, "11.3", round_id, reported_at=clock.utcnow())  # fresh, but the period is over
    clock.shift_for_tests(timedelta(days=11))
    view = tracking.certification_tracking(login_as("kpi"), round_id)
    assert view.totals.overdue == view.totals.awaiting
    assert view.countdown_text == "ครบกำหนดแล้ว"


def test_the_oldest_waiting_item_is_named(krs_db):
    round_id = current_round_id()
    district = districts_with_status("11.3", round_id, "awaiting")[0]
    set_result(district, "11.3", round_id, reported_at=clock.utcnow() - timedelta(days=9))
    view = tracking.certification_tracking(login_as("kpi"))
    finance = finance_of(view)
    assert finance.counts.oldest_indicator == "11.3" and finance.counts.oldest_days == 9
    assert finance.counts.overdue == 1 and finance.late
    assert view.bureaus[0].short_name == "สคส."  # the late bureau comes first
    assert view.totals.oldest_indicator == "11.3"


def test_the_csv_export_opens_in_excel_with_thai(krs_db):
    data = tracking.tracking_csv(login_as("kpi"), current_round_id())
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][0].startswith("ติดตามการรับรองผล")
    assert rows[2] == list(tracking.HEADERS)
    assert rows[-1][0] == "ทุกสำนัก"
    assert any(row[1] == "11.3" for row in rows[3:])
    assert len(rows) == 3 + 26 + 10 + 1  # indicators, a total per bureau, the grand total


def test_the_xlsx_export(krs_db):
    data = tracking.tracking_xlsx(login_as("kpi"), current_round_id())
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet["A1"].value.startswith("ติดตามการรับรองผล")
    assert [c.value for c in sheet[3]] == list(tracking.HEADERS)
    codes = [sheet.cell(row=r, column=2).value for r in range(4, sheet.max_row + 1)]
    assert "11.3" in codes and codes[-1] == "รวม"
    assert isinstance(sheet.cell(row=4, column=4).value, int)


def test_formula_like_text_is_written_as_text():
    from krs_app.domain.cell_safety import safe_cell

    assert safe_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert safe_cell("สพม. เขต 7") == "สพม. เขต 7"
    assert safe_cell(5) == 5
