"""What a browser is told when one of its events fails with an error no handler turned into
a message at its field: the app's backend exception handler (krs_app.py).

The database not answering (SQLite locked past its busy timeout, PostgreSQL down) is said in
Thai, DatabaseUnavailable's own message: nothing was stored, try again in a moment. Another
refusal of a use-case (a ServiceError) says its own Thai message. Anything else is logged with its traceback and the browser gets a general Thai message, never the
exception's text (it may name tables or values)."""

import logging

import reflex as rx
from reflex.event import EventSpec

from krs_app.services.errors import ServiceError, database_unavailable

logger = logging.getLogger(__name__)

UNEXPECTED = "เกิดข้อผิดพลาดในระบบ ยังไม่ได้ดำเนินการรายการนี้ กรุณาลองใหม่อีกครั้ง"
DATABASE_TOAST_ID = "database-unavailable"
ERROR_TOAST_ID = "backend-error"
REFUSAL_TOAST_ID = "refused"


def _toast(message: str, toast_id: str) -> EventSpec:
    return rx.toast.error(message, id=toast_id, position="top-center", duration=8000, fallback_to_alert=True)


def failure_message(exception: Exception) -> tuple[str, str]:
    """(the Thai message, the toast's id) a failed event's tab is shown; logs the failure."""
    unavailable = database_unavailable(exception)
    if unavailable is not None:
        logger.warning("event refused, the database is unavailable: %s", type(exception).__name__)
        return unavailable.message, DATABASE_TOAST_ID
    if isinstance(exception, ServiceError):  # a refusal no handler showed at a field: its own Thai text
        return exception.message, REFUSAL_TOAST_ID
    logger.error("event failed", exc_info=(type(exception), exception, exception.__traceback__))
    return UNEXPECTED, ERROR_TOAST_ID


def backend_error(exception: Exception) -> EventSpec:
    """Reflex calls this with the exception of a failed event; the toast it returns is sent to that tab."""
    return _toast(*failure_message(exception))
