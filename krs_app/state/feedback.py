"""What a page says back after an action: the per-cell messages of the grid pages (entry page,
central data) and the text of a refused action."""

from __future__ import annotations

INVALID_VALUE = "ข้อมูลไม่ถูกต้อง"


def cell_key(element_id: object) -> str:
    """The cell's element id as the page sent it, bounded."""
    return str(element_id)[:80]


def cell_errors_after(errors: dict[str, str], key: str, message: str = "") -> dict[str, str]:
    """The page's messages after one cell was saved: this cell's message set, or cleared."""
    updated = dict(errors)
    if message:
        updated[key] = message
    else:
        updated.pop(key, None)
    return updated


def error_message(error: Exception) -> str:
    """A service's Thai message, or a general one for input that could not even be read."""
    return getattr(error, "message", INVALID_VALUE)
