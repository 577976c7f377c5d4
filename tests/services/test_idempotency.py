"""Every submit is safe to press twice (services/idempotency.py): a doubled or replayed submit
with the same request id has no second effect and gets the same answer."""

from __future__ import annotations

from datetime import timedelta

import pytest

from krs_app.services import clock, decisions, entry, idempotency, threads
from krs_app.services.errors import ServiceError
from tests.services.helpers import audit_count, current_round_id, indicator_id, login_as, variable_id
from tests.services.test_review import messages_of

REQUEST = "req-0123456789abcdef"


def test_a_doubled_comment_is_posted_once(krs_db):
    user = login_as("spm07")
    ind = indicator_id("11.3")
    before = len(messages_of(user.district_id, "11.3"))
    for _ in range(2):
        idempotency.once(
            user, REQUEST, "post_message", lambda: threads.post_message(user, user.district_id, ind, None, "แนบแล้ว")
        )
    assert len(messages_of(user.district_id, "11.3")) == before + 1
    # A new form (a new request id) is a new message.
    idempotency.once(
        user,
        "req-another-form-00",
        "post_message",
        lambda: threads.post_message(user, user.district_id, ind, None, "อีก"),
    )
    assert len(messages_of(user.district_id, "11.3")) == before + 2


def test_a_doubled_refusal_refuses_once_and_answers_the_same(krs_db):
    district = login_as("spm07")
    round_id = current_round_id()
    assert entry.enter_value(district, round_id, variable_id("11.3", "1"), "1").ok
    finance = login_as("finance")
    ind = indicator_id("11.3")
    messages_before = len(messages_of(district.district_id, "11.3"))
    refusals_before = audit_count("refuse")

    def refuse():
        return decisions.refuse(finance, district.district_id, ind, round_id, "ขาดหลักฐาน", None).message

    answers = [idempotency.once(finance, REQUEST, "refuse", refuse) for _ in range(2)]
    assert answers[0] == answers[1] and answers[0]
    assert len(messages_of(district.district_id, "11.3")) == messages_before + 1
    assert audit_count("refuse") == refusals_before + 1


def test_a_refused_submit_is_forgotten_so_the_corrected_form_goes_through(krs_db):
    user = login_as("spm07")
    ind = indicator_id("11.3")
    with pytest.raises(ServiceError):
        idempotency.once(
            user, REQUEST, "post_message", lambda: threads.post_message(user, user.district_id, ind, None, "")
        )
    before = len(messages_of(user.district_id, "11.3"))
    idempotency.once(
        user, REQUEST, "post_message", lambda: threads.post_message(user, user.district_id, ind, None, "ok")
    )
    assert len(messages_of(user.district_id, "11.3")) == before + 1


def test_request_ids_are_per_user_and_forgotten_after_a_day(krs_db):
    spm07, spm08 = login_as("spm07"), login_as("spm08")
    runs: list[str] = []
    idempotency.once(spm07, REQUEST, "x", lambda: runs.append("spm07") or 1)
    idempotency.once(spm08, REQUEST, "x", lambda: runs.append("spm08") or 1)
    assert idempotency.once(spm07, REQUEST, "x", lambda: runs.append("again") or 2) == 1
    assert runs == ["spm07", "spm08"]
    clock.shift_for_tests(timedelta(hours=idempotency.REMEMBER_HOURS + 1))
    idempotency.once(spm08, "req-other-0000000", "x", lambda: 3)  # purges what is older than a day
    assert idempotency.once(spm07, REQUEST, "x", lambda: runs.append("later") or 4) == 4


@pytest.mark.parametrize("crafted", [None, "", "short", "x" * 65, "bad id with spaces", 12345678])
def test_a_malformed_request_id_is_not_remembered(krs_db, crafted):
    user = login_as("spm07")
    runs: list[int] = []
    for _ in range(2):
        idempotency.once(user, crafted, "x", lambda: runs.append(1))
    assert len(runs) == 2


def test_a_claim_left_by_a_process_that_died_mid_run_does_not_block_the_retry(krs_db):
    """kill -9 between the claim and the answer: the same form sent again after the restart runs,
    rather than answering "still running" for a day; while the first run may still be going, it waits."""
    from krs_app.db.engine import session_scope
    from krs_app.db.models import Submission

    user = login_as("spm07")
    with session_scope() as session:  # what the dead process left: a claim with no answer
        session.add(Submission(user_id=user.id, request_id=REQUEST, kind="x", at=clock.utcnow()))
    with pytest.raises(ServiceError, match="กำลังดำเนินการ"):
        idempotency.once(user, REQUEST, "x", lambda: 1)
    clock.shift_for_tests(idempotency.ABANDONED_AFTER + timedelta(seconds=1))
    assert idempotency.once(user, REQUEST, "x", lambda: "ran") == "ran"
    assert idempotency.once(user, REQUEST, "x", lambda: "again") == "ran"  # and remembered, as always
