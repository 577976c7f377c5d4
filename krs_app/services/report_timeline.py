"""Status counts over time for the report: per day of the round, how many of the results the
user may see were not reported, awaiting, refused, certified or not applicable, as the
district and certification deadlines approach.

Replayed (domain/status_timeline.py) from the audit log's status changes; a result the log
says nothing about (the demo's seeded rows, data from before the log) falls back to its own
timestamps (reported, refused, certified, marked not applicable). The last day is the
results' status now. Who sees which results is the report's view (services/report_view.py):
the KPI office all, a bureau its own indicators, a district its own row.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlmodel import Session

from krs_app.db.engine import session_scope
from krs_app.db.models import AuditLog, Result, Round
from krs_app.domain.status_timeline import NOT_APPLICABLE, StatusChange, days_between, replay
from krs_app.domain.thai_dates import THAI_MONTHS_SHORT
from krs_app.services.auth import CurrentUser
from krs_app.services.catalogue import get_round
from krs_app.services.clock import to_bangkok, utcnow
from krs_app.services.errors import NotAllowed
from krs_app.services.report_matrix import round_matrix
from krs_app.services.report_view import ReportFilters, ReportView, view_of

STATUS_ACTIONS = (
    "enter_value",
    "import_central",
    "set_central_value",
    "certify",
    "refuse",
    "undo_certification",
    "resubmit",
    "mark_not_applicable",
    "undo_not_applicable",
)


@dataclass(frozen=True)
class TimelinePoint:
    day: str  # "9 ต.ค." (the chart's axis)
    not_reported: int
    awaiting: int
    not_certified: int
    certified: int
    not_applicable: int


@dataclass
class StatusTimeline:
    points: list[TimelinePoint]
    district_deadline_day: str  # the axis label the deadline falls on ("" when off the chart)
    certification_deadline_day: str


def _day_label(day) -> str:
    return f"{day.day} {THAI_MONTHS_SHORT[day.month - 1]}"


def _json(text: str | None) -> dict:
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _changes(session: Session, round_id: int, districts: set[int], indicators: set[int]) -> list[StatusChange]:
    logged: list[StatusChange] = []
    seen: set[tuple[int, int]] = set()
    query = select(AuditLog.at, AuditLog.district_id, AuditLog.indicator_id, AuditLog.action, AuditLog.after).where(
        AuditLog.round_id == round_id, AuditLog.action.in_(STATUS_ACTIONS)
    )
    for at, district_id, indicator_id, action, after_text in session.execute(query):
        key = (district_id, indicator_id)
        if district_id not in districts or indicator_id not in indicators:
            continue
        after = _json(after_text)
        if action in ("mark_not_applicable", "undo_not_applicable"):
            change = StatusChange(to_bangkok(at), key, not_applicable=action == "mark_not_applicable")
        elif isinstance(after.get("status"), str):
            change = StatusChange(to_bangkok(at), key, status=after["status"])
        else:
            continue
        logged.append(change)
        seen.add(key)
    dated = select(
        Result.district_id,
        Result.indicator_id,
        Result.reported_at,
        Result.refused_at,
        Result.certified_at,
        Result.not_applicable_at,
    ).where(Result.round_id == round_id)
    for district_id, indicator_id, reported, refused, certified, marked in session.execute(dated):
        key = (district_id, indicator_id)
        if key in seen or district_id not in districts or indicator_id not in indicators:
            continue
        for at, status in ((reported, "awaiting"), (refused, "not_certified"), (certified, "certified")):
            if at is not None:
                logged.append(StatusChange(to_bangkok(at), key, status=status))
        if marked is not None:
            logged.append(StatusChange(to_bangkok(marked), key, not_applicable=True))
    return logged


def timeline_of(session: Session, round_: Round, view: ReportView) -> StatusTimeline:
    """The timeline of exactly the results in this view (already authorized for its user)."""
    keys = [(row.district_id, column.indicator_id) for row in view.rows for column in view.columns]
    today = {
        (row.district_id, column.indicator_id): cell.status
        for row in view.rows
        for column, cell in zip(view.columns, row.cells, strict=True)
    }
    first = to_bangkok(round_.opens_at).date()
    last = max(first, to_bangkok(round_.closed_at if round_.closed and round_.closed_at else utcnow()).date())
    days = days_between(first, last)
    changes = _changes(session, round_.id, {r.district_id for r in view.rows}, {c.indicator_id for c in view.columns})
    points = [
        TimelinePoint(
            _day_label(point.day),
            point.counts["not_reported"],
            point.counts["awaiting"],
            point.counts["not_certified"],
            point.counts["certified"],
            point.counts[NOT_APPLICABLE],
        )
        for point in replay(keys, changes, days, today)
    ]
    shown = {_day_label(day) for day in days}

    def on_chart(deadline) -> str:
        label = _day_label(to_bangkok(deadline).date())
        return label if label in shown else ""

    return StatusTimeline(points, on_chart(round_.district_deadline), on_chart(round_.certification_deadline))


_lock = threading.Lock()
_cache: dict[tuple, StatusTimeline] = {}  # the last few timelines, by what they were built from
_CACHE_SIZE = 32


def status_timeline(user: CurrentUser, round_id: int | None = None, filters: ReportFilters | None = None):
    """The status counts per day of a round (default: the current one) over what the user may see.

    Kept while the round's results (the matrix's fingerprint), the audit log and the day are
    the same: a page's filters and live refreshes of other tabs showing the same view reuse it."""
    if not (user.is_kpi_office or user.is_bureau or user.is_district):
        raise NotAllowed()
    with session_scope() as session:
        round_ = get_round(session, round_id if isinstance(round_id, int) and not isinstance(round_id, bool) else None)
        matrix = round_matrix(session, round_)
        view = view_of(user, matrix, filters or ReportFilters())
        key = (
            str(session.get_bind().url),
            round_.id,
            matrix.fingerprint,
            session.execute(select(func.max(AuditLog.id))).scalar(),
            to_bangkok(utcnow()).date(),
            tuple(row.district_id for row in view.rows),
            tuple(column.indicator_id for column in view.columns),
        )
        with _lock:
            cached = _cache.get(key)
        if cached is not None:
            return cached
        timeline = timeline_of(session, round_, view)
    with _lock:
        if len(_cache) >= _CACHE_SIZE:
            _cache.pop(next(iter(_cache)))
        _cache[key] = timeline
    return timeline
