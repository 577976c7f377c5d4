"""Who is watching what: browser tokens registered per watch key.

Keys: "district:{id}" (a district's entry page), "bureau:{id}" (a bureau's review page),
"kpi" (the KPI office's pages). In memory on the embedded default; a Redis set per key
when REFLEX_REDIS_URL is set, so every app process sees every viewer.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable

VIEWER_TTL_SECONDS = 24 * 3600


def district_key(district_id: int) -> str:
    return f"district:{district_id}"


def bureau_key(bureau_id: int) -> str:
    return f"bureau:{bureau_id}"


KPI_KEY = "kpi"


class MemoryViewerRegistry:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._viewers: dict[str, dict[str, float]] = {}  # key -> {"token|state": registered at}
        self._keys_of: dict[str, set[str]] = {}  # token -> keys

    def add(self, key: str, token: str, state_name: str) -> None:
        member = f"{token}|{state_name}"
        with self._lock:
            for old_key in self._keys_of.get(token, set()) - {key}:
                viewers = self._viewers.get(old_key, {})
                for old in [m for m in viewers if m.startswith(token + "|")]:
                    viewers.pop(old, None)
            self._viewers.setdefault(key, {})[member] = time.monotonic()
            self._keys_of[token] = {key}

    def remove_token(self, token: str) -> None:
        with self._lock:
            for key in self._keys_of.pop(token, set()):
                viewers = self._viewers.get(key, {})
                for member in [m for m in viewers if m.startswith(token + "|")]:
                    viewers.pop(member, None)

    def viewers(self, keys: Iterable[str]) -> list[tuple[str, str]]:
        with self._lock:
            members = {m for key in keys for m in self._viewers.get(key, {})}
        return [tuple(m.split("|", 1)) for m in members]  # type: ignore[misc]

    def count(self) -> int:
        with self._lock:
            return sum(len(v) for v in self._viewers.values())


class RedisViewerRegistry:
    """The same registry shared by every app process through Redis sets."""

    def __init__(self, url: str) -> None:
        import redis

        self._redis = redis.Redis.from_url(url)
        self._prefix = "krs:viewers:"

    def add(self, key: str, token: str, state_name: str) -> None:
        member = f"{token}|{state_name}"
        token_key = f"krs:viewer-keys:{token}"
        pipe = self._redis.pipeline()
        for old_key in self._redis.smembers(token_key):
            old = old_key.decode()
            if old != key:
                pipe.srem(self._prefix + old, member)
        pipe.delete(token_key)
        pipe.sadd(token_key, key)
        pipe.expire(token_key, VIEWER_TTL_SECONDS)
        pipe.sadd(self._prefix + key, member)
        pipe.expire(self._prefix + key, VIEWER_TTL_SECONDS)
        pipe.execute()

    def remove_token(self, token: str) -> None:
        token_key = f"krs:viewer-keys:{token}"
        for key in self._redis.smembers(token_key):
            for member in self._redis.smembers(self._prefix + key.decode()):
                if member.decode().startswith(token + "|"):
                    self._redis.srem(self._prefix + key.decode(), member)
        self._redis.delete(token_key)

    def viewers(self, keys: Iterable[str]) -> list[tuple[str, str]]:
        keys = list(keys)
        if not keys:
            return []
        members = self._redis.sunion([self._prefix + k for k in keys])
        return [tuple(m.decode().split("|", 1)) for m in members]  # type: ignore[misc]

    def count(self) -> int:
        return sum(self._redis.scard(k) for k in self._redis.scan_iter(self._prefix + "*"))


_registry: MemoryViewerRegistry | RedisViewerRegistry | None = None


def get_registry() -> MemoryViewerRegistry | RedisViewerRegistry:
    global _registry
    if _registry is None:
        from krs_app.settings import get_settings

        url = get_settings().redis_url
        _registry = RedisViewerRegistry(url) if url else MemoryViewerRegistry()
    return _registry
