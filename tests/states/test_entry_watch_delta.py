"""A live push to the watching /entry tabs of a district (EntryState._live_delta over
services.entry.page_for_watchers) sends what a full load of the district's page shows: the
changed indicator's row slot, the overall score, the summary and the round's texts, for refused,
not-applicable, not-assessed and certified rows alike; the round's catalogue text, kept once per
round, is made again when what it shows changes (a bureau renamed)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from krs_app.db.engine import session_scope
from krs_app.db.models import Bureau
from krs_app.live.bus import Change
from krs_app.live.dispatch import RefreshMemo
from krs_app.services import clock, entry, entry_shared
from krs_app.services.entry_summary import entry_summary
from krs_app.state.entry import ROW_SLOTS, EntryState
from tests.services.helpers import current_round_id, district_id, indicator_id, login_as, set_result


def _push(user, code: str) -> dict:
    round_id = current_round_id()
    page = entry.entry_page(user, round_id)
    context = f"{round_id}:{entry_shared.catalogue_tag(page.catalogue)}"  # as the tab registered
    change = Change(district_id=user.district_id, round_id=round_id, indicator_id=indicator_id(code), kind="certify")
    return EntryState._live_delta(change, context, RefreshMemo())


def _expected(user, code: str) -> dict:
    page = entry.entry_page(user, current_round_id())
    position = next(n for n, text in enumerate(page.catalogue) if text.code == code)
    summary = entry_summary(page.indicators)
    return {
        "summary_headline": summary.headline,
        "attention_count": len(summary.items),
        "round_label": page.round_label,
        "round_closed": page.round_closed,
        "deadline_text": page.deadline_text,
        "countdown_text": page.countdown_text,
        "overall_text": page.overall_text,
        ROW_SLOTS[position]: page.row_states[position],
    }


@pytest.fixture
def varied_results(krs_db):
    round_id, later = current_round_id(), clock.utcnow() + timedelta(days=5)
    spm07, spm16 = district_id("spm07"), district_id("spm16")
    set_result(spm07, "11.3", round_id, status="not_certified", reason="ข้อมูลไม่ครบ", correction_deadline=later)
    set_result(spm07, "11.2", round_id, status="certified", score=5.0)
    set_result(spm16, "11.2", round_id, status="awaiting", not_applicable=True, not_applicable_reason="ไม่มีโรงเรียน")
    set_result(spm16, "11.3", round_id, status="not_certified", reason="ไม่รับรอง: ผิด")


@pytest.mark.parametrize("username", ["spm07", "spm16", "spm01"])
@pytest.mark.parametrize("code", ["11.2", "11.3", "11.5", "4.2"])
def test_a_push_sends_the_same_row_summary_and_score_as_a_full_page_load(varied_results, username, code):
    user = login_as(username)
    assert _push(user, code) == _expected(user, code)


def test_a_renamed_bureau_reaches_the_next_page_load_and_push(varied_results):
    user = login_as("spm07")
    before = entry.entry_page(user, current_round_id()).catalogue
    with session_scope() as session:
        bureau = session.exec(select(Bureau).where(Bureau.name == before[0].bureau)).one()
        old_name, bureau.name = bureau.name, "สำนักทดสอบ"
        session.add(bureau)
    after = entry.entry_page(user, current_round_id()).catalogue
    assert any(t.bureau == "สำนักทดสอบ" for t in after)
    assert old_name not in {t.bureau for t in after}
    assert entry_shared.catalogue_tag(after) != entry_shared.catalogue_tag(before)
    assert _push(user, "11.3") == _expected(user, "11.3")
