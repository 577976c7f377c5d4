"""Status counts per day, replayed from dated changes."""

from __future__ import annotations

from datetime import date, datetime

from krs_app.domain.status_timeline import MAX_POINTS, StatusChange, days_between, replay


def test_counts_per_day_follow_the_changes_and_end_at_todays_statuses():
    days = days_between(date(2026, 10, 1), date(2026, 10, 4))
    changes = [
        StatusChange(datetime(2026, 10, 2, 9), "a", status="awaiting"),
        StatusChange(datetime(2026, 10, 3, 23, 59), "a", status="certified"),
        StatusChange(datetime(2026, 10, 2, 10), "b", status="awaiting"),
        StatusChange(datetime(2026, 10, 3, 8), "b", status="not_certified"),
        StatusChange(datetime(2026, 10, 3, 9), "c", not_applicable=True),
        StatusChange(datetime(2026, 10, 2, 9), "someone else's", status="certified"),
    ]
    today = {"a": "certified", "b": "awaiting", "c": "not_applicable"}
    points = replay(["a", "b", "c"], changes, days, today)
    assert [p.day.day for p in points] == [1, 2, 3, 4]
    assert points[0].counts["not_reported"] == 3
    assert points[1].counts["awaiting"] == 2 and points[1].counts["certified"] == 0
    assert points[2].counts == {
        "not_reported": 0,
        "awaiting": 0,
        "not_certified": 1,
        "certified": 1,
        "not_applicable": 1,
    }
    assert points[3].counts["awaiting"] == 1 and points[3].counts["not_certified"] == 0  # today's truth
    assert all(sum(p.counts.values()) == 3 for p in points)


def test_a_long_round_keeps_its_first_and_last_day():
    days = days_between(date(2026, 1, 1), date(2026, 12, 31))
    assert len(days) <= MAX_POINTS + 1 and days[0] == date(2026, 1, 1) and days[-1] == date(2026, 12, 31)
    assert days_between(date(2026, 5, 2), date(2026, 5, 1)) == [date(2026, 5, 1)]
