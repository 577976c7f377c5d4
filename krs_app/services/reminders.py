"""Reminders (แจ้งเตือน): the bureau tells districts that have not reported, in their thread,
with a deadline."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import select

from krs_app.db.engine import session_scope
from krs_app.db.models import District, Result
from krs_app.domain.certification import assessed_in_round
from krs_app.domain.status import Status
from krs_app.live.bus import Change, announce
from krs_app.services import audit, threads
from krs_app.services.access import SIDE_BUREAU, district_ids_from, require_bureau_of, require_round
from krs_app.services.active_districts import active_districts
from krs_app.services.auth import CurrentUser
from krs_app.services.catalogue import load_entry
from krs_app.services.clock import as_utc_deadline, deadline_text, utcnow
from krs_app.services.errors import NotFound, ServiceError

MAX_REMINDER_LENGTH = threads.MAX_MESSAGE_LENGTH - 200  # room for the prefix and the deadline
REMIND_PREFIX = "แจ้งเตือน: "


def remind(
    user: CurrentUser,
    indicator_id: int,
    round_id: int,
    message: str,
    deadline: datetime | date,
    district_ids: list[int] | None = None,
) -> int:
    """แจ้งเตือน: a bureau message with a deadline to every district that has not reported
    (or to the given districts); it lands in their thread and raises their badge.

    Returns how many districts were reminded.
    """
    now = utcnow()
    targets: list[int]
    with session_scope() as session:
        indicator = require_bureau_of(session, user, indicator_id)
        round_ = require_round(session, round_id)
        assessed = assessed_in_round(load_entry(session, indicator.id, round_).spec, round_.months)
        if not assessed.allowed:
            raise ServiceError(assessed.reason)
        if message is not None and not isinstance(message, str):
            raise ServiceError("ข้อความไม่ถูกต้อง")
        text = (message or "").strip()
        if len(text) > MAX_REMINDER_LENGTH:
            raise ServiceError(f"ข้อความยาวเกิน {MAX_REMINDER_LENGTH:,} ตัวอักษร")
        due = as_utc_deadline(deadline)
        if due is None:
            raise ServiceError("กรุณาระบุวันที่ต้องรายงาน")
        if due <= now:
            raise ServiceError("วันที่ต้องรายงานต้องเป็นเวลาในอนาคต")
        if round_.closed:
            raise ServiceError("รอบการรายงานนี้ปิดแล้ว")
        if district_ids is None:
            reported = set(
                session.exec(
                    select(Result.district_id).where(
                        Result.indicator_id == indicator.id,
                        Result.round_id == round_.id,
                        Result.status != Status.NOT_REPORTED.value,
                    )
                )
            )
            targets = [d for d in session.exec(active_districts(District.id)) if d not in reported]
        else:
            ids = district_ids_from(district_ids)
            known = set(session.exec(active_districts(District.id).where(District.id.in_(ids)))) if ids else set()
            if len(known) != len(ids):
                raise NotFound("ไม่พบ สพท. บางแห่งที่เลือก")
            targets = ids
        body = (
            f"{REMIND_PREFIX}{text or f'กรุณารายงานผลการดำเนินงานตัวชี้วัดที่ {indicator.code}'}\n"
            f"กรุณาดำเนินการภายใน {deadline_text(due)}"
        )
        for district_id in targets:
            threads.add_message(session, user, SIDE_BUREAU, district_id, indicator.id, round_.id, body)
        audit.record(
            session,
            user_id=user.id,
            action="remind",
            entity="indicator",
            entity_id=indicator.id,
            round_id=round_.id,
            indicator_id=indicator.id,
            after={"districts": len(targets), "deadline": due, "message": text},
        )
    for district_id in targets:
        announce(Change(district_id=district_id, round_id=round_id, indicator_id=indicator_id, kind="message"))
    return len(targets)
