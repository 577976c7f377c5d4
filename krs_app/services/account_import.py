"""Bulk import of accounts from an .xlsx / .csv (KPI office only), in two steps.

`preview_account_import` reads the file and stores nothing: every row with what it will
create or why it is refused (Thai), and a signed token of the rows to create.
`apply_account_import` takes that token and creates every account in one transaction, each
with a one-time password returned once (and as a CSV for the KPI office to hand out) — or,
when the file had a refused row or anything changed since the preview, creates none.

Columns (first row: headings, English or Thai): username / ชื่อผู้ใช้; role / บทบาท
(district, bureau, kpi_office or สพท., สำนัก, กพร.); office / หน่วยงาน / รหัสหน่วยงาน (the
district or bureau code; empty for กพร.); display_name / ชื่อผู้ใช้งาน / ชื่อ (optional).
"""

from __future__ import annotations

import csv
import io
import secrets
from dataclasses import dataclass

from krs_app.db.engine import session_scope
from krs_app.domain.cell_safety import safe_cell
from krs_app.domain.roles import ROLE_THAI, Role
from krs_app.services import audit
from krs_app.services.accounts import (
    KPI_OFFICE_KEY,
    OneTimePassword,
    add_account,
    check_username,
    require_kpi_office,
    resolve_office,
)
from krs_app.services.auth import CurrentUser
from krs_app.services.errors import ServiceError
from krs_app.services.import_files import (
    already_applied,
    cell_text,
    header_index,
    make_preview_token,
    read_preview_token,
    read_upload,
)

_PURPOSE = b"krs-import-accounts:"
HEADINGS = {
    "username": frozenset({"username", "ชื่อผู้ใช้", "user"}),
    "role": frozenset({"role", "บทบาท"}),
    "office": frozenset({"office", "หน่วยงาน", "รหัสหน่วยงาน", "office_code", "code"}),
    "display_name": frozenset({"display_name", "ชื่อผู้ใช้งาน", "ชื่อ", "name"}),
}
ROLE_WORDS = {
    "district": Role.DISTRICT,
    "สพท.": Role.DISTRICT,
    "สพท": Role.DISTRICT,
    "bureau": Role.BUREAU,
    "สำนัก": Role.BUREAU,
    "kpi_office": Role.KPI_OFFICE,
    "กพร.": Role.KPI_OFFICE,
    "กพร": Role.KPI_OFFICE,
}


@dataclass
class AccountImportRow:
    line: int  # the row number in the file (1 = headings)
    username: str
    display_name: str
    role_label: str
    office: str  # the code as written
    ok: bool
    reason: str  # why it is refused ("" when ok)


@dataclass
class AccountImportPreview:
    token: str  # hand it back to apply_account_import ("" when nothing can be applied)
    filename: str
    rows: list[AccountImportRow]  # every row read, in file order
    ok_count: int
    refused_count: int

    @property
    def can_apply(self) -> bool:
        return bool(self.token) and self.refused_count == 0 and self.ok_count > 0


@dataclass
class AccountImportOutcome:
    created: list[OneTimePassword]  # shown once
    credentials_csv: bytes  # the same, as a file for the KPI office


def _office_key(role: Role, code: str) -> str:
    if role == Role.KPI_OFFICE:
        return KPI_OFFICE_KEY if code in ("", KPI_OFFICE_KEY) else f"kpi:{code}"
    return f"{role.value}:{code.lower()}"


