"""Who may change a result's values, and when; what a change does to the status."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from krs_app.domain.status import (
    STATUS_HELP_FOR_BUREAU,
    STATUS_HELP_FOR_DISTRICT,
    STATUS_LABELS,
    Status,
    district_edit_window,
    status_after_values_changed,
)

NOW = datetime(2019, 4, 20, 10, 0)
DEADLINE = datetime(2019, 4, 30, 16, 30)  # the district reporting deadline
BEFORE = NOW
AFTER = DEADLINE + timedelta(days=3)


def window(status, now=NOW, *, closed=False, deadline=DEADLINE, correction=None, extended=None):
    return district_edit_window(status, now, closed, deadline, correction, extended)


def assert_locked(result):
    assert result.allowed is False
    assert result.reason  # the district is told why, in Thai
    assert any("\u0e00" <= ch <= "\u0e7f" for ch in result.reason)


def assert_open(result):
    assert result.allowed is True
    assert result.reason == ""


@pytest.mark.parametrize("now", [BEFORE, AFTER])
def test_certified_is_locked(now):
    result = window(Status.CERTIFIED, now, extended=AFTER + timedelta(days=30))
    assert_locked(result)
    assert "รับรอง" in result.reason


@pytest.mark.parametrize("status", [Status.NOT_REPORTED, Status.AWAITING, Status.NOT_CERTIFIED])
def test_closed_round_is_locked(status):
    result = window(status, BEFORE, closed=True, correction=DEADLINE)
    assert_locked(result)
    assert "ปิด" in result.reason


@pytest.mark.parametrize("status", [Status.NOT_REPORTED, Status.AWAITING])
def test_before_the_district_deadline_is_editable(status):
    assert_open(window(status, BEFORE))
    assert_open(window(status, DEADLINE))  # up to and including the deadline itself
    assert_open(window(status, BEFORE, deadline=None))  # a round without a deadline


@pytest.mark.parametrize("status", [Status.NOT_REPORTED, Status.AWAITING])
def test_after_the_district_deadline_is_locked(status):
    assert_locked(window(status, AFTER))
    assert_locked(window(status, DEADLINE + timedelta(seconds=1)))


def test_refused_with_a_correction_deadline_is_editable_until_it():
    correction = AFTER + timedelta(days=7)
    # Even after the district deadline, the bureau's correction deadline counts.
    assert_open(window(Status.NOT_CERTIFIED, AFTER, correction=correction))
    assert_open(window(Status.NOT_CERTIFIED, correction, correction=correction))
    assert_locked(window(Status.NOT_CERTIFIED, correction + timedelta(seconds=1), correction=correction))


def test_refused_correction_deadline_earlier_than_the_district_deadline_still_ends_it():
    correction = BEFORE - timedelta(days=1)
    assert_locked(window(Status.NOT_CERTIFIED, BEFORE, correction=correction))


def test_refused_without_a_correction_deadline_is_locked():
    result = window(Status.NOT_CERTIFIED, BEFORE, correction=None)
    assert_locked(result)
    assert "ไม่รับรอง" in result.reason


@pytest.mark.parametrize("status", [Status.NOT_REPORTED, Status.AWAITING, Status.NOT_CERTIFIED])
def test_an_extension_opens_it_until_its_date(status):
    extended = AFTER + timedelta(days=2)
    assert_open(window(status, AFTER, extended=extended))
    assert_open(window(status, extended, extended=extended))
    assert_locked(window(status, extended + timedelta(seconds=1), extended=extended))


def test_an_extension_does_not_open_a_closed_round():
    assert_locked(window(Status.AWAITING, AFTER, closed=True, extended=AFTER + timedelta(days=2)))


@pytest.mark.parametrize(
    ("current", "complete", "after"),
    [
        (Status.NOT_REPORTED, True, Status.AWAITING),
        (Status.NOT_REPORTED, False, Status.NOT_REPORTED),
        (Status.AWAITING, True, Status.AWAITING),
        (Status.AWAITING, False, Status.NOT_REPORTED),
        (Status.NOT_CERTIFIED, True, Status.AWAITING),  # a correction goes back to the bureau
        (Status.NOT_CERTIFIED, False, Status.NOT_REPORTED),
        (Status.CERTIFIED, True, Status.CERTIFIED),
        (Status.CERTIFIED, False, Status.CERTIFIED),
    ],
)
def test_status_after_values_changed(current, complete, after):
    assert status_after_values_changed(current, complete) == after


def test_every_status_has_the_manuals_label_and_help():
    assert STATUS_LABELS == {
        Status.NOT_REPORTED: "ยังไม่รายงานผล",
        Status.AWAITING: "รอการรับรองผล",
        Status.NOT_CERTIFIED: "ไม่รับรอง",
        Status.CERTIFIED: "รับรองผล",
    }
    for status in Status:
        assert STATUS_HELP_FOR_DISTRICT[status].startswith(STATUS_LABELS[status])
        assert STATUS_HELP_FOR_BUREAU[status].startswith(STATUS_LABELS[status])
    for status in (Status.NOT_REPORTED, Status.AWAITING, Status.NOT_CERTIFIED):
        assert "1.00000" in STATUS_HELP_FOR_DISTRICT[status]
