"""Live updates: after a service commits, refresh the states of the browsers watching it.

Services announce a Change on the bus (krs_app.live.bus). Here, once per app process,
a listener turns each Change into watch keys (the district, the bureau owning the
indicator, the KPI office), looks up the registered browser tokens, and for each runs
`app.modify_state(...)` calling that state's `_live_refresh(change)`. Only the browsers
watching the change are touched, and each reloads only what it shows.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import reflex as rx
from sqlmodel import select

from krs_app.db.engine import session_scope
from krs_app.db.models import Indicator
from krs_app.live import bus
from krs_app.live.registry import KPI_KEY, bureau_key, district_key, get_registry

logger = logging.getLogger(__name__)

_loop: asyncio.AbstractEventLoop | None = None
_indicator_owner: dict[int, int] = {}


def _owner_bureau(indicator_id: int | None) -> int | None:
    if indicator_id is None:
        return None
    if indicator_id not in _indicator_owner:
        with session_scope() as session:
            for indicator in session.exec(select(Indicator)):
                _indicator_owner[indicator.id] = indicator.bureau_id
    return _indicator_owner.get(indicator_id)


def keys_for(change: bus.Change) -> list[str]:
    keys = [district_key(change.district_id), KPI_KEY]
    owner = _owner_bureau(change.indicator_id)
    if owner is not None:
        keys.append(bureau_key(owner))
    elif change.indicator_id is None:
        keys.append("bureau:*")
    return keys


def _state_class(full_name: str) -> type[rx.State] | None:
    from krs_app.state.entry import EntryState
    from krs_app.state.home import KpiHomeState
    from krs_app.state.review import ReviewState

    for cls in (EntryState, ReviewState, KpiHomeState):
        if cls.get_full_name() == full_name:
            return cls
    return None


async def _refresh_one(app: Any, token: str, state_name: str, change: bus.Change) -> None:
    cls = _state_class(state_name)
    if cls is None:
        return
    namespace = app.event_namespace
    if namespace is not None and not await namespace._token_manager.is_token_connected(token):
        get_registry().remove_token(token)
        return
    try:
        async with app.modify_state(rx.BaseStateToken(ident=token, cls=cls)) as root:
            state = await root.get_state(cls)
            await asyncio.to_thread(state._live_refresh, change)
    except Exception:  # noqa: BLE001
        logger.exception("live refresh failed for %s", token)


async def dispatch(change: bus.Change) -> None:
    from krs_app.krs_app import app

    viewers = [(token, state) for token, state in get_registry().viewers(keys_for(change)) if token != change.origin]
    if viewers:
        await asyncio.gather(*(_refresh_one(app, token, state, change) for token, state in viewers))


def _on_change(change: bus.Change) -> None:
    """Bus listener: may be called from the event loop or from a worker thread."""
    loop = _loop
    if loop is None or loop.is_closed():
        return
    try:
        running = asyncio.get_running_loop()
    except RuntimeError:
        running = None
    if running is loop:
        loop.create_task(dispatch(change))
    else:
        asyncio.run_coroutine_threadsafe(dispatch(change), loop)


def start_live_updates() -> None:
    """Call once per process from a lifespan task, inside the running loop."""
    global _loop
    _loop = asyncio.get_running_loop()
    bus.subscribe(_on_change)


def watch(state: rx.State, key: str) -> None:
    """Register this browser's state as a viewer of a watch key."""
    token = state.router.session.client_token
    if token:
        get_registry().add(key, token, type(state).get_full_name())
