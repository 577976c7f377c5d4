"""The bureau's "ไม่ประเมินตัวชี้วัดนี้" pressed twice (a doubled click, a replayed event): the
result is marked once, one audit row and one thread message, and both presses show the same
success (never a refusal for the second)."""

from __future__ import annotations

from krs_app.seed.demo import DEMO_PASSWORD
from krs_app.services import auth
from krs_app.state.review import ReviewState
from krs_app.state.submit import REQUEST_FIELD
from tests.services.helpers import audit_count, current_round_id, district_id, indicator_id, result_of
from tests.services.test_review import messages_of
from tests.states.tabs import run_event, tab

REASON = "สพท. ไม่มีสถานศึกษาตามตัวชี้วัดนี้"


def _review_with_result_open() -> ReviewState:
    token, _user = auth.login("finance", DEMO_PASSWORD)
    review = tab(token).get_substate(ReviewState.get_full_name().split(".")[1:])
    review.round_id = str(current_round_id())
    review.indicator_id = str(indicator_id("11.3"))
    run_event(review, "open_detail", district_id("spm07"))
    assert review.detail_open and review.detail.actions.can_mark_not_applicable
    run_event(review, "open_not_applicable")
    return review


def test_a_doubled_not_applicable_marks_once_with_one_audit_row(krs_db):
    review = _review_with_result_open()
    form = {"reason": REASON, REQUEST_FIELD: review.request_id}  # the form as rendered, sent twice
    audits_before = audit_count("mark_not_applicable")
    messages_before = len(messages_of(district_id("spm07"), "11.3"))

    run_event(review, "mark_not_applicable", dict(form))
    first_notice = review.notice
    run_event(review, "mark_not_applicable", dict(form))

    assert review.decision_error == ""  # the second press is not refused ("already marked")
    assert review.notice == first_notice and "ไม่ประเมิน" in first_notice and review.notice_ok
    assert audit_count("mark_not_applicable") == audits_before + 1
    assert len(messages_of(district_id("spm07"), "11.3")) == messages_before + 1
    assert result_of(district_id("spm07"), "11.3", current_round_id()).not_applicable


def test_after_marking_the_undo_form_is_a_new_request(krs_db):
    """The undo right after the marking is not mistaken for a repeat of the marking."""
    review = _review_with_result_open()
    run_event(review, "mark_not_applicable", {"reason": REASON, REQUEST_FIELD: review.request_id})
    assert review.detail.actions.can_undo_not_applicable
    run_event(review, "undo_not_applicable", {"reason": "พบสถานศึกษาแล้ว", REQUEST_FIELD: review.request_id})
    assert review.decision_error == ""
    assert not result_of(district_id("spm07"), "11.3", current_round_id()).not_applicable
    assert audit_count("undo_not_applicable") == 1
