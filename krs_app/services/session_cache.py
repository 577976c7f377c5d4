"""Who holds a session token, remembered for a few seconds in each app process.

services.auth.user_for_token runs for every browser event; without this it reads the
session and the user from the database each time. An answer is kept for at most
KRS_SESSION_CACHE_SECONDS (default 5; 0 turns the cache off) and never past the session's
idle limit, keyed by the token's hash (the token itself is not kept). The browser's token
is still checked on every event: only the database's answer for it is reused, never a
value the browser or a tab's state holds.

Invalidation, at once, in every process:

- auth.logout calls forget_session() after its commit.
- Whoever commits a password change, a deactivation or a lock of a user calls
  forget_user(user_id) right after the commit (forget_all() drops everything).
- With REFLEX_REDIS_URL set, each forget_* is published on the Redis channel
  `krs:session-forget`; every process drops the same entries when it hears it.
- on_forget(listener) registers a callback (called with ("session", token_hash),
  ("user", user_id) or ("all", None), in the process that forgot it and in those that
  heard it over Redis), for the live layer to reset the tabs of an ended session.

A lookup that started before a forget_* never stores its (older) answer after it: put()
takes the generation() read before the database was asked.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from krs_app.services.clock import utcnow

logger = logging.getLogger(__name__)

CHANNEL = "krs:session-forget"
_PROCESS = uuid.uuid4().hex  # to skip our own messages coming back from Redis

Listener = Callable[[str, Any], None]

_lock = threading.Lock()
_entries: dict[str, tuple[datetime, int, Any]] = {}  # token hash -> (valid until, user id, user)
_generation = 0
_listeners: list[Listener] = []
_redis_url: str | None = None  # the URL the publisher / listener thread were set up for
_publisher = None
_retry_after = 0.0  # monotonic time before which a failed subscribe is not tried again
RETRY_SECONDS = 1.0


def ttl() -> timedelta:
    return timedelta(seconds=float(os.environ.get("KRS_SESSION_CACHE_SECONDS", "5")))


def generation() -> int:
    """Read before asking the database; give it to put()."""
    return _generation


def get(token_hash: str) -> Any | None:
    """The remembered user for this token hash, or None (not remembered or too old)."""
    entry = _entries.get(token_hash)
    if entry is None:
        return None
    if utcnow() >= entry[0]:
        with _lock:
            if _entries.get(token_hash) is entry:
                del _entries[token_hash]
        return None
    return entry[2]


def put(token_hash: str, user_id: int, user: Any, session_valid_until: datetime, asked_at: int) -> None:
    """Remember the database's answer, unless something was forgotten since `asked_at`."""
    lifetime = ttl()
    if lifetime <= timedelta(0):
        return
    _listen_if_scaled_out()
    valid_until = min(utcnow() + lifetime, session_valid_until)
    with _lock:
        if _generation != asked_at:
            return
        _entries[token_hash] = (valid_until, user_id, user)


def forget_session(token_hash: str) -> None:
    """After a logout's commit: this session's token is nobody at once."""
    _forget("session", token_hash)


def forget_user(user_id: int, publish: bool = True) -> None:
    """After a password change, deactivation or lock is committed: every session of that user.
    publish=False: in this process only (one that heard of the change another way)."""
    _forget("user", user_id, publish=publish)


def forget_all() -> None:
    _forget("all", None)


def on_forget(listener: Listener) -> None:
    if listener not in _listeners:
        _listeners.append(listener)


def _forget(kind: str, what: Any, publish: bool = True) -> None:
    global _generation
    with _lock:
        _generation += 1
        if kind == "session":
            _entries.pop(what, None)
        elif kind == "user":
            for key in [key for key, entry in _entries.items() if entry[1] == what]:
                del _entries[key]
        else:
            _entries.clear()
    if publish:
        _publish(kind, what)
    for listener in _listeners:
        try:
            listener(kind, what)
        except Exception:
            logger.exception("session forget listener failed for %s %s", kind, what)


def _configured_redis_url() -> str:
    from krs_app.settings import get_settings

    return get_settings().redis_url


def _publish(kind: str, what: Any) -> None:
    global _publisher
    url = _configured_redis_url()
    if not url:
        return
    try:
        if _publisher is None:
            import redis

            _publisher = redis.Redis.from_url(url)
        _publisher.publish(CHANNEL, json.dumps({"kind": kind, "what": what, "from": _PROCESS}))
    except Exception:
        # Other processes then keep their answer until it ages out (at most ttl()).
        logger.exception("could not publish the session forget %s %s", kind, what)


def _listen_if_scaled_out() -> None:
    """With Redis, one daemon thread per process listens for other processes' forgets."""
    global _redis_url
    url = _configured_redis_url()
    if not url or _redis_url == url or time.monotonic() < _retry_after:
        return
    with _lock:
        if _redis_url == url:
            return
        _redis_url = url
    ready = threading.Event()
    threading.Thread(target=_listen, args=(url, ready), name="krs-session-forget", daemon=True).start()
    ready.wait(2.0)


def _listen(url: str, ready: threading.Event) -> None:
    import redis

    try:
        pubsub = redis.Redis.from_url(url).pubsub(ignore_subscribe_messages=True)
        pubsub.subscribe(CHANNEL)
    except Exception:
        logger.exception("session forget listener could not subscribe")
        _listen_again_later(url)
        ready.set()
        return
    ready.set()
    global _redis_url
    try:
        for message in pubsub.listen():
            try:
                data = json.loads(message["data"])
                if data.get("from") != _PROCESS and data.get("kind") in ("session", "user", "all"):
                    _forget(data["kind"], data.get("what"), publish=False)
            except (ValueError, TypeError, KeyError):
                logger.exception("bad session forget message")
    except Exception:
        logger.exception("session forget listener lost Redis")
    # Messages may have been missed: forget everything; the next put() listens again.
    _redis_url = None
    _forget("all", None, publish=False)


def _listen_again_later(url: str) -> None:
    """Redis did not answer the subscribe (down, restarting): a later put() tries again, at
    most once every RETRY_SECONDS (else this process would never hear another one's forgets)."""
    global _redis_url, _retry_after
    with _lock:
        if _redis_url == url:
            _redis_url = None
        _retry_after = time.monotonic() + RETRY_SECONDS
