"""Every process drops its catalogue cache when a catalogue changes anywhere.

A small channel of its own beside the change bus (a catalogue change concerns no district or
round): `publish()` after the commit calls this process's listeners and, when REFLEX_REDIS_URL
is set (several app processes), publishes on a Redis channel that every process listens to
from a daemon thread. A listener thread that (re)subscribes calls the listeners too: a
message may have been missed while it was not subscribed, and dropping a cache is harmless.
services.catalogue registers its invalidation here and starts listening on first use.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable

logger = logging.getLogger(__name__)

CHANNEL = "krs:catalogue-changed"
RETRY_SECONDS = 1.0

Listener = Callable[[], None]
_listeners: list[Listener] = []
_started_in: int | None = None  # the process id the listener thread runs in (a fork needs its own)
_start_lock = threading.Lock()
_subscribed = threading.Event()


def on_change(listener: Listener) -> None:
    if listener not in _listeners:
        _listeners.append(listener)


def _notify() -> None:
    for listener in _listeners:
        try:
            listener()
        except Exception:
            logger.exception("catalogue listener failed")


def _redis_url() -> str:
    from krs_app.settings import get_settings

    return get_settings().redis_url


def publish() -> None:
    """The catalogue changed (committed): every process, this one first, drops what it keeps."""
    _notify()
    url = _redis_url()
    if not url:
        return
    try:
        import redis

        redis.Redis.from_url(url).publish(CHANNEL, str(os.getpid()))
    except Exception:
        logger.exception("could not publish the catalogue change over Redis")


def _listen(url: str) -> None:
    import redis

    while True:
        try:
            pubsub = redis.Redis.from_url(url).pubsub(ignore_subscribe_messages=False)
            pubsub.subscribe(CHANNEL)
            for message in pubsub.listen():
                kind = message.get("type")
                if kind == "subscribe":
                    _notify()  # whatever was published before this subscription is not missed
                    _subscribed.set()
                elif kind == "message":
                    _notify()
        except Exception:
            logger.warning("catalogue channel lost; reconnecting", exc_info=True)
        _subscribed.clear()
        time.sleep(RETRY_SECONDS)


def ensure_listening(wait_seconds: float = 0.0) -> bool:
    """Start this process's listener thread once (only with Redis). True when subscribed."""
    global _started_in
    url = _redis_url()
    if not url:
        return False
    pid = os.getpid()
    if _started_in != pid:
        with _start_lock:
            if _started_in != pid:
                _subscribed.clear()
                threading.Thread(target=_listen, args=(url,), name="krs-catalogue-sync", daemon=True).start()
                _started_in = pid
    return _subscribed.wait(wait_seconds) if wait_seconds else _subscribed.is_set()
