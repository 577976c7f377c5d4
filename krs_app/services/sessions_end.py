"""Ending a user's login sessions on the server (password changed or reset, account or office
deactivated), and telling the live layer after commit so their open tabs log out."""

from __future__ import annotations

from sqlmodel import Session, select

from krs_app.db.models import UserSession
from krs_app.live.bus import SessionsEnded, announce_sessions_ended
from krs_app.services import session_cache
from krs_app.services.clock import utcnow


def end_sessions(session: Session, user_id: int, keep_key: str = "") -> tuple[str, ...]:
    """End every open session of a user but the one with keep_key; returns the ended keys."""
    now = utcnow()
    ended = []
    for row in session.exec(select(UserSession).where(UserSession.user_id == user_id, UserSession.ended_at.is_(None))):
        if keep_key and row.token_hash == keep_key:
            continue
        row.ended_at = now
        session.add(row)
        ended.append(row.token_hash)
    return tuple(ended)


def announce_ended(user_id: int, keys: tuple[str, ...], reason: str) -> None:
    """After commit: every process forgets what it remembered of this user's sessions (its
    password, flags and sessions changed: services.session_cache), and the live layer is told
    which sessions ended (their tabs log out)."""
    session_cache.forget_user(user_id)
    if keys:
        announce_sessions_ended(SessionsEnded(user_id=user_id, session_keys=keys, reason=reason))
