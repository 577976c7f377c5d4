"""Sessions the server ends are logged out live: a password change ends the user's other
sessions, and their open tabs get their office data reset and the login page (with why),
in this process and, over Redis, in every other one (live.sessions_ended, live.dispatch)."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from types import SimpleNamespace

import pytest
import reflex as rx

from krs_app.live import bus, dispatch
from krs_app.live.registry import get_registry
from krs_app.live.sessions_ended import log_out_tabs
from krs_app.seed.demo import DEMO_PASSWORD
from krs_app.services import accounts, auth, offices, own_password
from krs_app.state.entry import EntryState
from krs_app.state.login import ENDED_MESSAGES
from krs_app.state.session import SessionBoundary, SessionState
from tests.services.helpers import login_as
from tests.states.tabs import tab as _tab

NEW_PASSWORD = "Kettle-Blue-Sings-2569"
REDIS_URL = "redis://127.0.0.1:6379/14"


class _FakeApp:
    """The little of a Reflex app the live layer uses: stored states by client token and a
    socket namespace whose sockets are all held by this process; what is sent is kept."""

    def __init__(self, tabs: dict[str, rx.State]) -> None:
        self.tabs = tabs
        self.sent: dict[str, list] = {}
        instance = "this-process"
        sockets = {token: SimpleNamespace(sid="sid-" + token, instance_id=instance) for token in tabs}

        async def is_token_connected(token: str) -> bool:
            return token in sockets

        manager = SimpleNamespace(token_to_socket=sockets, instance_id=instance, is_token_connected=is_token_connected)

        async def emit(_event, update, to):
            for sid in to:
                self.sent.setdefault(sid.removeprefix("sid-"), []).append(update)

        async def emit_update(update, token):
            self.sent.setdefault(token, []).append(update)

        self.event_namespace = SimpleNamespace(_token_manager=manager, emit=emit, emit_update=emit_update)
        app = self

        class _Manager:
            @contextlib.asynccontextmanager
            async def modify_state_with_links(self, state_token):
                yield app.tabs[state_token.ident]

        self.state_manager = _Manager()

    def set_contexts(self):
        return contextlib.nullcontext()


def _two_tabs_of_one_user():
    """spm07 logged in twice (two browsers), each tab past the session boundary, showing office data."""
    mine, _user = auth.login("spm07", DEMO_PASSWORD)
    other, _user = auth.login("spm07", DEMO_PASSWORD)
    mine_tab, other_tab = f"tab-{uuid.uuid4().hex}", f"tab-{uuid.uuid4().hex}"
    roots = {mine_tab: _tab(mine, mine_tab), other_tab: _tab(other, other_tab)}
    return mine, other, mine_tab, other_tab, roots


async def _through_boundary(roots: dict[str, rx.State]) -> None:
    for root in roots.values():
        await SessionBoundary().preprocess(None, root, None)
        (await root.get_state(EntryState)).district_name = "สพม. เขต 7"


def _entry_fields(update) -> dict:
    return next(fields for name, fields in update.delta.items() if name.endswith("entry_state"))


def test_a_password_change_logs_the_users_other_tab_out_with_its_office_data_reset(krs_db, ended):
    mine, other, mine_tab, other_tab, roots = _two_tabs_of_one_user()
    app = _FakeApp(roots)

    async def case():
        await _through_boundary(roots)
        own_password.change_own_password(mine, DEMO_PASSWORD, NEW_PASSWORD, NEW_PASSWORD)
        assert [n.session_keys for n in ended] == [(auth.session_key(other),)]
        logged_out = await log_out_tabs(app, ended[0])
        assert logged_out == [other_tab]
        # The other tab: its office data reset on the server and on its screen, then the login page.
        [update] = app.sent[other_tab]
        assert _entry_fields(update)["district_name_rx_state_"] == ""
        assert [(e.name, e.payload["path"]) for e in update.events] == [("_redirect", "/login?ended=password_changed")]
        other_root = roots[other_tab]
        assert (await other_root.get_state(EntryState)).district_name == ""
        assert (await other_root.get_state(SessionState))._session_key == ""
        # Its next event (the login page's load) finds no session and keeps it reset.
        await SessionBoundary().preprocess(None, other_root, None)
        assert (await other_root.get_state(EntryState))._user_with_role("district") is None
        # The tab that changed the password keeps its session and its page.
        assert mine_tab not in app.sent
        assert (await roots[mine_tab].get_state(EntryState)).district_name == "สพม. เขต 7"
        assert get_registry().session_tabs([auth.session_key(other)]) == {}
        # The same notice again (a second process's relay): nothing more is sent.
        assert await log_out_tabs(app, ended[0]) == []

    asyncio.run(case())
    assert ENDED_MESSAGES["password_changed"] == "บัญชีนี้ถูกออกจากระบบ เนื่องจากมีการเปลี่ยนรหัสผ่าน"


@pytest.mark.parametrize(
    ("action", "reason"),
    [
        (lambda kpi: accounts.reset_password(kpi, "spm07"), "password_reset"),
        (lambda kpi: accounts.set_account_active(kpi, "spm07", False), "deactivated"),
        (lambda kpi: offices.set_district_active(kpi, "spm07", False), "deactivated"),
    ],
    ids=["password reset", "account deactivated", "office deactivated"],
)
def test_the_kpi_office_ending_a_users_sessions_logs_both_tabs_out_saying_why(krs_db, ended, action, reason):
    _mine, _other, mine_tab, other_tab, roots = _two_tabs_of_one_user()
    app = _FakeApp(roots)

    async def case():
        await _through_boundary(roots)
        action(login_as("kpi"))
        [notice] = [n for n in ended if n.reason == reason]
        assert sorted(await log_out_tabs(app, notice)) == sorted([mine_tab, other_tab])
        for tab in (mine_tab, other_tab):
            [update] = app.sent[tab]
            assert [e.payload["path"] for e in update.events] == [f"/login?ended={reason}"]
            assert (await roots[tab].get_state(EntryState)).district_name == ""
        assert ENDED_MESSAGES[reason].startswith("บัญชีนี้ถูกออกจากระบบ เนื่องจาก")

    asyncio.run(case())


def test_a_tab_that_moved_on_to_another_session_is_not_logged_out(krs_db):
    """The notice names sessions, and a tab is logged out only while its stored state still
    belongs to one of them: a tab once of the ended session, now of another user's, stays."""
    ended_token, _user = auth.login("spm07", DEMO_PASSWORD)
    newcomer, _user = auth.login("spm01", DEMO_PASSWORD)
    client_token = f"tab-{uuid.uuid4().hex}"
    root = _tab(newcomer, client_token)
    app = _FakeApp({client_token: root})

    async def case():
        await SessionBoundary().preprocess(None, root, None)
        get_registry().bind_session(client_token, auth.session_key(ended_token))  # what it was bound to before
        notice = bus.SessionsEnded(user_id=0, session_keys=(auth.session_key(ended_token),), reason="password_reset")
        assert await log_out_tabs(app, notice) == []
        assert app.sent == {}
        assert (await root.get_state(SessionState))._session_key == auth.session_key(newcomer)

    asyncio.run(case())


