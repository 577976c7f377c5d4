"""ไม่ประเมินตัวชี้วัดนี้: the owning bureau leaves one district's result out of its overall score."""

from __future__ import annotations

import pytest
from sqlmodel import select

from krs_app.db.engine import session_scope
from krs_app.db.models import Round
from krs_app.services import decisions, entry, not_applicable, report, review_detail, review_inbox, tracking
from krs_app.services.errors import NotAllowed, ServiceError
from tests.services.helpers import (
    audit_rows,
    current_round_id,
    district_id,
    indicator_id,
    login_as,
    result_of,
    variable_id,
)

REASON = "สพท. ไม่มีสถานศึกษาตามตัวชี้วัดนี้"


def _page_weights_and_scores(user, round_id):
    page = entry.entry_page(user, round_id)
    return page, {row.code: (float(row.weight), float(row.score_text)) for row in page.indicators if row.assessed}


def _weighted(parts):
    return sum(w * s for w, s in parts) / sum(w for w, _ in parts)


def _report_row(round_id, code):
    rows = report.district_report(login_as("kpi"), round_id).rows
    return next(row for row in rows if row.code == code)


def test_marking_leaves_the_result_out_of_every_overall_score(krs_db):
    district = login_as("spm07")
    round_id = current_round_id()
    assert entry.enter_value(district, round_id, variable_id("11.3", "1"), "1").ok
    page, scored = _page_weights_and_scores(district, round_id)
    assert float(page.overall_text) == pytest.approx(_weighted(scored.values()), abs=1e-4)
    weight_11_3 = scored["11.3"][0]
    report_before = _report_row(round_id, "spm07")
    total_weight = sum(w for w, _ in scored.values())

    outcome = not_applicable.mark_not_applicable(
        login_as("finance"), district.district_id, indicator_id("11.3"), round_id, REASON
    )
    assert "ไม่ประเมิน" in outcome.message

    page, _ = _page_weights_and_scores(district, round_id)
    others = [part for code, part in scored.items() if code != "11.3"]
    assert float(page.overall_text) == pytest.approx(_weighted(others), abs=1e-4)
    row = next(r for r in page.indicators if r.code == "11.3")
    assert row.not_applicable and row.status_label == "ไม่ประเมินตัวชี้วัดนี้"
    assert REASON in row.note
    # the report: the awaiting result counted 1.00000 at its weight; now its weight leaves the denominator
    expected = (report_before.overall * total_weight - weight_11_3 * 1.0) / (total_weight - weight_11_3)
    report_after = _report_row(round_id, "spm07")
    assert report_after.overall == pytest.approx(expected, abs=1e-3)
    assert report_after.not_applicable == 1
    # the report matrix (report page and its exports): the cell says so and its weight leaves the overall
    from krs_app.services.catalogue import get_round
    from krs_app.services.report_matrix import NOT_APPLICABLE, round_matrix

    with session_scope() as session:
        matrix = round_matrix(session, get_round(session, round_id))
    k = next(i for i, d in enumerate(matrix.districts) if d.id == district.district_id)
    j = next(i for i, ind in enumerate(matrix.indicators) if ind.code == "11.3")
    assert matrix.status[k][j] == NOT_APPLICABLE and matrix.public[k][j] is None
    assert matrix.overall[k] == pytest.approx(report_after.overall, abs=1e-4)
    # tracking: nothing awaits the bureau there any more
    counts = next(
        i.counts
        for b in tracking.certification_tracking(login_as("kpi"), round_id).bureaus
        for i in b.indicators
        if i.code == "11.3"
    )
    assert counts.not_applicable == 1
    assert counts.awaiting + counts.certified + counts.refused + counts.not_reported + counts.not_applicable == 245
    # review: shown as such, not selectable, no certification while marked
    inbox = review_inbox.review_rows(login_as("finance"), indicator_id("11.3"), round_id)
    review_row = next(r for r in inbox.rows if r.district_code == "spm07")
    assert review_row.status_label == "ไม่ประเมินตัวชี้วัดนี้" and not review_row.selectable
    detail = review_detail.review_detail(login_as("finance"), district.district_id, indicator_id("11.3"), round_id)
    assert detail.not_applicable and REASON in detail.not_applicable_text
    assert not detail.actions.can_certify and detail.actions.can_undo_not_applicable
    assert any(d.action == "mark_not_applicable" for d in detail.decisions)
    with pytest.raises(ServiceError):
        decisions.certify(login_as("finance"), district.district_id, indicator_id("11.3"), round_id)
    # audited, and the district reads it in the thread
    [row_audit] = audit_rows("mark_not_applicable")
    assert row_audit.user_id == login_as("finance").id and REASON in row_audit.after


