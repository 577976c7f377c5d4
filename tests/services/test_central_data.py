"""Central data: the grid, one value at a time, and importing a file (preview, then apply)."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from openpyxl import Workbook
from sqlmodel import select

from krs_app.db.engine import session_scope
from krs_app.db.models import Round
from krs_app.live import bus
from krs_app.services import central_grid, central_import, central_import_apply, clock, decisions, review_detail
from krs_app.services.errors import NotAllowed, NotFound, ServiceError
from tests.services.helpers import (
    audit_count,
    current_round_id,
    district_id,
    districts_with_status,
    indicator_id,
    login_as,
    result_of,
    stored_value,
    variable_id,
)


def csv_bytes(*lines: str, bom: bool = True) -> bytes:
    return (("\ufeff" if bom else "") + "\n".join(lines) + "\n").encode("utf-8")


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# ---------------------------------------------------------------- grid and one cell


def test_the_grid_lists_every_districts_central_values(krs_db):
    grid = central_grid.central_grid(login_as("finance"), indicator_id("11.2"), current_round_id())
    assert [c.key for c in grid.columns] == ["a", "b"] and len(grid.rows) == 245
    spm07 = next(r for r in grid.rows if r.district_code == "spm07")
    assert all(v.isdigit() for v in spm07.cells) and spm07.editable
    certified = next(r for r in grid.rows if r.status == "certified")
    assert not certified.editable and "รับรอง" in certified.lock_reason
    assert central_grid.central_grid(login_as("finance"), indicator_id("11.3"), current_round_id()).columns == []


@pytest.mark.parametrize(("username", "code"), [("spm07", "11.2"), ("testing", "11.2"), ("finance", "1.2")])
def test_the_grid_is_the_owning_bureaus(krs_db, username, code):
    with pytest.raises(NotAllowed):
        central_grid.central_grid(login_as(username), indicator_id(code), current_round_id())


def test_the_bureau_sets_a_central_value_and_the_result_follows(krs_db):
    round_id = current_round_id()
    spm07 = district_id("spm07")
    whole = stored_value(spm07, "11.2", "b", round_id)
    outcome = central_grid.set_central_value(
        login_as("finance"), spm07, variable_id("11.2", "a"), round_id, str(int(whole))
    )
    assert outcome.ok and outcome.changed
    assert stored_value(spm07, "11.2", "a", round_id) == whole
    result = result_of(spm07, "11.2", round_id)
    assert result.result == 100.0 and result.score == 5.0 and result.status == "awaiting"
    assert audit_count("set_central_value") == 1
    history = review_detail.review_detail(login_as("finance"), spm07, indicator_id("11.2"), round_id).history
    assert history[-1].action == "set_central_value" and history[-1].after_text == str(int(whole))


def test_bad_central_values_change_nothing(krs_db):
    round_id = current_round_id()
    spm07 = district_id("spm07")
    before = stored_value(spm07, "11.2", "a", round_id)
    whole = stored_value(spm07, "11.2", "b", round_id)
    finance = login_as("finance")
    for bad in ("abc", "-1", "2.5", str(int(whole) + 1), ["1"]):
        outcome = central_grid.set_central_value(finance, spm07, variable_id("11.2", "a"), round_id, bad)
        assert not outcome.ok and outcome.message, bad
    assert stored_value(spm07, "11.2", "a", round_id) == before
    assert audit_count("set_central_value") == 0


def test_central_values_of_a_certified_result_are_locked(krs_db):
    round_id = current_round_id()
    certified = districts_with_status("11.2", round_id, "certified")[0]
    before = stored_value(certified, "11.2", "b", round_id)
    outcome = central_grid.set_central_value(login_as("finance"), certified, variable_id("11.2", "b"), round_id, "999")
    assert not outcome.ok and "รับรอง" in outcome.message
    assert stored_value(certified, "11.2", "b", round_id) == before


def test_only_central_variables_of_ones_own_indicators(krs_db):
    round_id = current_round_id()
    spm07 = district_id("spm07")
    with pytest.raises(NotAllowed):
        central_grid.set_central_value(login_as("finance"), spm07, variable_id("11.3", "1"), round_id, "1")
    with pytest.raises(NotAllowed):
        central_grid.set_central_value(login_as("testing"), spm07, variable_id("11.2", "a"), round_id, "1")
    with pytest.raises(NotAllowed):
        central_grid.set_central_value(login_as("spm07"), spm07, variable_id("11.2", "a"), round_id, "1")
    with pytest.raises(NotFound):
        central_grid.set_central_value(login_as("finance"), 10**9, variable_id("11.2", "a"), round_id, "1")
    with pytest.raises(NotFound):
        central_grid.set_central_value(login_as("finance"), spm07, variable_id("11.2", "a"), "3", "1")


def test_a_refused_result_stays_refused_when_central_data_changes(krs_db):
    round_id = current_round_id()
    refused = districts_with_status("11.2", round_id, "not_certified")[0]
    whole = stored_value(refused, "11.2", "b", round_id)
    central_grid.set_central_value(
        login_as("finance"), refused, variable_id("11.2", "b"), round_id, str(int(whole) + 5)
    )
    result = result_of(refused, "11.2", round_id)
    assert result.status == "not_certified" and result.correction_deadline is not None


# ---------------------------------------------------------------- import


def _import_file():
    round_id = current_round_id()
    spm07, spm08 = district_id("spm07"), district_id("spm08")
    certified = districts_with_status("11.2", round_id, "certified")[0]
    return round_id, spm07, spm08, certified


def test_a_preview_lists_changes_and_refusals_and_stores_nothing(krs_db):
    round_id, spm07, _spm08, _ = _import_file()
    old_a = stored_value(spm07, "11.2", "a", round_id)
    content = csv_bytes(
        "district_code,ชื่อ สพท.,a,b",
        "spm07,สพม. เขต 7,40,50",
        "SPM08,,30,30",
        "nowhere,,1,2",
        "spp001,,สิบ,20",
        "spp002,,21,20",
        "spm07,,1,1",
        "",
        ",,5,5",
    )
    preview = central_import.preview_import(login_as("finance"), indicator_id("11.2"), round_id, "data.csv", content)
    assert preview.columns == ["a", "b"] and preview.problems == []
    assert [(r.district_code, r.line) for r in preview.changes] == [("spm07", 2), ("spm08", 3)]
    change = preview.changes[0]
    assert [(c.key, c.new_text) for c in change.changes] == [("a", "40"), ("b", "50")]
    assert change.changes[0].old_text == str(int(old_a)) and "→" in change.summary
    reasons = {r.line: r.reason for r in preview.refused}
    assert set(reasons) == {4, 5, 6, 7, 9}
    assert "ไม่พบรหัสเขตพื้นที่" in reasons[4]
    assert "กรุณากรอก" in reasons[5]
    assert "ไม่มากกว่า" in reasons[6]
    assert "ซ้ำ" in reasons[7]
    assert "ไม่มีรหัส" in reasons[9]
    assert preview.value_count == 4
    assert stored_value(spm07, "11.2", "a", round_id) == old_a
    assert audit_count("import_central") == 0


def test_a_column_that_is_not_central_data_refuses_its_rows(krs_db):
    round_id = current_round_id()
    content = csv_bytes("code,1,x", "spm07,1,", "spm08,,")
    preview = central_import.preview_import(login_as("finance"), indicator_id("11.3"), round_id, "d.csv", content)
    assert [r.line for r in preview.refused] == [2]
    assert "ไม่ใช่ข้อมูลส่วนกลาง" in preview.refused[0].reason
    assert any("x" in p for p in preview.problems)
    assert preview.changes == []


def test_an_xlsx_preview_and_apply(krs_db):
    round_id, spm07, spm08, certified = _import_file()
    certified_code = next(
        r.district_code
        for r in central_grid.central_grid(login_as("finance"), indicator_id("11.2"), round_id).rows
        if r.district_id == certified
    )
    content = xlsx_bytes(
        [
            ["รหัสเขต", "ข้อ a", "b."],
            ["spm07", 40, 50],
            ["spm08", "1,000", 2000.0],
            [certified_code, 1, 2],
        ]
    )
    seen: list[bus.Change] = []
    finance = login_as("finance")
    preview = central_import.preview_import(finance, indicator_id("11.2"), round_id, "Data.XLSX", content)
    assert [r.district_code for r in preview.changes] == ["spm07", "spm08"]
    assert [r.district_code for r in preview.refused] == [certified_code]
    assert "รับรอง" in preview.refused[0].reason
    bus.subscribe(seen.append)
    try:
        outcome = central_import_apply.apply_import(finance, preview.token)
    finally:
        bus.unsubscribe(seen.append)
    assert (outcome.districts, outcome.values) == (2, 4) and "นำเข้า" in outcome.message
    assert stored_value(spm07, "11.2", "a", round_id) == 40 and stored_value(spm08, "11.2", "a", round_id) == 1000
    assert result_of(spm07, "11.2", round_id).result == 80.0
    assert audit_count("import_central") == 4 + 1
    history = review_detail.review_detail(finance, spm07, indicator_id("11.2"), round_id).history
    assert [h.action for h in history][-2:] == ["import_central", "import_central"]
    assert {c.district_id for c in seen} == {spm07, spm08}


def test_apply_is_all_or_nothing(krs_db):
    round_id, spm07, spm08, _ = _import_file()
    finance = login_as("finance")
    old_spm07 = stored_value(spm07, "11.2", "a", round_id)
    content = csv_bytes("code,a,b", "spm07,40,50", "spm08,30,30")
    preview = central_import.preview_import(finance, indicator_id("11.2"), round_id, "d.csv", content)
    # spm08 changes after the preview: the whole import is refused, spm07 included.
    whole = stored_value(spm08, "11.2", "b", round_id)
    central_grid.set_central_value(finance, spm08, variable_id("11.2", "a"), round_id, str(int(whole) - 1))
    with pytest.raises(ServiceError) as refused:
        central_import_apply.apply_import(finance, preview.token)
    assert "เปลี่ยนไป" in refused.value.message
    assert stored_value(spm07, "11.2", "a", round_id) == old_spm07
    assert audit_count("import_central") == 0


def test_a_certification_after_the_preview_stops_the_import(krs_db):
    round_id, spm07, _spm08, _ = _import_file()
    finance = login_as("finance")
    preview = central_import.preview_import(
        finance, indicator_id("11.2"), round_id, "d.csv", csv_bytes("code,a", "spm07,1")
    )
    decisions.certify(finance, spm07, indicator_id("11.2"), round_id)
    with pytest.raises(ServiceError):
        central_import_apply.apply_import(finance, preview.token)
    assert audit_count("import_central") == 0


def test_import_tokens_cannot_be_forged_reused_by_others_or_kept(krs_db):
    round_id, spm07, _spm08, _ = _import_file()
    finance = login_as("finance")
    preview = central_import.preview_import(
        finance, indicator_id("11.2"), round_id, "d.csv", csv_bytes("code,a", "spm07,1")
    )
    raw, signature = preview.token.rsplit(".", 1)
    for forged in ("", "abc", raw + "." + "0" * 64, raw[:-2] + "." + signature, None, 5):
        with pytest.raises(ServiceError):
            central_import_apply.apply_import(finance, forged)
    with pytest.raises(NotAllowed):
        central_import_apply.apply_import(login_as("kpi"), preview.token)
    clock.shift_for_tests(timedelta(hours=3))
    with pytest.raises(ServiceError) as expired:
        central_import_apply.apply_import(finance, preview.token)
    assert "หมดอายุ" in expired.value.message
    assert stored_value(spm07, "11.2", "a", round_id) != 1


def test_an_import_with_no_change_has_nothing_to_apply(krs_db):
    round_id, spm07, _spm08, _ = _import_file()
    old = int(stored_value(spm07, "11.2", "a", round_id))
    finance = login_as("finance")
    preview = central_import.preview_import(
        finance, indicator_id("11.2"), round_id, "d.csv", csv_bytes("code,a", f"spm07,{old}")
    )
    assert preview.changes == [] and preview.unchanged == 1
    with pytest.raises(ServiceError):
        central_import_apply.apply_import(finance, preview.token)


@pytest.mark.parametrize(
    ("filename", "content", "word"),
    [
        ("data.txt", b"code,a\nspm07,1\n", ".xlsx"),
        ("data.csv", "code,a\nspm07,๑\n".encode("cp874"), "UTF-8"),
        ("data.xlsx", b"PK\x03\x04 not really a workbook", "Excel"),
        ("data.csv", b"", "ว่าง"),
        ("data.csv", csv_bytes("name,notes", "spm07,x"), "คอลัมน์"),
        ("data.csv", b"x" * (central_import.MAX_IMPORT_BYTES + 1), "MB"),
    ],
)
def test_unreadable_files_are_refused_in_thai(krs_db, filename, content, word):
    with pytest.raises(ServiceError) as refused:
        central_import.preview_import(login_as("finance"), indicator_id("11.2"), current_round_id(), filename, content)
    assert word in refused.value.message


def test_imports_are_the_owning_bureaus_and_not_in_closed_rounds(krs_db):
    content = csv_bytes("code,a", "spm07,1")
    with pytest.raises(NotAllowed):
        central_import.preview_import(login_as("testing"), indicator_id("11.2"), current_round_id(), "d.csv", content)
    with pytest.raises(NotAllowed):
        central_import.preview_import(login_as("spm07"), indicator_id("11.2"), current_round_id(), "d.csv", content)
    with session_scope() as session:
        closed = session.exec(select(Round).where(Round.closed == True)).first().id  # noqa: E712
    with pytest.raises(ServiceError) as refused:
        central_import.preview_import(login_as("finance"), indicator_id("11.2"), closed, "d.csv", content)
    assert "ปิด" in refused.value.message


def test_a_template_round_trips(krs_db):
    round_id = current_round_id()
    finance = login_as("finance")
    template = central_grid.template_csv(finance, indicator_id("11.2"), round_id)
    assert template.startswith("\ufeff".encode())
    preview = central_import.preview_import(finance, indicator_id("11.2"), round_id, "t.csv", template)
    assert preview.changes == [] and preview.problems == []
    assert preview.unchanged == 245 and preview.refused == []
