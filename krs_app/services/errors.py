"""Errors a use-case raises; their message is Thai and shown to the user as it is."""


class ServiceError(Exception):
    """A refused request: bad input or a state that does not allow it."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotAllowed(ServiceError):
    """The acting user may not do this (wrong role, another office's data)."""

    def __init__(self, message: str = "คุณไม่มีสิทธิ์ดำเนินการนี้"):
        super().__init__(message)


class NotFound(ServiceError):
    def __init__(self, message: str = "ไม่พบข้อมูลที่ต้องการ"):
        super().__init__(message)


class FieldError(ServiceError):
    """Bad input in one field: `field` names the field at fault so the page shows the Thai message
    there. The catalogue services give the element id (indicator-formula, variable-key-2,
    round-district-deadline ...); the account services a field name (username, password_new)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
