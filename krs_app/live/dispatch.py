"""Live updates: after a service commits, refresh the browsers watching it.

Services announce a Change on the bus (live.bus). Here, once per app process, a listener
turns each Change into watch keys (the district, the bureau owning the indicator, the KPI
office) and looks up the registered browser tabs (live.registry). Only the tabs watching the
change are touched, in one of the two ways their state registered for (live.targets):

- Pushed (the district's entry page, the page with many viewers: every staff member of a
  district, on every process): the new values are computed once per district and round,
  sent as one encoded packet to all those tabs, and each tab is marked stale instead of
  having its stored state loaded and rewritten (with Redis that is a read, a lock and a
  write per tab). A stale tab reloads its rows at its next event (EntryState._catch_up),
  so nothing it sends afterwards can take the screen back. Sessions are checked for all
  the tabs in one query.
- Refreshed (review, KPI and central-data pages: few viewers, each with their own filters):
  each tab's stored state is loaded and its `_live_refresh(change, memo)` called.

With Redis (several app processes) a change is published to every process, and each
refreshes only the browsers connected to it. A bus.SessionsEnded (the server ended a
user's sessions) takes the same way, on the same channel, to live.sessions_ended, which
logs those sessions' tabs out. The app object is handed in by
start_live_updates(app); the Reflex internals used are in live.reflex_adapter.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import dataclasses
import json
import logging
import threading
import time
import uuid
from typing import Any

from krs_app.live import bus
from krs_app.live.reflex_adapter import Connections, field_delta, refresh_stored_state, send_delta
from krs_app.live.registry import KPI_KEY, Viewer, bureau_key, district_key, get_registry
from krs_app.live.sessions_ended import log_out_tabs
from krs_app.live.targets import pushed_class, refreshed_class
from krs_app.services import auth, lookups

logger = logging.getLogger(__name__)

CHANNEL = "krs:live-changes"
SESSIONS_ENDED = "sessions_ended"  # the key of a SessionsEnded message on CHANNEL (a Change has none)
RESYNC = "resync"  # a process subscribed again after losing Redis: the others resend what they kept
RESEND_SECONDS = 60.0  # what a process published this long ago is resent after a Redis restart
RESEND_LIMIT = 2000
RECONNECT_FIRST, RECONNECT_MAX = 0.2, 2.0  # the listener's pause before subscribing again (doubling)


def keys_for(change: bus.Change) -> list[str]:
    keys = [district_key(change.district_id), KPI_KEY]
    owner = lookups.indicator_bureau(change.indicator_id)
    if owner is not None:
        keys.append(bureau_key(owner))
    elif change.indicator_id is None:
        keys.append("bureau:*")
    return keys


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


def _add_to_group(groups: dict, delta: dict, tokens: list[str]) -> None:
    groups.setdefault(_delta_signature(delta), (delta, []))[1].extend(tokens)


async def _refresh_one(
    app: Any, viewer: Viewer, change: bus.Change, memo: RefreshMemo, groups: dict, connections: Connections
) -> None:
    """Update one viewer's server-side state; collect its delta to be sent with the same ones."""
    cls = refreshed_class(viewer.state)
    if cls is None:
        return
    token = viewer.token
    if not await connections.is_connected(token):
        get_registry().remove_token(token)
        return

    async def refresh(state) -> None:
        if memo.warm:
            state._live_refresh(change, memo)
        else:
            await asyncio.to_thread(state._live_refresh, change, memo)

    try:
        delta = await refresh_stored_state(app, token, cls, refresh)
        if delta:
            _add_to_group(groups, delta, [token])
    except Exception:
        logger.exception("live refresh failed for %s", token)


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
        cls = pushed_class(state_name)
        values = cls._live_delta(change, context, memo) if cls is not None else None
        if not values:
            continue
        _add_to_group(groups, field_delta(state_name, values), tokens)
        stale.extend(tokens)
    return stale


