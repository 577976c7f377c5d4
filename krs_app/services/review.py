"""The bureau's review: the inbox of districts for one indicator, one result in detail,
certifying, refusing, undoing a certification, certifying many at once, and reminders.

Authorization comes from the acting user only (services/access.py); the rules of who may
do what, when, are in domain/certification.py. Each use-case is one transaction with its
audit rows, and announces the change after commit.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from sqlalchemy import func
from sqlmodel import Session, select

from krs_app.db.engine import session_scope
from krs_app.db.models import AuditLog, District, EvidenceFile, Message, Result, Round, User, Value
from krs_app.domain.certification import (
    Actor,
    Decision,
    check_correction_deadline,
    check_reason,
    days_left,
    formula_text,
    formula_with_values,
    may_certify,
    may_refuse,
    may_undo,
    review_period,
    score_explanation,
)
from krs_app.domain.indicators import VariableSource, code_for_id
from krs_app.domain.numbers import format_number, format_result, format_score
from krs_app.domain.scoring import Evaluation, evaluate
from krs_app.domain.status import STATUS_HELP_FOR_BUREAU, STATUS_LABELS, Status
from krs_app.domain.thai_dates import countdown, thai_datetime
from krs_app.live.bus import Change, announce
from krs_app.services import audit, threads
from krs_app.services.access import SIDE_DISTRICT, check_district_indicator, require_bureau_of
from krs_app.services.auth import CurrentUser
from krs_app.services.catalogue import CatalogueEntry, get_round, load_entry
from krs_app.services.clock import BANGKOK_OFFSET, to_bangkok, utcnow
from krs_app.services.entry import RoundOption, round_options
from krs_app.services.errors import NotAllowed, NotFound, ServiceError
from krs_app.services.results import values_by_key

LEVEL_LABELS = {"primary": "สพป.", "secondary": "สพม."}
SORT_KEYS = ("code", "name", "status", "score")
STATUS_ORDER = {Status.AWAITING: 0, Status.NOT_CERTIFIED: 1, Status.NOT_REPORTED: 2, Status.CERTIFIED: 3}
MAX_PAGE_SIZE = 500
SNIPPET_LENGTH = 80
MAX_FAULTY_ITEMS = 50
MAX_REMINDER_LENGTH = threads.MAX_MESSAGE_LENGTH - 200  # room for the prefix and the deadline
REFUSAL_PREFIX = "ไม่รับรอง: "
UNDO_PREFIX = "ยกเลิกการรับรองผล: "
REMIND_PREFIX = "แจ้งเตือน: "
NOT_A_REVIEWER = "การรับรองผลเป็นหน้าที่ของสำนักเจ้าของตัวชี้วัด"

VALUE_ACTIONS = ("enter_value", "import_central", "set_central_value")
DECISION_ACTIONS = ("certify", "refuse", "undo_certification", "extend_deadline", "close_fix")
ACTION_LABELS = {
    "enter_value": "สพท. บันทึกข้อมูล",
    "import_central": "นำเข้าข้อมูลส่วนกลาง",
    "set_central_value": "สำนักบันทึกข้อมูลส่วนกลาง",
    "certify": "รับรองผล",
    "refuse": "ไม่รับรอง",
    "undo_certification": "ยกเลิกการรับรองผล",
    "extend_deadline": "กพร. ขยายเวลาแก้ไข",
    "close_fix": "ปิดรอบ: กำหนดคะแนน 1.00000",
}


# ---------------------------------------------------------------- shared helpers


def as_utc_deadline(value: object) -> datetime | None:
    """A deadline from a form: a naive datetime is UTC (as stored), an aware one is converted,
    a date means the end of that day in Bangkok. Anything else is refused."""
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            return value.astimezone(UTC).replace(tzinfo=None)
        return value
    if isinstance(value, date):
        return datetime.combine(value, time(23, 59, 59)) - BANGKOK_OFFSET
    raise ServiceError("รูปแบบวันที่ไม่ถูกต้อง")


def deadline_text(value: datetime | None) -> str:
    return thai_datetime(to_bangkok(value)) if value is not None else "-"


def require_round(session: Session, round_id: object) -> Round:
    if not isinstance(round_id, int) or isinstance(round_id, bool):
        raise NotFound("ไม่พบรอบการรายงาน")
    round_ = session.get(Round, round_id)
    if round_ is None:
        raise NotFound("ไม่พบรอบการรายงาน")
    return round_


def require_reviewer(session: Session, user: CurrentUser, district_id: object, indicator_id: object) -> Actor:
    """The owning bureau or the KPI office; a district never reviews."""
    side = check_district_indicator(session, user, district_id, indicator_id)  # type: ignore[arg-type]
    if side == SIDE_DISTRICT:
        raise NotAllowed(NOT_A_REVIEWER)
    return Actor.KPI_OFFICE if user.is_kpi_office else Actor.BUREAU


def _actor(user: CurrentUser) -> Actor:
    return Actor.KPI_OFFICE if user.is_kpi_office else Actor.BUREAU


def _locked_result(session: Session, district_id: int, indicator_id: int, round_id: int) -> Result | None:
    return session.exec(
        select(Result)
        .where(Result.district_id == district_id, Result.indicator_id == indicator_id, Result.round_id == round_id)
        .with_for_update()
    ).first()


def _raise_unless(decision: Decision) -> None:
    if not decision.allowed:
        raise ServiceError(decision.reason)


def _snippet(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SNIPPET_LENGTH else text[: SNIPPET_LENGTH - 1] + "…"


def _required_columns(entry: CatalogueEntry, months: int) -> list[tuple[str, int]]:
    return [(v.key, entry.variable_ids[v.key]) for v in entry.spec.required_variables(months)]


# ---------------------------------------------------------------- the inbox


@dataclass
class ReviewColumn:
    key: str
    label: str
    unit: str
    central: bool


@dataclass
class ReviewRow:
    district_id: int
    district_code: str
    district_name: str  # short name: สพม. เขต 7
    district_full_name: str
    level: str  # primary | secondary
    level_label: str  # สพป. | สพม.
    cells: list[str]  # values in the order of ReviewPage.columns; "" = not entered
    result_text: str  # 2 decimals, "-" when none
    score_text: str  # 4 decimals (the computed score)
    evidence_count: int
    evidence_registered: int  # files the bureau registered as received (ลงทะเบียนรับ)
    last_message: str  # snippet of the latest message this round
    last_message_side: str  # district | bureau | ""
    status: str
    status_label: str
    new_badge: bool
    days_left: int | None  # to the round's certification deadline
    correction_deadline_text: str  # refused results: the deadline the bureau gave
    selectable: bool  # complete and awaiting: can be bulk-certified
    element_id: str  # review-open-{district code}-{indicator code id}


@dataclass
class ReviewPage:
    indicator_id: int
    indicator_code: str
    indicator_name: str
    round_id: int
    round_label: str
    round_closed: bool
    certification_deadline_text: str
    countdown_text: str
    days_left: int | None
    may_decide: bool  # the acting user is in its period to certify / refuse
    period_reason: str
    columns: list[ReviewColumn]
    rows: list[ReviewRow]
    total: int  # rows matching the filters
    page: int
    page_size: int
    pages: int
    counts: dict[str, int]  # all districts by status, before filters
    new_count: int
    rounds: list[RoundOption] = field(default_factory=list)


def _check_filters(status: object, level: object, sort: object, page: object, page_size: object, search: object):
    if status not in (None, "") and status not in {s.value for s in Status}:
        raise ServiceError("ตัวกรองสถานะไม่ถูกต้อง")
    if level not in (None, "") and level not in LEVEL_LABELS:
        raise ServiceError("ตัวกรองระดับไม่ถูกต้อง")
    if not isinstance(sort, str) or sort.lstrip("-") not in SORT_KEYS:
        raise ServiceError("การเรียงลำดับไม่ถูกต้อง")
    for number in (page, page_size):
        if not isinstance(number, int) or isinstance(number, bool):
            raise ServiceError("หน้าที่ต้องการไม่ถูกต้อง")
    if not isinstance(search, str):
        raise ServiceError("คำค้นไม่ถูกต้อง")


def review_rows(
    user: CurrentUser,
    indicator_id: int,
    round_id: int | None = None,
    *,
    status: str | None = None,
    new_only: bool = False,
    level: str | None = None,
    search: str = "",
    sort: str = "code",
    page: int = 1,
    page_size: int = 50,
) -> ReviewPage:
    """Every district's result on one of the bureau's indicators in a round.

    Filters: status, new data only, level (primary | secondary), search (code, name,
    province). Sort: code | name | status | score, "-" in front for descending. One query
    per table, whatever the number of districts.
    """
    _check_filters(status, level, sort, page, page_size, search)
    now = utcnow()
    with session_scope() as session:
        indicator = require_bureau_of(session, user, indicator_id)
        round_ = get_round(session, round_id) if round_id is None else require_round(session, round_id)
        entry = load_entry(session, indicator.id, round_)
        columns = _required_columns(entry, round_.months)
        variable_ids = [vid for _, vid in columns]
        districts = list(session.exec(select(District)))
        results = {
            r.district_id: r
            for r in session.exec(
                select(Result).where(Result.indicator_id == indicator.id, Result.round_id == round_.id)
            )
        }
        key_of = {vid: key for key, vid in entry.variable_ids.items()}
        values: dict[int, dict[str, float]] = {}
        if variable_ids:
            for v in session.exec(
                select(Value).where(Value.round_id == round_.id, Value.variable_id.in_(variable_ids))
            ):
                values.setdefault(v.district_id, {})[key_of[v.variable_id]] = v.value
        evidence = {
            district_id: (count, registered)
            for district_id, count, registered in session.exec(
                select(EvidenceFile.district_id, func.count(EvidenceFile.id), func.count(EvidenceFile.received_at))
                .where(
                    EvidenceFile.indicator_id == indicator.id,
                    EvidenceFile.round_id == round_.id,
                    EvidenceFile.withdrawn_at.is_(None),
                )
                .group_by(EvidenceFile.district_id)
            )
        }
        latest_ids = (
            select(func.max(Message.id))
            .where(Message.indicator_id == indicator.id, Message.round_id == round_.id)
            .group_by(Message.district_id)
        )
        last_messages = {m.district_id: m for m in session.exec(select(Message).where(Message.id.in_(latest_ids)))}
        badges = {d for d, _ in threads.badges_for_bureau(session, [indicator.id])}
        period = review_period(_actor(user), now, round_.closed, round_.certification_deadline)
        left = days_left(round_.certification_deadline, now)

        all_rows: list[tuple[ReviewRow, float | None, str]] = []
        counts = {s.value: 0 for s in Status}
        for district in districts:
            result = results.get(district.id)
            row_status = Status(result.status) if result else Status.NOT_REPORTED
            counts[row_status.value] += 1
            by_key = values.get(district.id, {})
            evaluation = evaluate(entry.spec, by_key, round_.months)
            count, registered = evidence.get(district.id, (0, 0))
            message = last_messages.get(district.id)
            all_rows.append(
                (
                    ReviewRow(
                        district_id=district.id,
                        district_code=district.code,
                        district_name=district.short_name,
                        district_full_name=district.name,
                        level=district.level,
                        level_label=LEVEL_LABELS.get(district.level, ""),
                        cells=[format_number(by_key.get(key)) for key, _ in columns],
                        result_text=format_result(evaluation.result),
                        score_text=format_score(evaluation.score),
                        evidence_count=count,
                        evidence_registered=registered,
                        last_message=_snippet(message.body) if message else "",
                        last_message_side=message.sender_side if message else "",
                        status=row_status.value,
                        status_label=STATUS_LABELS[row_status],
                        new_badge=district.id in badges,
                        days_left=left,
                        correction_deadline_text=deadline_text(result.correction_deadline)
                        if result is not None and row_status == Status.NOT_CERTIFIED
                        else "",
                        selectable=row_status == Status.AWAITING and evaluation.score is not None,
                        element_id=f"review-open-{district.code}-{code_for_id(indicator.code)}",
                    ),
                    evaluation.score,
                    district.province,
                )
            )

        needle = search.strip().lower()[:100]

        def keep(item) -> bool:
            row, _score, province = item
            if status and row.status != status:
                return False
            if new_only and not row.new_badge:
                return False
            if level and row.level != level:
                return False
            return not (
                needle
                and not any(
                    needle in text.lower()
                    for text in (row.district_code, row.district_name, row.district_full_name, province)
                )
            )

        chosen = [item for item in all_rows if keep(item)]
        descending = sort.startswith("-")
        key = sort.lstrip("-")
        sort_keys = {
            "code": lambda item: item[0].district_code,
            "name": lambda item: (item[0].district_name, item[0].district_code),
            "status": lambda item: (STATUS_ORDER[Status(item[0].status)], item[0].district_code),
            "score": lambda item: (item[1] is not None, item[1] or 0.0, item[0].district_code),
        }
        chosen.sort(key=sort_keys[key], reverse=descending)
        page_size = max(1, min(page_size, MAX_PAGE_SIZE))
        total = len(chosen)
        pages = max(1, -(-total // page_size))
        page = max(1, min(page, pages))
        shown = [item[0] for item in chosen[(page - 1) * page_size : page * page_size]]
        return ReviewPage(
            indicator_id=indicator.id,
            indicator_code=indicator.code,
            indicator_name=indicator.name,
            round_id=round_.id,
            round_label=round_.label,
            round_closed=round_.closed,
            certification_deadline_text=deadline_text(round_.certification_deadline),
            countdown_text="ปิดรอบแล้ว" if round_.closed else countdown(round_.certification_deadline, now),
            days_left=left,
            may_decide=period.allowed,
            period_reason=period.reason,
            columns=[
                ReviewColumn(
                    key=key_,
                    label=entry.variables_by_id[vid].label,
                    unit=entry.variables_by_id[vid].unit,
                    central=entry.variables_by_id[vid].source == VariableSource.CENTRAL,
                )
                for key_, vid in columns
            ],
            rows=shown,
            total=total,
            page=page,
            page_size=page_size,
            pages=pages,
            counts=counts,
            new_count=sum(1 for item in all_rows if item[0].new_badge),
            rounds=round_options(session),
        )


# ---------------------------------------------------------------- one result in detail


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


def _allowed_actions(user: CurrentUser, status: Status, evaluation: Evaluation, round_: Round, now: datetime):
    actor = _actor(user)
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
    return AllowedActions(
        can_certify=certify.allowed,
        certify_reason=certify.reason,
        can_refuse=refuse.allowed,
        refuse_reason=refuse.reason,
        can_undo=undo.allowed,
        undo_reason=undo.reason,
        can_remind=status == Status.NOT_REPORTED and not round_.closed,
        latest_correction_deadline_text=deadline_text(round_.certification_deadline),
    )


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
            user_ids |= {result.certified_by, result.refused_by}
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
            status_label=STATUS_LABELS[status],
            status_help=STATUS_HELP_FOR_BUREAU[status],
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
            actions=_allowed_actions(user, status, evaluation, round_, now),
        )


# ---------------------------------------------------------------- decisions


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
    result = _locked_result(session, district_id, entry.indicator.id, round_.id)
    status = Status(result.status) if result else Status.NOT_REPORTED
    evaluation = evaluate(entry.spec, values_by_key(session, entry, district_id, round_.id), round_.months)
    decision = may_certify(
        status,
        evaluation.complete,
        evaluation.score is not None,
        now,
        round_.closed,
        round_.certification_deadline,
        _actor(user),
    )
    if not decision.allowed or result is None:
        return decision, None
    before = {"status": result.status, "score": result.score}
    result.status = Status.CERTIFIED.value
    result.result = evaluation.result
    result.score = evaluation.score
    result.certified_by = user.id
    result.certified_at = now
    result.correction_deadline = None
    result.updated_at = now
    session.add(result)
    session.flush()
    audit.record(
        session,
        user_id=user.id,
        action="certify",
        entity="result",
        entity_id=result.id,
        district_id=district_id,
        round_id=round_.id,
        indicator_id=entry.indicator.id,
        before=before,
        after={"status": result.status, "result": result.result, "score": result.score},
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
    parts = [REFUSAL_PREFIX + reason.strip()]
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
        result = _locked_result(session, district_id, indicator_id, round_.id)
        status = Status(result.status) if result else Status.NOT_REPORTED
        _raise_unless(may_refuse(status, now, round_.closed, round_.certification_deadline, actor))
        latest = round_.certification_deadline if actor == Actor.BUREAU else None
        _raise_unless(check_correction_deadline(deadline, now, latest, round_.closed))
        lines = _faulty_lines(session, entry, district_id, round_.id, faulty)
        before = {"status": result.status, "reason": result.reason, "correction_deadline": result.correction_deadline}
        result.status = Status.NOT_CERTIFIED.value
        result.reason = reason.strip()
        result.correction_deadline = deadline
        result.refused_by = user.id
        result.refused_at = now
        result.certified_by = None
        result.certified_at = None
        result.updated_at = now
        session.add(result)
        session.flush()
        audit.record(
            session,
            user_id=user.id,
            action="refuse",
            entity="result",
            entity_id=result.id,
            district_id=district_id,
            round_id=round_.id,
            indicator_id=indicator_id,
            before=before,
            after={
                "status": result.status,
                "reason": result.reason,
                "correction_deadline": deadline,
                "correction_deadline_text": deadline_text(deadline) if deadline else None,
                "faulty": list(faulty or []),
            },
        )
        threads.add_message(
            session, user, "bureau", district_id, indicator_id, round_.id, refusal_message(reason, lines, deadline)
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
        result = _locked_result(session, district_id, indicator_id, round_.id)
        status = Status(result.status) if result else Status.NOT_REPORTED
        _raise_unless(may_undo(status, now, round_.closed, round_.certification_deadline, actor))
        before = {"status": result.status, "certified_by": result.certified_by, "certified_at": result.certified_at}
        result.status = Status.AWAITING.value
        result.certified_by = None
        result.certified_at = None
        result.updated_at = now
        session.add(result)
        session.flush()
        audit.record(
            session,
            user_id=user.id,
            action="undo_certification",
            entity="result",
            entity_id=result.id,
            district_id=district_id,
            round_id=round_.id,
            indicator_id=indicator_id,
            before=before,
            after={"status": result.status, "reason": reason.strip()},
        )
        threads.add_message(session, user, "bureau", district_id, indicator_id, round_.id, UNDO_PREFIX + reason.strip())
        outcome = _outcome(result, "ยกเลิกการรับรองผลแล้ว")
    announce(Change(district_id=district_id, round_id=round_id, indicator_id=indicator_id, kind="status"))
    announce(Change(district_id=district_id, round_id=round_id, indicator_id=indicator_id, kind="message"))
    return outcome


def _district_ids(value: object) -> list[int]:
    if not isinstance(value, (list, tuple, set, frozenset)):
        raise ServiceError("รายการ สพท. ไม่ถูกต้อง")
    ids = []
    for item in value:
        if not isinstance(item, int) or isinstance(item, bool):
            raise ServiceError("รายการ สพท. ไม่ถูกต้อง")
        ids.append(item)
    return list(dict.fromkeys(ids))


def bulk_certify(user: CurrentUser, indicator_id: int, round_id: int, district_ids: list[int]) -> int:
    """Certify the selected districts whose results are complete and awaiting; skip the rest.

    One transaction; returns how many were certified (the skipped count is audited).
    """
    now = utcnow()
    certified: list[int] = []
    with session_scope() as session:
        indicator = require_bureau_of(session, user, indicator_id)
        round_ = require_round(session, round_id)
        ids = _district_ids(district_ids)
        if not ids:
            return 0
        _raise_unless(review_period(_actor(user), now, round_.closed, round_.certification_deadline))
        entry = load_entry(session, indicator.id, round_)
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
            targets = [d for d in session.exec(select(District.id).order_by(District.code)) if d not in reported]
        else:
            ids = _district_ids(district_ids)
            known = set(session.exec(select(District.id).where(District.id.in_(ids)))) if ids else set()
            if len(known) != len(ids):
                raise NotFound("ไม่พบ สพท. บางแห่งที่เลือก")
            targets = ids
        body = (
            f"{REMIND_PREFIX}{text or f'กรุณารายงานผลการดำเนินงานตัวชี้วัดที่ {indicator.code}'}\n"
            f"กรุณาดำเนินการภายใน {deadline_text(due)}"
        )
        for district_id in targets:
            threads.add_message(session, user, "bureau", district_id, indicator.id, round_.id, body)
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
