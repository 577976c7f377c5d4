"""The audit log: one row per change, written in the same transaction as the change."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import Session

from krs_app.db.models import AuditLog
from krs_app.ops.logs import log_write
from krs_app.services.clock import utcnow


def record(
    session: Session,
    *,
    user_id: int | None,
    action: str,
    entity: str,
    entity_id: int | None = None,
    district_id: int | None = None,
    round_id: int | None = None,
    indicator_id: int | None = None,
    before: Any = None,
    after: Any = None,
) -> None:
    session.add(
        AuditLog(
            at=utcnow(),
            user_id=user_id,
            action=action,
            entity=entity,
            entity_id=entity_id,
            district_id=district_id,
            round_id=round_id,
            indicator_id=indicator_id,
            before=None if before is None else json.dumps(before, ensure_ascii=False, default=str),
            after=None if after is None else json.dumps(after, ensure_ascii=False, default=str),
        )
    )
    log_write(  # ids only: before/after may hold what was typed
        user_id=user_id,
        action=action,
        entity=entity,
        entity_id=entity_id,
        district_id=district_id,
        round_id=round_id,
        indicator_id=indicator_id,
    )
