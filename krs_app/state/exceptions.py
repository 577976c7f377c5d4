"""What a browser is told when one of its events fails with an error no handler turned into
a message at its field: the app's backend exception handler (krs_app.py).

The database not answering (SQLite locked past its busy timeout, PostgreSQL down) is said in
Thai, DatabaseUnavailable's own message: nothing was stored, try again in a moment. Another
refusal of a use-case (a ServiceError) says its own Thai message. Redis (the state store of
the scale-out profile) not answering is said in Thai too, sent to the tab at once: Reflex
would drop the toast (live.reflex_adapter.send_to_acting_tab); it may have stopped before or
after its handler ran, so the message asks to check. Anything else is logged with its
traceback and the browser gets a general Thai message, never the exception's text (it may
name tables or values)."""

import logging

import reflex as rx
from reflex.event import EventSpec

from krs_app.live.reflex_adapter import send_to_acting_tab
from krs_app.services.errors import ServiceError, database_unavailable

logger = logging.getLogger(__name__)

UNEXPECTED = "เกิดข้อผิดพลาดในระบบ ยังไม่ได้ดำเนินการรายการนี้ กรุณาลองใหม่อีกครั้ง"
DATABASE_TOAST_ID = "database-unavailable"
ERROR_TOAST_ID = "backend-error"
REFUSAL_TOAST_ID = "refused"
STATE_STORE_TOAST_ID = "state-store-unavailable"
# The event may have stopped before or after its handler ran: say so, and ask to check.
STATE_STORE_UNAVAILABLE = "การเชื่อมต่อของระบบขัดข้องชั่วคราว รายการนี้อาจยังไม่ได้บันทึก กรุณาตรวจสอบและลองใหม่อีกครั้งในอีกสักครู่"


def _state_store_unavailable(error: BaseException) -> bool:
    """Whether Redis not answering (refused, lost, timed out) is behind this error."""
    try:
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeout
    except ImportError:
        return False
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, (RedisConnectionError, RedisTimeout)):
            return True
        current = current.__cause__ or current.__context__
    return False


def _toast(message: str, toast_id: str) -> EventSpec:
    return rx.toast.error(message, id=toast_id, position="top-center", duration=8000, fallback_to_alert=True)


def failure_message(exception: Exception) -> tuple[str, str]:
    """(the Thai message, the toast's id) a failed event's tab is shown; logs the failure."""
    unavailable = database_unavailable(exception)
    if unavailable is not None:
        logger.warning("event refused, the database is unavailable: %s", type(exception).__name__)
        return unavailable.message, DATABASE_TOAST_ID
    if _state_store_unavailable(exception):
        logger.warning("event failed, Redis is unavailable: %s", type(exception).__name__)
        return STATE_STORE_UNAVAILABLE, STATE_STORE_TOAST_ID
    if isinstance(exception, ServiceError):  # a refusal no handler showed at a field: its own Thai text
        return exception.message, REFUSAL_TOAST_ID
    logger.error("event failed", exc_info=(type(exception), exception, exception.__traceback__))
    return UNEXPECTED, ERROR_TOAST_ID


def backend_error(exception: Exception) -> EventSpec:
    """Reflex calls this with the exception of a failed event; the toast it returns is sent to that tab."""
    message, toast_id = failure_message(exception)
    toast = _toast(message, toast_id)
    if toast_id == STATE_STORE_TOAST_ID and send_to_acting_tab(toast):
        return None  # sent already: Reflex would drop it
    return toast
