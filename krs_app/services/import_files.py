"""Reading the .xlsx / .csv files people import, and the signed token that carries a checked
preview to its apply step (so apply writes exactly what the preview showed, re-checked)."""

from __future__ import annotations

import base64
import csv
import hashlib
import hmac
import io
import json
import zipfile
from datetime import datetime, timedelta

from krs_app.services.clock import utcnow
from krs_app.services.errors import ServiceError
from krs_app.settings import get_settings

MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_IMPORT_ROWS = 5000
TOKEN_LIFETIME = timedelta(hours=2)
INVALID_TOKEN = "ผลการตรวจสอบไฟล์ไม่ถูกต้องหรือหมดอายุ กรุณาตรวจสอบไฟล์อีกครั้ง"


def check_upload(filename: object, content: object) -> None:
    """Refuse what is not a file of a sensible size before reading it."""
    if not isinstance(filename, str) or not isinstance(content, bytes | bytearray):
        raise ServiceError("กรุณาเลือกไฟล์")
    if len(content) > MAX_IMPORT_BYTES:
        raise ServiceError(f"ไฟล์ใหญ่เกิน {MAX_IMPORT_BYTES // (1024 * 1024)} MB")
    if not content:
        raise ServiceError("ไฟล์ว่างเปล่า")


def read_rows(filename: str, content: bytes, max_rows: int = MAX_IMPORT_ROWS) -> list[list[object]]:
    """The rows of a .csv (UTF-8, delimiter sniffed) or of the first sheet of an .xlsx."""
    name = filename.strip().lower()
    if name.endswith(".csv"):
        try:
            text = bytes(content).decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ServiceError("ไฟล์ CSV ต้องบันทึกเป็น UTF-8 (CSV UTF-8)") from error
        sample = text[:4096]
        try:
            dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        try:
            return [
                list(row) for _, row in zip(range(max_rows + 2), csv.reader(io.StringIO(text), dialect), strict=False)
            ]
        except csv.Error as error:
            raise ServiceError("อ่านไฟล์ CSV ไม่ได้ กรุณาตรวจสอบรูปแบบไฟล์") from error
    if name.endswith(".xlsx"):
        import openpyxl

        try:
            workbook = openpyxl.load_workbook(io.BytesIO(bytes(content)), read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as error:
            raise ServiceError("อ่านไฟล์ Excel ไม่ได้ กรุณาตรวจสอบว่าเป็นไฟล์ .xlsx") from error
        try:
            if not workbook.worksheets:
                return []
            rows = []
            for row in workbook.worksheets[0].iter_rows(values_only=True):
                rows.append(list(row))
                if len(rows) > max_rows + 1:
                    break
            return rows
        except Exception as error:
            raise ServiceError("อ่านไฟล์ Excel ไม่ได้ กรุณาตรวจสอบว่าเป็นไฟล์ .xlsx") from error
        finally:
            workbook.close()
    raise ServiceError("รองรับเฉพาะไฟล์ .xlsx หรือ .csv")


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


def _sign(purpose: bytes, payload: bytes) -> str:
    return hmac.new(get_settings().secret.encode(), purpose + payload, hashlib.sha256).hexdigest()


def make_token(payload: dict, purpose: bytes) -> str:
    """A signed, time-stamped token holding payload (JSON) for one purpose."""
    body = {**payload, "at": utcnow().isoformat()}
    raw = base64.urlsafe_b64encode(json.dumps(body, separators=(",", ":")).encode()).decode()
    return f"{raw}.{_sign(purpose, raw.encode())}"


def read_token(token: object, purpose: bytes) -> dict:
    """The payload of a token made by make_token for this purpose, if genuine and not expired."""
    invalid = ServiceError(INVALID_TOKEN)
    if not isinstance(token, str) or "." not in token or len(token) > 4_000_000:
        raise invalid
    raw, signature = token.rsplit(".", 1)
    if not hmac.compare_digest(_sign(purpose, raw.encode()), signature):
        raise invalid
    try:
        payload = json.loads(base64.urlsafe_b64decode(raw.encode()))
        issued = datetime.fromisoformat(payload["at"])
    except (ValueError, KeyError, TypeError) as error:
        raise invalid from error
    if utcnow() - issued > TOKEN_LIFETIME:
        raise invalid
    return payload
