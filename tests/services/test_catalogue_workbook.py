"""A year's catalogue copied into a new year, and round-tripped as an .xlsx workbook."""

from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from krs_app.db.engine import session_scope
from krs_app.db.models import AuditLog, Indicator, Variable
from krs_app.services import catalogue_editor as editor
from krs_app.services import catalogue_workbook as workbook
from krs_app.services import fiscal_years as years
from krs_app.services.errors import FieldError, NotAllowed, ServiceError
from tests.services.helpers import current_round_id, indicator_id, login_as, result_of, round_row


def this_year() -> int:
    return round_row(current_round_id()).fiscal_year_id


def stored_catalogue() -> list[tuple]:
    with session_scope() as session:
        indicators = [
            (i.fiscal_year_id, i.code, i.name, i.weight, i.formula, i.t1, i.t5, i.active)
            for i in session.exec(select(Indicator).order_by(Indicator.id))
        ]
        variables = [(v.indicator_id, v.key, v.label) for v in session.exec(select(Variable).order_by(Variable.id))]
        return indicators + variables


def edited(content: bytes, edit) -> bytes:
    book = load_workbook(BytesIO(content))
    edit(book)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def row_of(sheet, code: str) -> int:
    return next(r for r in range(2, sheet.max_row + 1) if str(sheet.cell(r, 1).value) == code)


def test_a_year_is_copied_into_a_new_one_and_edited_there_alone(krs_db):
    kpi = login_as("kpi")
    target = years.create_year(kpi, 2580).id
    assert workbook.copy_catalogue(kpi, this_year(), target) == 27
    copied = editor.list_catalogue(kpi, target)
    source = editor.list_catalogue(kpi, this_year())
    assert [(r.code, r.weight, r.bureau_short_name) for r in copied.rows] == [
        (r.code, r.weight, r.bureau_short_name) for r in source.rows
    ]
    with session_scope() as session:
        copy_11_2 = session.exec(
            select(Indicator).where(Indicator.fiscal_year_id == target, Indicator.code == "11.2")
        ).one()
    form = editor.indicator_form(kpi, copy_11_2.id)
    form.name = "ชื่อใหม่ของปี 2580"
    editor.save_indicator(kpi, copy_11_2.id, form, confirmed=True)
    assert editor.indicator_form(kpi, indicator_id("11.2")).name != "ชื่อใหม่ของปี 2580"
    with pytest.raises(FieldError) as refused:  # the target has a catalogue now
        workbook.copy_catalogue(kpi, this_year(), target)
    assert refused.value.field == "copy-target"


def test_the_workbook_round_trips_unchanged(krs_db):
    kpi = login_as("kpi")
    content = workbook.export_workbook(kpi, this_year())
    book = load_workbook(BytesIO(content))
    assert book.sheetnames == ["ตัวชี้วัด", "ตัวแปร"] and book["ตัวชี้วัด"].max_row == 28
    preview = workbook.preview_workbook(kpi, this_year(), content)
    assert not preview.refused and {c.action for c in preview.changes} == {"unchanged"}
    assert not preview.can_apply


def test_an_edited_workbook_previews_every_change_then_applies_them(krs_db):
    kpi = login_as("kpi")
    before = stored_catalogue()

    def edit(book):
        sheet = book["ตัวชี้วัด"]
        sheet.cell(row_of(sheet, "11.3"), 2).value = "ชื่อที่แก้ใน Excel"
        sheet.append(
            ["99.1", "ตัวชี้วัดใหม่จาก Excel", "finance", 5, "higher", "percent", "v1 * 100", 20, 40, 60, 80, 100, 1]
        )
        book["ตัวแปร"].append(["99.1", "1", "ส่งรายงานแล้ว", "ส่งแล้วกรอก 1 / ไม่ส่งกรอก 0", "flag", "district", "6,12"])

    content = edited(workbook.export_workbook(kpi, this_year()), edit)
    preview = workbook.preview_workbook(kpi, this_year(), content)
    actions = {c.code: (c.action, c.details) for c in preview.changes if c.action != "unchanged"}
    assert actions == {"11.3": ("update", ["ชื่อ"]), "99.1": ("create", ["ตัวชี้วัดใหม่"])}
    assert stored_catalogue() == before  # the preview stores nothing
    workbook.apply_workbook(kpi, this_year(), content)
    codes = {r.code: r for r in editor.list_catalogue(kpi, this_year()).rows}
    assert codes["11.3"].name == "ชื่อที่แก้ใน Excel" and "99.1" in codes
    with session_scope() as session:
        assert len(list(session.exec(select(AuditLog).where(AuditLog.action == "import_catalogue")))) == 2


def test_a_criteria_change_in_the_workbook_rescores_and_says_how_many(krs_db):
    kpi = login_as("kpi")
    spm07 = login_as("spm07").district_id

    def edit(book):
        sheet = book["ตัวชี้วัด"]
        row = row_of(sheet, "11.2")
        for column, value in zip(range(8, 13), (99, 99.5, 99.7, 99.8, 99.9), strict=True):
            sheet.cell(row, column).value = value

    content = edited(workbook.export_workbook(kpi, this_year()), edit)
    change = next(c for c in workbook.preview_workbook(kpi, this_year(), content).changes if c.code == "11.2")
    assert change.action == "update" and change.details == ["เกณฑ์"] and change.rescored > 0
    workbook.apply_workbook(kpi, this_year(), content)
    result = result_of(spm07, "11.2", current_round_id())
    assert result.status != "awaiting" or result.score == 1.0


def test_refused_rows_are_listed_and_nothing_is_applied(krs_db):
    kpi = login_as("kpi")
    before = stored_catalogue()

    def edit(book):
        sheet = book["ตัวชี้วัด"]
        sheet.cell(row_of(sheet, "11.3"), 2).value = "ชื่อที่ควรไม่ถูกบันทึก"
        sheet.cell(row_of(sheet, "11.2"), 7).value = "a * x"
        sheet.cell(row_of(sheet, "12"), 3).value = "no-such-bureau"
        book["ตัวแปร"].append(["77.7", "1", "ตัวแปรกำพร้า", "", "flag", "district", "6"])

    content = edited(workbook.export_workbook(kpi, this_year()), edit)
    preview = workbook.preview_workbook(kpi, this_year(), content)
    reasons = {(r.sheet, r.code): r.reason for r in preview.refused}
    assert "x" in reasons[("ตัวชี้วัด", "11.2")] and "สำนัก" in reasons[("ตัวชี้วัด", "12")]
    assert "77.7" in reasons[("ตัวแปร", "77.7")]
    assert all(r.row >= 2 for r in preview.refused) and not preview.can_apply
    with pytest.raises(ServiceError):
        workbook.apply_workbook(kpi, this_year(), content)
    assert stored_catalogue() == before


def test_a_file_that_is_not_a_workbook_is_refused(krs_db):
    with pytest.raises(ServiceError) as refused:
        workbook.preview_workbook(login_as("kpi"), this_year(), b"code,name\n1,x\n")
    assert ".xlsx" in refused.value.message


@pytest.mark.parametrize("username", ["finance", "spm07"])
def test_only_the_kpi_office_moves_catalogues(krs_db, username):
    user = login_as(username)
    content = workbook.export_workbook(login_as("kpi"), this_year())
    for call in (
        lambda: workbook.export_workbook(user, this_year()),
        lambda: workbook.preview_workbook(user, this_year(), content),
        lambda: workbook.apply_workbook(user, this_year(), content),
        lambda: workbook.copy_catalogue(user, this_year(), this_year()),
    ):
        with pytest.raises(NotAllowed):
            call()
