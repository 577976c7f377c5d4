"""Closing a round (the KPI office's lock exceptions are services/extensions.py).

Closing (DOMAIN.md "Flow of one round", step 4): every result not reported — including a
district that never touched an indicator, whose result row is created — is fixed at
1.00000 (fixed_at_close, audited with the reason); refused results not corrected stay
refused (public score 1.00000); results still awaiting certification are listed as
overdue, per bureau, for the KPI office to act on. The round becomes read-only.

Closing is idempotent: a round is claimed by one conditional UPDATE (closed = false ->
true), so a second call — or a second app process running the scheduler at the same
moment — changes nothing and audits nothing; it only reports.

`close_due_rounds` closes every open round whose certification deadline has passed; the
app calls it at startup and periodically.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import insert, update
from sqlmodel import select

from krs_app.db.engine import session_scope
from krs_app.db.models import AuditLog, Bureau, District, Indicator, Result, Round
from krs_app.domain.certification import CLOSE_FIX_REASON
from krs_app.domain.scoring import MIN_SCORE
from krs_app.domain.status import Status
from krs_app.live.bus import Change, announce
from krs_app.services import audit
from krs_app.services.access import require_round
from krs_app.services.auth import CurrentUser
from krs_app.services.catalogue import round_catalogue
from krs_app.services.clock import deadline_text, utcnow
from krs_app.services.errors import NotAllowed
from krs_app.services.results import insert_unreported

NOT_KPI_OFFICE_CLOSE = "การปิดรอบเป็นหน้าที่ของ กพร. เท่านั้น"


@dataclass
class OverdueBureau:
    bureau_id: int
    bureau_name: str
    short_name: str
    awaiting: int
    indicators: list[str]  # "11.3 (5)"


@dataclass
class CloseReport:
    round_id: int
    round_label: str
    already_closed: bool  # True: this call changed nothing
    closed_at_text: str
    closed_by: str  # "ระบบ" or the KPI office user's name
    fixed: int  # not reported, fixed at 1.00000 (all, also those fixed by an earlier call)
    created: int  # of those, result rows created by this call for districts that never reported
    stays_refused: int
    certified: int
    overdue_total: int
    overdue: list[OverdueBureau] = field(default_factory=list)


def _audit_row(
    now: datetime,
    user_id: int | None,
    result_id: int | None,
    district_id: int,
    indicator_id: int,
    round_id: int,
    created: bool,
) -> dict:
    return {
        "at": now,
        "user_id": user_id,
        "action": "close_fix",
        "entity": "result",
        "entity_id": result_id,
        "district_id": district_id,
        "round_id": round_id,
        "indicator_id": indicator_id,
        "before": json.dumps({"status": Status.NOT_REPORTED.value, "row": "created" if created else "existing"}),
        "after": json.dumps(
            {
                "status": Status.NOT_REPORTED.value,
                "score": MIN_SCORE,
                "fixed_at_close": True,
                "reason": CLOSE_FIX_REASON,
            },
            ensure_ascii=False,
        ),
    }


def close_round(user: CurrentUser | None, round_id: int, now: datetime | None = None) -> CloseReport:
    """ปิดรอบ: by the KPI office (a user) or automatically (None = the system)."""
    if user is not None and not user.is_kpi_office:
        raise NotAllowed(NOT_KPI_OFFICE_CLOSE)
    now = now or utcnow()
    changed_districts: list[int] = []
    with session_scope() as session:
        if not isinstance(round_id, int) or isinstance(round_id, bool):
            require_round(session, round_id)  # raises NotFound
        claimed = session.execute(
            update(Round)
            .where(Round.id == round_id, Round.closed == False)  # noqa: E712
            .values(closed=True, closed_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        round_ = require_round(session, round_id)
        session.refresh(round_)
        assessed = [e.indicator.id for e in round_catalogue(session, round_) if e.spec.is_assessed_in(round_.months)]
        created = 0
        if claimed:
            user_id = user.id if user is not None else None
            existing = {
                (d, i)
                for d, i in session.exec(
                    select(Result.district_id, Result.indicator_id).where(Result.round_id == round_.id)
                )
            }
            district_ids = list(session.exec(select(District.id)))
            missing = [(d, i) for d in district_ids for i in assessed if (d, i) not in existing]
            if missing:
                insert_unreported(session, missing, round_.id, now)
                created = len(missing)
            to_fix = list(
                session.exec(
                    select(Result.id, Result.district_id, Result.indicator_id).where(
                        Result.round_id == round_.id,
                        Result.status == Status.NOT_REPORTED.value,
                        Result.fixed_at_close == False,  # noqa: E712
                        Result.indicator_id.in_(assessed),
                    )
                )
            )
            if to_fix:
                session.execute(
                    update(Result)
                    .where(Result.id.in_([row[0] for row in to_fix]))
                    .values(fixed_at_close=True, score=MIN_SCORE, updated_at=now)
                    .execution_options(synchronize_session=False)
                )
            new_rows = set(missing)
            audit_rows = [_audit_row(now, user_id, rid, d, i, round_.id, (d, i) in new_rows) for rid, d, i in to_fix]
            if audit_rows:
                session.execute(insert(AuditLog), audit_rows)
            changed_districts = district_ids
        report = _report(session, round_, assessed, already_closed=not claimed, created=created, user=user)
        if claimed:
            audit.record(
                session,
                user_id=user.id if user else None,
                action="close_round",
                entity="round",
                entity_id=round_.id,
                round_id=round_.id,
                before={"closed": False},
                after={
                    "closed": True,
                    "by": "system" if user is None else user.username,
                    "fixed": report.fixed,
                    "created": report.created,
                    "stays_refused": report.stays_refused,
                    "overdue": report.overdue_total,
                },
            )
    for district_id in changed_districts:
        announce(Change(district_id=district_id, round_id=round_id, indicator_id=None, kind="round"))
    return report


def _report(session, round_: Round, assessed: list[int], *, already_closed: bool, created: int, user) -> CloseReport:
    counts: dict[str, int] = {s.value: 0 for s in Status}
    fixed = 0
    awaiting_by_indicator: dict[int, int] = {}
    for status, fixed_at_close, indicator_id in session.exec(
        select(Result.status, Result.fixed_at_close, Result.indicator_id).where(
            Result.round_id == round_.id, Result.indicator_id.in_(assessed)
        )
    ):
        counts[status] = counts.get(status, 0) + 1
        if fixed_at_close and status == Status.NOT_REPORTED.value:
            fixed += 1
        if status == Status.AWAITING.value:
            awaiting_by_indicator[indicator_id] = awaiting_by_indicator.get(indicator_id, 0) + 1
    indicators = {i.id: i for i in session.exec(select(Indicator))}
    bureaus = {b.id: b for b in session.exec(select(Bureau))}
    overdue: dict[int, OverdueBureau] = {}
    for indicator_id in sorted(awaiting_by_indicator, key=lambda i: indicators[i].sort_key):
        indicator = indicators[indicator_id]
        bureau = bureaus[indicator.bureau_id]
        entry = overdue.setdefault(bureau.id, OverdueBureau(bureau.id, bureau.name, bureau.short_name, 0, []))
        entry.awaiting += awaiting_by_indicator[indicator_id]
        entry.indicators.append(f"{indicator.code} ({awaiting_by_indicator[indicator_id]})")
    return CloseReport(
        round_id=round_.id,
        round_label=round_.label,
        already_closed=already_closed,
        closed_at_text=deadline_text(round_.closed_at),
        closed_by="ระบบ" if user is None else user.display_name,
        fixed=fixed,
        created=created,
        stays_refused=counts.get(Status.NOT_CERTIFIED.value, 0),
        certified=counts.get(Status.CERTIFIED.value, 0),
        overdue_total=sum(awaiting_by_indicator.values()),
        overdue=sorted(overdue.values(), key=lambda b: (-b.awaiting, b.short_name)),
    )


def close_due_rounds(now: datetime | None = None) -> list[CloseReport]:
    """Close every open round whose certification deadline has passed (the scheduler's job).

    Returns the reports of the rounds this call closed.
    """
    now = now or utcnow()
    with session_scope() as session:
        due = list(
            session.exec(
                select(Round.id).where(Round.closed == False, Round.certification_deadline < now)  # noqa: E712
            )
        )
    reports = [close_round(None, round_id, now) for round_id in due]
    return [report for report in reports if not report.already_closed]