def _push_and_mark_stale(
    change: bus.Change, viewers: list[Viewer], memo: RefreshMemo, groups: dict, connected, prune_disconnected: bool
) -> None:
    """_push_groups, then its tabs marked stale, in one worker-thread job: the mark must be made
    before sending (a tab's event that starts after it reloads first: EntryState._catch_up), and a
    second job would wait behind every other change's build queued meanwhile (a bulk certification
    queues one per district)."""
    stale = _push_groups(change, viewers, memo, groups, connected, prune_disconnected)
    if stale:
        get_registry().mark_stale(stale)


async def dispatch(app: Any, change: bus.Change, local_only: bool = False) -> None:
    """Update the tabs watching this change (only those connected here when `local_only`)."""
    connections = Connections(app)
    viewers = [v for v in get_registry().viewers(keys_for(change)) if v.token != change.origin]
    if local_only and connections.known:
        viewers = [v for v in viewers if connections.is_local(v.token)]
    if not viewers:
        return
    memo = RefreshMemo()
    groups: dict = {}
    pushed = [v for v in viewers if pushed_class(v.state) is not None]
    refreshed = [v for v in viewers if pushed_class(v.state) is None]
    if pushed:
        connected = connections.connected_here() if connections.known else {v.token for v in pushed}
        await asyncio.to_thread(
            _push_and_mark_stale, change, pushed, memo, groups, connected, connections.known and not local_only
        )
    if refreshed:
        # The first viewer of each page loads what the others share (in a thread: database
        # work); the rest only assign it, on the event loop.
        first: dict[str, Viewer] = {}
        for viewer in refreshed:
            first.setdefault(viewer.state, viewer)
        await asyncio.gather(*(_refresh_one(app, v, change, memo, groups, connections) for v in first.values()))
        memo.warm = True
        done = set(first.values())
        await asyncio.gather(
            *(_refresh_one(app, v, change, memo, groups, connections) for v in refreshed if v not in done)
        )
    for delta, tokens in groups.values():
        await send_delta(app, delta, tokens)


