"""The bureau's decisions on a result: certifying, refusing, undoing a certification, and
certifying many at once.

Authorization comes from the acting user only (services/access.py); the rules of who may
do what, when, are in domain/certification.py. Each use-case is one transaction with its
audit rows (results.change_result), and announces the change after commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, select

from krs_app.db.engine import session_scope
from krs_app.db.models import District, EvidenceFile, Result, Round
from krs_app.domain.certification import (
    REFUSAL_PREFIX,
    Actor,
    Decision,
    assessed_in_round,
    check_correction_deadline,
    check_reason,
    decision_while_not_applicable,
    may_certify,
    may_refuse,
    may_undo,
    refusal_text,
    review_period,
)
from krs_app.domain.numbers import format_score
from krs_app.domain.scoring import evaluate
from krs_app.domain.status import STATUS_LABELS, Status
from krs_app.live.bus import Change, announce
from krs_app.services import audit, threads
from krs_app.services.access import (
    SIDE_BUREAU,
    district_ids_from,
    require_bureau_of,
    require_reviewer,
    require_round,
    reviewer_actor,
)
from krs_app.services.auth import CurrentUser
from krs_app.services.catalogue import CatalogueEntry, load_entry
from krs_app.services.clock import as_utc_deadline, deadline_text, utcnow
from krs_app.services.errors import ServiceError
from krs_app.services.results import change_result, find_result, values_by_key

MAX_FAULTY_ITEMS = 50
UNDO_PREFIX = "ยกเลิกการรับรองผล: "


def _raise_unless(decision: Decision) -> None:
    if not decision.allowed:
        raise ServiceError(decision.reason)


@dataclass(frozen=True)
class DecisionOutcome:
    status: str
    status_label: str
    score_text: str  # the public score now
    message: str  # Thai, for a toast


def _outcome(result: Result, message: str) -> DecisionOutcome:
    status = Status(result.status)
    public = result.score if status == Status.CERTIFIED else None
    return DecisionOutcome(status.value, STATUS_LABELS[status], format_score(public), message)


def _certify_in(
    session: Session, user: CurrentUser, entry: CatalogueEntry, district_id: int, round_: Round, now: datetime
) -> tuple[Decision, Result | None]:
    """Certify inside the caller's transaction: recompute from the stored values, fix the score."""
    assessed = assessed_in_round(entry.spec, round_.months)
    if not assessed.allowed:
        return assessed, None
    result = find_result(session, district_id, entry.indicator.id, round_.id, for_update=True)
    status = Status(result.status) if result else Status.NOT_REPORTED
    evaluation = evaluate(entry.spec, values_by_key(session, entry, district_id, round_.id), round_.months)
    decision = may_certify(
        status,
        evaluation.complete,
        evaluation.score is not None,
        now,
        round_.closed,
        round_.certification_deadline,
        reviewer_actor(user),
    )
    if decision.allowed:
        decision = decision_while_not_applicable(bool(result and result.not_applicable))
    if not decision.allowed or result is None:
        return decision, None
    change_result(
        session,
        user.id,
        result,
        "certify",
        now,
        before_fields=("status", "score"),
        changes={
            "status": Status.CERTIFIED.value,
            "result": evaluation.result,
            "score": evaluation.score,
            "certified_by": user.id,
            "certified_at": now,
            "correction_deadline": None,
        },
        after={"status": Status.CERTIFIED.value, "result": evaluation.result, "score": evaluation.score},
    )
    return decision, result


def certify(user: CurrentUser, district_id: int, indicator_id: int, round_id: int) -> DecisionOutcome:
    """รับรองผล: a complete result becomes final with its computed score; its values lock."""
    now = utcnow()
    with session_scope() as session:
        require_reviewer(session, user, district_id, indicator_id)
        round_ = require_round(session, round_id)
        entry = load_entry(session, indicator_id, round_)
        decision, result = _certify_in(session, user, entry, district_id, round_, now)
        _raise_unless(decision)
        outcome = _outcome(result, "รับรองผลแล้ว")
    announce(Change(district_id=district_id, round_id=round_id, indicator_id=indicator_id, kind="status"))
    return outcome


