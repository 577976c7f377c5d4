"""Every submit is safe to press twice: the one idempotency mechanism of KRS.

Each submit form of the UI carries a request id, fixed for that form until its answer comes
back (states/submit.py renders it; the evidence upload script sends one per chosen file). A
use-case run through `once` runs at most once per user and request id: the first run's answer
(a JSON value, usually the Thai message shown) is remembered in the `submission` table, and a
doubled click or a replayed event with the same id gets that same answer and changes nothing.

A refused submit (ServiceError) is forgotten, so the user can correct the input and send the
same form again. Remembered answers are kept for REMEMBER_HOURS, then purged.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from krs_app.db.engine import session_scope
from krs_app.db.models import Submission
from krs_app.services.auth import CurrentUser
from krs_app.services.clock import utcnow
from krs_app.services.errors import ServiceError

REMEMBER_HOURS = 24
# A claim with no answer this old was left by a process that died mid-run (kill -9, power loss):
# the request runs again instead of answering "still running" for a day. A use-case still refuses
# what its state forbids (a certified result is not certified again).
ABANDONED_AFTER = timedelta(minutes=2)
STILL_RUNNING = "กำลังดำเนินการคำขอนี้อยู่ กรุณารอสักครู่"
_REQUEST_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


def valid_request_id(request_id: object) -> str | None:
    """The request id if it has the expected shape (what a browser sends is never trusted)."""
    return request_id if isinstance(request_id, str) and _REQUEST_ID.match(request_id) else None


def once(user: CurrentUser, request_id: object, kind: str, run: Callable[[], Any]) -> Any:
    """Run `run()` (a use-case with its own transaction) once for this user and request id.

    Returns its answer, or the remembered answer of the first run for a repeat. Without a valid
    request id the use-case runs unguarded: each use-case still refuses what its state forbids.
    """
    request_id = valid_request_id(request_id)
    if request_id is None:
        return run()
    claimed = _claim(user.id, request_id, kind)
    if claimed is not True:
        return claimed
    try:
        answer = run()
    except BaseException:
        _forget(user.id, request_id)
        raise
    with session_scope() as session:
        row = session.exec(
            select(Submission).where(Submission.user_id == user.id, Submission.request_id == request_id)
        ).first()
        if row is not None:
            row.answer = json.dumps(answer, ensure_ascii=False, default=str)
            session.add(row)
    return answer


def _claim(user_id: int, request_id: str, kind: str) -> Any:
    """True when this run is the first; else the first run's answer (or a refusal while it runs)."""
    now = utcnow()
    try:
        with session_scope() as session:
            session.execute(delete(Submission).where(Submission.at < now - timedelta(hours=REMEMBER_HOURS)))
            session.add(Submission(user_id=user_id, request_id=request_id, kind=kind, at=now))
        return True
    except IntegrityError:
        pass
    with session_scope() as session:
        row = session.exec(
            select(Submission).where(Submission.user_id == user_id, Submission.request_id == request_id)
        ).first()
    if row is None:  # the first run was refused and forgotten meanwhile: run again
        return _claim(user_id, request_id, kind)
    if row.answer is None:
        if row.at < now - ABANDONED_AFTER and _take_over(row.id, row.at):
            return True
        raise ServiceError(STILL_RUNNING)
    return json.loads(row.answer)


def _take_over(row_id: int, claimed_at) -> bool:
    """Claim an abandoned run for this one (only one concurrent retry wins)."""
    with session_scope() as session:
        taken = session.execute(
            update(Submission)
            .where(Submission.id == row_id, Submission.at == claimed_at, Submission.answer.is_(None))
            .values(at=utcnow())
        )
        return taken.rowcount == 1


def _forget(user_id: int, request_id: str) -> None:
    with session_scope() as session:
        session.execute(delete(Submission).where(Submission.user_id == user_id, Submission.request_id == request_id))
