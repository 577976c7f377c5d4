"""What each role gets beside the report matrix: the outlier flag on the bureau's review
detail, and the status counts over time (the KPI office all, a bureau its indicators, a
district its own results)."""

from __future__ import annotations

from collections import Counter

from krs_app.services import decisions, review_inbox
from krs_app.services.report_timeline import status_timeline
from krs_app.services.report_view import ReportFilters, report_view
from krs_app.services.review_detail import review_detail
from tests.services.helpers import current_round_id, indicator_id, login_as, plant_ratio_outlier

STATUSES = ("not_reported", "awaiting", "not_certified", "certified", "not_applicable")


def test_the_review_detail_shows_the_outlier_flag_with_its_thai_reason(krs_db):
    round_id = current_round_id()
    finance = login_as("finance")
    iid = indicator_id("11.2", round_id)
    rows = review_inbox.review_rows(finance, iid, round_id, page_size=300).rows
    plain = [r for r in rows if not r.outlier and r.status == "awaiting"]
    assert len(plain) >= 2, "the demo's spread on 11.2 leaves most districts unflagged"
    planted, normal = plain[0], plain[1]
    assert review_detail(finance, planted.district_id, iid, round_id).outlier_reason == ""
    plant_ratio_outlier(planted.district_id, round_id)
    detail = review_detail(finance, planted.district_id, iid, round_id)
    assert "ต่างจากค่ากลางของทุกเขต" in detail.outlier_reason and "เท่า" in detail.outlier_reason
    flagged = next(
        r
        for r in review_inbox.review_rows(finance, iid, round_id, page_size=300).rows
        if r.district_id == planted.district_id
    )
    assert detail.outlier_reason == flagged.outlier_reason  # the list's tooltip and the detail say the same
    assert review_detail(finance, normal.district_id, iid, round_id).outlier_reason == ""
    assert detail.actions.can_certify  # advice only
    assert decisions.certify(finance, planted.district_id, iid, round_id)


def _last(timeline) -> dict[str, int]:
    point = timeline.points[-1]
    return {s: getattr(point, s) for s in STATUSES}


def _now_counts(view) -> dict[str, int]:
    counts = Counter(cell.status for row in view.rows for cell in row.cells)
    return {s: counts.get(s, 0) for s in STATUSES}


def test_status_counts_over_time_cover_what_each_role_may_see(krs_db):
    round_id = current_round_id()
    for username, results in (("kpi", 245 * 26), ("finance", 245 * 6), ("spm07", 26)):
        user = login_as(username)
        timeline = status_timeline(user, round_id)
        assert len(timeline.points) >= 2
        assert all(sum(getattr(p, s) for s in STATUSES) == results for p in timeline.points), username
        assert _last(timeline) == _now_counts(report_view(user, round_id)), username
        # the round opened with nothing reported; the results came in over its days
        assert timeline.points[0].not_reported > _last(timeline)["not_reported"] or results == 26
    # A district's crafted filters do not widen it.
    crafted = status_timeline(login_as("spm07"), round_id, ReportFilters(level="primary", bureau_id=1))
    assert sum(_last(crafted).values()) == 26


def test_a_certification_moves_todays_counts(krs_db):
    round_id = current_round_id()
    finance = login_as("finance")
    iid = indicator_id("11.3", round_id)
    before = _last(status_timeline(finance, round_id))
    row = next(r for r in review_inbox.review_rows(finance, iid, round_id, page_size=300).rows if r.selectable)
    decisions.certify(finance, row.district_id, iid, round_id)
    after = _last(status_timeline(finance, round_id))
    assert after["certified"] == before["certified"] + 1 and after["awaiting"] == before["awaiting"] - 1