def _faulty_lines(
    session: Session, entry: CatalogueEntry, district_id: int, round_id: int, faulty: object
) -> list[str]:
    """Faulty items named in a refusal: variable keys ("a", "1") or evidence files ("file:12")."""
    if faulty is None:
        return []
    if not isinstance(faulty, (list, tuple)) or len(faulty) > MAX_FAULTY_ITEMS:
        raise ServiceError("รายการที่ต้องแก้ไขไม่ถูกต้อง")
    lines: list[str] = []
    for item in dict.fromkeys(faulty):
        if not isinstance(item, str):
            raise ServiceError("รายการที่ต้องแก้ไขไม่ถูกต้อง")
        if item.startswith("file:"):
            file_id = item[5:]
            file = session.get(EvidenceFile, int(file_id)) if file_id.isdigit() and len(file_id) < 12 else None
            if (
                file is None
                or file.district_id != district_id
                or file.indicator_id != entry.indicator.id
                or file.round_id != round_id
            ):
                raise ServiceError("ไม่พบไฟล์หลักฐานที่ระบุ")
            lines.append(f'ไฟล์ "{file.original_name}" ({file.description})')
        elif item in entry.variable_ids:
            variable = entry.variables_by_id[entry.variable_ids[item]]
            lines.append(f"ข้อ {item}. {variable.label}")
        else:
            raise ServiceError(f'ไม่พบข้อ "{item[:20]}" ในตัวชี้วัดนี้')
    return lines


def refusal_message(reason: str, faulty_lines: list[str], correction_deadline: datetime | None) -> str:
    """The text posted in the thread when a result is refused."""
    parts = [refusal_text(reason, REFUSAL_PREFIX)]
    if faulty_lines:
        parts.append("รายการที่ต้องแก้ไข: " + "; ".join(faulty_lines))
    if correction_deadline is None:
        parts.append("ไม่เปิดให้แก้ไข")
    else:
        parts.append(f"แก้ไขได้ถึง {deadline_text(correction_deadline)}")
    text = "\n".join(parts)
    return text if len(text) <= threads.MAX_MESSAGE_LENGTH else text[: threads.MAX_MESSAGE_LENGTH - 1] + "…"


def refuse(
    user: CurrentUser,
    district_id: int,
    indicator_id: int,
    round_id: int,
    reason: str,
    correction_deadline: datetime | date | None,
    faulty: list[str] | None = None,
) -> DecisionOutcome:
    """ไม่รับรอง: with a reason and a correction deadline (None = final refusal).

    The reason is posted in the thread ("ไม่รับรอง: …", with the faulty items and the
    deadline), which raises the district's new-data badge. `faulty` names variable keys
    ("a", "1") and evidence files ("file:<id>").
    """
    now = utcnow()
    with session_scope() as session:
        actor = require_reviewer(session, user, district_id, indicator_id)
        _raise_unless(check_reason(reason, "เหตุผลที่ไม่รับรอง"))
        deadline = as_utc_deadline(correction_deadline)
        round_ = require_round(session, round_id)
        entry = load_entry(session, indicator_id, round_)
        _raise_unless(assessed_in_round(entry.spec, round_.months))
        result = find_result(session, district_id, indicator_id, round_.id, for_update=True)
        status = Status(result.status) if result else Status.NOT_REPORTED
        _raise_unless(may_refuse(status, now, round_.closed, round_.certification_deadline, actor))
        _raise_unless(decision_while_not_applicable(bool(result and result.not_applicable)))
        latest = round_.certification_deadline if actor == Actor.BUREAU else None
        _raise_unless(check_correction_deadline(deadline, now, latest, round_.closed))
        lines = _faulty_lines(session, entry, district_id, round_.id, faulty)
        change_result(
            session,
            user.id,
            result,
            "refuse",
            now,
            before_fields=("status", "reason", "correction_deadline"),
            changes={
                "status": Status.NOT_CERTIFIED.value,
                "reason": reason.strip(),
                "correction_deadline": deadline,
                "refused_by": user.id,
                "refused_at": now,
                "certified_by": None,
                "certified_at": None,
            },
            after={
                "status": Status.NOT_CERTIFIED.value,
                "reason": reason.strip(),
                "correction_deadline": deadline,
                "correction_deadline_text": deadline_text(deadline) if deadline else None,
                "faulty": list(faulty or []),
            },
        )
        threads.add_message(
            session, user, SIDE_BUREAU, district_id, indicator_id, round_.id, refusal_message(reason, lines, deadline)
        )
        outcome = _outcome(result, "บันทึกการไม่รับรองและแจ้ง สพท. แล้ว")
    announce(Change(district_id=district_id, round_id=round_id, indicator_id=indicator_id, kind="status"))
    announce(Change(district_id=district_id, round_id=round_id, indicator_id=indicator_id, kind="message"))
    return outcome


