"""Every logged-in user changes their own password (the /password page).

At least 10 characters and not a common password (domain.password_policy); FieldError names
the field. The user's other sessions end at once and are announced (live.bus.SessionsEnded);
a one-time password's must_change_password is cleared."""

from __future__ import annotations

from krs_app.db.engine import session_scope
from krs_app.db.models import User
from krs_app.domain.password_policy import password_problem
from krs_app.services import audit, auth
from krs_app.services.clock import utcnow
from krs_app.services.errors import FieldError, NotAllowed
from krs_app.services.passwords import hash_password, verify_password
from krs_app.services.sessions_end import announce_ended, end_sessions


def change_own_password(token: str, current: str, new: str, confirm: str) -> None:
    """The logged-in user (from the session token) changes their password.

    FieldError names the field: "password_current", "password_new" or "password_confirm".
    The user's other sessions end at once (this one stays); must_change_password is cleared.
    Sending the same change again after it succeeded does nothing more."""
    user = auth.require_user(token)
    current = current if isinstance(current, str) else ""
    new = new if isinstance(new, str) else ""
    confirm = confirm if isinstance(confirm, str) else ""
    with session_scope() as session:
        row = session.get(User, user.id)
        if row is None:
            raise NotAllowed("กรุณาเข้าสู่ระบบ")
        if not current:
            raise FieldError("password_current", "กรุณากรอกรหัสผ่านปัจจุบัน")
        if not verify_password(current[:1000], row.password_hash):
            if new and new == confirm and verify_password(new[:1000], row.password_hash):
                return  # the same change, sent twice: already done
            raise FieldError("password_current", "รหัสผ่านปัจจุบันไม่ถูกต้อง")
        if not new:
            raise FieldError("password_new", "กรุณากรอกรหัสผ่านใหม่")
        problem = password_problem(new, row.username)
        if problem:
            raise FieldError("password_new", problem)
        if new == current:
            raise FieldError("password_new", "รหัสผ่านใหม่ต้องไม่ซ้ำกับรหัสผ่านปัจจุบัน")
        if new != confirm:
            raise FieldError("password_confirm", "ยืนยันรหัสผ่านไม่ตรงกับรหัสผ่านใหม่")
        row.password_hash = hash_password(new)
        row.must_change_password = False
        row.password_changed_at = utcnow()
        session.add(row)
        keys = end_sessions(session, row.id, keep_key=auth.session_key(token))
        audit.record(
            session,
            user_id=row.id,
            action="change_password",
            entity="user",
            entity_id=row.id,
            district_id=row.district_id,
            after={"sessions_ended": len(keys)},
        )
    announce_ended(user.id, keys, "password_changed")
