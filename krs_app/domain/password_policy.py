"""What a new password must be: at least 10 characters, not one of the most common passwords,
not the username, not one character repeated. Messages in Thai, for the field they concern."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

MIN_LENGTH = 10
MAX_LENGTH = 128
COMMON_PASSWORDS_FILE = Path(__file__).resolve().parent / "data" / "common_passwords.txt"

TOO_SHORT = f"รหัสผ่านต้องมีอย่างน้อย {MIN_LENGTH} ตัวอักษร"
TOO_LONG = f"รหัสผ่านต้องยาวไม่เกิน {MAX_LENGTH} ตัวอักษร"
TOO_COMMON = "รหัสผ่านนี้เป็นรหัสที่ใช้กันมากและเดาได้ง่าย กรุณาตั้งรหัสผ่านอื่น"
HAS_USERNAME = "รหัสผ่านต้องไม่มีชื่อผู้ใช้อยู่ในรหัสผ่าน"
ONE_CHARACTER = "รหัสผ่านต้องไม่ใช่ตัวอักษรตัวเดียวซ้ำกัน"
EDGE_SPACES = "รหัสผ่านต้องไม่ขึ้นต้นหรือลงท้ายด้วยช่องว่าง"


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The bundled list (lowercase); lines starting with # are its notes."""
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def password_problem(password: str, username: str = "") -> str | None:
    """Why this new password is refused (Thai), or None when it may be used."""
    if not isinstance(password, str) or len(password) < MIN_LENGTH:
        return TOO_SHORT
    if len(password) > MAX_LENGTH:
        return TOO_LONG
    if password != password.strip():
        return EDGE_SPACES
    if len(set(password)) == 1:
        return ONE_CHARACTER
    lowered = password.lower()
    name = (username or "").strip().lower()
    if len(name) >= 3 and name in lowered:
        return HAS_USERNAME
    if lowered in common_passwords():
        return TOO_COMMON
    return None