def undo_certification(
    user: CurrentUser, district_id: int, indicator_id: int, round_id: int, reason: str
) -> DecisionOutcome:
    """ยกเลิกการรับรองผล: back to awaiting, by the owning bureau, before the round's certification deadline.

    The reason is audited and posted in the thread so the district knows why.
    """
    now = utcnow()
    with session_scope() as session:
        actor = require_reviewer(session, user, district_id, indicator_id)
        _raise_unless(check_reason(reason, "เหตุผลที่ยกเลิกการรับรอง"))
        round_ = require_round(session, round_id)
        result = find_result(session, district_id, indicator_id, round_.id, for_update=True)
        status = Status(result.status) if result else Status.NOT_REPORTED
        _raise_unless(may_undo(status, now, round_.closed, round_.certification_deadline, actor))
        change_result(
            session,
            user.id,
            result,
            "undo_certification",
            now,
            before_fields=("status", "certified_by", "certified_at"),
            changes={"status": Status.AWAITING.value, "certified_by": None, "certified_at": None},
            after={"status": Status.AWAITING.value, "reason": reason.strip()},
        )
        threads.add_message(
            session, user, SIDE_BUREAU, district_id, indicator_id, round_.id, UNDO_PREFIX + reason.strip()
        )
        outcome = _outcome(result, "ยกเลิกการรับรองผลแล้ว")
    announce(Change(district_id=district_id, round_id=round_id, indicator_id=indicator_id, kind="status"))
    announce(Change(district_id=district_id, round_id=round_id, indicator_id=indicator_id, kind="message"))
    return outcome


def bulk_certify(user: CurrentUser, indicator_id: int, round_id: int, district_ids: list[int]) -> int:
    """Certify the selected districts whose results are complete and awaiting; skip the rest.

    One transaction; returns how many were certified (the skipped count is audited).
    """
    now = utcnow()
    certified: list[int] = []
    with session_scope() as session:
        indicator = require_bureau_of(session, user, indicator_id)
        round_ = require_round(session, round_id)
        entry = load_entry(session, indicator.id, round_)
        _raise_unless(assessed_in_round(entry.spec, round_.months))
        ids = district_ids_from(district_ids)
        if not ids:
            return 0
        _raise_unless(review_period(reviewer_actor(user), now, round_.closed, round_.certification_deadline))
        known = set(session.exec(select(District.id).where(District.id.in_(ids)))) if ids else set()
        awaiting = (
            set(
                session.exec(
                    select(Result.district_id).where(
                        Result.indicator_id == indicator.id,
                        Result.round_id == round_.id,
                        Result.status == Status.AWAITING.value,
                        Result.district_id.in_(ids),
                    )
                )
            )
            if ids
            else set()
        )
        for district_id in ids:
            if district_id not in known or district_id not in awaiting:
                continue
            decision, result = _certify_in(session, user, entry, district_id, round_, now)
            if decision.allowed and result is not None:
                certified.append(district_id)
        audit.record(
            session,
            user_id=user.id,
            action="bulk_certify",
            entity="indicator",
            entity_id=indicator.id,
            round_id=round_.id,
            indicator_id=indicator.id,
            after={"selected": len(ids), "certified": len(certified), "skipped": len(ids) - len(certified)},
        )
    for district_id in certified:
        announce(Change(district_id=district_id, round_id=round_id, indicator_id=indicator_id, kind="status"))
    return len(certified)
