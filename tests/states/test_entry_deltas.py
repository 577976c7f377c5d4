"""What บันทึกข้อมูล sends: an edit's reply, and a watching tab's live push, carry the changed
row alone (its slot var), not the whole page; tabs of one district and round hold the same rows.

The browser is sent what the state's delta holds (Reflex sends each changed var whole), so the
delta built after the event is what a user's connection carries."""

from __future__ import annotations

import asyncio
import json

from reflex.utils.format import json_dumps

from krs_app.live.bus import Change
from krs_app.live.dispatch import RefreshMemo
from krs_app.live.registry import get_registry
from krs_app.seed.demo import DEMO_PASSWORD
from krs_app.services import auth
from krs_app.services.entry_shared import catalogue_tag
from krs_app.state.entry import ROW_SLOTS, EntryState
from krs_app.state.session import SessionBoundary
from tests.states.tabs import run_event, tab

MARKER = "_rx_state_"


def _entry_tab(username: str, client_token: str) -> EntryState:
    """A tab of the user on /entry, loaded, its delta sent (clean)."""
    token, _user = auth.login(username, DEMO_PASSWORD)
    root = tab(token, client_token)
    entry = asyncio.run(root.get_state(EntryState))
    asyncio.run(SessionBoundary().preprocess(None, root, None))
    run_event(entry, "load")
    root._clean()
    return entry


def _delta(entry: EntryState) -> dict:
    """What the tab is sent now: the entry state's part of the delta, its var names plain."""
    root = entry._get_root_state()
    delta = asyncio.run(root._get_resolved_delta())
    root._clean()
    part = delta.get(EntryState.get_full_name()) or {}
    return {key.removesuffix(MARKER): value for key, value in part.items()}


def _position(entry: EntryState, code: str) -> int:
    return next(n for n, text in enumerate(entry.get_value("catalogue")) if text.code == code)


def _flag_cell(entry: EntryState, code: str):
    text = entry.get_value("catalogue")[_position(entry, code)]
    return next(v for v in text.variables if v.mode == "input")


def test_an_edit_sends_only_the_changed_rows_slot_and_a_small_reply(krs_db):
    entry = _entry_tab("spm07", "tab-edit")
    cell = _flag_cell(entry, "11.3")
    run_event(entry, "save_cell", cell.id, cell.element_id, "1")
    delta = _delta(entry)

    slot = ROW_SLOTS[_position(entry, "11.3")]
    assert {name for name in delta if name.startswith("row_")} == {slot}
    assert "catalogue" not in delta and "indicators" not in delta
    assert delta[slot].values == ("1",) and delta[slot].score_text == "5.0000"
    assert delta["saved_cells"] == [cell.element_id]
    size = len(json_dumps(delta).encode())
    assert size <= 2000, f"an edit's reply is {size} bytes"


def test_a_watching_tabs_live_push_holds_only_the_changed_row(krs_db):
    entry = _entry_tab("spm07", "tab-watch")
    user = auth.login("spm07", DEMO_PASSWORD)[1]
    text = entry.get_value("catalogue")[_position(entry, "11.3")]
    change = Change(district_id=user.district_id, round_id=int(entry.round_id), indicator_id=text.id, kind="value")

    context = f"{entry.round_id}:{catalogue_tag(entry.get_value('catalogue'))}"  # as the tab registered (_watch)
    values = EntryState._live_delta(change, context, RefreshMemo())

    assert {name for name in values if name.startswith("row_")} == {ROW_SLOTS[_position(entry, "11.3")]}
    assert "catalogue" not in values and "indicators" not in values
    assert len(json.dumps(values, default=repr).encode()) < 10_000

    # Tabs that loaded the round's catalogue before the KPI office edited it get it again, whole.
    stale = EntryState._live_delta(change, f"{entry.round_id}:0ld", RefreshMemo())
    assert stale["catalogue"] == entry.get_value("catalogue")
    assert {name for name in stale if name.startswith("row_")} == set(ROW_SLOTS[: len(stale["catalogue"])])


def test_two_tabs_of_a_district_and_round_hold_the_same_row_objects(krs_db):
    first = _entry_tab("spm07", "tab-one")
    second = _entry_tab("spm07", "tab-two")
    other_district = _entry_tab("spm16", "tab-three")

    assert first.get_value("catalogue") is second.get_value("catalogue")
    assert first.get_value("catalogue") is other_district.get_value("catalogue")  # one per round
    count = len(first.get_value("catalogue"))
    assert all(first.get_value(slot) is second.get_value(slot) for slot in ROW_SLOTS[:count])


def test_a_tab_a_live_push_left_ahead_of_its_stored_rows_is_sent_them_all_at_its_next_event(krs_db):
    """A push reaches the screen without touching the tab's stored rows (live.dispatch): the next
    reload cannot tell what changed from the stored rows, so it sends every row (else the screen
    would keep what the push showed, such as a new-data badge opened since)."""
    entry = _entry_tab("spm07", "tab-pushed")
    count = len(entry.get_value("catalogue"))
    run_event(entry, "refresh")
    assert not any(name.startswith("row_") for name in _delta(entry))  # nothing changed, nothing sent

    get_registry().mark_stale(["tab-pushed"])
    run_event(entry, "refresh")
    delta = _delta(entry)
    assert {name for name in delta if name.startswith("row_")} == set(ROW_SLOTS[:count])
    assert "summary_headline" in delta and "attention_count" in delta


def test_a_round_with_more_indicators_than_slots_shows_the_first_ones_and_says_so(krs_db, monkeypatch):
    import krs_app.state.entry as entry_state

    monkeypatch.setattr(entry_state, "MAX_ROWS", 5)
    entry = _entry_tab("spm07", "tab-too-many")
    assert len(entry.get_value("catalogue")) == 5
    assert "เกิน 5 ตัว" in entry.notice
