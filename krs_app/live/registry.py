"""Who is watching what: browser tokens registered per watch key.

Keys: "district:{id}" (a district's entry page), "bureau:{id}" (a bureau's review page),
"kpi" (the KPI office's pages). In memory on the embedded default; a Redis set per key
when REFLEX_REDIS_URL is set, so every app process sees every viewer.

Beside the watch keys, the tabs of each login session (session key -> client tokens, on every
page, watching or not): SessionBoundary binds a tab to its session there, and when the server
ends sessions (live.sessions_ended) their tabs are found and logged out.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from typing import NamedTuple

VIEWER_TTL_SECONDS = 24 * 3600


class Viewer(NamedTuple):
    token: str  # the browser tab's client token
    state: str  # the full name of the state class showing the watched data
    session: str = ""  # the tab's login session key (services.auth.session_key)
    context: str = ""  # what the tab shows of it, as that state puts it (the entry page: its round)


def _member(viewer: Viewer) -> str:
    return "|".join(viewer)


def _viewer(member: str) -> Viewer:
    return Viewer(*([*member.split("|", 3), "", "", ""])[:4])


def district_key(district_id: int) -> str:
    return f"district:{district_id}"


def bureau_key(bureau_id: int) -> str:
    return f"bureau:{bureau_id}"


KPI_KEY = "kpi"


class MemoryViewerRegistry:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._viewers: dict[str, dict[str, float]] = {}  # key -> {member: registered at}
        self._membership: dict[str, tuple[str, str]] = {}  # token -> (key, member)
        self._stale: set[str] = set()
        self._session_tabs: dict[str, set[str]] = {}  # session key -> client tokens

    def add(self, key: str, viewer: Viewer) -> None:
        """Register (or re-register) a tab: one membership per tab, the previous one removed."""
        token, member = viewer.token, _member(viewer)
        with self._lock:
            previous = self._membership.get(token)
            if previous is not None and previous != (key, member):
                self._viewers.get(previous[0], {}).pop(previous[1], None)
            self._viewers.setdefault(key, {})[member] = time.monotonic()
            self._membership[token] = (key, member)

    def remove_token(self, token: str) -> None:
        with self._lock:
            self._stale.discard(token)
            previous = self._membership.pop(token, None)
            if previous is not None:
                self._viewers.get(previous[0], {}).pop(previous[1], None)

    def viewers(self, keys: Iterable[str]) -> list[Viewer]:
        with self._lock:
            members = {m for key in keys for m in self._viewers.get(key, {})}
        return [_viewer(m) for m in members]

    def count(self) -> int:
        with self._lock:
            return sum(len(v) for v in self._viewers.values())

    def mark_stale(self, tokens: Iterable[str]) -> None:
        """These tabs were sent newer data than their stored state holds (see live.dispatch)."""
        with self._lock:
            self._stale.update(tokens)

    def take_stale(self, token: str) -> bool:
        """Whether this tab's stored state is behind what it was sent; clears the mark."""
        with self._lock:
            if token in self._stale:
                self._stale.discard(token)
                return True
            return False

    def bind_session(self, token: str, session: str, previous: str = "") -> None:
        """This tab now belongs to login session `session` ("" for none), no longer to `previous`."""
        with self._lock:
            if previous and previous != session:
                tabs = self._session_tabs.get(previous)
                if tabs is not None:
                    tabs.discard(token)
                    if not tabs:
                        del self._session_tabs[previous]
            if session:
                self._session_tabs.setdefault(session, set()).add(token)

    def session_tabs(self, sessions: Iterable[str]) -> dict[str, set[str]]:
        """The tabs bound to each of these sessions (session key -> client tokens)."""
        with self._lock:
            return {key: set(self._session_tabs[key]) for key in sessions if self._session_tabs.get(key)}

    def unbind_tabs(self, session: str, tokens: Iterable[str]) -> None:
        """These tabs of an ended session were logged out (or are gone)."""
        with self._lock:
            tabs = self._session_tabs.get(session)
            if tabs is None:
                return
            tabs.difference_update(tokens)
            if not tabs:
                del self._session_tabs[session]


