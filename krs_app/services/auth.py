"""Logging in and out, and who the holder of a session token is.

The browser keeps only a random token; the server keeps its SHA-256 in user_session
and derives the user (role, office) from it on every request.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session, select

from krs_app.db.engine import session_scope
from krs_app.db.models import Bureau, District, User, UserSession
from krs_app.domain.roles import Role
from krs_app.services import audit, session_cache
from krs_app.services.clock import utcnow
from krs_app.services.errors import NotAllowed, ServiceError
from krs_app.services.passwords import verify_password
from krs_app.settings import get_settings

ROLE_DISTRICT = Role.DISTRICT
ROLE_BUREAU = Role.BUREAU
ROLE_KPI_OFFICE = Role.KPI_OFFICE

WRONG_CREDENTIALS = "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง"
KPI_OFFICE_NAME = "กลุ่มพัฒนาระบบบริหาร (กพร.)"


@dataclass(frozen=True)
class CurrentUser:
    """The logged-in user as the server knows it: never taken from the browser."""

    id: int
    username: str
    display_name: str
    role: str
    district_id: int | None
    bureau_id: int | None
    office_name: str
    must_change_password: bool = False  # a one-time password: only /password until it is changed

    @property
    def is_district(self) -> bool:
        return self.role == ROLE_DISTRICT

    @property
    def is_bureau(self) -> bool:
        return self.role == ROLE_BUREAU

    @property
    def is_kpi_office(self) -> bool:
        return self.role == ROLE_KPI_OFFICE


class AccountLocked(ServiceError):
    pass


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _current_user(session: Session, user: User) -> CurrentUser:
    office = KPI_OFFICE_NAME
    if user.district_id is not None:
        district = session.get(District, user.district_id)
        office = district.name if district else ""
    elif user.bureau_id is not None:
        bureau = session.get(Bureau, user.bureau_id)
        office = bureau.name if bureau else ""
    return CurrentUser(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        role=user.role,
        district_id=user.district_id,
        bureau_id=user.bureau_id,
        office_name=office,
        must_change_password=user.must_change_password,
    )


def login(username: str, password: str) -> tuple[str, CurrentUser]:
    """Check the credentials; return a new session token and the user.

    One message for an unknown user and a wrong password; after too many failures
    the account is locked for a while and says so.
    """
    settings = get_settings()
    username = (username or "").strip().lower()[:100]
    password = (password or "")[:1000]
    now = utcnow()
    with session_scope() as session:
        user = session.exec(select(User).where(User.username == username)).first()
        if user is not None and user.locked_until is not None and user.locked_until > now:
            verify_password(password, None)
            minutes = max(1, int((user.locked_until - now).total_seconds() // 60) + 1)
            raise AccountLocked(
                f"บัญชีนี้ถูกล็อกชั่วคราวเนื่องจากใส่รหัสผ่านผิดเกิน {settings.login_max_failures} ครั้ง กรุณาลองใหม่ในอีก {minutes} นาที"
            )
        # Always one argon2 check: against the dummy hash when the username is unknown, so an
        # unknown name takes as long as a wrong password (names cannot be told apart by timing).
        password_ok = verify_password(password, user.password_hash if user is not None else None)
        if user is None or not password_ok:
            if user is not None:
                user.failed_logins += 1
                audit.record(session, user_id=user.id, action="login_failed", entity="user", entity_id=user.id)
                if user.failed_logins >= settings.login_max_failures:
                    user.locked_until = now + timedelta(minutes=settings.login_lock_minutes)
                    user.failed_logins = 0
                    audit.record(session, user_id=user.id, action="account_locked", entity="user", entity_id=user.id)
                    session.add(user)
                    session.commit()
                    raise AccountLocked(
                        f"ใส่รหัสผ่านผิดเกิน {settings.login_max_failures} ครั้ง บัญชีถูกล็อก {settings.login_lock_minutes} นาที"
                    )
                session.add(user)
                session.commit()
            raise ServiceError(WRONG_CREDENTIALS)
        if not user.active:
            raise ServiceError(WRONG_CREDENTIALS)
        user.failed_logins = 0
        user.locked_until = None
        user.last_login_at = now
        session.add(user)
        token = secrets.token_urlsafe(32)
        session.add(UserSession(token_hash=_token_hash(token), user_id=user.id, created_at=now, last_seen_at=now))
        audit.record(session, user_id=user.id, action="login", entity="user", entity_id=user.id)
        return token, _current_user(session, user)


def user_for_token(token: str | None) -> CurrentUser | None:
    """The user behind a session token, or None if it is unknown, ended, idle too long or inactive.

    A valid use extends the idle period. The database's answer is kept for a few seconds
    (services.session_cache): logout and session_cache.forget_user end it at once.
    """
    if not token or len(token) > 200:
        return None
    key = _token_hash(token)
    cached = session_cache.get(key)
    if cached is not None:
        return cached
    asked_at = session_cache.generation()
    now = utcnow()
    idle_limit = timedelta(minutes=get_settings().session_idle_minutes)
    with session_scope() as session:
        user_session = session.exec(select(UserSession).where(UserSession.token_hash == key)).first()
        if user_session is None or user_session.ended_at is not None:
            return None
        if now - user_session.last_seen_at > idle_limit:
            user_session.ended_at = now
            session.add(user_session)
            return None
        user = session.get(User, user_session.user_id)
        if user is None or not user.active:
            return None
        if now - user_session.last_seen_at > timedelta(minutes=1):
            user_session.last_seen_at = now
            session.add(user_session)
        current = _current_user(session, user)
        valid_until = user_session.last_seen_at + idle_limit
    session_cache.put(key, current.id, current, valid_until, asked_at)  # after the commit
    return current


def session_key(token: str | None) -> str:
    """What identifies a browser session without being its secret (the stored hash)."""
    return _token_hash(token) if token and len(token) <= 200 else ""


def live_district_sessions(keys: set[str], district_id: int) -> set[str]:
    """Of these session keys, the ones still logged in as a user of this district.

    One query for every tab a live change goes to; it does not extend the idle period."""
    keys = {key for key in keys if key}
    if not keys:
        return set()
    idle_since = utcnow() - timedelta(minutes=get_settings().session_idle_minutes)
    with session_scope() as session:
        rows = session.exec(
            select(UserSession.token_hash)
            .join(User, User.id == UserSession.user_id)
            .where(
                UserSession.token_hash.in_(keys),
                UserSession.ended_at.is_(None),
                UserSession.last_seen_at >= idle_since,
                User.active.is_(True),
                User.district_id == district_id,
            )
        )
        return set(rows)


SESSION_EXPIRED = "หมดเวลาการใช้งาน กรุณาเข้าสู่ระบบอีกครั้ง"
LOGGED_OUT_ELSEWHERE = "ออกจากระบบจากหน้าต่างอื่นแล้ว กรุณาเข้าสู่ระบบอีกครั้ง"
LOGGED_OUT = "ออกจากระบบแล้ว"


def ended_notice(key: str, still_sent: bool) -> str:
    """Why the session `key` (session_key) no longer holds, as the login page says it (Thai):
    idle too long, or ended while this tab still sent it (a logout in another tab, or the
    server ended it), or ended and gone from the browser (this tab's own logout); "" if unknown."""
    if not key:
        return ""
    idle_limit = timedelta(minutes=get_settings().session_idle_minutes)
    with session_scope() as session:
        row = session.exec(select(UserSession).where(UserSession.token_hash == key)).first()
    if row is None:
        return ""
    ended = row.ended_at or utcnow()
    if ended - row.last_seen_at > idle_limit:
        return SESSION_EXPIRED
    if row.ended_at is None:
        return ""  # still open: the user became inactive, or the cookie was removed
    return LOGGED_OUT_ELSEWHERE if still_sent else LOGGED_OUT


def require_user(token: str | None) -> CurrentUser:
    user = user_for_token(token)
    if user is None:
        raise NotAllowed("กรุณาเข้าสู่ระบบ")
    return user


def logout(token: str | None) -> None:
    if not token:
        return
    with session_scope() as session:
        user_session = session.exec(select(UserSession).where(UserSession.token_hash == _token_hash(token))).first()
        if user_session is not None and user_session.ended_at is None:
            user_session.ended_at = utcnow()
            session.add(user_session)
            audit.record(
                session, user_id=user_session.user_id, action="logout", entity="user", entity_id=user_session.user_id
            )
    session_cache.forget_session(_token_hash(token))  # after the commit, in every process
