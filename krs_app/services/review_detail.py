"""One district's result on one indicator as the bureau reviews it: values, criteria, how it
scored, who changed what, the decisions so far, and what the acting user may do now."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import select

from krs_app.db.engine import session_scope
from krs_app.db.models import AuditLog, District, Result, Round, User
from krs_app.domain.certification import (
    REFUSAL_REASON_PREFIX,
    assessed_in_round,
    decision_while_not_applicable,
    default_correction_day,
    formula_text,
    formula_with_values,
    may_certify,
    may_mark_not_applicable,
    may_refuse,
    may_undo,
    refusal_text,
    score_explanation,
)
from krs_app.domain.indicators import NOT_ASSESSED_LABEL, VariableSource
from krs_app.domain.numbers import format_number, format_result, format_score
from krs_app.domain.scoring import Evaluation, evaluate
from krs_app.domain.status import NOT_APPLICABLE_LABEL, STATUS_HELP_FOR_BUREAU, STATUS_LABELS, Status
from krs_app.domain.thai_dates import date_input_text, thai_datetime
from krs_app.services.access import require_reviewer, require_round, reviewer_actor
from krs_app.services.auth import CurrentUser
from krs_app.services.catalogue import get_round, load_entry
from krs_app.services.clock import as_utc_deadline, deadline_text, to_bangkok, utcnow
from krs_app.services.results import values_by_key
from krs_app.services.review_outliers import district_outlier_reason

VALUE_ACTIONS = ("enter_value", "import_central", "set_central_value")
DECISION_ACTIONS = (
    "certify",
    "refuse",
    "undo_certification",
    "extend_deadline",
    "close_fix",
    "mark_not_applicable",
    "undo_not_applicable",
    "withdraw_evidence",
)
ACTION_LABELS = {
    "enter_value": "สพท. บันทึกข้อมูล",
    "import_central": "นำเข้าข้อมูลส่วนกลาง",
    "set_central_value": "สำนักบันทึกข้อมูลส่วนกลาง",
    "certify": "รับรองผล",
    "refuse": "ไม่รับรอง",
    "undo_certification": "ยกเลิกการรับรองผล",
    "extend_deadline": "กพร. ขยายเวลาแก้ไข",
    "close_fix": "ปิดรอบ: กำหนดคะแนน 1.00000",
    "mark_not_applicable": NOT_APPLICABLE_LABEL,
    "withdraw_evidence": "สพท. ถอนไฟล์หลักฐาน",
    "undo_not_applicable": "ยกเลิก “ไม่ประเมินตัวชี้วัดนี้”",
}


@dataclass
class DetailVariable:
    id: int
    key: str
    label: str
    unit: str
    central: bool
    required: bool
    value_text: str


@dataclass
class HistoryRow:
    at_text: str
    who: str
    action: str
    action_label: str
    variable: str
    before_text: str
    after_text: str
    note: str


@dataclass
class AllowedActions:
    can_certify: bool
    certify_reason: str
    can_refuse: bool
    refuse_reason: str
    can_undo: bool
    undo_reason: str
    can_remind: bool
    latest_correction_deadline_text: str  # a bureau's correction deadline may not be later
    default_correction_text: str = ""  # the dialog's offered correction deadline, 15/12/2569
    can_mark_not_applicable: bool = False
    can_undo_not_applicable: bool = False
    not_applicable_reason: str = ""  # why marking (or undoing) is not offered


@dataclass
class ReviewDetail:
    district_id: int
    district_code: str
    district_name: str
    indicator_id: int
    indicator_code: str
    indicator_name: str
    round_id: int
    round_label: str
    round_closed: bool
    variables: list[DetailVariable]
    criteria: list[str]  # t1..t5 as text
    direction_text: str
    formula_text: str  # a / b × 100
    formula_with_values: str  # 45 / 50 * 100
    result_text: str
    score_text: str
    score_explanation: str
    complete: bool
    status: str
    status_label: str
    status_help: str
    reason: str
    correction_deadline_text: str
    extended_until_text: str
    certified_text: str  # by whom and when
    refused_text: str
    fixed_at_close: bool
    history: list[HistoryRow]  # values: who changed what, before -> after
    decisions: list[HistoryRow]  # certify / refuse / undo / extension / close
    actions: AllowedActions
    not_applicable: bool = False  # ไม่ประเมินตัวชี้วัดนี้
    not_applicable_text: str = ""  # the reason, by whom and when
    outlier_reason: str = ""  # advice (Thai): why the result looks far from the others; never blocks certifying
    result_unit: str = "ร้อยละ"  # ร้อยละ / ระดับ / ค่า, by the indicator's kind
    reason_text: str = ""  # "เหตุผลที่ไม่รับรอง: …" (not prefixed twice)


def _not_assessed_actions(reason: str, round_: Round) -> AllowedActions:
    """ยังไม่ต้องรายงานในรอบนี้: nothing to remind, certify, refuse or mark, and why."""
    latest = deadline_text(round_.certification_deadline)
    return AllowedActions(False, reason, False, reason, False, reason, False, latest, not_applicable_reason=reason)


def _allowed_actions(
    user: CurrentUser, status: Status, evaluation: Evaluation, round_: Round, now: datetime, marked: bool
):
    actor = reviewer_actor(user)
    certify = may_certify(
        status,
        evaluation.complete,
        evaluation.score is not None,
        now,
        round_.closed,
        round_.certification_deadline,
        actor,
    )
    refuse = may_refuse(status, now, round_.closed, round_.certification_deadline, actor)
    undo = may_undo(status, now, round_.closed, round_.certification_deadline, actor)
    if marked:
        certify = refuse = decision_while_not_applicable(marked)
    mark = may_mark_not_applicable(marked, round_.closed, actor, undo=marked)
    return AllowedActions(
        can_certify=certify.allowed,
        certify_reason=certify.reason,
        can_refuse=refuse.allowed,
        refuse_reason=refuse.reason,
        can_undo=undo.allowed,
        undo_reason=undo.reason,
        can_remind=status == Status.NOT_REPORTED and not round_.closed,
        latest_correction_deadline_text=deadline_text(round_.certification_deadline),
        default_correction_text=_default_correction_text(now, round_),
        can_mark_not_applicable=mark.allowed and not marked,
        can_undo_not_applicable=mark.allowed and marked,
        not_applicable_reason=mark.reason,
    )


def _default_correction_text(now: datetime, round_: Round) -> str:
    """A week from today (Bangkok), but a day whose end is not after the certification deadline."""
    latest = to_bangkok(round_.certification_deadline).date()
    if as_utc_deadline(latest) > round_.certification_deadline:
        latest -= timedelta(days=1)
    return date_input_text(default_correction_day(to_bangkok(now).date(), latest))


def _json(text: str | None) -> dict:
    if not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _history_row(row: AuditLog, who: str) -> HistoryRow:
    before, after = _json(row.before), _json(row.after)
    if row.action in VALUE_ACTIONS:
        return HistoryRow(
            at_text=thai_datetime(to_bangkok(row.at)),
            who=who,
            action=row.action,
            action_label=ACTION_LABELS.get(row.action, row.action),
            variable=str(after.get("variable") or before.get("variable") or ""),
            before_text=format_number(before.get("value")) or "-",
            after_text=format_number(after.get("value")) or "-",
            note="",
        )
    labels = {s.value: STATUS_LABELS[s] for s in Status}
    note = after.get("reason") or ""
    if after.get("correction_deadline"):
        note = f"{note} (แก้ไขได้ถึง {after.get('correction_deadline_text', after['correction_deadline'])})".strip()
    if row.action == "withdraw_evidence":
        note = f"{before.get('description', '')} ({before.get('name', '')})"
    if row.action == "extend_deadline":
        note = f"{after.get('reason', '')} (ถึง {after.get('until_text', '-')})".strip()
    return HistoryRow(
        at_text=thai_datetime(to_bangkok(row.at)),
        who=who,
        action=row.action,
        action_label=ACTION_LABELS.get(row.action, row.action),
        variable="",
        before_text=labels.get(before.get("status", ""), ""),
        after_text=labels.get(after.get("status", ""), ""),
        note=note,
    )


def review_detail(user: CurrentUser, district_id: int, indicator_id: int, round_id: int | None = None) -> ReviewDetail:
    """One district's result on one indicator: values, criteria, how it scored, evidence,
    the thread, who changed what, and what the acting user may do now."""
    now = utcnow()
    with session_scope() as session:
        require_reviewer(session, user, district_id, indicator_id)
        round_ = get_round(session, None) if round_id is None else require_round(session, round_id)
        district = session.get(District, district_id)
        entry = load_entry(session, indicator_id, round_)
        spec = entry.spec
        by_key = values_by_key(session, entry, district_id, round_.id)
        evaluation = evaluate(spec, by_key, round_.months)
        result = session.exec(
            select(Result).where(
                Result.district_id == district_id, Result.indicator_id == indicator_id, Result.round_id == round_.id
            )
        ).first()
        status = Status(result.status) if result else Status.NOT_REPORTED
        assessed = assessed_in_round(spec, round_.months)
        logs = list(
            session.exec(
                select(AuditLog)
                .where(
                    AuditLog.district_id == district_id,
                    AuditLog.indicator_id == indicator_id,
                    AuditLog.round_id == round_.id,
                    AuditLog.action.in_(VALUE_ACTIONS + DECISION_ACTIONS),
                )
                .order_by(AuditLog.at, AuditLog.id)
            )
        )
        user_ids = {log.user_id for log in logs}
        if result is not None:
            user_ids |= {result.certified_by, result.refused_by, result.not_applicable_by}
        user_ids.discard(None)
        names = (
            {u.id: u.display_name for u in session.exec(select(User).where(User.id.in_(user_ids)))} if user_ids else {}
        )

        def who(user_id: int | None) -> str:
            return "ระบบ" if user_id is None else names.get(user_id, "-")

        variables = [
            DetailVariable(
                id=entry.variable_ids[v.key],
                key=v.key,
                label=v.label,
                unit=v.unit,
                central=v.source == VariableSource.CENTRAL,
                required=v.is_required_in(round_.months),
                value_text=format_number(by_key.get(v.key)) if v.is_required_in(round_.months) else "",
            )
            for v in spec.variables
        ]
        marked = bool(result and result.not_applicable)
        not_applicable_text = ""
        if marked and result.not_applicable_at:
            at = thai_datetime(to_bangkok(result.not_applicable_at))
            not_applicable_text = f"{result.not_applicable_reason or ''} ({who(result.not_applicable_by)} {at})"
        certified_text = refused_text = ""
        if result is not None and status == Status.CERTIFIED and result.certified_at:
            certified_text = f"{who(result.certified_by)} {thai_datetime(to_bangkok(result.certified_at))}"
        if result is not None and status == Status.NOT_CERTIFIED and result.refused_at:
            refused_text = f"{who(result.refused_by)} {thai_datetime(to_bangkok(result.refused_at))}"
        return ReviewDetail(
            district_id=district.id,
            district_code=district.code,
            district_name=district.name,
            indicator_id=indicator_id,
            indicator_code=spec.code,
            indicator_name=spec.name,
            round_id=round_.id,
            round_label=round_.label,
            round_closed=round_.closed,
            variables=variables,
            criteria=[format_number(t) for t in spec.thresholds],
            direction_text="ค่ายิ่งน้อยยิ่งดี" if spec.direction == "lower" else "ค่ายิ่งมากยิ่งดี",
            formula_text=formula_text(spec),
            formula_with_values=formula_with_values(spec, by_key, round_.months),
            result_text=format_result(evaluation.result),
            score_text=format_score(evaluation.score),
            score_explanation=score_explanation(spec, by_key, round_.months),
            complete=evaluation.complete,
            status=status.value,
            status_label=NOT_ASSESSED_LABEL
            if not assessed.allowed
            else NOT_APPLICABLE_LABEL
            if marked
            else STATUS_LABELS[status],
            status_help=STATUS_HELP_FOR_BUREAU[status] if assessed.allowed else assessed.reason,
            reason=(result.reason or "") if result is not None and status == Status.NOT_CERTIFIED else "",
            correction_deadline_text=deadline_text(result.correction_deadline)
            if result is not None and result.correction_deadline
            else "",
            extended_until_text=deadline_text(result.extended_until)
            if result is not None and result.extended_until
            else "",
            certified_text=certified_text,
            refused_text=refused_text,
            fixed_at_close=bool(result and result.fixed_at_close),
            history=[_history_row(log, who(log.user_id)) for log in logs if log.action in VALUE_ACTIONS],
            decisions=[_history_row(log, who(log.user_id)) for log in logs if log.action in DECISION_ACTIONS],
            actions=_allowed_actions(user, status, evaluation, round_, now, marked)
            if assessed.allowed
            else _not_assessed_actions(assessed.reason, round_),
            not_applicable=marked,
            not_applicable_text=not_applicable_text,
            outlier_reason=district_outlier_reason(session, entry, round_, district_id),
            result_unit=spec.result_unit,
            reason_text=refusal_text(result.reason or "", REFUSAL_REASON_PREFIX)
            if result is not None and status == Status.NOT_CERTIFIED and result.reason
            else "",
        )