class _LiveUpdates:
    """This process's listener: the app, its event loop, and (with Redis) the publisher.

    Redis may go away (a restart) and come back. What this process published in the last
    RESEND_SECONDS is kept, a publish that failed too (nothing can be dispatched meanwhile:
    the viewer registry is in Redis as well). The listener reconnects by itself, and once subscribed
    again it publishes what it kept and asks every other process for theirs (RESYNC): so a
    change made while Redis was down, or while a process was not yet subscribed again,
    reaches every process's open tabs after the restart (a dispatch repeated is harmless:
    the tabs are sent the same values again)."""

    def __init__(self, app: Any, loop: asyncio.AbstractEventLoop, redis_pub=None) -> None:
        self.app = app
        self.loop = loop
        self.redis_pub = redis_pub
        self.tasks: set[asyncio.Task] = set()
        self.instance = uuid.uuid4().hex
        self.recent: collections.deque[tuple[float, str]] = collections.deque(maxlen=RESEND_LIMIT)
        self._recent_lock = threading.Lock()
        self.lost = False  # the listener lost Redis and has not subscribed again yet

    def on_change(self, change: bus.Change) -> None:
        """Bus listener: may be called from the event loop or from a worker thread."""
        if self.redis_pub is not None:
            self._publish(json.dumps(dataclasses.asdict(change)))
            return
        self.schedule(lambda: dispatch(self.app, change, False))

    def on_sessions_ended(self, notice: bus.SessionsEnded) -> None:
        """Bus listener for ended sessions: their tabs, on every process, are logged out."""
        if self.redis_pub is not None:
            self._publish(json.dumps({SESSIONS_ENDED: dataclasses.asdict(notice)}))
            return
        self.schedule(lambda: log_out_tabs(self.app, notice, False))

    def _publish(self, payload: str) -> None:
        """Publish to every process (this one included); kept for a resend after a Redis restart."""
        with self._recent_lock:
            self.recent.append((time.monotonic(), payload))
        try:
            self.redis_pub.publish(CHANNEL, payload)
        except Exception as error:  # noqa: BLE001 - Redis down or restarting: resent once it is back
            logger.warning("live change not published (%s); resent once Redis answers", error)

    def _kept(self) -> list[str]:
        with self._recent_lock:
            since = time.monotonic() - RESEND_SECONDS
            while self.recent and self.recent[0][0] < since:
                self.recent.popleft()
            return [payload for _at, payload in self.recent]

    def schedule(self, work) -> None:
        """Run the coroutine `work()` makes on this process's event loop."""
        loop = self.loop
        if loop.is_closed():
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            self._track(loop.create_task(work()))
        else:
            asyncio.run_coroutine_threadsafe(work(), loop)

    def _track(self, task: asyncio.Task) -> None:
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def listen(self, url: str) -> None:
        """Each process dispatches, to the tabs connected to it, every change published; the
        subscription is made again whenever Redis drops it, and then the process catches up."""
        import redis.asyncio as aioredis

        pause = RECONNECT_FIRST
        while True:
            client = aioredis.Redis.from_url(url)
            try:
                async with client.pubsub() as pubsub:
                    await pubsub.subscribe(CHANNEL)
                    async for message in pubsub.listen():
                        pause = RECONNECT_FIRST
                        if message.get("type") == "subscribe":
                            if self.lost:
                                logger.info("live changes channel subscribed again: catching up")
                                await self._resend(client, ask_others=True)
                            self.lost = False
                        elif message.get("type") == "message":
                            await self._received(client, message["data"])
            except asyncio.CancelledError:
                raise
            except Exception as error:  # noqa: BLE001 - Redis restarted or unreachable: subscribe again
                if not self.lost:
                    logger.warning("live changes channel lost (%s); reconnecting", error)
                self.lost = True
            finally:
                with contextlib.suppress(Exception):
                    await client.aclose()
            await asyncio.sleep(pause)
            pause = min(pause * 2, RECONNECT_MAX)

    async def _resend(self, client, ask_others: bool) -> None:
        for payload in self._kept():
            await client.publish(CHANNEL, payload)
        if ask_others:
            await client.publish(CHANNEL, json.dumps({RESYNC: self.instance}))

    async def _received(self, client, raw) -> None:
        try:
            data = json.loads(raw)
            if RESYNC in data:
                if data[RESYNC] != self.instance:  # another process subscribed again: what it may have missed
                    await self._resend(client, ask_others=False)
                return
            if SESSIONS_ENDED in data:
                ended = data[SESSIONS_ENDED]
                notice = bus.SessionsEnded(ended["user_id"], tuple(ended["session_keys"]), ended["reason"])
                work = log_out_tabs(self.app, notice, True)
            else:
                work = dispatch(self.app, bus.Change(**data), True)
        except Exception:
            logger.exception("bad live change message")
            return
        self._track(asyncio.get_running_loop().create_task(work))


_running: _LiveUpdates | None = None


def start_live_updates(app: Any) -> None:
    """Call once per process from a lifespan task of `app`, inside the running loop."""
    global _running
    from krs_app.settings import get_settings

    if _running is not None:
        bus.unsubscribe(_running.on_change)
        bus.unsubscribe_sessions_ended(_running.on_sessions_ended)
    loop = asyncio.get_running_loop()
    url = get_settings().redis_url
    redis_pub = None
    if url:
        import redis

        redis_pub = redis.Redis.from_url(url)
    _running = _LiveUpdates(app, loop, redis_pub)
    if url:
        _running._track(loop.create_task(_running.listen(url)))
    bus.subscribe(_running.on_change)
    bus.subscribe_sessions_ended(_running.on_sessions_ended)
