"""The bureau's inbox: every district's result on one of its indicators in a round,
filtered, sorted and paged.

Authorization comes from the acting user only (services/access.py); the rules of the
review period are in domain/certification.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func
from sqlmodel import select

from krs_app.db.engine import session_scope
from krs_app.db.models import District, EvidenceFile, Message, Result, Value
from krs_app.domain.catalogue_rules import ROUND_LENGTHS
from krs_app.domain.certification import assessed_in_round, days_left, review_period
from krs_app.domain.districts import LEVEL_LABELS
from krs_app.domain.indicators import NOT_ASSESSED_LABEL, VariableSource, code_for_id
from krs_app.domain.numbers import format_number, format_result, format_score
from krs_app.domain.scoring import evaluate
from krs_app.domain.status import NOT_APPLICABLE_LABEL, STATUS_LABELS, Status
from krs_app.domain.thai_dates import countdown
from krs_app.services import threads
from krs_app.services.access import require_bureau_of, require_round, reviewer_actor
from krs_app.services.active_districts import active_districts
from krs_app.services.auth import CurrentUser
from krs_app.services.catalogue import CatalogueEntry, get_round, load_entry
from krs_app.services.clock import deadline_text, utcnow
from krs_app.services.errors import ServiceError
from krs_app.services.review_outliers import flag_outliers
from krs_app.services.round_options import round_options
from krs_app.services.views import RoundOption

SORT_KEYS = ("code", "name", "status", "score")
STATUS_ORDER = {Status.AWAITING: 0, Status.NOT_CERTIFIED: 1, Status.NOT_REPORTED: 2, Status.CERTIFIED: 3}
MAX_PAGE_SIZE = 500
SNIPPET_LENGTH = 80


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
    outlier: bool = False  # advice only: never blocks certifying
    outlier_reason: str = ""  # Thai, for the tooltip
    outlier_id: str = ""  # outlier-flag-{district code}-{indicator code id}


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
    result_unit: str = "ร้อยละ"  # ร้อยละ / ระดับ / ค่า: the result column's unit, by the indicator's kind
    not_assessed_text: str = ""  # ยังไม่ต้องรายงานในรอบนี้: no rows and no actions, and why


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


def _snippet(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SNIPPET_LENGTH else text[: SNIPPET_LENGTH - 1] + "…"


def _not_assessed_text(spec) -> str:
    """The label, and when it is reported: "ตัวชี้วัด 11.5 ยังไม่ต้องรายงานในรอบนี้ (รายงานในรอบ 12 เดือน)"."""
    rounds = " / ".join(f"รอบ {m} เดือน" for m in ROUND_LENGTHS if spec.is_assessed_in(m))
    return f"ตัวชี้วัด {spec.code} {NOT_ASSESSED_LABEL}" + (f" (รายงานใน{rounds})" if rounds else "")


def _required_columns(entry: CatalogueEntry, months: int) -> list[tuple[str, int]]:
    return [(v.key, entry.variable_ids[v.key]) for v in entry.spec.required_variables(months)]


@dataclass(frozen=True)
class _Item:
    """One district's row before filtering, with what the filters and sorts read beside it."""

    row: ReviewRow
    score: float | None
    province: str


@dataclass(frozen=True)
class _Paged:
    rows: list[ReviewRow]
    total: int
    page: int
    page_size: int
    pages: int