def preview_account_import(user: CurrentUser, filename: str, content: bytes) -> AccountImportPreview:
    """What importing this file would create, row by row. Stores nothing."""
    require_kpi_office(user)
    table = read_upload(filename, content)
    columns = header_index(table[0], HEADINGS)
    missing = [name for name in ("username", "role") if name not in columns]
    if missing:
        raise ServiceError("ไม่พบคอลัมน์ " + ", ".join(missing) + " ในแถวแรกของไฟล์ (ชื่อผู้ใช้, บทบาท, หน่วยงาน)")
    rows: list[AccountImportRow] = []
    planned: list[dict] = []
    seen: set[str] = set()
    with session_scope() as session:
        for line, cells in enumerate(table[1:], start=2):

            def get(field: str, cells=cells) -> str:
                position = columns.get(field)
                return cell_text(cells[position]) if position is not None and position < len(cells) else ""

            username, role_text, office, display = get("username"), get("role"), get("office"), get("display_name")
            if not any((username, role_text, office, display)):
                continue
            role = ROLE_WORDS.get(role_text.lower())
            reason = ""
            try:
                if role is None:
                    raise ServiceError("บทบาทต้องเป็น สพท. สำนัก หรือ กพร. (district, bureau, kpi_office)")
                name = check_username(session, username)
                if name in seen:
                    raise ServiceError(f"ชื่อผู้ใช้ {name} ซ้ำกับแถวก่อนหน้าในไฟล์")
                resolve_office(session, role.value, _office_key(role, office))
                seen.add(name)
                planned.append({"u": name, "r": role.value, "o": _office_key(role, office), "n": display[:200]})
            except ServiceError as error:
                reason = error.message
            rows.append(
                AccountImportRow(
                    line=line,
                    username=username.lower(),
                    display_name=display,
                    role_label=ROLE_THAI[role] if role else role_text,
                    office=office,
                    ok=not reason,
                    reason=reason,
                )
            )
    if not rows:
        raise ServiceError("ไม่พบบัญชีในไฟล์ (มีแต่หัวตาราง)")
    refused = sum(1 for r in rows if not r.ok)
    batch = secrets.token_hex(8)
    token = make_preview_token({"b": batch, "f": filename[:200], "rows": planned, "refused": refused}, _PURPOSE)
    return AccountImportPreview(token, filename, rows, len(planned), refused)


def apply_account_import(user: CurrentUser, token: str) -> AccountImportOutcome:
    """Create every account of a preview in one transaction, or none (Thai ServiceError)."""
    require_kpi_office(user)
    payload = read_preview_token(token, _PURPOSE)
    if payload.get("refused"):
        raise ServiceError(f"มีแถวที่ไม่ผ่านการตรวจสอบ {payload['refused']} แถว กรุณาแก้ไขไฟล์แล้วตรวจสอบอีกครั้ง")
    planned = payload.get("rows") or []
    if not planned:
        raise ServiceError("ไม่มีบัญชีที่จะนำเข้า")
    batch = str(payload.get("b", ""))
    created: list[OneTimePassword] = []
    with session_scope() as session:
        if already_applied(session, "import_accounts", batch):
            raise ServiceError("นำเข้าไฟล์นี้ไปแล้ว (รหัสผ่านใช้ครั้งเดียวแสดงได้ครั้งเดียว หากต้องการรหัสใหม่ให้รีเซ็ตรหัสผ่าน)")
        for item in planned:
            try:
                row, password = add_account(session, user, item["u"], item.get("n", ""), item["r"], item["o"])
            except ServiceError as error:
                raise ServiceError(f"{item['u']}: {error.message} (ไม่ได้นำเข้าบัญชีใดเลย)") from error
            created.append(OneTimePassword(row.username, password))
        audit.record(
            session,
            user_id=user.id,
            action="import_accounts",
            entity="user",
            after={"batch": batch, "file": payload.get("f", ""), "accounts": len(created)},
        )
    return AccountImportOutcome(created=created, credentials_csv=credentials_csv(created))


def credentials_csv(created: list[OneTimePassword]) -> bytes:
    """username, one-time password: UTF-8 with BOM for Excel; formula-like text neutralised."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["ชื่อผู้ใช้", "รหัสผ่านใช้ครั้งเดียว (ต้องเปลี่ยนเมื่อเข้าสู่ระบบครั้งแรก)"])
    for item in created:
        writer.writerow([safe_cell(item.username), safe_cell(item.password)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
