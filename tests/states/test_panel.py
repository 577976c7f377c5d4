"""The evidence and message windows (PanelState), driven as the websocket would call them."""

from __future__ import annotations

import reflex as rx
from reflex.istate.data import RouterData
from sqlmodel import select

from krs_app.db.engine import session_scope
from krs_app.db.models import Indicator
from krs_app.routes import SESSION_COOKIE
from krs_app.seed.demo import DEMO_PASSWORD
from krs_app.services import auth, threads
from krs_app.services.catalogue import current_round
from krs_app.services.errors import ServiceError
from krs_app.state.entry import EntryState
from krs_app.state.panel import PanelState
from krs_app.state.review import ReviewState


def _panel(username: str) -> PanelState:
    token, _user = auth.login(username, DEMO_PASSWORD)
    root = rx.State(_reflex_internal_init=True)
    panel = root.get_substate(PanelState.get_full_name().split(".")[1:])
    # The HttpOnly session cookie, as the server reads it from the websocket's handshake headers.
    panel.router = RouterData.from_router_data({"headers": {"cookie": f"{SESSION_COOKIE}={token}"}})
    return panel


def _target() -> tuple[int, int, str]:
    """spm07 × 11.2 in the current round."""
    district_id = auth.login("spm07", DEMO_PASSWORD)[1].district_id
    with session_scope() as session:
        current = current_round(session)
        indicator_id = (
            session.exec(
                select(Indicator).where(Indicator.code == "11.2", Indicator.fiscal_year_id == current.fiscal_year_id)
            )
            .one()
            .id
        )  # the catalogue belongs to a fiscal year: the current round's 11.2
        return indicator_id, district_id, str(current.id)


def test_opening_a_badge_that_cannot_be_recorded_shows_the_thread_and_says_why(krs_db, monkeypatch):
    """When the service refuses to record the opening, the thread still shows, with its Thai message."""
    indicator_id, district_id, round_id = _target()
    panel = _panel("spm07")

    def refuse(user, district_id, indicator_id):
        raise ServiceError("บันทึกการเปิดอ่านไม่ได้")

    monkeypatch.setattr(threads, "mark_opened", refuse)
    PanelState.open_badge.fn(panel, indicator_id, district_id, round_id, "11.2")
    assert panel.comments_open
    assert panel.comment_error == "บันทึกการเปิดอ่านไม่ได้"


def test_the_kpi_office_opening_a_badge_through_the_panel_is_sent_home(krs_db):
    """No page of the KPI office hosts the panel (it reads threads, it never clears a badge):
    its events are refused by the guard before any service runs."""
    indicator_id, district_id, round_id = _target()
    panel = _panel("kpi")
    answer = PanelState.open_badge.fn(panel, indicator_id, district_id, round_id, "11.2")
    assert not panel.comments_open and panel.messages == []
    assert answer is not None and "/report" in str(answer)


def test_a_district_opening_its_badge_sees_no_error(krs_db):
    indicator_id, district_id, round_id = _target()
    panel = _panel("spm07")
    PanelState.open_badge.fn(panel, indicator_id, district_id, round_id, "11.2")
    assert panel.comments_open and panel.comment_error == ""


def test_the_panel_asks_its_host_page_to_reload(krs_db):
    """Each host page hands the panel its refresh event; a role without one gets none."""
    panel = _panel("spm07")
    for role, expected in (("district", EntryState.refresh), ("bureau", ReviewState.refresh), ("kpi_office", None)):
        panel.user_role = role
        assert PanelState.refresh_page.fn(panel) is expected
