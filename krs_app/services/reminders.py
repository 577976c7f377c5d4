"""Reminders (แจ้งเตือน): the bureau tells districts that have not reported, in their thread,
with a deadline; how many a reminder will reach, and the reminders already sent (from the audit
log, where each reminder is recorded once with its text, its reach, who sent it and when)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, select

from krs_app.db.engine import session_scope
from krs_app.db.models import AuditLog, District, Indicator, Result, Round, User
from krs_app.domain.certification import assessed_in_round
from krs_app.domain.status import Status
from krs_app.domain.thai_dates import thai_datetime
from krs_app.live.bus import Change, announce
from krs_app.services import audit, threads
from krs_app.services.access import SIDE_BUREAU, district_ids_from, require_bureau_of, require_round
from krs_app.services.active_districts import active_districts
from krs_app.services.auth import CurrentUser
from krs_app.services.catalogue import load_entry
from krs_app.services.clock import as_utc_deadline, deadline_text, to_bangkok, utcnow
from krs_app.services.errors import NotFound, ServiceError

MAX_REMINDER_LENGTH = threads.MAX_MESSAGE_LENGTH - 200  # room for the prefix and the deadline
REMIND_PREFIX = "แจ้งเตือน: "
NOBODY_TO_REMIND = "ทุกเขตพื้นที่รายงานผลแล้ว ไม่มี สพท. ที่ต้องแจ้งเตือน"
SENT_LIMIT = 50  # the newest reminders listed


@dataclass
class SentReminder:
    """One reminder as the bureau's list shows it (texts already in Thai)."""

    id: int
    sent_text: str  # "30 เม.ย. 2562 14:05 น."
    sender: str
    districts: int
    deadline_text: str
    body: str


def _default_text(indicator: Indicator) -> str:
    return f"กรุณารายงานผลการดำเนินงานตัวชี้วัดที่ {indicator.code}"


def _not_reported(session: Session, indicator: Indicator, round_: Round) -> list[int]:
    """The districts that have not reported this indicator in this round: whom a reminder reaches."""
    reported = set(
        session.exec(
            select(Result.district_id).where(
                Result.indicator_id == indicator.id,
                Result.round_id == round_.id,
                Result.status != Status.NOT_REPORTED.value,
            )
        )
    )
    return [d for d in session.exec(active_districts(District.id).order_by(District.code)) if d not in reported]


def reminder_reach(user: CurrentUser, indicator_id: int, round_id: int) -> int:
    """How many districts a reminder sent now would reach (the dialog says it before sending)."""
    with session_scope() as session:
        indicator = require_bureau_of(session, user, indicator_id)
        round_ = require_round(session, round_id)
        assessed = assessed_in_round(load_entry(session, indicator.id, round_).spec, round_.months)
        if not assessed.allowed:
            raise ServiceError(assessed.reason)  # ยังไม่ต้องรายงานในรอบนี้: nobody to remind
        return len(_not_reported(session, indicator, round_))


def sent_reminders(user: CurrentUser, indicator_id: int, round_id: int) -> list[SentReminder]:
    """The reminders sent on this indicator in this round, newest first (the owning bureau only)."""
    with session_scope() as session:
        indicator = require_bureau_of(session, user, indicator_id)
        round_ = require_round(session, round_id)
        rows = session.exec(
            select(AuditLog, User.display_name)
            .join(User, User.id == AuditLog.user_id, isouter=True)
            .where(
                AuditLog.action == "remind",
                AuditLog.indicator_id == indicator.id,
                AuditLog.round_id == round_.id,
            )
            .order_by(AuditLog.at.desc(), AuditLog.id.desc())
            .limit(SENT_LIMIT)
        )
        sent = []
        for row, sender in rows:
            after = json.loads(row.after or "{}")
            due = after.get("deadline")
            sent.append(
                SentReminder(
                    id=row.id,
                    sent_text=thai_datetime(to_bangkok(row.at)),
                    sender=sender or "-",
                    districts=int(after.get("districts") or 0),
                    deadline_text=deadline_text(datetime.fromisoformat(due)) if due else "-",
                    body=str(after.get("message") or _default_text(indicator)),
                )
            )
        return sent


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
            targets = _not_reported(session, indicator, round_)
            if not targets:
                raise ServiceError(NOBODY_TO_REMIND)
        else:
            ids = district_ids_from(district_ids)
            known = set(session.exec(active_districts(District.id).where(District.id.in_(ids)))) if ids else set()
            if len(known) != len(ids):
                raise NotFound("ไม่พบ สพท. บางแห่งที่เลือก")
            targets = ids
        body = f"{REMIND_PREFIX}{text or _default_text(indicator)}\nกรุณาดำเนินการภายใน {deadline_text(due)}"
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
