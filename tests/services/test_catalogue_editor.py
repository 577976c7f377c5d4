"""The KPI office's indicator editor: per-year catalogue, checks at the field, re-scoring."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlmodel import select

from krs_app.db.engine import session_scope
from krs_app.db.models import AuditLog, Bureau, Indicator, Result, Round, Variable
from krs_app.domain.scoring import evaluate
from krs_app.services import catalogue_editor as editor
from krs_app.services import entry
from krs_app.services.catalogue import round_catalogue
from krs_app.services.errors import FieldError, NotAllowed, ServiceError
from krs_app.services.indicator_forms import IndicatorForm, VariableForm, preview
from krs_app.services.results import values_by_key
from tests.services.helpers import (
    current_round_id,
    fy2562_round_id,
    indicator_id,
    login_as,
    result_of,
    round_row,
    set_result,
    variable_id,
)


def year_of(round_id: int) -> int:
    return round_row(round_id).fiscal_year_id


def bureau_id(code: str) -> int:
    with session_scope() as session:
        return session.exec(select(Bureau).where(Bureau.code == code)).one().id


def new_form(**changes) -> IndicatorForm:
    form = IndicatorForm(
        code="99.1",
        name="ตัวชี้วัดทดลองของ กพร.",
        bureau_id=bureau_id("finance"),
        weight=5,
        formula="v1 * 100",
        thresholds=(20, 40, 60, 80, 100),
        variables=[VariableForm(key="1", label="ส่งรายงานแล้ว", unit="ส่งแล้วกรอก 1 / ไม่ส่งกรอก 0", kind="flag")],
    )
    return replace(form, **changes)


def catalogue_rows() -> tuple[int, int, int]:
    with session_scope() as session:
        return (
            len(list(session.exec(select(Indicator)))),
            len(list(session.exec(select(Variable)))),
            len(list(session.exec(select(AuditLog)))),
        )


def scores_of_round(round_id: int) -> dict[int, tuple]:
    with session_scope() as session:
        return {
            r.id: (r.status, r.result, r.score) for r in session.exec(select(Result).where(Result.round_id == round_id))
        }


def recomputed_scores(round_id: int) -> dict[int, tuple]:
    """What the stored values of a round score with the catalogue as it is now."""
    with session_scope() as session:
        round_ = session.get(Round, round_id)
        entries = {e.indicator.id: e for e in round_catalogue(session, round_)}
        out = {}
        for r in session.exec(select(Result).where(Result.round_id == round_id)):
            e = entries[r.indicator_id]
            ev = evaluate(e.spec, values_by_key(session, e, r.district_id, round_id), round_.months)
            out[r.id] = (ev.result, ev.score)
        return out


def test_each_year_has_its_own_catalogue(krs_db):
    kpi = login_as("kpi")
    current, old = (
        editor.list_catalogue(kpi, year_of(current_round_id())),
        editor.list_catalogue(kpi, year_of(fy2562_round_id())),
    )
    assert [r.code for r in current.rows] == [r.code for r in old.rows]
    assert {r.id for r in current.rows}.isdisjoint({r.id for r in old.rows})
    assert current.rows[0].code == "1.1" and current.rows[0].status == "ใช้งาน"
    assert {w.months: w.warning for w in current.weights}[12] == ""


def test_editing_this_years_criteria_never_changes_another_years_scores(krs_db):
    kpi = login_as("kpi")
    old_round, now_round = fy2562_round_id(), current_round_id()
    stored_before, recomputed_before = scores_of_round(old_round), recomputed_scores(old_round)
    assert any(score is not None for _, _, score in stored_before.values())
    iid = indicator_id("11.2")
    form = editor.indicator_form(kpi, iid)
    harsh = replace(form, thresholds=(99, 99.5, 99.7, 99.8, 99.9), formula="a / b * 50")
    impact = editor.save_indicator(kpi, iid, harsh, confirmed=True)
    assert impact.rescored > 0
    assert scores_of_round(old_round) == stored_before
    assert recomputed_scores(old_round) == recomputed_before
    # ... while this year's awaiting results of 11.2 took the new criteria.
    with session_scope() as session:
        awaiting = session.exec(
            select(Result).where(Result.indicator_id == iid, Result.round_id == now_round, Result.status == "awaiting")
        ).first()
    assert awaiting.score == 1.0


def test_a_new_indicator_reaches_the_districts_entry_page_and_scores(krs_db):
    kpi, district = login_as("kpi"), login_as("spm07")
    editor.create_indicator(kpi, year_of(current_round_id()), new_form())
    page = entry.entry_page(district)
    row = next(r for r in page.indicators if r.code == "99.1")
    outcome = entry.enter_value(district, page.round_id, row.variables[0].id, "1")
    assert outcome.ok
    assert next(r for r in entry.entry_page(district).indicators if r.code == "99.1").score_text == "5.0000"
    # Not in FY 2562's catalogue.
    assert all(r.code != "99.1" for r in entry.entry_page(district, fy2562_round_id()).indicators)


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"formula": "v1 * x"}, "indicator-formula", "x"),
        ({"formula": "v1 * (100"}, "indicator-formula", "รูปแบบ"),
        ({"formula": "v1 ** 2"}, "indicator-formula", "**"),
        ({"thresholds": (20, 40, 30, 80, 100)}, "indicator-t3", "ระดับ 3"),
        ({"thresholds": (20, 40, 60, 80, 100), "direction": "lower"}, "indicator-t2", "น้อยกว่า"),
        ({"code": "11.2"}, "indicator-code", "มีอยู่แล้ว"),
        ({"code": "สิบเอ็ด"}, "indicator-code", "รหัส"),
        ({"name": "  "}, "indicator-name", "ชื่อ"),
        ({"weight": "หนัก"}, "indicator-weight", "น้ำหนัก"),
        ({"weight": 0}, "indicator-weight", "น้ำหนัก"),
        ({"bureau_id": 9999}, "indicator-bureau", "สำนัก"),
        ({"variables": []}, "variable-add", "ตัวแปร"),
    ],
)
def test_bad_input_is_refused_at_its_field_and_nothing_is_stored(krs_db, changes, field, words):
    kpi = login_as("kpi")
    before = catalogue_rows()
    with pytest.raises(FieldError) as refused:
        editor.create_indicator(kpi, year_of(current_round_id()), new_form(**changes))
    assert refused.value.field == field and words in refused.value.message
    assert catalogue_rows() == before


def test_variable_rows_are_checked_at_their_row(krs_db):
    kpi = login_as("kpi")
    two = [
        VariableForm(key="a", label="ส่วน"),
        VariableForm(key="a", label="ทั้งหมด"),
    ]
    with pytest.raises(FieldError) as refused:
        editor.create_indicator(kpi, year_of(current_round_id()), new_form(formula="a * 100", variables=two))
    assert refused.value.field == "variable-key-2" and "ซ้ำ" in refused.value.message
    bad_kind = [VariableForm(key="1", label="x", kind="text")]
    with pytest.raises(FieldError) as refused:
        editor.create_indicator(kpi, year_of(current_round_id()), new_form(variables=bad_kind))
    assert refused.value.field == "variable-kind-1"


@pytest.mark.parametrize("username", ["finance", "spm07"])
def test_only_the_kpi_office_edits_the_catalogue(krs_db, username):
    user = login_as(username)
    before = catalogue_rows()
    year = year_of(current_round_id())
    for call in (
        lambda: editor.create_indicator(user, year, new_form()),
        lambda: editor.list_catalogue(user, year),
        lambda: editor.save_indicator(user, indicator_id("11.2"), new_form(), confirmed=True),
        lambda: editor.set_active(user, indicator_id("11.2"), False),
        lambda: editor.remove_indicator(user, indicator_id("11.2")),
        lambda: editor.rescore_impact(user, indicator_id("11.2")),
    ):
        with pytest.raises(NotAllowed):
            call()
    assert catalogue_rows() == before


def test_a_change_to_a_reported_indicator_needs_confirmation_and_certified_scores_stay(krs_db):
    kpi = login_as("kpi")
    round_id, iid = current_round_id(), indicator_id("11.2")
    spm07 = login_as("spm07").district_id
    set_result(spm07, "11.2", round_id, status="certified", score=4.25, result=88.0)
    impact = editor.rescore_impact(kpi, iid)
    assert impact.rescored > 0 and impact.certified_kept > 0
    form = replace(editor.indicator_form(kpi, iid), thresholds=(10, 20, 30, 40, 50))
    before = catalogue_rows()
    with pytest.raises(editor.ConfirmationNeeded) as asked:
        editor.save_indicator(kpi, iid, form)
    assert asked.value.impact == impact and str(impact.rescored) in asked.value.message
    assert catalogue_rows() == before
    editor.save_indicator(kpi, iid, form, confirmed=True)
    kept = result_of(spm07, "11.2", round_id)
    assert (kept.status, kept.score) == ("certified", 4.25)
    with session_scope() as session:
        audits = list(session.exec(select(AuditLog).where(AuditLog.action == "rescore", AuditLog.indicator_id == iid)))
        rescored = session.exec(
            select(Result).where(Result.indicator_id == iid, Result.round_id == round_id, Result.status == "awaiting")
        ).all()
    assert audits and all(r.score == 5.0 for r in rescored if r.result is not None and r.result >= 50)


def test_variables_are_added_reordered_and_removed(krs_db):
    kpi = login_as("kpi")
    iid = editor.create_indicator(kpi, year_of(current_round_id()), new_form())
    form = editor.indicator_form(kpi, iid)
    form.variables.insert(0, VariableForm(key="2", label="ส่งสรุปแล้ว", kind="flag"))
    editor.save_indicator(kpi, iid, replace(form, formula="(v1 + v2) * 50"), confirmed=True)
    assert [v.key for v in editor.indicator_form(kpi, iid).variables] == ["2", "1"]
    form = editor.indicator_form(kpi, iid)
    editor.save_indicator(kpi, iid, replace(form, formula="v1 * 100", variables=form.variables[1:]), confirmed=True)
    assert [v.key for v in editor.indicator_form(kpi, iid).variables] == ["1"]


def test_a_variable_with_stored_values_cannot_be_removed(krs_db):
    kpi = login_as("kpi")
    iid = indicator_id("11.2")
    form = editor.indicator_form(kpi, iid)
    with pytest.raises(FieldError) as refused:
        editor.save_indicator(kpi, iid, replace(form, formula="b", variables=form.variables[1:]), confirmed=True)
    assert "ลบไม่ได้" in refused.value.message
    assert variable_id("11.2", "a")


def test_an_indicator_with_stored_values_is_deactivated_not_removed(krs_db):
    kpi = login_as("kpi")
    iid = indicator_id("11.2")
    with pytest.raises(ServiceError) as refused:
        editor.remove_indicator(kpi, iid)
    assert "ลบไม่ได้" in refused.value.message
    editor.set_active(kpi, iid, False)
    view = editor.list_catalogue(kpi, year_of(current_round_id()))
    assert next(r for r in view.rows if r.code == "11.2").status == "ไม่ใช้ในปีนี้"
    assert all(r.code != "11.2" for r in entry.entry_page(login_as("spm07")).indicators)
    assert {w.months: w.warning for w in view.weights}[6]  # the weights no longer add up to 100
    fresh = editor.create_indicator(kpi, year_of(current_round_id()), new_form())
    editor.remove_indicator(kpi, fresh)
    assert all(r.code != "99.1" for r in editor.list_catalogue(kpi, year_of(current_round_id())).rows)


def test_the_preview_gives_result_score_and_the_criteria_curve(krs_db):
    shown = preview(new_form(), {"1": "1"})
    assert (shown.result_text, shown.score_text) == ("100.00", "5.0000")
    half = preview(new_form(formula="v1 * 50"), {"1": "1"})
    assert (half.result_text, half.score_text) == ("50.00", "2.5000")
    assert [(p.result, p.score) for p in shown.curve][1:6] == [(20, 1), (40, 2), (60, 3), (80, 4), (100, 5)]
