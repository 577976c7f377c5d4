"""The change bus: services announce "district D / round R / indicator I changed" after commit.

In-process listeners on the embedded default; the Reflex layer subscribes and
refreshes the browsers watching that district/round.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, replace

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Change:
    district_id: int
    round_id: int
    indicator_id: int | None
    kind: str  # value | status | evidence | message | opened | receipt | round
    origin: str = ""  # the browser (client token) whose action caused it: it has already refreshed


# Set by the Reflex layer for the event being handled, so the acting browser is not refreshed twice.
acting_client: ContextVar[str] = ContextVar("acting_client", default="")


Listener = Callable[[Change], None]
_listeners: list[Listener] = []


def subscribe(listener: Listener) -> None:
    if listener not in _listeners:
        _listeners.append(listener)


def unsubscribe(listener: Listener) -> None:
    if listener in _listeners:
        _listeners.remove(listener)


def announce(change: Change) -> None:
    """Tell every listener; a failing listener never undoes a committed change."""
    if not change.origin:
        change = replace(change, origin=acting_client.get())
    for listener in _listeners:
        try:
            listener(change)
        except Exception:
            logger.exception("change listener failed for %s", change)
