"""The report page's state for each role, driven as the websocket would call it: a bureau gets
its own indicators across every district, a district its own row and standing, and no crafted
event argument widens a district's view to another office's data."""

from __future__ import annotations

import reflex as rx
from reflex.istate.data import RouterData
from sqlmodel import select

from krs_app.db.engine import session_scope
from krs_app.db.models import Bureau, Round
from krs_app.routes import SESSION_COOKIE
from krs_app.seed.demo import DEMO_PASSWORD
from krs_app.services import auth
from krs_app.state.report_matrix import ReportMatrixState
from krs_app.state.report_rows import rows_in_order


def _report(username: str) -> ReportMatrixState:
    token, _user = auth.login(username, DEMO_PASSWORD)
    root = rx.State(_reflex_internal_init=True)
    state = root.get_substate(ReportMatrixState.get_full_name().split(".")[1:])
    state.router = RouterData.from_router_data({"headers": {"cookie": f"{SESSION_COOKIE}={token}"}})
    return state


def _rows(state: ReportMatrixState) -> list:
    """The rows the page shows, in its order (put together from the chunk vars as the page does)."""
    return [row for _rank, row in rows_in_order(state._values())]


def _codes_seen(state: ReportMatrixState) -> set[str]:
    return {row.code for row in _rows(state)}


def test_a_bureau_sees_its_own_indicators_across_every_district(krs_db):
    state = _report("finance")
    assert ReportMatrixState.load.fn(state) is None  # stays on /report: not sent away
    assert state.scope == "bureau"
    assert [c.code for c in state.columns] == ["7.1", "7.2", "11.2", "11.3", "11.4", "11.6"]
    assert len(_rows(state)) == 245 and state.standing_text == ""
    assert state.bureaus == []  # no choosing another bureau's indicators
    own = auth.login("finance", DEMO_PASSWORD)[1].bureau_id
    with session_scope() as session:
        other = session.exec(select(Bureau).where(Bureau.id != own)).first()
    ReportMatrixState.set_bureau.fn(state, str(other.id))
    assert [c.code for c in state.columns] == ["7.1", "7.2", "11.2", "11.3", "11.4", "11.6"]


def test_a_district_sees_its_own_row_and_standing(krs_db):
    state = _report("spm07")
    assert ReportMatrixState.load.fn(state) is None
    assert state.scope == "district"
    assert _codes_seen(state) == {"spm07"} and len(state.columns) == 26
    kpi = _report("kpi")
    ReportMatrixState.load.fn(kpi)
    rank = next(rank for rank, r in rows_in_order(kpi._values()) if r.code == "spm07")
    assert state.standing_text.startswith(f"อันดับ {rank} จาก 245 เขต")


def test_a_district_cannot_reach_other_districts_through_crafted_event_arguments(krs_db):
    state = _report("spm07")
    ReportMatrixState.load.fn(state)
    with session_scope() as session:
        bureau_ids = [str(b.id) for b in session.exec(select(Bureau))]
        round_ids = [str(r.id) for r in session.exec(select(Round))]
    crafted = [
        (ReportMatrixState.set_level, ["primary", "secondary", "", "' OR 1=1 --"]),
        (ReportMatrixState.set_province, ["เชียงใหม่", "กรุงเทพมหานคร", "x" * 500]),
        (ReportMatrixState.set_bureau, [*bureau_ids, "-1", "99999999999999999999"]),
        (ReportMatrixState.sort_by, ["overall", "code", "11.2", "name"]),
        (ReportMatrixState.change_round, [*round_ids, "0", "abc"]),
        (ReportMatrixState.set_chart_indicator, ["11.2", "7.1"]),
    ]
    for event, arguments in crafted:
        for argument in arguments:
            event.fn(state, argument)
            assert _codes_seen(state) <= {"spm07"}, (event, argument)
            assert state.scope in ("district", "")
            for chart in (state.overall_histogram, state.indicator_histogram):
                assert sum(bar["count"] for bar in chart) <= 1  # its own result only, never the others'
    ReportMatrixState.change_round.fn(state, round_ids[0])
    assert _codes_seen(state) == {"spm07"}