def _filter_sort_page(
    items: list[_Item],
    *,
    status: str | None,
    new_only: bool,
    level: str | None,
    outliers_only: bool = False,
    search: str,
    sort: str,
    page: int,
    page_size: int,
) -> _Paged:
    """The inbox's filter, sort and page step: pure, on rows already built."""
    needle = search.strip().lower()[:100]

    def keep(item: _Item) -> bool:
        row = item.row
        if status and row.status != status:
            return False
        if new_only and not row.new_badge:
            return False
        if outliers_only and not row.outlier:
            return False
        if level and row.level != level:
            return False
        return not (
            needle
            and not any(
                needle in text.lower()
                for text in (row.district_code, row.district_name, row.district_full_name, item.province)
            )
        )

    chosen = [item for item in items if keep(item)]
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    sort_keys = {
        "code": lambda item: item.row.district_code,
        "name": lambda item: (item.row.district_name, item.row.district_code),
        "status": lambda item: (STATUS_ORDER[Status(item.row.status)], item.row.district_code),
        "score": lambda item: (item.score is not None, item.score or 0.0, item.row.district_code),
    }
    chosen.sort(key=sort_keys[key], reverse=descending)
    page_size = max(1, min(page_size, MAX_PAGE_SIZE))
    total = len(chosen)
    pages = max(1, -(-total // page_size))
    page = max(1, min(page, pages))
    shown = [item.row for item in chosen[(page - 1) * page_size : page * page_size]]
    return _Paged(rows=shown, total=total, page=page, page_size=page_size, pages=pages)


@dataclass
class _InboxData:
    """What the inbox reads: one query per table, whatever the number of districts."""

    districts: list[District]
    results: dict[int, Result]
    values: dict[int, dict[str, float]]  # district -> variable key -> value
    evidence: dict[int, tuple[int, int]]  # district -> (files, registered)
    last_messages: dict[int, Message]
    badges: set[int]


def _load_inbox(session, indicator_id: int, round_id: int, entry: CatalogueEntry, variable_ids: list[int]):
    results = {
        r.district_id: r
        for r in session.exec(select(Result).where(Result.indicator_id == indicator_id, Result.round_id == round_id))
    }
    key_of = {vid: key for key, vid in entry.variable_ids.items()}
    values: dict[int, dict[str, float]] = {}
    if variable_ids:
        for v in session.exec(select(Value).where(Value.round_id == round_id, Value.variable_id.in_(variable_ids))):
            values.setdefault(v.district_id, {})[key_of[v.variable_id]] = v.value
    evidence = {
        district_id: (count, registered)
        for district_id, count, registered in session.exec(
            select(EvidenceFile.district_id, func.count(EvidenceFile.id), func.count(EvidenceFile.received_at))
            .where(
                EvidenceFile.indicator_id == indicator_id,
                EvidenceFile.round_id == round_id,
                EvidenceFile.withdrawn_at.is_(None),
            )
            .group_by(EvidenceFile.district_id)
        )
    }
    latest_ids = (
        select(func.max(Message.id))
        .where(Message.indicator_id == indicator_id, Message.round_id == round_id)
        .group_by(Message.district_id)
    )
    return _InboxData(
        districts=list(session.exec(active_districts())),
        results=results,
        values=values,
        evidence=evidence,
        last_messages={m.district_id: m for m in session.exec(select(Message).where(Message.id.in_(latest_ids)))},
        badges={d for d, _ in threads.badges_for_bureau(session, [indicator_id])},
    )


def _inbox_item(
    district: District,
    data: _InboxData,
    entry: CatalogueEntry,
    columns: list[tuple[str, int]],
    months: int,
    left: int | None,
) -> _Item:
    result = data.results.get(district.id)
    row_status = Status(result.status) if result else Status.NOT_REPORTED
    not_applicable = bool(result and result.not_applicable)
    by_key = data.values.get(district.id, {})
    evaluation = evaluate(entry.spec, by_key, months)
    count, registered = data.evidence.get(district.id, (0, 0))
    message = data.last_messages.get(district.id)
    row = ReviewRow(
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
        status_label=NOT_APPLICABLE_LABEL if not_applicable else STATUS_LABELS[row_status],
        new_badge=district.id in data.badges,
        days_left=left,
        correction_deadline_text=deadline_text(result.correction_deadline)
        if result is not None and row_status == Status.NOT_CERTIFIED
        else "",
        selectable=row_status == Status.AWAITING and evaluation.score is not None and not not_applicable,
        element_id=f"review-open-{district.code}-{code_for_id(entry.indicator.code)}",
    )
    return _Item(row, evaluation.score, district.province)


def review_rows(
    user: CurrentUser,
    indicator_id: int,
    round_id: int | None = None,
    *,
    status: str | None = None,
    new_only: bool = False,
    outliers_only: bool = False,
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
        data = _load_inbox(session, indicator.id, round_.id, entry, [vid for _, vid in columns])
        period = review_period(reviewer_actor(user), now, round_.closed, round_.certification_deadline)
        assessed = assessed_in_round(entry.spec, round_.months)
        if not assessed.allowed:  # nothing to report: no 245 "ยังไม่รายงานผล" rows to remind or decide
            period = assessed
        left = days_left(round_.certification_deadline, now)
        all_rows = (
            [_inbox_item(district, data, entry, columns, round_.months, left) for district in data.districts]
            if assessed.allowed
            else []
        )
        flag_outliers(session, all_rows, data, entry, round_, [key for key, _ in columns])
        counts = {s.value: 0 for s in Status}
        for item in all_rows:
            counts[item.row.status] += 1
        paged = _filter_sort_page(
            all_rows,
            status=status,
            new_only=new_only,
            outliers_only=bool(outliers_only),
            level=level,
            search=search,
            sort=sort,
            page=page,
            page_size=page_size,
        )
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
            rows=paged.rows,
            total=paged.total,
            page=paged.page,
            page_size=paged.page_size,
            pages=paged.pages,
            counts=counts,
            new_count=sum(1 for item in all_rows if item.row.new_badge),
            rounds=round_options(session),
            result_unit=entry.spec.result_unit,
            not_assessed_text=_not_assessed_text(entry.spec) if not assessed.allowed else "",
        )
