"""The central-data page's import preview (up to 5,000 lines and a token of up to 4 MB) is not
loaded, stored or sent by the grid's events, such as saving one cell."""

from __future__ import annotations

import reflex as rx
from reflex.istate.manager.redis import StateManagerRedis

from krs_app.state.central import CentralState
from krs_app.state.central_import import MAX_SHOWN_ITEMS, WRONG_TARGET, CentralImportState

PREVIEW_FIELDS = {"preview_changes", "preview_refused", "preview_problems", "preview_shown", "_token"}


def _states_loaded_for(cls) -> set:
    """The states Reflex's Redis manager reads (and writes back) to handle an event of `cls`."""
    manager = StateManagerRedis.__new__(StateManagerRedis)
    return manager._get_required_state_classes(cls, subclasses=True)


def _fields(cls) -> set[str]:
    return set(cls.get_fields())  # vars and backend vars, inherited ones included


def test_a_grid_event_loads_no_preview():
    loaded = _states_loaded_for(CentralState)
    assert CentralState in loaded
    assert CentralImportState not in loaded
    assert not [cls.__name__ for cls in loaded if _fields(cls) & PREVIEW_FIELDS]


def test_the_preview_state_holds_the_preview():
    assert _fields(CentralImportState) >= PREVIEW_FIELDS


def _import_state() -> CentralImportState:
    root = rx.State(_reflex_internal_init=True)
    return root.get_substate(CentralImportState.get_full_name().split(".")[1:])


def _answer(**extra) -> dict:
    change = {"line": 2, "district_code": "spm07", "district_name": "สพม.7", "summary": "a: 1 → 2"}
    return {
        "ok": True,
        "token": "signed",
        "indicator_id": 5,
        "round_id": 2,
        "changes": [change],
        "value_count": 1,
    } | extra


def test_a_preview_for_the_shown_indicator_is_shown_and_capped():
    state = _import_state()
    state._show(_answer(changes=[_answer()["changes"][0]] * (MAX_SHOWN_ITEMS + 10)), "5", "2")
    assert state.preview_shown and state._token == "signed"
    assert len(state.preview_changes) == MAX_SHOWN_ITEMS
    assert state.preview_changes[0].district_code == "spm07"


def test_a_preview_of_another_indicator_is_refused_and_nothing_is_kept():
    state = _import_state()
    state._show(_answer(), "5", "2")
    state._show(_answer(indicator_id=6), "5", "2")
    assert not state.preview_shown and state._token == "" and state.preview_changes == []
    assert (state.import_ok, state.import_message) == (False, WRONG_TARGET)
