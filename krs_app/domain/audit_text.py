"""The audit log in plain Thai: what each action is called, and its before → after values."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from krs_app.domain.numbers import format_number, format_score
from krs_app.domain.roles import ROLE_THAI, Role
from krs_app.domain.status import STATUS_LABELS, Status
from krs_app.domain.thai_dates import thai_datetime

ACTION_LABELS: dict[str, str] = {
    # districts and bureaus
    "enter_value": "สพท. บันทึกข้อมูล",
    "import_central": "นำเข้าข้อมูลส่วนกลาง",
    "set_central_value": "สำนักบันทึกข้อมูลส่วนกลาง",
    "certify": "รับรองผล",
    "bulk_certify": "รับรองผลหลายรายการ",
    "refuse": "ไม่รับรอง",
    "undo_certification": "ยกเลิกการรับรองผล",
    "not_applicable": "ไม่ประเมินตัวชี้วัดนี้",
    "undo_not_applicable": "ยกเลิกการไม่ประเมินตัวชี้วัด",
    "remind": "แจ้งเตือน สพท.",
    "attach_evidence": "แนบไฟล์หลักฐาน",
    "withdraw_evidence": "ถอนไฟล์หลักฐาน",
    "register_receipt": "ลงทะเบียนรับไฟล์",
    "post_message": "ส่งความคิดเห็น",
    "mark_opened": "เปิดอ่านข้อมูลใหม่",
    "resubmit": "ส่งผลให้พิจารณาอีกครั้ง",
    # rounds
    "extend_deadline": "กพร. ขยายเวลาแก้ไข",
    "close_round": "ปิดรอบการรายงาน",
    "close_fix": "ปิดรอบ: กำหนดคะแนน 1.00000",
    # fiscal years and the catalogue
    "create_year": "เพิ่มปีงบประมาณ",
    "create_round": "เพิ่มรอบการรายงาน",
    "edit_round": "แก้ไขรอบการรายงาน",
    "delete_round": "ลบรอบการรายงาน",
    "copy_catalogue": "คัดลอกตัวชี้วัดไปปีงบประมาณใหม่",
    "activate_indicator": "เปิดใช้ตัวชี้วัด",
    "remove_indicator": "ลบตัวชี้วัด",
    "rescore": "คำนวณคะแนนใหม่ตามเกณฑ์ที่แก้ไข",
    # logging in
    "login": "เข้าสู่ระบบ",
    "login_failed": "เข้าสู่ระบบไม่สำเร็จ",
    "account_locked": "บัญชีถูกล็อก (ใส่รหัสผ่านผิดหลายครั้ง)",
    "logout": "ออกจากระบบ",
    # accounts
    "create_account": "สร้างบัญชีผู้ใช้",
    "update_account": "แก้ไขบัญชีผู้ใช้",
    "deactivate_account": "ปิดการใช้งานบัญชี",
    "reactivate_account": "เปิดการใช้งานบัญชี",
    "unlock_account": "ปลดล็อกบัญชี",
    "reset_password": "รีเซ็ตรหัสผ่าน (รหัสผ่านใช้ครั้งเดียว)",
    "change_password": "เปลี่ยนรหัสผ่าน",
    "import_accounts": "นำเข้าบัญชีผู้ใช้จากไฟล์",
    # offices
    "create_district": "เพิ่ม สพท.",
    "update_district": "แก้ไขข้อมูล สพท.",
    "deactivate_district": "ปิดการใช้งาน สพท.",
    "reactivate_district": "เปิดการใช้งาน สพท.",
    "create_bureau": "เพิ่มสำนัก",
    "update_bureau": "แก้ไขข้อมูลสำนัก",
    "deactivate_bureau": "ปิดการใช้งานสำนัก",
    "reactivate_bureau": "เปิดการใช้งานสำนัก",
    "import_offices": "นำเข้าหน่วยงานจากไฟล์",
}

FIELD_LABELS: dict[str, str] = {
    "variable": "ตัวแปร",
    "value": "ค่า",
    "status": "สถานะ",
    "result": "ผล",
    "score": "คะแนน",
    "reason": "เหตุผล",
    "correction_deadline": "แก้ไขได้ถึง",
    "extended_until": "ขยายเวลาถึง",
    "deadline": "กำหนด",
    "closed": "ปิดรอบ",
    "by": "โดย",
    "fixed": "กำหนดคะแนน 1.00000",
    "created": "สร้างผลใหม่",
    "stays_refused": "ไม่รับรองคงเดิม",
    "overdue": "ค้างรับรอง",
    "name": "ชื่อ",
    "description": "คำอธิบาย",
    "size": "ขนาด (ไบต์)",
    "body": "ข้อความ",
    "message": "ข้อความ",
    "side": "ฝ่าย",
    "items": "จำนวนรายการ",
    "districts": "จำนวน สพท.",
    "values": "จำนวนค่า",
    "file": "ไฟล์",
    "selected": "เลือก",
    "certified": "รับรองแล้ว",
    "skipped": "ข้าม",
    "username": "ชื่อผู้ใช้",
    "display_name": "ชื่อผู้ใช้งาน",
    "role": "บทบาท",
    "office": "หน่วยงาน",
    "active": "ใช้งาน",
    "locked": "ถูกล็อก",
    "must_change_password": "ต้องเปลี่ยนรหัสผ่าน",
    "sessions_ended": "ออกจากระบบทุกเครื่อง",
    "code": "รหัส",
    "short_name": "ชื่อย่อ",
    "level": "ประเภท",
    "province": "จังหวัด",
    "accounts": "จำนวนบัญชี",
    "accounts_deactivated": "บัญชีที่ปิดการใช้งาน",
    "offices": "จำนวนหน่วยงาน",
    "kind": "ชนิด",
}

# Stored for the machine, not for reading.
HIDDEN_FIELDS = frozenset({"sha256", "until_text", "correction_deadline_text"})
DATE_FIELDS = frozenset({"correction_deadline", "extended_until", "deadline"})
LEVEL_LABELS = {"primary": "สพป.", "secondary": "สพม."}
SIDE_LABELS = {"district": "สพท.", "bureau": "สำนัก"}
KIND_LABELS = {"district": "สพท.", "bureau": "สำนัก"}


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)


def _value_text(key: str, value: object, local: Callable[[datetime], datetime]) -> str:
    if value is None or value == "":
        return "-"
    if isinstance(value, bool):
        return "ใช่" if value else "ไม่ใช่"
    if key == "status":
        try:
            return STATUS_LABELS[Status(value)]
        except ValueError:
            return str(value)
    if key == "role":
        try:
            return ROLE_THAI[Role(value)]
        except ValueError:
            return str(value)
    if key == "level":
        return LEVEL_LABELS.get(str(value), str(value))
    if key == "side":
        return SIDE_LABELS.get(str(value), str(value))
    if key == "kind":
        return KIND_LABELS.get(str(value), str(value))
    if key == "score" and isinstance(value, int | float):
        return format_score(value)
    if key in DATE_FIELDS and isinstance(value, str):
        try:
            return thai_datetime(local(datetime.fromisoformat(value)))
        except ValueError:
            return value
    if isinstance(value, int | float):
        return format_number(value)
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    return str(value)


def describe_change(
    before: dict | None, after: dict | None, local: Callable[[datetime], datetime] = lambda d: d
) -> tuple[str, str, str]:
    """(before text, after text, change text) in plain Thai.

    The change text names each field once: "สถานะ: รอการรับรองผล → รับรองผล; ตัวแปร: a".
    local: how a stored (UTC) time becomes the time Thai users read."""
    before = before if isinstance(before, dict) else {}
    after = after if isinstance(after, dict) else {}
    keys = [k for k in dict.fromkeys([*before, *after]) if k not in HIDDEN_FIELDS]
    before_parts, after_parts, change_parts = [], [], []
    for key in keys:
        label = FIELD_LABELS.get(key, key)
        old = _value_text(key, before.get(key), local) if key in before else None
        new = _value_text(key, after.get(key), local) if key in after else None
        if old is not None:
            before_parts.append(f"{label}: {old}")
        if new is not None:
            after_parts.append(f"{label}: {new}")
        if old is None or new is None or old == new:
            change_parts.append(f"{label}: {new if old is None else old}")
        else:
            change_parts.append(f"{label}: {old} → {new}")
    return "; ".join(before_parts) or "-", "; ".join(after_parts) or "-", "; ".join(change_parts) or "-"