def test_undo_counts_the_result_again(krs_db):
    district = login_as("spm07")
    round_id = current_round_id()
    assert entry.enter_value(district, round_id, variable_id("11.3", "1"), "1").ok
    before = entry.entry_page(district, round_id).overall_text
    bureau = login_as("finance")
    not_applicable.mark_not_applicable(bureau, district.district_id, indicator_id("11.3"), round_id, REASON)
    assert entry.entry_page(district, round_id).overall_text != before
    with pytest.raises(ServiceError):  # twice: no second effect
        not_applicable.mark_not_applicable(bureau, district.district_id, indicator_id("11.3"), round_id, REASON)
    not_applicable.undo_not_applicable(bureau, district.district_id, indicator_id("11.3"), round_id, "มีสถานศึกษาแล้ว")
    assert entry.entry_page(district, round_id).overall_text == before
    assert not result_of(district.district_id, "11.3", round_id).not_applicable
    assert len(audit_rows("undo_not_applicable")) == 1
    decisions.certify(bureau, district.district_id, indicator_id("11.3"), round_id)


@pytest.mark.parametrize("username", ["policy", "spm07", "spm08"])
def test_only_the_owning_bureau_or_no_one_else_marks(krs_db, username):
    round_id = current_round_id()
    with pytest.raises((NotAllowed, ServiceError)):
        not_applicable.mark_not_applicable(
            login_as(username), district_id("spm07"), indicator_id("11.3"), round_id, REASON
        )
    assert (
        result_of(district_id("spm07"), "11.3", round_id) is None
        or not result_of(district_id("spm07"), "11.3", round_id).not_applicable
    )


def test_the_kpi_office_does_not_mark_and_a_reason_is_needed(krs_db):
    round_id = current_round_id()
    with pytest.raises(ServiceError):
        not_applicable.mark_not_applicable(
            login_as("kpi"), district_id("spm07"), indicator_id("11.3"), round_id, REASON
        )
    with pytest.raises(ServiceError):
        not_applicable.mark_not_applicable(
            login_as("finance"), district_id("spm07"), indicator_id("11.3"), round_id, " "
        )


def test_no_mark_or_undo_once_the_round_is_closed(krs_db):
    round_id = current_round_id()
    bureau = login_as("finance")
    not_applicable.mark_not_applicable(bureau, district_id("spm07"), indicator_id("11.3"), round_id, REASON)
    with session_scope() as session:
        round_ = session.exec(select(Round).where(Round.id == round_id)).one()
        round_.closed = True
        session.add(round_)
    with pytest.raises(ServiceError):
        not_applicable.undo_not_applicable(bureau, district_id("spm07"), indicator_id("11.3"), round_id, "ผิด")
    assert result_of(district_id("spm07"), "11.3", round_id).not_applicable


def test_the_district_reads_why_a_zero_over_zero_cannot_be_certified(krs_db):
    district = login_as("spm07")
    round_id = current_round_id()
    for key in ("a", "b"):
        assert entry.enter_value(district, round_id, variable_id("6.2", key), "0").ok
    row = next(r for r in entry.entry_page(district, round_id).indicators if r.code == "6.2")
    assert "ตัวหารเป็นศูนย์" in row.note and "ไม่ประเมินตัวชี้วัดนี้" in row.note
