"""Which evidence files are accepted: safe names, allowed types checked by content, size."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MAX_NAME_LENGTH = 150
MAX_DESCRIPTION_LENGTH = 300

# extension -> (content type, signature check)
_OFFICE_ZIP = "PK\x03\x04"
_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "ppt": "application/vnd.ms-powerpoint",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "zip": "application/zip",
    "csv": "text/csv; charset=utf-8",
    "txt": "text/plain; charset=utf-8",
}

_CONTROL_OR_FORMAT = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def safe_file_name(name: str | None) -> str:
    """The original name made safe to show and to send back: no path parts, controls or bidi tricks."""
    text = unicodedata.normalize("NFC", name or "")
    text = text.replace("\\", "/").split("/")[-1]
    text = _CONTROL_OR_FORMAT.sub("", text).strip().strip(".")
    if not text:
        text = "file"
    if len(text) > MAX_NAME_LENGTH:
        stem, dot, ext = text.rpartition(".")
        text = stem[: MAX_NAME_LENGTH - len(ext) - 1] + "." + ext if dot and len(ext) <= 10 else text[:MAX_NAME_LENGTH]
    return text


def extension_of(name: str) -> str:
    _stem, dot, ext = name.rpartition(".")
    return ext.lower() if dot else ""


def _matches_content(ext: str, head: bytes) -> bool:
    if ext == "pdf":
        return head.startswith(b"%PDF-")
    if ext == "png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if ext in ("jpg", "jpeg"):
        return head.startswith(b"\xff\xd8\xff")
    if ext == "gif":
        return head.startswith((b"GIF87a", b"GIF89a"))
    if ext == "webp":
        return head.startswith(b"RIFF") and head[8:12] == b"WEBP"
    if ext in ("docx", "xlsx", "pptx", "odt", "ods", "zip"):
        return head.startswith(_OFFICE_ZIP.encode("latin-1"))
    if ext in ("doc", "xls", "ppt"):
        return head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
    if ext in ("csv", "txt"):
        if b"\x00" in head:
            return False
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as error:
            # A multi-byte character may be cut at the end of the sample.
            return error.start >= len(head) - 3
        return True
    return False


@dataclass(frozen=True)
class EvidenceCheck:
    ok: bool
    message: str = ""
    safe_name: str = ""
    content_type: str = ""


def check_evidence(
    name: str | None,
    head: bytes,
    size: int,
    max_bytes: int,
    allowed_extensions: frozenset[str],
    description: str | None,
) -> EvidenceCheck:
    """Accept or refuse a file (with a Thai reason): description, size, type by extension and content."""
    text = (description or "").strip()
    if not text:
        return EvidenceCheck(False, "กรุณาพิมพ์คำอธิบายไฟล์")
    if len(text) > MAX_DESCRIPTION_LENGTH:
        return EvidenceCheck(False, f"คำอธิบายไฟล์ยาวเกิน {MAX_DESCRIPTION_LENGTH} ตัวอักษร")
    safe = safe_file_name(name)
    if size <= 0:
        return EvidenceCheck(False, "ไฟล์ว่างเปล่า กรุณาเลือกไฟล์ใหม่")
    if size > max_bytes:
        return EvidenceCheck(False, f"ไฟล์มีขนาดเกิน {max_bytes / (1024 * 1024):g} MB ที่ระบบรับได้")
    ext = extension_of(safe)
    if ext not in allowed_extensions or ext not in _TYPES:
        allowed = ", ".join(sorted(e for e in allowed_extensions if e in _TYPES))
        return EvidenceCheck(False, f"ไม่รับไฟล์ประเภท .{ext or '?'} (รับได้: {allowed})")
    if not _matches_content(ext, head):
        return EvidenceCheck(False, f"เนื้อหาไฟล์ไม่ตรงกับนามสกุล .{ext} กรุณาตรวจสอบไฟล์")
    return EvidenceCheck(True, safe_name=safe, content_type=_TYPES[ext])


def human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} B"


@dataclass(frozen=True)
class WithdrawDecision:
    allowed: bool
    reason: str = ""


def may_withdraw(registered: bool, result_certified: bool, round_closed: bool) -> WithdrawDecision:
    """ถอนไฟล์: a district withdraws its own file only while nothing rests on it — not once the
    bureau registered it, not behind a certified result, not in a closed round."""
    if registered:
        return WithdrawDecision(False, "สำนักลงทะเบียนรับไฟล์นี้แล้ว ถอนไฟล์ไม่ได้")
    if result_certified:
        return WithdrawDecision(False, "ผลการดำเนินงานได้รับการรับรองแล้ว ถอนไฟล์หลักฐานไม่ได้")
    if round_closed:
        return WithdrawDecision(False, "รอบการรายงานนี้ปิดแล้ว ถอนไฟล์ไม่ได้")
    return WithdrawDecision(True)


def withdrawal_message(description: str, file_name: str) -> str:
    """The line the thread records when a district withdraws a file (it raises the bureau's badge)."""
    return f"ถอนไฟล์หลักฐาน “{description}” ({file_name})"
