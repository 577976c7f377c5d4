"""Login attempts: checked off the event loop, bounded, and limited per client address.

argon2 is deliberately slow (~0.1-0.2 s of CPU per check). Run on the event loop, 40
parallel attempts stalled every user's websocket for seconds. Here each attempt:

1. is counted against its client address (a sliding window): an address over the limit,
   or with too many attempts already in progress, is refused at once, before any hashing;
2. takes a slot of a bounded pool (a few worker threads and a short queue); when every
   slot is taken the attempt is refused with "ลองใหม่อีกครั้ง" instead of queueing without end;
3. runs services.auth.login (the per-account lockout, the dummy hash for unknown users)
   in a worker thread, so the event loop keeps serving everyone else.

A flood from one address therefore costs that address its own attempts and at most its
in-progress share of the pool. Limits are per app process.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache

from krs_app.services import auth
from krs_app.services.auth import CurrentUser
from krs_app.services.errors import ServiceError
from krs_app.settings import get_settings

BUSY = "ขณะนี้มีผู้เข้าสู่ระบบพร้อมกันจำนวนมาก กรุณาลองใหม่อีกครั้ง"
TOO_MANY = "มีการพยายามเข้าสู่ระบบจากเครื่องนี้บ่อยเกินไป กรุณาลองใหม่อีกครั้งในอีก {seconds} วินาที"
MAX_TRACKED_ADDRESSES = 10_000


class LoginRefused(ServiceError):
    """Refused before the password was checked (too many attempts, or the server is busy)."""


class LoginGate:
    def __init__(
        self,
        *,
        workers: int = 2,
        queue: int = 8,
        per_address: int = 30,
        window_seconds: float = 60.0,
        per_address_in_flight: int = 2,
        check: Callable[[str, str], tuple[str, CurrentUser]] = auth.login,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="krs-login")
        self._slots = max(1, workers) + max(0, queue)
        self._per_address = per_address
        self._window = window_seconds
        self._per_address_in_flight = per_address_in_flight
        self._check = check
        self._clock = clock
        self._lock = threading.Lock()
        self._in_flight = 0
        self._address_in_flight: dict[str, int] = {}
        self._attempts: OrderedDict[str, deque[float]] = OrderedDict()

    def _admit(self, address: str) -> None:
        now = self._clock()
        with self._lock:
            seen = self._attempts.pop(address, None) or deque()
            while seen and now - seen[0] >= self._window:
                seen.popleft()
            self._attempts[address] = seen  # most recently seen last
            while len(self._attempts) > MAX_TRACKED_ADDRESSES:
                self._attempts.popitem(last=False)
            if len(seen) >= self._per_address:
                wait = max(1, int(self._window - (now - seen[0])) + 1)
                raise LoginRefused(TOO_MANY.format(seconds=wait))
            if self._address_in_flight.get(address, 0) >= self._per_address_in_flight:
                seen.append(now)
                raise LoginRefused(BUSY)
            seen.append(now)
            if self._in_flight >= self._slots:
                raise LoginRefused(BUSY)
            self._in_flight += 1
            self._address_in_flight[address] = self._address_in_flight.get(address, 0) + 1

    def _release(self, address: str) -> None:
        with self._lock:
            self._in_flight -= 1
            left = self._address_in_flight.get(address, 1) - 1
            if left > 0:
                self._address_in_flight[address] = left
            else:
                self._address_in_flight.pop(address, None)

    async def login(self, address: str, username: str, password: str) -> tuple[str, CurrentUser]:
        """services.auth.login in a worker thread, if this address and the pool allow it now."""
        address = (address or "unknown")[:100]
        self._admit(address)
        try:
            return await asyncio.get_running_loop().run_in_executor(self._pool, self._check, username, password)
        finally:
            self._release(address)


@lru_cache(maxsize=1)
def login_gate() -> LoginGate:
    """The process's gate, sized by the settings (KRS_LOGIN_*)."""
    settings = get_settings()
    return LoginGate(
        workers=settings.login_workers,
        queue=settings.login_queue,
        per_address=settings.login_attempts_per_minute,
    )