class RedisViewerRegistry:
    """The same registry shared by every app process through Redis sets."""

    def __init__(self, url: str) -> None:
        import redis

        self._redis = redis.Redis.from_url(url)
        self._prefix = "krs:viewers:"
        self._stale_prefix = "krs:stale:"
        self._membership_prefix = "krs:viewer-of:"  # a hash per tab: watch key -> its member there
        self._session_prefix = "krs:session-tabs:"  # a set per login session: its tabs' client tokens

    def add(self, key: str, viewer: Viewer) -> None:
        """Register (or re-register) a tab: one membership per tab, the previous one removed."""
        member = _member(viewer)
        token_key = self._membership_prefix + viewer.token
        previous = self._redis.hgetall(token_key)
        pipe = self._redis.pipeline()
        for old_key, old_member in previous.items():
            if old_key.decode() != key or old_member.decode() != member:
                pipe.srem(self._prefix + old_key.decode(), old_member)
        pipe.delete(token_key)
        pipe.hset(token_key, key, member)
        pipe.expire(token_key, VIEWER_TTL_SECONDS)
        pipe.sadd(self._prefix + key, member)
        pipe.expire(self._prefix + key, VIEWER_TTL_SECONDS)
        pipe.execute()

    def remove_token(self, token: str) -> None:
        token_key = self._membership_prefix + token
        pipe = self._redis.pipeline()
        for key, member in self._redis.hgetall(token_key).items():
            pipe.srem(self._prefix + key.decode(), member)
        pipe.delete(token_key, self._stale_prefix + token)
        pipe.execute()

    def viewers(self, keys: Iterable[str]) -> list[Viewer]:
        keys = list(keys)
        if not keys:
            return []
        members = self._redis.sunion([self._prefix + k for k in keys])
        return [_viewer(m.decode()) for m in members]

    def count(self) -> int:
        return sum(self._redis.scard(k) for k in self._redis.scan_iter(self._prefix + "*"))

    def mark_stale(self, tokens: Iterable[str]) -> None:
        pipe = self._redis.pipeline(transaction=False)
        for token in tokens:
            pipe.set(self._stale_prefix + token, b"1", ex=VIEWER_TTL_SECONDS)
        pipe.execute()

    def take_stale(self, token: str) -> bool:
        return bool(self._redis.delete(self._stale_prefix + token))

    def bind_session(self, token: str, session: str, previous: str = "") -> None:
        pipe = self._redis.pipeline(transaction=False)
        if previous and previous != session:
            pipe.srem(self._session_prefix + previous, token)
        if session:
            pipe.sadd(self._session_prefix + session, token)
            pipe.expire(self._session_prefix + session, VIEWER_TTL_SECONDS)
        pipe.execute()

    def session_tabs(self, sessions: Iterable[str]) -> dict[str, set[str]]:
        sessions = [key for key in sessions if key]
        if not sessions:
            return {}
        pipe = self._redis.pipeline(transaction=False)
        for key in sessions:
            pipe.smembers(self._session_prefix + key)
        found = pipe.execute()
        return {key: {t.decode() for t in tabs} for key, tabs in zip(sessions, found, strict=True) if tabs}

    def unbind_tabs(self, session: str, tokens: Iterable[str]) -> None:
        tokens = list(tokens)
        if tokens:
            self._redis.srem(self._session_prefix + session, *tokens)


_registry: MemoryViewerRegistry | RedisViewerRegistry | None = None


def get_registry() -> MemoryViewerRegistry | RedisViewerRegistry:
    global _registry
    if _registry is None:
        from krs_app.settings import get_settings

        url = get_settings().redis_url
        _registry = RedisViewerRegistry(url) if url else MemoryViewerRegistry()
    return _registry
