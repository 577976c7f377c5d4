"""Password hashing with passlib (libpass) and argon2."""

from __future__ import annotations

from passlib.context import CryptContext

_context = CryptContext(schemes=["argon2"], deprecated="auto")

# Verified against when the username is unknown, so both paths take the same time.
_DUMMY_HASH = _context.hash("krs-timing-equaliser")


def hash_password(password: str) -> str:
    return _context.hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    try:
        return _context.verify(password, password_hash or _DUMMY_HASH) and password_hash is not None
    except (ValueError, TypeError):
        return False
