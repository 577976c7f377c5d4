"""The bureau's review: inbox, detail, certify, refuse, undo, bulk certify, remind — and who may."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest
from sqlalchemy import event
from sqlmodel import select

from krs_app.db.engine import get_engine, session_scope
from krs_app.db.models import Message, Round
from krs_app.domain.status import Status, public_score
from krs_app.live import bus
from krs_app.services import access, clock, decisions, entry, reminders, review_detail, review_inbox, threads
from krs_app.services.errors import NotAllowed, NotFound, ServiceError
from tests.services.helpers import (
    audit_count,
    audit_rows,
    current_round_id,
    district_id,
    districts_with_status,
    fy2562_round_id,
    indicator_id,
    login_as,
    result_of,
    round_row,
    variable_id,
)


@pytest.fixture
def changes():
    seen: list[bus.Change] = []
    bus.subscribe(seen.append)
    yield seen
    bus.unsubscribe(seen.append)


def report_11_3(value: str = "1"):
    """spm07 (nothing reported yet) reports 11.3; returns (district user, district id, round id)."""
    user = login_as("spm07")
    round_id = current_round_id()
    assert entry.enter_value(user, round_id, variable_id("11.3", "1"), value).ok
    return user, user.district_id, round_id


def messages_of(district: int, code: str) -> list[Message]:
    with session_scope() as session:
        return list(
            session.exec(
                select(Message)
                .where(Message.district_id == district, Message.indicator_id == indicator_id(code))
                .order_by(Message.id)
            )
        )


def thai(text: str) -> bool:
    return any("\u0e00" <= ch <= "\u0e7f" for ch in text)


# ---------------------------------------------------------------- the inbox


def test_the_inbox_lists_every_district_once(krs_db):
    page = review_inbox.review_rows(login_as("finance"), indicator_id("11.3"), page_size=500)
    assert page.total == 245 and len(page.rows) == 245
    assert sum(page.counts.values()) == 245
    assert len({row.district_id for row in page.rows}) == 245
    assert [c.key for c in page.columns] == ["1"]
    row = next(r for r in page.rows if r.district_code == "spm07")
    assert row.status == "not_reported" and row.status_label == "ยังไม่รายงานผล"
    assert row.element_id == "review-open-spm07-11_3"
    assert row.cells == [""] and row.score_text == "1.0000" and row.result_text == "-"
    assert row.level == "secondary" and row.level_label == "สพม."
    assert row.days_left == 11 and page.may_decide
    awaiting = next(r for r in page.rows if r.status == "awaiting")
    assert awaiting.cells == ["1"] or awaiting.cells == ["0"]
    assert awaiting.score_text in ("5.0000", "1.0000") and awaiting.selectable


def test_the_inbox_filters_sorts_and_pages(krs_db):
    user = login_as("finance")
    ind = indicator_id("11.3")
    awaiting = review_inbox.review_rows(user, ind, status="awaiting", page_size=500)
    assert awaiting.total == awaiting.counts["awaiting"] > 0
    assert all(r.status == "awaiting" for r in awaiting.rows)
    secondary = review_inbox.review_rows(user, ind, level="secondary", page_size=500)
    assert secondary.total == 62 and all(r.level_label == "สพม." for r in secondary.rows)
    found = review_inbox.review_rows(user, ind, search="มัธยมศึกษา เขต 7")
    assert [r.district_code for r in found.rows] == ["spm07"]
    by_province = review_inbox.review_rows(user, ind, search="เชียงใหม่", level="primary")
    assert by_province.total == 6
    codes = [r.district_code for r in review_inbox.review_rows(user, ind, page_size=500).rows]
    assert codes == sorted(codes)
    backwards = [r.district_code for r in review_inbox.review_rows(user, ind, sort="-code", page_size=500).rows]
    assert backwards == codes[::-1]
    by_status = review_inbox.review_rows(user, ind, sort="status", page_size=500).rows
    assert by_status[0].status == "awaiting" and by_status[-1].status == "certified"
    scores = [
        r.score_text for r in review_inbox.review_rows(user, indicator_id("11.2"), sort="-score", page_size=500).rows
    ]
    assert scores[0] >= scores[-1]
    second = review_inbox.review_rows(user, ind, page=2, page_size=50)
    assert second.page == 2 and second.pages == 5 and len(second.rows) == 50
    assert second.rows[0].district_code == codes[50]
    beyond = review_inbox.review_rows(user, ind, page=99, page_size=50)
    assert beyond.page == 5 and len(beyond.rows) == 45


def test_the_inbox_marks_new_data_and_can_show_only_that(krs_db):
    user, district, round_id = report_11_3()
    threads.post_message(user, district, indicator_id("11.3"), round_id, "ส่งหลักฐานแล้ว")
    page = review_inbox.review_rows(login_as("finance"), indicator_id("11.3"), new_only=True)
    assert [r.district_code for r in page.rows] == ["spm07"]
    assert page.rows[0].new_badge and page.new_count == 1
    assert page.rows[0].last_message == "ส่งหลักฐานแล้ว" and page.rows[0].last_message_side == "district"


def test_the_inbox_costs_a_fixed_number_of_queries(krs_db):
    user = login_as("finance")
    target = indicator_id("11.2")  # before counting: the helper's own look-ups are not the inbox's
    statements: list[str] = []

    def count(*args):
        statements.append(args[2])

    engine = get_engine()
    event.listen(engine, "before_cursor_execute", count)
    try:
        review_inbox.review_rows(user, target, page_size=500)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    # 15 fixed queries: indicator, round, catalogue (year, indicators, variables), results, values,
    # evidence counts, districts, last messages, unread messages, unopened evidence, the previous
    # round and its results (outlier jump flags), rounds for the selector; none per district
    assert len(statements) <= 15, "\n\n".join(statements)


@pytest.mark.parametrize(
    ("username", "code"), [("spm07", "11.3"), ("testing", "11.3"), ("finance", "1.2"), ("personnel", "11.2")]
)
def test_only_the_owning_bureau_opens_an_inbox(krs_db, username, code):
    with pytest.raises(NotAllowed) as refused:
        review_inbox.review_rows(login_as(username), indicator_id(code))
    assert thai(refused.value.message)


def test_the_kpi_office_reads_every_inbox(krs_db):
    page = review_inbox.review_rows(login_as("kpi"), indicator_id("1.2"))
    assert page.total == 245 and not page.may_decide and "กพร." in page.period_reason


@pytest.mark.parametrize(
    "crafted",
    [
        {"status": "lost"},
        {"level": "tertiary"},
        {"sort": "code; drop table"},
        {"page": "2"},
        {"page_size": True},
        {"search": None},
    ],
)
def test_crafted_filters_are_refused(krs_db, crafted):
    with pytest.raises(ServiceError):
        review_inbox.review_rows(login_as("finance"), indicator_id("11.3"), **crafted)


def test_crafted_ids_are_refused(krs_db):
    user = login_as("finance")
    with pytest.raises(NotFound):
        review_inbox.review_rows(user, 10**9)
    with pytest.raises(NotFound):
        review_inbox.review_rows(user, indicator_id("11.3"), round_id=10**9)
    with pytest.raises(NotFound):
        decisions.certify(user, district_id("spm07"), indicator_id("11.3"), "1")
    with pytest.raises(NotFound):
        decisions.certify(user, 10**9, indicator_id("11.3"), current_round_id())


# ---------------------------------------------------------------- detail


def test_the_detail_shows_values_criteria_score_history_and_actions(krs_db):
    _user, district, round_id = report_11_3("0")
    entry.enter_value(login_as("spm07"), round_id, variable_id("11.3", "1"), "1")
    detail = review_detail.review_detail(login_as("finance"), district, indicator_id("11.3"), round_id)
    assert detail.district_code == "spm07" and detail.indicator_code == "11.3"
    assert [(v.key, v.value_text, v.central) for v in detail.variables] == [("1", "1", False)]
    assert detail.criteria == ["20", "40", "60", "80", "100"]
    assert detail.formula_text == "1 × 100" and detail.formula_with_values == "1 * 100"
    assert (detail.result_text, detail.score_text) == ("100.00", "5.0000")
    assert detail.score_explanation.endswith("5.0000")
    assert detail.status == "awaiting" and detail.complete
    assert [(h.variable, h.before_text, h.after_text) for h in detail.history] == [("1", "-", "0"), ("1", "0", "1")]
    assert all(h.who == "ผู้รับผิดชอบตัวชี้วัด สพม. เขต 7" and h.action == "enter_value" for h in detail.history)
    assert detail.actions.can_certify and detail.actions.can_refuse and not detail.actions.can_undo
    assert thai(detail.actions.undo_reason)
    decisions.certify(login_as("finance"), district, indicator_id("11.3"), round_id)
    after = review_detail.review_detail(login_as("finance"), district, indicator_id("11.3"), round_id)
    assert after.actions.can_undo and not after.actions.can_certify
    assert [d.action for d in after.decisions] == ["certify"] and after.certified_text


def test_the_detail_view_shows_the_whole_thread(krs_db):
    # The detail view's message pane (PanelState.load_for) shows the bureau this thread.
    manual_11_3 = indicator_id("11.3", fy2562_round_id())  # the thread is on FY 2562's 11.3
    thread = threads.thread(login_as("finance"), district_id("spm07"), manual_11_3)
    assert len(thread) == 6  # the manual's thread, across rounds
    assert thread[0].body.startswith("ไม่รับรอง")


@pytest.mark.parametrize("username", ["spm07", "spm08", "testing"])
def test_the_detail_is_refused_to_others(krs_db, username):
    with pytest.raises(NotAllowed):
        review_detail.review_detail(login_as(username), district_id("spm07"), indicator_id("11.3"))


# ---------------------------------------------------------------- certify


def test_the_bureau_certifies_a_reported_result_and_it_locks(krs_db, changes):
    district_user, district, round_id = report_11_3()
    finance = login_as("finance")
    outcome = decisions.certify(finance, district, indicator_id("11.3"), round_id)
    assert outcome.status == "certified" and outcome.score_text == "5.0000" and thai(outcome.message)
    result = result_of(district, "11.3", round_id)
    assert result.status == "certified" and result.score == 5.0 and result.result == 100.0
    assert result.certified_by == finance.id and result.certified_at is not None
    assert public_score(Status(result.status), result.score) == 5.0
    assert audit_count("certify") == 1
    assert any(c.kind == "status" and c.district_id == district for c in changes)
    locked = entry.enter_value(district_user, round_id, variable_id("11.3", "1"), "0")
    assert not locked.ok and "รับรอง" in locked.message
    with pytest.raises(ServiceError) as again:
        decisions.certify(finance, district, indicator_id("11.3"), round_id)
    assert "รับรองแล้ว" in again.value.message


def test_a_district_cannot_certify_even_its_own_result(krs_db):
    district_user, district, round_id = report_11_3()
    with pytest.raises(NotAllowed) as refused:
        decisions.certify(district_user, district, indicator_id("11.3"), round_id)
    assert refused.value.message == access.NOT_A_REVIEWER
    for call in (
        lambda: decisions.refuse(district_user, district, indicator_id("11.3"), round_id, "x", None),
        lambda: decisions.undo_certification(district_user, district, indicator_id("11.3"), round_id, "x"),
        lambda: decisions.bulk_certify(district_user, indicator_id("11.3"), round_id, [district]),
        lambda: reminders.remind(
            district_user, indicator_id("11.3"), round_id, "x", clock.utcnow() + timedelta(days=1)
        ),
    ):
        with pytest.raises(NotAllowed):
            call()
    assert result_of(district, "11.3", round_id).status == "awaiting"


def test_a_bureau_cannot_certify_another_bureaus_indicator(krs_db):
    _user, district, round_id = report_11_3()
    testing = login_as("testing")
    with pytest.raises(NotAllowed) as refused:
        decisions.certify(testing, district, indicator_id("11.3"), round_id)
    assert "สำนัก" in refused.value.message
    with pytest.raises(NotAllowed):
        decisions.refuse(testing, district, indicator_id("11.3"), round_id, "ผิด", None)
    assert result_of(district, "11.3", round_id).status == "awaiting"
    assert audit_count("certify") == 0 and audit_count("refuse") == 0


def test_a_result_not_reported_cannot_be_certified(krs_db):
    round_id = current_round_id()
    with pytest.raises(ServiceError) as refused:
        decisions.certify(login_as("finance"), district_id("spm07"), indicator_id("11.3"), round_id)
    assert "ไม่ครบ" in refused.value.message
    assert result_of(district_id("spm07"), "11.3", round_id).status == "not_reported"


def test_after_the_certification_deadline_the_bureau_cannot_certify_but_the_kpi_office_can(krs_db):
    _user, district, round_id = report_11_3()
    kpi = login_as("kpi")
    with pytest.raises(ServiceError) as early:
        decisions.certify(kpi, district, indicator_id("11.3"), round_id)
    assert "กพร." in early.value.message
    clock.shift_for_tests(timedelta(days=11))
    with pytest.raises(ServiceError) as late:
        decisions.certify(login_as("finance"), district, indicator_id("11.3"), round_id)
    assert "พ้นกำหนด" in late.value.message
    assert decisions.certify(kpi, district, indicator_id("11.3"), round_id).status == "certified"
    assert result_of(district, "11.3", round_id).certified_by == kpi.id


def test_a_refused_result_can_be_certified_after_an_evidence_only_answer(krs_db):
    round_id = current_round_id()
    refused = districts_with_status("11.3", round_id, "not_certified")[0]
    outcome = decisions.certify(login_as("finance"), refused, indicator_id("11.3"), round_id)
    assert outcome.status == "certified"
    assert result_of(refused, "11.3", round_id).correction_deadline is None


# ---------------------------------------------------------------- refuse


@pytest.mark.parametrize("reason", ["", "   ", None, "ก" * 1001])
def test_refusing_needs_a_reason(krs_db, reason):
    _user, district, round_id = report_11_3()
    with pytest.raises(ServiceError) as refused:
        decisions.refuse(login_as("finance"), district, indicator_id("11.3"), round_id, reason, None)
    assert thai(refused.value.message)
    assert result_of(district, "11.3", round_id).status == "awaiting"
    assert audit_count("refuse") == 0 and audit_count("post_message") == 0


def test_a_refusal_is_posted_in_the_thread_and_raises_the_districts_badge(krs_db, changes):
    district_user, district, round_id = report_11_3()
    deadline = clock.utcnow() + timedelta(days=2)
    outcome = decisions.refuse(
        login_as("finance"), district, indicator_id("11.3"), round_id, "แนบหลักฐานไม่ครบ", deadline, faulty=["1"]
    )
    assert outcome.status == "not_certified" and outcome.score_text == "1.0000"
    result = result_of(district, "11.3", round_id)
    assert result.reason == "แนบหลักฐานไม่ครบ" and result.correction_deadline == deadline
    assert result.refused_by == login_as("finance").id
    message = messages_of(district, "11.3")[-1]
    assert message.sender_side == "bureau" and message.body.startswith("ไม่รับรอง: แนบหลักฐานไม่ครบ")
    assert "ข้อ 1." in message.body and "แก้ไขได้ถึง" in message.body
    page = entry.entry_page(district_user)
    row = next(r for r in page.indicators if r.code == "11.3")
    assert row.new_badge and row.status == "not_certified" and "แนบหลักฐานไม่ครบ" in row.refusal_reason
    assert {c.kind for c in changes if c.district_id == district} >= {"status", "message"}
    assert audit_count("refuse") == 1


def test_faulty_items_must_belong_to_the_result(krs_db):
    _user, district, round_id = report_11_3()
    finance = login_as("finance")
    for faulty in (["z"], ["file:999999"], "1", [1]):
        with pytest.raises(ServiceError):
            decisions.refuse(finance, district, indicator_id("11.3"), round_id, "ผิด", None, faulty=faulty)
    assert result_of(district, "11.3", round_id).status == "awaiting"


@pytest.mark.parametrize("offset", [timedelta(hours=-1), timedelta(0), timedelta(days=12)])
def test_a_correction_deadline_must_be_in_the_certification_period(krs_db, offset):
    _user, district, round_id = report_11_3()
    with pytest.raises(ServiceError) as refused:
        decisions.refuse(login_as("finance"), district, indicator_id("11.3"), round_id, "ผิด", clock.utcnow() + offset)
    assert "กำหนดเวลาแก้ไข" in refused.value.message
    assert result_of(district, "11.3", round_id).status == "awaiting"


def test_crafted_deadlines_are_refused_and_dates_mean_the_end_of_a_thai_day(krs_db):
    _user, district, round_id = report_11_3()
    finance = login_as("finance")
    with pytest.raises(ServiceError):
        decisions.refuse(finance, district, indicator_id("11.3"), round_id, "ผิด", "2030-01-01")
    day = (clock.utcnow() + timedelta(days=3)).date()
    decisions.refuse(finance, district, indicator_id("11.3"), round_id, "ผิด", day)
    stored = result_of(district, "11.3", round_id).correction_deadline
    assert clock.to_bangkok(stored).date() == day and clock.to_bangkok(stored).hour == 23
    aware = (clock.utcnow() + timedelta(days=2)).replace(tzinfo=UTC)
    decisions.refuse(finance, district, indicator_id("11.3"), round_id, "ผิดอีก", aware)
    assert result_of(district, "11.3", round_id).correction_deadline == aware.replace(tzinfo=None)


def test_a_correction_goes_back_to_awaiting_and_raises_the_bureaus_badge(krs_db):
    district_user, district, round_id = report_11_3()
    decisions.refuse(
        login_as("finance"), district, indicator_id("11.3"), round_id, "ผิด", clock.utcnow() + timedelta(days=6)
    )
    clock.shift_for_tests(timedelta(days=5))  # past the district deadline, inside the correction deadline
    assert entry.enter_value(district_user, round_id, variable_id("11.3", "1"), "0").ok
    result = result_of(district, "11.3", round_id)
    assert result.status == "awaiting" and result.correction_deadline is None
    last = messages_of(district, "11.3")[-1]
    assert last.sender_side == "district" and last.body == entry.CORRECTED_MESSAGE
    with session_scope() as session:
        assert (district, indicator_id("11.3")) in threads.badges_for_bureau(session, [indicator_id("11.3")])
    page = review_inbox.review_rows(login_as("finance"), indicator_id("11.3"), new_only=True)
    assert "spm07" in [r.district_code for r in page.rows]


def test_an_ordinary_change_posts_no_correction_message(krs_db):
    district_user, district, round_id = report_11_3()
    entry.enter_value(district_user, round_id, variable_id("11.3", "1"), "0")
    assert not [m for m in messages_of(district, "11.3") if m.body == entry.CORRECTED_MESSAGE]


def test_a_final_refusal_locks_the_district_out(krs_db):
    district_user, district, round_id = report_11_3()
    decisions.refuse(login_as("finance"), district, indicator_id("11.3"), round_id, "ข้อมูลเท็จ", None)
    assert "ไม่เปิดให้แก้ไข" in messages_of(district, "11.3")[-1].body
    refused = entry.enter_value(district_user, round_id, variable_id("11.3", "1"), "0")
    assert not refused.ok and "ไม่เปิดให้แก้ไข" in refused.message


def test_no_correction_after_the_correction_deadline(krs_db):
    district_user, district, round_id = report_11_3()
    decisions.refuse(
        login_as("finance"), district, indicator_id("11.3"), round_id, "ผิด", clock.utcnow() + timedelta(days=1)
    )
    clock.shift_for_tests(timedelta(days=4))  # past both the correction and the district deadline
    refused = entry.enter_value(district_user, round_id, variable_id("11.3", "1"), "0")
    assert not refused.ok and "พ้นกำหนด" in refused.message
    assert result_of(district, "11.3", round_id).status == "not_certified"


def test_refusing_a_certified_or_unreported_result_is_refused(krs_db):
    _user, district, round_id = report_11_3()
    finance = login_as("finance")
    decisions.certify(finance, district, indicator_id("11.3"), round_id)
    with pytest.raises(ServiceError) as certified:
        decisions.refuse(finance, district, indicator_id("11.3"), round_id, "ผิด", None)
    assert "ยกเลิกการรับรองก่อน" in certified.value.message
    with pytest.raises(ServiceError) as unreported:
        decisions.refuse(finance, district_id("spm07"), indicator_id("11.6"), round_id, "ผิด", None)
    assert "แจ้งเตือน" in unreported.value.message


def test_after_the_certification_deadline_the_bureau_cannot_refuse(krs_db):
    _user, district, round_id = report_11_3()
    clock.shift_for_tests(timedelta(days=11))
    with pytest.raises(ServiceError):
        decisions.refuse(login_as("finance"), district, indicator_id("11.3"), round_id, "ผิด", None)
    outcome = decisions.refuse(login_as("kpi"), district, indicator_id("11.3"), round_id, "สำนักไม่ดำเนินการ", None)
    assert outcome.status == "not_certified"


# ---------------------------------------------------------------- undo


def test_undo_before_the_certification_deadline(krs_db, changes):
    district_user, district, round_id = report_11_3()
    finance = login_as("finance")
    decisions.certify(finance, district, indicator_id("11.3"), round_id)
    with pytest.raises(ServiceError) as no_reason:
        decisions.undo_certification(finance, district, indicator_id("11.3"), round_id, " ")
    assert "กรุณาระบุ" in no_reason.value.message
    outcome = decisions.undo_certification(finance, district, indicator_id("11.3"), round_id, "รับรองผิดเขต")
    assert outcome.status == "awaiting"
    result = result_of(district, "11.3", round_id)
    assert result.status == "awaiting" and result.certified_by is None
    assert messages_of(district, "11.3")[-1].body == "ยกเลิกการรับรองผล: รับรองผิดเขต"
    assert audit_count("undo_certification") == 1
    assert entry.enter_value(district_user, round_id, variable_id("11.3", "1"), "0").ok  # unlocked again


def test_no_undo_after_the_certification_deadline(krs_db):
    _user, district, round_id = report_11_3()
    decisions.certify(login_as("finance"), district, indicator_id("11.3"), round_id)
    clock.shift_for_tests(timedelta(days=11))
    with pytest.raises(ServiceError) as refused:
        decisions.undo_certification(login_as("finance"), district, indicator_id("11.3"), round_id, "ขอแก้")
    assert "พ้นกำหนด" in refused.value.message
    assert result_of(district, "11.3", round_id).status == "certified"
    assert audit_count("undo_certification") == 0


def test_undo_needs_a_certified_result(krs_db):
    _user, district, round_id = report_11_3()
    with pytest.raises(ServiceError):
        decisions.undo_certification(login_as("finance"), district, indicator_id("11.3"), round_id, "ขอแก้")


# ---------------------------------------------------------------- every role, before and after the deadline

BEFORE_DEADLINE = timedelta(0)
AFTER_DEADLINE = timedelta(days=11)  # the certification deadline is 10 days 8 hours away
OK = "ok"


def _act(action: str, user, district: int, round_id: int):
    ind = indicator_id("11.3")
    if action == "certify":
        return decisions.certify(user, district, ind, round_id)
    if action == "refuse":
        return decisions.refuse(user, district, ind, round_id, "หลักฐานไม่ครบ", None)
    return decisions.undo_certification(user, district, ind, round_id, "รับรองผิด")


@pytest.mark.parametrize(
    ("action", "username", "when", "expected"),
    [
        (action, username, when, expected)
        for action, table in {
            "certify": {
                "spm07": (NotAllowed, NotAllowed),
                "testing": (NotAllowed, NotAllowed),
                "finance": (OK, ServiceError),
                "kpi": (ServiceError, OK),
            },
            "refuse": {
                "spm07": (NotAllowed, NotAllowed),
                "testing": (NotAllowed, NotAllowed),
                "finance": (OK, ServiceError),
                "kpi": (ServiceError, OK),
            },
            "undo": {
                "spm07": (NotAllowed, NotAllowed),
                "testing": (NotAllowed, NotAllowed),
                "finance": (OK, ServiceError),
                "kpi": (ServiceError, ServiceError),
            },
        }.items()
        for username, outcomes in table.items()
        for when, expected in zip((BEFORE_DEADLINE, AFTER_DEADLINE), outcomes, strict=False)
    ],
)
def test_who_may_decide_when(krs_db, action, username, when, expected):
    _user, district, round_id = report_11_3()
    if action == "undo":
        decisions.certify(login_as("finance"), district, indicator_id("11.3"), round_id)
    before = result_of(district, "11.3", round_id).status
    user = login_as(username)
    clock.shift_for_tests(when)
    if expected == OK:
        outcome = _act(action, user, district, round_id)
        assert outcome.status == {"certify": "certified", "refuse": "not_certified", "undo": "awaiting"}[action]
        assert result_of(district, "11.3", round_id).status == outcome.status
    else:
        with pytest.raises(expected) as refused:
            _act(action, user, district, round_id)
        assert type(refused.value) is expected and thai(refused.value.message)
        assert result_of(district, "11.3", round_id).status == before


# ---------------------------------------------------------------- bulk


def test_bulk_certify_takes_the_complete_awaiting_ones_and_skips_the_rest(krs_db, changes):
    round_id = current_round_id()
    awaiting = districts_with_status("11.3", round_id, "awaiting")[:5]
    certified = districts_with_status("11.3", round_id, "certified")[:2]
    unreported = districts_with_status("11.3", round_id, "not_reported")[:2]
    refused = districts_with_status("11.3", round_id, "not_certified")[:1]
    selection = awaiting + certified + unreported + refused + [10**9, awaiting[0]]
    count = decisions.bulk_certify(login_as("finance"), indicator_id("11.3"), round_id, selection)
    assert count == len(awaiting)
    for d in awaiting:
        assert result_of(d, "11.3", round_id).status == "certified"
    for d in unreported:
        assert result_of(d, "11.3", round_id).status == "not_reported"
    assert result_of(refused[0], "11.3", round_id).status == "not_certified"
    summary = audit_rows("bulk_certify")
    assert len(summary) == 1 and '"skipped": ' in summary[0].after
    assert audit_count("certify") == len(awaiting)
    assert {c.district_id for c in changes if c.kind == "status"} == set(awaiting)


def test_bulk_certify_refuses_crafted_input_and_late_calls(krs_db):
    round_id = current_round_id()
    finance = login_as("finance")
    for crafted in ("1,2", [True], ["3"], None):
        with pytest.raises(ServiceError):
            decisions.bulk_certify(finance, indicator_id("11.3"), round_id, crafted)
    with pytest.raises(NotAllowed):
        decisions.bulk_certify(login_as("testing"), indicator_id("11.3"), round_id, [1])
    clock.shift_for_tests(timedelta(days=11))
    awaiting = districts_with_status("11.3", round_id, "awaiting")
    with pytest.raises(ServiceError):
        decisions.bulk_certify(finance, indicator_id("11.3"), round_id, awaiting)
    assert districts_with_status("11.3", round_id, "awaiting") == awaiting


# ---------------------------------------------------------------- remind


def test_remind_every_district_that_has_not_reported(krs_db, changes):
    round_id = current_round_id()
    unreported = districts_with_status("11.3", round_id, "not_reported")
    spm07 = district_id("spm07")
    assert spm07 in unreported
    deadline = clock.utcnow() + timedelta(days=2)
    count = reminders.remind(login_as("finance"), indicator_id("11.3"), round_id, "กรุณารายงานผล", deadline)
    assert count == len(unreported)
    body = messages_of(spm07, "11.3")[-1].body
    assert body.startswith("แจ้งเตือน: กรุณารายงานผล") and clock.deadline_text(deadline) in body
    row = next(r for r in entry.entry_page(login_as("spm07")).indicators if r.code == "11.3")
    assert row.new_badge
    reported = districts_with_status("11.3", round_id, "awaiting")[0]
    assert not [m for m in messages_of(reported, "11.3") if m.body.startswith("แจ้งเตือน")]
    assert {c.district_id for c in changes if c.kind == "message"} == set(unreported)


def test_remind_chosen_districts(krs_db):
    round_id = current_round_id()
    chosen = [district_id("spm07"), district_id("spm08")]
    count = reminders.remind(
        login_as("finance"), indicator_id("11.3"), round_id, "", clock.utcnow() + timedelta(days=1), chosen
    )
    assert count == 2
    assert "11.3" in messages_of(chosen[1], "11.3")[-1].body
    with pytest.raises(NotFound):
        reminders.remind(
            login_as("finance"), indicator_id("11.3"), round_id, "x", clock.utcnow() + timedelta(days=1), [10**9]
        )


def test_a_reminder_needs_a_future_deadline(krs_db):
    round_id = current_round_id()
    before = audit_count("post_message")
    for deadline in (None, clock.utcnow() - timedelta(hours=1), "พรุ่งนี้"):
        with pytest.raises(ServiceError):
            reminders.remind(login_as("finance"), indicator_id("11.3"), round_id, "x", deadline)
    assert audit_count("post_message") == before


def test_no_reminders_in_a_closed_round(krs_db):
    with session_scope() as session:
        closed = session.exec(select(Round).where(Round.closed == True)).first().id  # noqa: E712
    with pytest.raises(ServiceError):
        reminders.remind(login_as("finance"), indicator_id("11.3"), closed, "x", clock.utcnow() + timedelta(days=1))
    assert round_row(closed).closed
