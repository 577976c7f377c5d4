"""SessionBoundary and the guard against services.session_cache: an answer from before a logout
is never trusted after it (auth.logout forgets the session after its commit)."""

from __future__ import annotations

import asyncio
import uuid

from krs_app.live.registry import district_key, get_registry
from krs_app.live.targets import watch
from krs_app.seed.demo import DEMO_PASSWORD
from krs_app.services import auth
from krs_app.state.entry import EntryState
from krs_app.state.session import SessionBoundary, SessionState
from tests.states.tabs import tab as _tab


def test_after_a_logout_the_boundary_resets_the_tab_at_its_next_event(krs_db):
    """One event resolves the user (the boundary, then the handler's guard); the user logs out
    through POST /api/logout meanwhile; the next event must not reuse that answer."""
    token, _user = auth.login("spm07", DEMO_PASSWORD)

    async def case():
        root = _tab(token)
        session = await root.get_state(SessionState)
        entry = await root.get_state(EntryState)
        boundary = SessionBoundary()
        await boundary.preprocess(None, root, None)
        assert session._session_key == auth.session_key(token)
        assert entry._user_with_role("district") is not None  # the guard of the same event
        entry.district_name = "สพม. เขต 7"  # office data the page shows
        auth.logout(token)  # what /api/logout does
        await boundary.preprocess(None, root, None)
        assert session._session_key == ""
        assert entry.district_name == ""
        assert entry._user_with_role("district") is None

    asyncio.run(case())


def test_the_live_layer_registers_a_tab_under_the_session_behind_its_cookie(krs_db):
    """watch() reads the same server-side token as the boundary (the handshake's HttpOnly
    cookie): the dispatcher pushes only to tabs whose session is still logged in."""
    token, user = auth.login("spm07", DEMO_PASSWORD)
    client_token = str(uuid.uuid4())

    async def case():
        root = _tab(token, client_token)
        entry = await root.get_state(EntryState)
        watch(entry, district_key(user.district_id), "1")
        viewers = [v for v in get_registry().viewers([district_key(user.district_id)]) if v.token == client_token]
        assert [v.session for v in viewers] == [auth.session_key(token)]
        assert auth.live_district_sessions({viewers[0].session}, user.district_id) == {viewers[0].session}
        get_registry().remove_token(client_token)

    asyncio.run(case())
