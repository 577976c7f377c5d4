"""Status counts over time: how many results were in each status at the end of each day of a
round, replayed from dated status changes (pure: no database)."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import NamedTuple

NOT_REPORTED = "not_reported"
NOT_APPLICABLE = "not_applicable"
TIMELINE_STATUSES = ("not_reported", "awaiting", "not_certified", "certified", NOT_APPLICABLE)
MAX_POINTS = 120  # a longer round is shown every few days, its last day always included


class StatusChange(NamedTuple):  # a tuple: a round has thousands of these
    at: datetime  # local (Bangkok) time
    key: Hashable  # one result: (district, indicator)
    status: str | None = None  # the new status; None: only the not-applicable mark changed
    not_applicable: bool | None = None  # marked (True) or unmarked (False); None: unchanged


@dataclass(frozen=True)
class DayCounts:
    day: date
    counts: dict[str, int]


def days_between(first: date, last: date) -> list[date]:
    """Every day from first to last, or every k-th day (and last) when there are more than MAX_POINTS."""
    total = (last - first).days + 1
    if total <= 0:
        return [last]
    step = max(1, -(-total // MAX_POINTS))
    days = [first + timedelta(days=i) for i in range(0, total, step)]
    if days[-1] != last:
        days.append(last)
    return days


def replay(
    keys: Iterable[Hashable], changes: Iterable[StatusChange], days: list[date], today: Mapping[Hashable, str]
) -> list[DayCounts]:
    """Counts per status at the end of each day; every result starts not reported. The last day
    shows the statuses as they are now (`today`), whatever the dated changes said."""
    keys = list(keys)
    status = dict.fromkeys(keys, NOT_REPORTED)
    marked = dict.fromkeys(keys, False)
    ordered = sorted((c for c in changes if c.key in status), key=lambda c: c.at)
    at = 0
    points = []
    for day in days:
        end = datetime.combine(day + timedelta(days=1), datetime.min.time())
        while at < len(ordered) and ordered[at].at < end:
            change = ordered[at]
            if change.status is not None:
                status[change.key] = change.status
            if change.not_applicable is not None:
                marked[change.key] = change.not_applicable
            at += 1
        counts = dict.fromkeys(TIMELINE_STATUSES, 0)
        for key in keys:
            shown = NOT_APPLICABLE if marked[key] else status[key]
            counts[shown if shown in counts else NOT_REPORTED] += 1
        points.append(DayCounts(day, counts))
    if points and today:
        counts = dict.fromkeys(TIMELINE_STATUSES, 0)
        for key in keys:
            shown = today.get(key, NOT_REPORTED)
            counts[shown if shown in counts else NOT_REPORTED] += 1
        points[-1] = DayCounts(points[-1].day, counts)
    return points
