"""What the KPI office's imports (accounts, offices) share: checking the upload, reading its
headed columns, and the signed preview token (services.signed_token) that carries a checked
preview to its apply step, so apply writes exactly what the preview showed, re-checked."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from krs_app.db.models import AuditLog
from krs_app.services import signed_token
from krs_app.services.clock import utcnow
from krs_app.services.errors import ServiceError
from krs_app.services.spreadsheet import read_rows

MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_IMPORT_ROWS = 5000
TOKEN_LIFETIME = timedelta(hours=2)
INVALID_TOKEN = "ผลการตรวจสอบไฟล์ไม่ถูกต้องหรือหมดอายุ กรุณาตรวจสอบไฟล์อีกครั้ง"


def read_upload(filename: object, content: object) -> list[list[object]]:
    """The rows of an uploaded .xlsx / .csv of a sensible size; Thai ServiceError otherwise."""
    if not isinstance(filename, str) or not isinstance(content, bytes | bytearray):
        raise ServiceError("กรุณาเลือกไฟล์")
    if len(content) > MAX_IMPORT_BYTES:
        raise ServiceError(f"ไฟล์ใหญ่เกิน {MAX_IMPORT_BYTES // (1024 * 1024)} MB")
    if not content:
        raise ServiceError("ไฟล์ว่างเปล่า")
    rows = read_rows(filename, bytes(content), MAX_IMPORT_ROWS)
    if len(rows) > MAX_IMPORT_ROWS + 1:
        raise ServiceError(f"ไฟล์มีเกิน {MAX_IMPORT_ROWS} แถว กรุณาแบ่งเป็นหลายไฟล์")
    if not rows:
        raise ServiceError("ไม่พบข้อมูลในไฟล์")
    return rows


def cell_text(cell: object) -> str:
    """A cell as trimmed text (a whole number read by Excel as 7.0 is "7")."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def header_index(header: list[object], names: dict[str, frozenset[str]]) -> dict[str, int]:
    """Which column holds each field: names maps a field to the headings accepted for it."""
    found: dict[str, int] = {}
    for position, cell in enumerate(header):
        text = cell_text(cell).lower()
        for field, accepted in names.items():
            if text in accepted and field not in found:
                found[field] = position
    return found


def already_applied(session: Session, action: str, batch: str) -> bool:
    """Whether the import with this batch id was applied (its summary audit row names it)."""
    found = session.exec(
        select(AuditLog.id).where(AuditLog.action == action, AuditLog.after.contains(f'"batch": "{batch}"'))
    ).first()
    return found is not None


def make_preview_token(payload: dict, purpose: bytes) -> str:
    return signed_token.make_token(purpose, {**payload, "at": utcnow().isoformat()})


def read_preview_token(token: object, purpose: bytes) -> dict:
    payload = signed_token.read_token(purpose, token, TOKEN_LIFETIME)
    if payload is None:
        raise ServiceError(INVALID_TOKEN)
    return payload