def _redis_or_skip():
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping()
    except Exception as error:  # noqa: BLE001
        pytest.skip(f"Redis does not answer at {REDIS_URL}: {error}")
    import redis

    return redis.Redis.from_url(REDIS_URL)


def test_over_redis_the_process_holding_the_tab_logs_it_out(krs_db, ended, monkeypatch):
    """Scaled out, the notice is published on the live channel; the process that holds the
    tab's socket (here: the listener of this one, as every process listens) logs it out."""
    publisher = _redis_or_skip()
    monkeypatch.setattr(dispatch, "CHANNEL", f"krs-test-live-{uuid.uuid4().hex}")
    mine, _other, mine_tab, other_tab, roots = _two_tabs_of_one_user()
    app = _FakeApp(roots)

    async def case():
        await _through_boundary(roots)
        live = dispatch._LiveUpdates(app, asyncio.get_running_loop(), publisher)
        listener = asyncio.get_running_loop().create_task(live.listen(REDIS_URL))
        for _ in range(100):  # until subscribed
            if publisher.pubsub_numsub(dispatch.CHANNEL)[0][1]:
                break
            await asyncio.sleep(0.02)
        own_password.change_own_password(mine, DEMO_PASSWORD, NEW_PASSWORD, NEW_PASSWORD)
        live.on_sessions_ended(ended[0])  # what the bus calls: published, not done here
        assert app.sent == {}
        for _ in range(200):
            if other_tab in app.sent:
                break
            await asyncio.sleep(0.02)
        listener.cancel()
        [update] = app.sent[other_tab]
        assert [e.payload["path"] for e in update.events] == ["/login?ended=password_changed"]
        assert (await roots[other_tab].get_state(SessionState))._session_key == ""
        assert mine_tab not in app.sent

    asyncio.run(case())
