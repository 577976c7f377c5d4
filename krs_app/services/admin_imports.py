"""The KPI office's three file imports on /admin (the indicator catalogue workbook of a year,
accounts, districts or bureaus) behind one preview → apply shape for the page.

`preview_import` reads the uploaded file and stores nothing: every change it would make and
every refused row with its Thai reason, and a signed token for `apply_import`, which writes
all of it in one transaction or nothing (the services of each kind re-check everything).
The catalogue's token carries the workbook itself (services.catalogue_workbook applies a
workbook, re-planned from its content), so that upload is capped lower than the others.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field

from krs_app.services import account_import, catalogue_workbook, office_import
from krs_app.services.accounts import OneTimePassword
from krs_app.services.auth import CurrentUser
from krs_app.services.errors import ServiceError
from krs_app.services.fiscal_years import require_kpi_office
from krs_app.services.import_files import MAX_IMPORT_BYTES, make_preview_token, read_preview_token

KINDS = ("catalogue", "accounts", "districts", "bureaus")
MAX_CATALOGUE_BYTES = 2 * 1024 * 1024  # the workbook rides in the token (signed_token.MAX_TOKEN_LENGTH)
MAX_BYTES = {"catalogue": MAX_CATALOGUE_BYTES, "accounts": MAX_IMPORT_BYTES, "districts": MAX_IMPORT_BYTES,
             "bureaus": MAX_IMPORT_BYTES}  # fmt: skip
_CATALOGUE_PURPOSE = b"krs-import-catalogue:"
_OFFICE_KIND = {"districts": "district", "bureaus": "bureau"}
ACTION_THAI = {"create": "เพิ่มตัวชี้วัดใหม่", "update": "แก้ไข"}


@dataclass
class ImportLine:
    line: int  # the row in the file (1 = headings); 0 when the file has no row number for it
    code: str
    name: str
    summary: str  # what changes, in Thai


@dataclass
class ImportRefusal:
    line: int
    code: str
    reason: str  # Thai


@dataclass
class AdminImportPreview:
    kind: str
    token: str  # "" when nothing can be applied
    filename: str
    year_id: int | None  # the catalogue's fiscal year
    changes: list[ImportLine]
    refused: list[ImportRefusal]
    unchanged: int

    @property
    def can_apply(self) -> bool:
        return bool(self.token) and not self.refused and bool(self.changes)

    @property
    def message(self) -> str:
        text = f"ตรวจสอบไฟล์แล้ว: จะเปลี่ยนแปลง {len(self.changes):,} รายการ, ไม่เปลี่ยนแปลง {self.unchanged:,} รายการ"
        if self.refused:
            return text + f", ไม่ผ่าน {len(self.refused):,} แถว — ไม่นำเข้าทั้งไฟล์ กรุณาแก้ไขไฟล์แล้วตรวจสอบอีกครั้ง"
        return text if self.changes else text + " — ไม่มีสิ่งที่ต้องนำเข้า"


@dataclass
class AdminImportOutcome:
    message: str
    passwords: list[OneTimePassword] = field(default_factory=list)  # created accounts: shown once, never kept


def _kind(kind: object) -> str:
    if kind not in KINDS:
        raise ServiceError("ไม่รู้จักประเภทการนำเข้า")
    return str(kind)


def _size(kind: str, content: object) -> bytes:
    if not isinstance(content, bytes | bytearray) or not content:
        raise ServiceError("กรุณาเลือกไฟล์ (ไฟล์ว่างเปล่า)")
    if len(content) > MAX_BYTES[kind]:
        raise ServiceError(f"ไฟล์มีขนาดเกิน {MAX_BYTES[kind] // (1024 * 1024)} MB ที่ระบบรับได้")
    return bytes(content)


def _catalogue_preview(user: CurrentUser, year_id: object, filename: str, content: bytes) -> AdminImportPreview:
    if not isinstance(year_id, int):
        raise ServiceError("กรุณาเลือกปีงบประมาณ")
    if not filename.lower().endswith(".xlsx"):
        raise ServiceError("แค็ตตาล็อกต้องเป็นไฟล์ .xlsx (แผ่นงาน ตัวชี้วัด และ ตัวแปร)")
    preview = catalogue_workbook.preview_workbook(user, year_id, content)
    changes = []
    for change in preview.changes:
        if change.action == "unchanged":
            continue
        summary = ACTION_THAI.get(change.action, change.action)
        if change.action == "update":
            summary += ": " + ", ".join(change.details)
            if change.rescored or change.certified_kept:
                summary += f" (คำนวณคะแนนใหม่ {change.rescored} ผล; ผลที่รับรองแล้วคงคะแนนเดิม {change.certified_kept} ผล)"
        changes.append(ImportLine(change.row, change.code, change.name, summary))
    refused = [ImportRefusal(r.row, r.code, f"แผ่นงาน {r.sheet}: {r.reason}") for r in preview.refused]
    token = ""
    if preview.can_apply:
        payload = {"y": year_id, "f": filename[:200], "c": base64.b64encode(content).decode()}
        token = make_preview_token(payload, _CATALOGUE_PURPOSE)
    unchanged = sum(1 for c in preview.changes if c.action == "unchanged")
    return AdminImportPreview("catalogue", token, filename, year_id, changes, refused, unchanged)


def _accounts_preview(user: CurrentUser, filename: str, content: bytes) -> AdminImportPreview:
    preview = account_import.preview_account_import(user, filename, content)
    changes = [
        ImportLine(r.line, r.username, r.display_name, f"สร้างบัญชี {r.role_label} {r.office}".strip())
        for r in preview.rows
        if r.ok
    ]
    refused = [ImportRefusal(r.line, r.username, r.reason) for r in preview.rows if not r.ok]
    token = preview.token if preview.can_apply else ""
    return AdminImportPreview("accounts", token, filename, None, changes, refused, 0)


def _offices_preview(user: CurrentUser, kind: str, filename: str, content: bytes) -> AdminImportPreview:
    preview = office_import.preview_office_import(user, _OFFICE_KIND[kind], filename, content)
    changes = [
        ImportLine(r.line, r.code, r.name, r.state_label + (f": {r.change_text}" if r.change_text else ""))
        for r in preview.rows
        if r.state in ("new", "changed")
    ]
    refused = [ImportRefusal(r.line, r.code, r.reason) for r in preview.rows if r.state == "refused"]
    token = preview.token if preview.can_apply else ""
    return AdminImportPreview(kind, token, filename, None, changes, refused, preview.unchanged_count)


def preview_import(
    user: CurrentUser, kind: str, year_id: int | None, filename: str, content: bytes
) -> AdminImportPreview:
    """What importing this file would do (KPI office only). Stores nothing."""
    require_kpi_office(user)
    kind = _kind(kind)
    content = _size(kind, content)
    filename = (filename or "").strip()[-200:]
    if kind == "catalogue":
        return _catalogue_preview(user, year_id, filename, content)
    if kind == "accounts":
        return _accounts_preview(user, filename, content)
    return _offices_preview(user, kind, filename, content)


def apply_import(user: CurrentUser, kind: str, token: object) -> AdminImportOutcome:
    """Apply a preview's token in one transaction (all or nothing; Thai ServiceError)."""
    require_kpi_office(user)
    kind = _kind(kind)
    if not isinstance(token, str) or not token:
        raise ServiceError("ยังไม่ได้ตรวจสอบไฟล์ หรือไฟล์นี้นำเข้าไม่ได้")
    if kind == "catalogue":
        payload = read_preview_token(token, _CATALOGUE_PURPOSE)
        try:
            content = base64.b64decode(str(payload.get("c", "")), validate=True)
        except (binascii.Error, ValueError):
            raise ServiceError("ผลการตรวจสอบไฟล์ไม่ถูกต้อง กรุณาตรวจสอบไฟล์อีกครั้ง") from None
        year_id = payload.get("y")
        if not isinstance(year_id, int):
            raise ServiceError("ผลการตรวจสอบไฟล์ไม่ถูกต้อง กรุณาตรวจสอบไฟล์อีกครั้ง")
        result = catalogue_workbook.apply_workbook(user, year_id, content)
        done = [c for c in result.changes if c.action != "unchanged"]
        return AdminImportOutcome(f"นำเข้าแค็ตตาล็อกแล้ว: เปลี่ยนแปลง {len(done)} ตัวชี้วัด")
    if kind == "accounts":
        outcome = account_import.apply_account_import(user, token)
        message = f"สร้างบัญชีแล้ว {len(outcome.created)} บัญชี — รหัสผ่านใช้ครั้งเดียวแสดงด้านล่างครั้งเดียวเท่านั้น"
        return AdminImportOutcome(message, outcome.created)
    outcome = office_import.apply_office_import(user, token)
    what = "สพท." if kind == "districts" else "สำนัก"
    return AdminImportOutcome(f"นำเข้า{what}แล้ว: เพิ่มใหม่ {outcome.created} แก้ไข {outcome.updated}")
