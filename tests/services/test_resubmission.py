"""ส่งผลให้พิจารณาอีกครั้ง (issue 12 item 12): a refused result goes back to awaiting within its
correction deadline, tells the bureau in the thread, is audited; refused after the deadline."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from krs_app.services import clock, decisions, entry, resubmission, review_inbox
from krs_app.services.errors import NotAllowed, ServiceError
from tests.services.helpers import audit_count, current_round_id, indicator_id, login_as, result_of, variable_id
from tests.services.test_review import messages_of


def _refused_11_3(deadline_days: int | None = 3):
    district = login_as("spm07")
    round_id = current_round_id()
    assert entry.enter_value(district, round_id, variable_id("11.3", "1"), "1").ok
    deadline = date.today() + timedelta(days=deadline_days) if deadline_days is not None else None
    decisions.refuse(login_as("finance"), district.district_id, indicator_id("11.3"), round_id, "ขาดรายงาน", deadline)
    return district, round_id


def test_a_refused_result_is_sent_back_to_the_bureau(krs_db):
    district, round_id = _refused_11_3()
    before = len(messages_of(district.district_id, "11.3"))
    answer = resubmission.resubmit(district, indicator_id("11.3"), round_id)
    assert answer == resubmission.RESUBMITTED_DONE
    assert result_of(district.district_id, "11.3", round_id).status == "awaiting"
    thread = messages_of(district.district_id, "11.3")
    assert len(thread) == before + 1 and thread[-1].body == "ส่งผลให้พิจารณาอีกครั้ง"
    assert thread[-1].sender_side == "district" and thread[-1].opened_at is None  # the bureau's badge
    assert audit_count("resubmit") == 1
    rows = review_inbox.review_rows(login_as("finance"), indicator_id("11.3"), round_id=round_id, search="spm07").rows
    row = next(r for r in rows if r.district_id == district.district_id)
    assert row.new_badge


def test_resubmitting_twice_or_an_unrefused_result_is_refused(krs_db):
    district, round_id = _refused_11_3()
    resubmission.resubmit(district, indicator_id("11.3"), round_id)
    with pytest.raises(ServiceError, match="ไม่รับรอง"):
        resubmission.resubmit(district, indicator_id("11.3"), round_id)


def test_a_final_refusal_cannot_be_resubmitted(krs_db):
    district, round_id = _refused_11_3(deadline_days=None)
    with pytest.raises(ServiceError, match="ไม่เปิดให้แก้ไข"):
        resubmission.resubmit(district, indicator_id("11.3"), round_id)


def test_after_the_correction_deadline_it_is_refused(krs_db):
    district, round_id = _refused_11_3(deadline_days=1)
    clock.shift_for_tests(timedelta(days=3))
    with pytest.raises(ServiceError, match="พ้นกำหนด"):
        resubmission.resubmit(district, indicator_id("11.3"), round_id)
    assert result_of(district.district_id, "11.3", round_id).status == "not_certified"


def test_only_the_district_resubmits(krs_db):
    _district, round_id = _refused_11_3()
    with pytest.raises(NotAllowed):
        resubmission.resubmit(login_as("finance"), indicator_id("11.3"), round_id)


def test_a_resubmission_note_over_the_limit_is_refused_whole_not_cut(krs_db):
    district, round_id = _refused_11_3()
    before = len(messages_of(district.district_id, "11.3"))
    with pytest.raises(ServiceError, match="ยาวเกิน"):
        resubmission.resubmit(district, indicator_id("11.3"), round_id, "ก" * 2001)
    assert result_of(district.district_id, "11.3", round_id).status == "not_certified"
    assert len(messages_of(district.district_id, "11.3")) == before
