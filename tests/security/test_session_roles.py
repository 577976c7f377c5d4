"""Role escalation through every guarded event: a district calling the bureau's, the KPI
office's and the central-data events, a bureau calling the district's and the KPI office's,
the KPI office calling the district's and the bureau's. Each call is sent over the real
websocket from a logged-in tab with plausible arguments naming another office; the guard
sends the tab to its own home and the database is exactly as before."""

from __future__ import annotations

import asyncio
import inspect
import threading
import typing

import pytest

from krs_app.state.admin import AdminState
from krs_app.state.admin_accounts import AdminAccountsState
from krs_app.state.admin_audit import AdminAuditState
from krs_app.state.admin_indicators import AdminIndicatorsState
from krs_app.state.admin_offices import AdminOfficesState
from krs_app.state.admin_rounds import AdminRoundsState
from krs_app.state.central import CentralState
from krs_app.state.entry import EntryState
from krs_app.state.extensions import ExtensionState
from krs_app.state.home import KpiHomeState
from krs_app.state.panel import PanelState
from krs_app.state.review import ReviewState
from tests.security.session_client import Tab, login, redirect_of
from tests.security.session_fixtures import CURRENT_11_3

STATES = (EntryState, PanelState, ReviewState, KpiHomeState, ExtensionState, CentralState)
ADMIN_STATES = (
    AdminState,
    AdminRoundsState,
    AdminIndicatorsState,
    AdminAccountsState,
    AdminOfficesState,
    AdminAuditState,
)
STATES += ADMIN_STATES  # /admin: every event is the KPI office's
CALLERS = {"district": ("spm07", "/entry"), "bureau": ("finance", "/review"), "kpi_office": ("kpi", "/report")}
FINGERPRINT_SQL = {
    "values": "SELECT count(*), coalesce(sum(value), 0) FROM value",
    "results": "SELECT count(*), group_concat(status || ':' || coalesce(score, ''), ',') FROM result",
    "messages": "SELECT count(*), max(id), count(opened_at) FROM message",
    "evidence": "SELECT count(*), count(withdrawn_at), count(received_at) FROM evidence_file",
    "audit": "SELECT count(*), max(id) FROM audit_log",
    "rounds": "SELECT group_concat(coalesce(closed_at, '-'), ',') FROM round",
}


def _guarded_events() -> list[tuple[type, str, tuple[str, ...]]]:
    found = []
    for cls in STATES:
        for name, handler in sorted(cls.event_handlers.items()):
            roles = getattr(handler.fn, "__krs_roles__", None)
            if roles is not None:
                found.append((cls, name, roles))
    return found


CASES = [
    pytest.param(role, cls, name, id=f"{role}->{cls.__name__}.{name}")
    for cls, name, roles in _guarded_events()
    for role in CALLERS
    if role not in roles
]


def test_every_handler_that_reads_or_writes_office_data_is_guarded():
    """The list above is the real surface: only plain view toggles are left unguarded."""
    unguarded = {
        f"{cls.__name__}.{name}"
        for cls in STATES
        for name, handler in cls.event_handlers.items()
        if getattr(handler.fn, "__krs_roles__", None) is None
    }
    allowed = {"setvar", "set_evidence_open", "set_comments_open", "refresh_page", "set_search", "set_level"}
    allowed |= {"toggle_selected", "select_all_shown", "clear_selection", "set_detail_open", "open_refuse"}
    allowed |= {"cancel_refuse", "set_bulk_confirm_open", "set_remind_open", "set_filter"}
    allowed |= {"count_comment"}  # PanelState: the comment box's counter keeps a length only; nothing stored
    allowed |= {"set_scope"}  # ExtensionState: which fields the form shows; the submit is guarded
    allowed |= {"hide_saved_mark"}  # EntryState: clears the brief "บันทึกแล้ว" mark; no office data
    # Dialog toggles like open_refuse: a flag (or the id the user clicked) only; the confirmed
    # action (withdraw, mark_not_applicable) is guarded and authorized by its service.
    allowed |= {"ask_withdraw", "cancel_withdraw", "open_not_applicable", "cancel_not_applicable"}
    assert {name.split(".")[1] for name in unguarded} <= allowed, unguarded
    assert len(CASES) >= 40


class _LoopThread:
    """One event loop in its own thread for the module's websocket tabs: the test thread may
    already run Playwright's sync loop (the run's shared Chromium), where a second loop cannot run."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run_until_complete(self, coro):
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout=120)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)
        self.loop.close()


@pytest.fixture(scope="module")
def session_loop():
    loop = _LoopThread()
    yield loop
    loop.close()


@pytest.fixture(scope="module")
def session_targets(session_server):
    victim = session_server.one("SELECT id FROM district WHERE code = 'spm01'")["id"]
    indicator = session_server.one(CURRENT_11_3)
    variable = session_server.one("SELECT id FROM variable WHERE indicator_id = ? ORDER BY id", indicator["id"])
    current = session_server.one("SELECT id FROM round WHERE closed_at IS NULL ORDER BY id DESC")
    file_row = session_server.one("SELECT id FROM evidence_file ORDER BY id")
    return {
        "district_id": victim,
        "indicator_id": indicator["id"],
        "variable_id": variable["id"],
        "round_id": current["id"] if current else 1,
        "file_id": file_row["id"] if file_row else 1,
    }


@pytest.fixture(scope="module")
def session_tabs(session_server, session_loop):
    tabs = {}
    for role, (username, _home) in CALLERS.items():
        tab = Tab(session_server.url)
        session_loop.run_until_complete(login(tab, username))
        tabs[role] = tab
    yield tabs
    for tab in tabs.values():
        session_loop.run_until_complete(tab.close())


def _argument(name: str, hint, targets: dict):
    form = {
        "reason": "x",
        "undo_reason": "x",
        "deadline": "2099-01-01",
        "comment": "ข้อความจากผู้ไม่มีสิทธิ์",
        "district_code": "spm01",
        "indicator_code": "11.3",
        "until": "2099-01-01",
        "remind_message": "x",
        "remind_deadline": "2099-01-01",
    }
    if hint is dict:
        return {"ok": True, "message": "x", "token": "forged"} if name in ("outcome", "result") else form
    if hint is bool:
        return True
    value = targets.get(name, 1)
    return value if hint is int else str(value if name in targets else "1")


def _fingerprint(server) -> dict:
    return {key: tuple(server.one(sql)) for key, sql in FINGERPRINT_SQL.items()}


@pytest.mark.parametrize(("role", "cls", "name"), CASES)
def test_role_escalation_is_refused_and_changes_nothing(
    role, cls, name, session_server, session_loop, session_tabs, session_targets
):
    tab = session_tabs[role]
    handler = cls.event_handlers[name]
    hints = typing.get_type_hints(handler.fn)
    params = list(inspect.signature(handler.fn).parameters)[1:]
    payload = {p: _argument(p, hints.get(p), session_targets) for p in params}
    before = _fingerprint(session_server)

    async def call():
        await tab.send(f"{cls.get_full_name()}.{name}", payload, CALLERS[role][1])
        message = await tab.until(lambda m: redirect_of(m) is not None, timeout=15)
        await tab.settle(0.2)
        return redirect_of(message)

    assert session_loop.run_until_complete(call()) == CALLERS[role][1]  # sent to its own home
    assert _fingerprint(session_server) == before
    assert session_server.alive()
