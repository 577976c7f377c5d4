"""Live updates: after a service commits, refresh the browsers watching it.

Services announce a Change on the bus (krs_app.live.bus). Here, once per app process,
a listener turns each Change into watch keys (the district, the bureau owning the
indicator, the KPI office) and looks up the registered browser tabs. Only the tabs
watching the change are touched. Two ways, by page:

- Pushed (the district's entry page, the page with many viewers: every staff member of a
  district, on every process): the new values are computed once per district and round,
  sent as one encoded packet to all those tabs, and each tab is marked stale instead of
  having its stored state loaded and rewritten (with Redis that is a read, a lock and a
  write per tab). A stale tab reloads its rows at its next event (EntryState._catch_up),
  so nothing it sends afterwards can take the screen back. Sessions are checked for all
  the tabs in one query.
- Refreshed (review, KPI and central-data pages: few viewers, each with their own filters):
  `app.modify_state(...)` per tab, calling that state's `_live_refresh(change, memo)`.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import Any

import reflex as rx
from reflex_base.constants.state import FIELD_MARKER

from krs_app.db.engine import session_scope
from krs_app.live import bus
from krs_app.live.registry import KPI_KEY, Viewer, bureau_key, district_key, get_registry
from krs_app.services import auth
from krs_app.services.catalogue import load_entry
from krs_app.services.errors import NotFound

logger = logging.getLogger(__name__)

_loop: asyncio.AbstractEventLoop | None = None


def _owner_bureau(indicator_id: int | None) -> int | None:
    """The bureau owning an indicator, from the per-process catalogue cache."""
    if indicator_id is None:
        return None
    with session_scope() as session:
        try:
            return load_entry(session, indicator_id).indicator.bureau_id
        except NotFound:
            return None


def keys_for(change: bus.Change) -> list[str]:
    keys = [district_key(change.district_id), KPI_KEY]
    owner = _owner_bureau(change.indicator_id)
    if owner is not None:
        keys.append(bureau_key(owner))
    elif change.indicator_id is None:
        keys.append("bureau:*")
    return keys


def _state_class(full_name: str) -> type[rx.State] | None:
    """A state refreshed per tab."""
    from krs_app.state.central import CentralState
    from krs_app.state.home import KpiHomeState
    from krs_app.state.review import ReviewState

    for cls in (ReviewState, KpiHomeState, CentralState):
        if cls.get_full_name() == full_name:
            return cls
    return None


def _pushed_class(full_name: str) -> type[rx.State] | None:
    """A state whose tabs are pushed the same values (see the module docstring)."""
    from krs_app.state.entry import EntryState

    return EntryState if EntryState.get_full_name() == full_name else None


class RefreshMemo:
    """One dispatch's cache: what every viewer of a change would load identically
    (the user behind a session token, a district's changed rows) is loaded once."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values: dict[Any, Any] = {}
        self._key_locks: dict[Any, threading.Lock] = {}
        self.warm = False

    def get(self, key: Any, compute):
        with self._lock:
            if key in self._values:
                return self._values[key]
            key_lock = self._key_locks.setdefault(key, threading.Lock())
        with key_lock:
            with self._lock:
                if key in self._values:
                    return self._values[key]
            value = compute()
            with self._lock:
                self._values[key] = value
            return value


def _delta_signature(delta: dict) -> tuple:
    """Equal for deltas holding the same values: shared objects by identity, plain values by value."""
    items = []
    for state_name, fields in delta.items():
        for key, value in fields.items():
            plain = value is None or isinstance(value, (str, int, float, bool))
            items.append((state_name, key, value if plain else ("id", id(value))))
    return tuple(sorted(items, key=repr))


async def _refresh_one(
    app: Any, token: str, state_name: str, change: bus.Change, memo: RefreshMemo, groups: dict
) -> None:
    """Update one viewer's server-side state; collect its delta to be sent with the same ones."""
    cls = _state_class(state_name)
    if cls is None:
        return
    namespace = app.event_namespace
    if namespace is not None and not await namespace._token_manager.is_token_connected(token):
        get_registry().remove_token(token)
        return
    try:
        with app.set_contexts():
            async with app.state_manager.modify_state_with_links(rx.BaseStateToken(ident=token, cls=cls)) as root:
                state = await root.get_state(cls)
                if memo.warm:
                    state._live_refresh(change, memo)
                else:
                    await asyncio.to_thread(state._live_refresh, change, memo)
                delta = await root._get_resolved_delta()
                root._clean()
        if delta:
            signature = _delta_signature(delta)
            groups.setdefault(signature, (delta, []))[1].append(token)
    except Exception:
        logger.exception("live refresh failed for %s", token)


async def _send_groups(app: Any, groups: dict) -> None:
    from reflex.state import StateUpdate

    namespace = app.event_namespace
    manager = namespace._token_manager
    for delta, tokens in groups.values():
        update = StateUpdate(delta=delta)
        local, remote = [], []
        for token in tokens:
            record = manager.token_to_socket.get(token)
            (local if record is not None and record.instance_id == manager.instance_id else remote).append(
                (token, record)
            )
        if local:
            # python-socketio encodes the packet once for a list of recipients.
            await namespace.emit("event", update, to=[record.sid for _, record in local])
        for token, _ in remote:
            await namespace.emit_update(update=update, token=token)


def _push_groups(
    change: bus.Change, viewers: list[Viewer], memo: RefreshMemo, groups: dict, connected, prune_disconnected: bool
) -> list[str]:
    """Group the pushed tabs by the values they are sent; returns the tabs to mark stale.

    Runs in a worker thread (database reads). A closed tab is forgotten when this process
    knows every connection (embedded); a tab that reconnects registers again on load."""
    registry = get_registry()
    sessions = auth.live_district_sessions({v.session for v in viewers}, change.district_id)
    stale: list[str] = []
    by_context: dict[tuple[str, str], list[str]] = {}
    for viewer in viewers:
        if viewer.token not in connected:
            if prune_disconnected:
                registry.remove_token(viewer.token)
            continue
        if viewer.session not in sessions:
            registry.remove_token(viewer.token)  # logged out or idle too long: no more pushes
            continue
        by_context.setdefault((viewer.state, viewer.context), []).append(viewer.token)
    for (state_name, context), tokens in by_context.items():
        cls = _pushed_class(state_name)
        values = cls._live_delta(change, context, memo) if cls is not None else None
        if not values:
            continue
        delta = {state_name: {name + FIELD_MARKER: value for name, value in values.items()}}
        groups.setdefault(_delta_signature(delta), (delta, []))[1].extend(tokens)
        stale.extend(tokens)
    return stale


async def dispatch(change: bus.Change, local_only: bool = False) -> None:
    from krs_app.krs_app import app

    manager = app.event_namespace._token_manager if app.event_namespace is not None else None
    viewers = [v for v in get_registry().viewers(keys_for(change)) if v.token != change.origin]
    if local_only and manager is not None:
        mine = manager.instance_id
        viewers = [
            v for v in viewers if (r := manager.token_to_socket.get(v.token)) is not None and r.instance_id == mine
        ]
    if not viewers:
        return
    memo = RefreshMemo()
    groups: dict = {}
    pushed = [v for v in viewers if _pushed_class(v.state) is not None]
    refreshed = [v for v in viewers if _pushed_class(v.state) is None]
    if pushed:
        connected = manager.token_to_socket if manager is not None else {v.token for v in pushed}
        stale = await asyncio.to_thread(
            _push_groups, change, pushed, memo, groups, connected, manager is not None and not local_only
        )
        if stale:
            # Before sending: a tab's event that starts after this reloads first (EntryState._catch_up).
            await asyncio.to_thread(get_registry().mark_stale, stale)
    if refreshed:
        # The first viewer of each page loads what the others share (in a thread: database
        # work); the rest only assign it, on the event loop.
        first: dict[str, Viewer] = {}
        for viewer in refreshed:
            first.setdefault(viewer.state, viewer)
        await asyncio.gather(*(_refresh_one(app, v.token, v.state, change, memo, groups) for v in first.values()))
        memo.warm = True
        done = set(first.values())
        await asyncio.gather(
            *(_refresh_one(app, v.token, v.state, change, memo, groups) for v in refreshed if v not in done)
        )
    await _send_groups(app, groups)


_redis_pub = None
_tasks: set = set()
CHANNEL = "krs:live-changes"


def _on_change(change: bus.Change) -> None:
    """Bus listener: may be called from the event loop or from a worker thread.

    With Redis (several app processes), the change is published to every process, and each
    refreshes only the browsers connected to it; otherwise it is dispatched here."""
    if _redis_pub is not None:
        import dataclasses
        import json

        _redis_pub.publish(CHANNEL, json.dumps(dataclasses.asdict(change)))
        return
    _schedule(change, local_only=False)


def _schedule(change: bus.Change, local_only: bool) -> None:
    loop = _loop
    if loop is None or loop.is_closed():
        return
    try:
        running = asyncio.get_running_loop()
    except RuntimeError:
        running = None
    if running is loop:
        loop.create_task(dispatch(change, local_only))
    else:
        asyncio.run_coroutine_threadsafe(dispatch(change, local_only), loop)


async def _listen(url: str) -> None:
    import json

    import redis.asyncio as aioredis

    client = aioredis.Redis.from_url(url)
    async with client.pubsub() as pubsub:
        await pubsub.subscribe(CHANNEL)
        async for message in pubsub.listen():
            if message.get("type") != "message":
                continue
            try:
                change = bus.Change(**json.loads(message["data"]))
            except Exception:
                logger.exception("bad live change message")
                continue
            task = asyncio.get_running_loop().create_task(dispatch(change, True))
            _tasks.add(task)
            task.add_done_callback(_tasks.discard)


def start_live_updates() -> None:
    """Call once per process from a lifespan task, inside the running loop."""
    global _loop, _redis_pub
    _loop = asyncio.get_running_loop()
    from krs_app.settings import get_settings

    url = get_settings().redis_url
    if url:
        import redis

        _redis_pub = redis.Redis.from_url(url)
        _tasks.add(_loop.create_task(_listen(url)))
    bus.subscribe(_on_change)


def watch(state: rx.State, key: str, context: str = "") -> None:
    """Register this browser's state as a viewer of a watch key (context: what it shows of it)."""
    token = state.router.session.client_token
    if token:
        session = auth.session_key(state._session_token())
        get_registry().add(key, Viewer(token, type(state).get_full_name(), session, context))


def take_stale(state: rx.State) -> bool:
    """Whether a live push left this tab's stored state behind what its screen shows (clears it)."""
    token = state.router.session.client_token
    return bool(token) and get_registry().take_stale(token)
