"""Errors a use-case raises; their message is Thai and shown to the user as it is.

Every one is a refusal, and each is logged as it is made (krs_app.ops.logs: the event id and
the acting user's id from the context, the kind and the Thai message; never the input)."""

from krs_app.ops.logs import log_refusal


class ServiceError(Exception):
    """A refused request: bad input or a state that does not allow it."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
        log_refusal(type(self).__name__, message)


class NotAllowed(ServiceError):
    """The acting user may not do this (wrong role, another office's data)."""

    def __init__(self, message: str = "คุณไม่มีสิทธิ์ดำเนินการนี้"):
        super().__init__(message)


class NotFound(ServiceError):
    def __init__(self, message: str = "ไม่พบข้อมูลที่ต้องการ"):
        super().__init__(message)


class DatabaseUnavailable(ServiceError):
    """The database did not answer in time (locked by another writer, server down): nothing was stored."""

    def __init__(self, message: str = "ฐานข้อมูลไม่พร้อมใช้งานชั่วคราว ยังไม่ได้บันทึกรายการนี้ กรุณาลองใหม่อีกครั้งในอีกสักครู่"):
        super().__init__(message)


class FieldError(ServiceError):
    """Bad input in one field of a form: `field` names it (the element id of the field at fault, e.g.
    "indicator-formula", "variable-key-2", "round-district-deadline", "username"), so the page
    shows the Thai message at that field."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
