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


def answer_text(value: object, limit: int = 300) -> str:
    """A field of a server's JSON answer (an import preview) as bounded text."""
    return ("" if value is None else str(value))[:limit]


def answer_int(value: object) -> int:
    """A field of a server's JSON answer as a whole number (0 when it is none)."""
    try:
        return int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0
