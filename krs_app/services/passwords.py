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


# No look-alike characters (0/O, 1/l/I): the KPI office reads it out or writes it down once.
_ONE_TIME_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
ONE_TIME_LENGTH = 12


def one_time_password() -> str:
    """A random password for a new or reset account, shown once and changed at the next login."""
    import secrets

    return "".join(secrets.choice(_ONE_TIME_ALPHABET) for _ in range(ONE_TIME_LENGTH))
