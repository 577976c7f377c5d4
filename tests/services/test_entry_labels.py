"""Issue 12 items 7 and 17 through the services: an indicator not assessed in the round (11.5 in
the demo's 6-month round) says so everywhere and takes no reminder or decision; results carry
their kind's unit; a refusal already saying ไม่รับรอง is not prefixed again; large numbers show
thousands separators."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from krs_app.db.engine import session_scope
from krs_app.db.models import Message
from krs_app.domain.indicators import NOT_ASSESSED_LABEL
from krs_app.services import clock, decisions, entry, lookups, not_applicable, reminders, review_detail, review_inbox
from krs_app.services.errors import ServiceError
from krs_app.services.tracking import certification_tracking
from tests.services.helpers import current_round_id, district_id, indicator_id, login_as, set_result, variable_id


def _row(user, code, round_id=None):
    return next(r for r in entry.entry_page(user, round_id).indicators if r.code == code)


def _messages(indicator: int) -> int:
    with session_scope() as session:
        return len(list(session.exec(select(Message.id).where(Message.indicator_id == indicator))))


def test_the_entry_row_of_an_indicator_not_assessed_shows_the_label_and_no_inputs(krs_db):
    row = _row(login_as("spm07"), "11.5")
    assert not row.assessed and row.status_label == NOT_ASSESSED_LABEL
    assert not row.editable and row.score_text == "" and row.hint == ""
    assert [v.mode for v in row.variables] == ["not_required", "not_required"]
    assert _row(login_as("spm07"), "11.3").assessed


def test_the_review_list_of_an_indicator_not_assessed_offers_nothing(krs_db):
    finance = login_as("finance")
    page = review_inbox.review_rows(finance, indicator_id("11.5"))
    assert NOT_ASSESSED_LABEL in page.not_assessed_text and "รอบ 12 เดือน" in page.not_assessed_text
    assert page.rows == [] and page.total == 0 and page.counts["not_reported"] == 0
    assert not page.may_decide and NOT_ASSESSED_LABEL in page.period_reason
    assert review_inbox.review_rows(finance, indicator_id("11.3")).not_assessed_text == ""
    labels = {o.label.split(" ")[0]: o.label for o in lookups.bureau_indicator_options(finance)}
    assert labels["11.5"].endswith(f"({NOT_ASSESSED_LABEL})") and NOT_ASSESSED_LABEL not in labels["11.3"]


def test_reminders_and_decisions_on_an_indicator_not_assessed_are_refused_on_the_server(krs_db):
    finance, round_id, target = login_as("finance"), current_round_id(), indicator_id("11.5")
    spm07 = district_id("spm07")
    # Even a crafted awaiting result (there can be none: its cells take no value) takes no decision.
    set_result(spm07, "11.5", round_id, status="awaiting")
    before = _messages(target)
    soon = (clock.utcnow() + timedelta(days=3)).date()
    attempts = [
        lambda: reminders.remind(finance, target, round_id, "กรุณารายงาน", soon),
        lambda: decisions.certify(finance, spm07, target, round_id),
        lambda: decisions.refuse(finance, spm07, target, round_id, "ผิด", None),
        lambda: decisions.bulk_certify(finance, target, round_id, [spm07]),
        lambda: not_applicable.mark_not_applicable(finance, spm07, target, round_id, "ไม่มีข้อมูล"),
    ]
    for attempt in attempts:
        with pytest.raises(ServiceError) as refused:
            attempt()
        assert NOT_ASSESSED_LABEL in refused.value.message
    assert _messages(target) == before
    actions = review_detail.review_detail(finance, spm07, target, round_id).actions
    assert not (actions.can_certify or actions.can_refuse or actions.can_remind or actions.can_mark_not_applicable)
    assert NOT_ASSESSED_LABEL in actions.certify_reason


def test_the_tracking_does_not_count_an_indicator_not_assessed_as_missing(krs_db):
    view = certification_tracking(login_as("kpi"))
    codes = [i.code for b in view.bureaus for i in b.indicators]
    assert "11.5" not in codes and "11.3" in codes


@pytest.mark.parametrize(("code", "unit"), [("4.2", "ระดับ"), ("12", "ค่า"), ("2.1", "ร้อยละ"), ("11.3", "ร้อยละ")])
def test_results_carry_the_unit_of_their_indicators_kind(krs_db, code, unit):
    assert _row(login_as("spm13"), code).result_unit == unit
    page = review_inbox.review_rows(login_as("kpi"), indicator_id(code))
    assert page.result_unit == unit


def test_a_refusal_already_saying_ไม่รับรอง_is_not_prefixed_again(krs_db):
    district_user, round_id = login_as("spm07"), current_round_id()
    assert entry.enter_value(district_user, round_id, variable_id("11.3", "1"), "1").ok
    spm07, target = district_user.district_id, indicator_id("11.3")
    reason = "ไม่รับรอง เนื่องจากหมดยอดเงิน ข้อมูลบัญชีที่ติดต่อก็คือ บัญชีเงินรับฝากอื่น"
    decisions.refuse(login_as("finance"), spm07, target, round_id, reason, None)
    with session_scope() as session:
        body = session.exec(
            select(Message.body).where(Message.indicator_id == target).order_by(Message.id.desc())
        ).first()
    assert body.startswith(reason) and "ไม่รับรอง: ไม่รับรอง" not in body
    assert _row(district_user, "11.3").refusal_reason.startswith(reason)
    assert review_detail.review_detail(login_as("finance"), spm07, target, round_id).reason_text == reason


def test_large_numbers_show_thousands_separators_in_lists(krs_db):
    page = review_inbox.review_rows(login_as("finance"), indicator_id("7.1"), page_size=500)
    wholes = [row.cells[1] for row in page.rows if row.cells[1]]
    assert wholes and all("," in cell for cell in wholes if len(cell.replace(",", "")) > 3)
    assert any("," in cell for cell in wholes)
    central = next(v for v in _row(login_as("spm13"), "7.1").variables if v.key == "b")
    assert "," in central.value_text


def test_the_report_shows_results_in_their_kinds_unit(krs_db):
    from krs_app.services.report_view import report_view

    view = report_view(login_as("kpi"))
    at = {c.code: i for i, c in enumerate(view.columns)}
    shown = {
        code: [r.cells[i].result_text for r in view.rows if r.cells[i].result is not None] for code, i in at.items()
    }
    assert shown["4.2"] and all(t.startswith("ระดับ ") for t in shown["4.2"])
    assert shown["12"] and all(t.startswith("ค่า ") for t in shown["12"])
    assert shown["2.1"] and all(t.startswith("ร้อยละ ") for t in shown["2.1"])
