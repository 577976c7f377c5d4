"""A deactivated district keeps its history but is counted nowhere: the KPI office's tracking
and overview, the report's rows, ranks and averages, a bureau's review list and its reminders
(services.active_districts is the one query they all read their districts from)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from krs_app.services import lookups, offices, overview, reminders, report, report_view, review_inbox, tracking
from krs_app.services.clock import utcnow
from krs_app.services.errors import NotFound
from tests.services.helpers import current_round_id, indicator_id, login_as

GONE = "spm07"  # the demo district that reported (its results are in every count)


def _district_id(code: str, kpi) -> int:
    return next(r.id for r in offices.list_districts(kpi) if r.code == code)


def _tracking_total(kpi) -> tuple[int, int]:
    """(districts counted per indicator, certified + awaiting + refused over all indicators)."""
    view = tracking.certification_tracking(kpi, current_round_id())
    first = view.bureaus[0].indicators[0].counts
    per_indicator = first.awaiting + first.certified + first.refused + first.not_reported + first.not_applicable
    totals = view.totals
    return per_indicator, totals.awaiting + totals.certified + totals.refused


def _seen(kpi, finance) -> dict:
    round_id = current_round_id()
    view = report_view.report_view(kpi, round_id)
    page = review_inbox.review_rows(finance, indicator_id("11.2"), round_id, page_size=500)
    summary = overview.indicator_overview(kpi, round_id).summaries[0]
    return {
        "tracking": _tracking_total(kpi),
        "overview": summary.awaiting + summary.certified + summary.not_certified + summary.not_reported,
        "report rows": len(view.rows),
        "report total": view.district_total,
        "report codes": {r.code for r in view.rows},
        "report mean": view.mean_overall,
        "ranks": sorted(r.rank for r in view.rows),
        "district report": {r.code for r in report.district_report(kpi, round_id).rows},
        "review total": page.total,
        "review counts": sum(page.counts.values()),
        "review codes": {r.district_code for r in page.rows},
    }


def test_a_deactivated_district_disappears_from_every_count(krs_db):
    kpi, finance = login_as("kpi"), login_as("finance")
    before = _seen(kpi, finance)
    assert GONE in before["report codes"] and GONE in before["review codes"] and GONE in before["district report"]

    offices.set_district_active(kpi, GONE, False)
    after = _seen(kpi, finance)

    assert after["tracking"][0] == before["tracking"][0] - 1
    assert after["overview"] == before["overview"] - 1
    assert after["report rows"] == after["report total"] == before["report rows"] - 1
    assert after["report codes"] == before["report codes"] - {GONE}
    assert max(after["ranks"]) <= after["report total"]  # ranked among the active districts
    assert after["district report"] == before["district report"] - {GONE}
    assert after["review total"] == after["review counts"] == before["review total"] - 1
    assert GONE not in after["review codes"]
    # spm07 reported and has results: the tracking's status counts and the mean lose them.
    assert after["tracking"][1] < before["tracking"][1]
    assert after["report mean"] != before["report mean"]

    # Reactivated, it counts again.
    offices.set_district_active(kpi, GONE, True)
    assert _seen(kpi, finance) == before
    offices.set_district_active(kpi, GONE, False)

    offices.set_district_active(kpi, GONE, True)


def test_a_deactivated_district_is_not_reminded(krs_db):
    """A reminder goes to every district that has not reported: not to a deactivated one,
    which cannot be named either."""
    kpi, finance = login_as("kpi"), login_as("finance")
    round_id = current_round_id()
    indicator = next(int(o.id) for o in lookups.bureau_indicator_options(finance) if _not_reported(int(o.id)))
    quiet = sorted(_not_reported(indicator))[0]
    deadline = utcnow() + timedelta(days=7)
    everyone = reminders.remind(finance, indicator, round_id, "", deadline)
    offices.set_district_active(kpi, quiet, False)
    assert reminders.remind(finance, indicator, round_id, "", deadline) == everyone - 1
    with pytest.raises(NotFound):
        reminders.remind(finance, indicator, round_id, "", deadline, district_ids=[_district_id(quiet, kpi)])


def _not_reported(indicator: int) -> set[str]:
    """The districts that have not reported on this indicator (as the owning bureau's list shows them)."""
    page = review_inbox.review_rows(login_as("finance"), indicator, current_round_id(), page_size=500)
    return {r.district_code for r in page.rows if r.status == "not_reported"}
