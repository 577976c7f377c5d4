"""Issue 12 items 10, 15, 16: the thread's length rule, whom a reminder reaches and the reminders
sent, the bureau's new-data counts per indicator, and the district's summary of what needs it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from krs_app.services import clock, entry, overview, reminders, threads
from krs_app.services.entry_summary import entry_summary
from krs_app.services.errors import NotAllowed, ServiceError
from tests.services.helpers import (
    audit_count,
    current_round_id,
    district_id,
    districts_with_status,
    indicator_id,
    login_as,
    variable_id,
)

# ---------------------------------------------------------------- item 10: the length rule


def test_a_message_over_the_limit_is_refused_whole_saying_how_much_to_cut(krs_db):
    user = login_as("spm07")
    before = audit_count("post_message")
    with pytest.raises(ServiceError) as raised:
        threads.post_message(user, user.district_id, indicator_id("11.3"), None, "ก" * 2345)
    assert "2,000" in raised.value.message and "2,345" in raised.value.message and "345" in raised.value.message
    assert audit_count("post_message") == before
    assert threads.message_length("  " + "ข" * 2000 + "\n") == 2000  # what the counter counts is what the rule counts


def test_posting_answers_the_new_messages_id(krs_db):
    user = login_as("spm07")
    message_id = threads.post_message(user, user.district_id, indicator_id("11.3"), None, "แนบแล้วครับ")
    assert threads.thread(user, user.district_id, indicator_id("11.3"))[-1].id == message_id


# ---------------------------------------------------------------- item 15: reminders


def test_the_reach_of_a_reminder_is_known_before_sending_and_matches_what_is_sent(krs_db):
    finance, round_id = login_as("finance"), current_round_id()
    unreported = districts_with_status("11.3", round_id, "not_reported")
    reach = reminders.reminder_reach(finance, indicator_id("11.3"), round_id)
    assert reach > 0
    sent = reminders.remind(finance, indicator_id("11.3"), round_id, "", clock.utcnow() + timedelta(days=2))
    assert reach == sent
    # Districts without a result row have not reported either: the reach counts them too.
    assert reach >= len(unreported)


def test_sent_reminders_are_listed_with_when_who_how_many_and_the_text(krs_db):
    finance, round_id = login_as("finance"), current_round_id()
    assert reminders.sent_reminders(finance, indicator_id("11.3"), round_id) == []
    deadline = clock.utcnow() + timedelta(days=3)
    first = reminders.remind(finance, indicator_id("11.3"), round_id, "", deadline)
    chosen = [district_id("spm07"), district_id("spm08")]
    reminders.remind(finance, indicator_id("11.3"), round_id, "กรุณาแนบหลักฐานด้วย", deadline, chosen)
    listed = reminders.sent_reminders(finance, indicator_id("11.3"), round_id)
    assert [r.districts for r in listed] == [2, first]  # newest first
    assert listed[0].body == "กรุณาแนบหลักฐานด้วย"
    assert listed[1].body == "กรุณารายงานผลการดำเนินงานตัวชี้วัดที่ 11.3"  # the default text that was sent
    assert listed[0].sender == finance.display_name
    assert listed[0].deadline_text == clock.deadline_text(deadline)
    assert listed[0].sent_text.endswith(" น.") and "25" in listed[0].sent_text  # Thai date, Buddhist era
    # Another indicator's list, another round's list: not these.
    assert reminders.sent_reminders(finance, indicator_id("11.2"), round_id) == []


def test_only_the_owning_bureau_sees_the_reach_and_the_list(krs_db):
    round_id = current_round_id()
    for username in ("testing", "spm07"):
        with pytest.raises(NotAllowed):
            reminders.reminder_reach(login_as(username), indicator_id("11.3"), round_id)
        with pytest.raises(NotAllowed):
            reminders.sent_reminders(login_as(username), indicator_id("11.3"), round_id)


def test_a_reminder_that_would_reach_nobody_is_refused_and_nothing_is_recorded(krs_db, monkeypatch):
    finance, round_id = login_as("finance"), current_round_id()
    monkeypatch.setattr(reminders, "_not_reported", lambda session, indicator, round_: [])
    before = (audit_count("remind"), audit_count("post_message"))
    with pytest.raises(ServiceError) as raised:
        reminders.remind(finance, indicator_id("11.3"), round_id, "x", clock.utcnow() + timedelta(days=1))
    assert raised.value.message == reminders.NOBODY_TO_REMIND
    assert (audit_count("remind"), audit_count("post_message")) == before


# ---------------------------------------------------------------- item 16: across indicators


def _summary_of(code: str, username: str = "finance"):
    return next(s for s in overview.indicator_overview(login_as(username)).summaries if s.code == code)


def test_the_bureau_summary_counts_new_data_per_indicator(krs_db):
    district = login_as("spm16")
    before_11_3, before_11_2 = _summary_of("11.3").new_data, _summary_of("11.2").new_data
    threads.post_message(district, district.district_id, indicator_id("11.3"), None, "แนบเอกสารเพิ่มแล้ว")
    threads.post_message(district, district.district_id, indicator_id("11.3"), None, "อีกฉบับ")  # same pair: 1
    assert _summary_of("11.3").new_data == before_11_3 + 1
    assert _summary_of("11.2").new_data == before_11_2
    assert _summary_of("11.3", "kpi").new_data == before_11_3 + 1  # the KPI office's overview too
    threads.mark_opened(login_as("finance"), district.district_id, indicator_id("11.3"))
    assert _summary_of("11.3").new_data == before_11_3


def _row(rows, code):
    return next(r for r in rows if r.code == code)


def test_the_district_sees_which_bureau_owns_each_indicator(krs_db):
    rows = entry.entry_page(login_as("spm07")).indicators
    assert _row(rows, "11.3").bureau == "สำนักการคลังและสินทรัพย์"
    assert _row(rows, "12").bureau == "สำนักพัฒนาระบบบริหารงานบุคคลและนิติการ"
    assert all(r.bureau for r in rows)


def test_the_district_summary_lists_new_messages_refusals_with_deadlines_and_missing_values(krs_db):
    spm16 = login_as("spm16")
    round_id = current_round_id()
    threads.post_message(login_as("audit"), spm16.district_id, indicator_id("9.1"), None, "ขอเอกสารเพิ่ม")
    assert entry.enter_value(spm16, round_id, variable_id("2.1", "a"), "").ok  # one value taken out again
    rows = entry.entry_page(spm16).indicators
    summary = entry_summary(rows)
    by_kind = {}
    for item in summary.items:
        by_kind.setdefault(item.kind, []).append(item)
    assert [i.code for i in by_kind["message"]] == ["9.1"]
    assert by_kind["message"][0].focus_id == "new-badge-9_1" and by_kind["message"][0].row_id == "indicator-9_1"
    assert "หน่วยตรวจสอบภายใน" in by_kind["message"][0].text
    refused = {r.code for r in rows if r.status == "not_certified"}
    assert refused and {i.code for i in by_kind["refused"]} == refused
    for item in by_kind["refused"]:
        row = _row(rows, item.code)
        assert row.correction_deadline_text and row.correction_deadline_text in item.text
    missing = next(i for i in by_kind["missing"] if i.code == "2.1")
    assert missing.text == "ยังไม่ได้กรอก: a" and missing.focus_id == "value-2_1-a"
    assert [i.kind for i in summary.items] == sorted(
        (i.kind for i in summary.items), key=["message", "refused", "missing"].index
    )
    assert summary.headline.startswith(f"ต้องดำเนินการ {len(summary.items)} รายการ")


def test_a_district_with_nothing_to_do_is_told_so(krs_db):
    rows = [r for r in entry.entry_page(login_as("spm16")).indicators if r.status == "certified"]
    summary = entry_summary(rows)
    assert summary.items == [] and summary.headline == "ไม่มีรายการที่ต้องดำเนินการในรอบนี้"
