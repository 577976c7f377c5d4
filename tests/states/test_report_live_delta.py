"""One result certified while a KPI-office tab has the report open: the live refresh sends that
tab the chunk of rows holding the district (and the small vars that changed), never the whole
245-row matrix, and the page put together from what it was sent shows the same numbers as a
report rebuilt from scratch."""

from __future__ import annotations

import json

from sqlalchemy import select, update

from krs_app.db.engine import session_scope
from krs_app.db.models import District, Result
from krs_app.live.bus import Change, announce
from krs_app.seed.demo import DEMO_PASSWORD
from krs_app.services import auth
from krs_app.services.report_matrix import invalidate_matrices
from krs_app.state.report_matrix import ReportMatrixState
from krs_app.state.report_rows import CHUNK_NAMES, rows_in_order
from tests.services.helpers import current_round_id
from tests.states.tabs import run_event, tab

FIELD = "_rx_state_"
NAME = ReportMatrixState.get_full_name()


def _open_report() -> tuple:
    """A KPI-office tab on /report, loaded, and the report's vars as its browser received them."""
    token, _user = auth.login("kpi", DEMO_PASSWORD)
    root = tab(token)
    state = root.get_substate(NAME.split(".")[1:])
    run_event(state, "load")
    page = {name: [] for name in CHUNK_NAMES} | _sent(root)  # the page starts with every var at its default
    root._clean()
    return root, state, page


def _sent(root) -> dict:
    """The report state's vars in the delta the tab would be sent now, as the browser parses it."""
    from reflex_base.utils.format import json_dumps

    delta = json.loads(json_dumps(root.get_delta()))
    return {key.removesuffix(FIELD): value for key, value in delta.get(NAME, {}).items()}


def _bytes(values: dict) -> int:
    from reflex_base.utils.format import json_dumps

    return len(json_dumps(values).encode())


def _shown(page: dict) -> list:
    """What the page shows: per row its rank, code, overall and every cell, and the sums."""
    rows = [
        (rank, row["code"], row["overall"], [tuple(cell.values()) for cell in row["cells"]])
        for rank, row in rows_in_order(page)
    ]
    return [rows, page["column_means"], page["mean_overall_text"], page["status_counts"], page["overall_histogram"]]


def _certify_one(round_id: int) -> tuple[int, str, int]:
    """An awaiting result with a high computed score certified (its district's overall and rank move)."""
    with session_scope() as session:
        result_id, district_id, indicator_id, code = session.execute(
            select(Result.id, Result.district_id, Result.indicator_id, District.code)
            .join(District, District.id == Result.district_id)
            .where(Result.round_id == round_id, Result.status == "awaiting", Result.score >= 3)
            .order_by(Result.score.desc(), Result.id)
        ).first()
        session.execute(update(Result).where(Result.id == result_id).values(status="certified"))
    return district_id, code, indicator_id


def test_one_certified_result_sends_only_the_chunk_holding_its_district(krs_db):
    round_id = current_round_id()
    root, state, page = _open_report()
    assert len(rows_in_order(page)) == 245
    whole = _bytes({name: page[name] for name in (*CHUNK_NAMES, "row_order")})
    rank_before = {row["code"]: rank for rank, row in rows_in_order(page)}

    district_id, code, indicator_id = _certify_one(round_id)
    change = Change(district_id=district_id, round_id=round_id, indicator_id=indicator_id, kind="status")
    announce(change)
    state._live_refresh(change)
    sent = _sent(root)

    holding = [name for name in CHUNK_NAMES if any(row["code"] == code for row in page[name])]
    assert [name for name in CHUNK_NAMES if name in sent] == holding
    assert "row_order" in sent  # its overall rose: ranks moved, the chunks of the others did not
    assert _bytes(sent) < whole / 20, (_bytes(sent), whole)

    page.update(sent)
    rank_after = {row["code"]: rank for rank, row in rows_in_order(page)}
    assert rank_after[code] < rank_before[code]
    invalidate_matrices()  # the whole matrix rebuilt from the database, in a new tab
    _root, _state, fresh = _open_report()
    assert _shown(page) == _shown(fresh)


def test_nothing_changed_sends_no_rows(krs_db):
    root, state, page = _open_report()
    state._live_refresh(Change(district_id=1, round_id=int(page["round_id"]), indicator_id=None, kind="status"))
    assert not [name for name in (*CHUNK_NAMES, "row_order", "columns") if name in _sent(root)]
