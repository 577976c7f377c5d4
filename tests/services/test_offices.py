"""Offices: districts and bureaus listed, created, edited, deactivated, imported (KPI office only)."""

from __future__ import annotations

import io

import pytest
from sqlmodel import select

from krs_app.db.engine import session_scope
from krs_app.db.models import District
from krs_app.seed.demo import DEMO_PASSWORD
from krs_app.services import accounts, auth, office_import, offices
from krs_app.services.errors import FieldError, NotAllowed, ServiceError
from tests.services.helpers import audit_count, login_as


def _csv(text: str) -> bytes:
    return text.encode("utf-8-sig")


def test_only_the_kpi_office_manages_offices(krs_db):
    for who in ("spm07", "finance"):
        user = login_as(who)
        for call in (
            lambda u=user: offices.list_districts(u),
            lambda u=user: offices.create_bureau(u, "newb", "สำนักใหม่", "สม."),
            lambda u=user: offices.set_district_active(u, "spm07", False),
            lambda u=user: office_import.preview_office_import(
                u, "bureau", "b.csv", _csv("code,name,short_name\nx,y,z\n")
            ),
        ):
            with pytest.raises(NotAllowed):
                call()


def test_lists_filter_by_text_level_and_province(krs_db):
    kpi = login_as("kpi")
    all_districts = offices.list_districts(kpi)
    assert len(all_districts) == 245
    secondary = offices.list_districts(kpi, level="secondary")
    assert len(secondary) == 62 and {d.level_label for d in secondary} == {"สพม."}
    spm07 = offices.list_districts(kpi, search="มัธยมศึกษา เขต 7")
    assert [d.code for d in spm07] == ["spm07"] and spm07[0].accounts == 1
    province = all_districts[0].province
    assert all(d.province == province for d in offices.list_districts(kpi, province=province))
    assert province in offices.provinces(kpi)
    assert "finance" in [b.code for b in offices.list_bureaus(kpi)]


def test_create_and_edit_a_district(krs_db):
    kpi = login_as("kpi")
    made = offices.create_district(
        kpi, " SPM63 ", "สำนักงานเขตพื้นที่การศึกษามัธยมศึกษา เขต 63", "สพม. เขต 63", "สพม.", "นนทบุรี"
    )
    assert made.code == "spm63" and made.level == "secondary" and made.active
    edited = offices.update_district(kpi, "spm63", made.name, "สพม. 63", "secondary", "นนทบุรี")
    assert edited.short_name == "สพม. 63"
    offices.update_district(kpi, "spm63", made.name, "สพม. 63", "secondary", "นนทบุรี")  # no change: no audit
    assert audit_count("create_district") == 1 and audit_count("update_district") == 1
    account = accounts.create_account(kpi, "spm63", "district", "district:spm63")
    assert account.account.office_name == made.name


@pytest.mark.parametrize(
    "code,name,short,level,province,field",
    [
        ("spm07", "ชื่อ", "ย่อ", "secondary", "กทม", "code"),
        ("bad code!", "ชื่อ", "ย่อ", "secondary", "กทม", "code"),
        ("spm99", "", "ย่อ", "secondary", "กทม", "name"),
        ("spm99", "ชื่อ", "", "secondary", "กทม", "short_name"),
        ("spm99", "ชื่อ", "ย่อ", "tertiary", "กทม", "level"),
        ("spm99", "ชื่อ", "ย่อ", "secondary", "", "province"),
    ],
)
def test_bad_district_fields_are_refused_at_the_field(krs_db, code, name, short, level, province, field):
    kpi = login_as("kpi")
    with pytest.raises(FieldError) as refused:
        offices.create_district(kpi, code, name, short, level, province)
    assert refused.value.field == field
    assert audit_count("create_district") == 0


def test_deactivating_a_district_deactivates_its_accounts(krs_db):
    kpi = login_as("kpi")
    token, _ = auth.login("spm01", DEMO_PASSWORD)
    row = offices.set_district_active(kpi, "spm01", False)
    assert not row.active and row.accounts == 0
    assert auth.user_for_token(token) is None
    with pytest.raises(ServiceError):
        auth.login("spm01", DEMO_PASSWORD)
    with pytest.raises(FieldError):
        accounts.create_account(kpi, "spm01b", "district", "district:spm01")
    with pytest.raises(ServiceError):  # the office first
        accounts.set_account_active(kpi, "spm01", True)
    offices.set_district_active(kpi, "spm01", True)
    accounts.set_account_active(kpi, "spm01", True)
    auth.login("spm01", DEMO_PASSWORD)


def test_a_bureau_owning_indicators_cannot_be_deactivated(krs_db):
    kpi = login_as("kpi")
    with pytest.raises(ServiceError) as refused:
        offices.set_bureau_active(kpi, "finance", False)
    assert "11.3" in refused.value.message
    made = offices.create_bureau(kpi, "newb", "สำนักใหม่", "สม.")
    assert made.active
    assert not offices.set_bureau_active(kpi, "newb", False).active
    assert offices.update_bureau(kpi, "newb", "สำนักใหม่มาก", "สม.").name == "สำนักใหม่มาก"


def test_district_import_previews_every_row_then_applies_all(krs_db):
    kpi = login_as("kpi")
    with session_scope() as session:
        spm07 = session.exec(select(District).where(District.code == "spm07")).one()
    content = _csv(
        "รหัส,ชื่อ,ชื่อย่อ,ประเภท,จังหวัด\n"
        f"spm07,{spm07.name},สพม. 7,สพม.,{spm07.province}\n"
        "spm70,สำนักงานเขตพื้นที่การศึกษามัธยมศึกษา เขต 70,สพม. เขต 70,สพม.,ตาก\n"
        f"spm01,{spm07.name},,สพม.,x\n"
    )
    preview = office_import.preview_office_import(kpi, "district", "d.csv", content)
    assert [(r.line, r.state) for r in preview.rows] == [(2, "changed"), (3, "new"), (4, "refused")]
    assert preview.rows[0].change_text == "ชื่อย่อ: สพม. เขต 7 → สพม. 7"
    assert preview.rows[2].reason == "กรุณากรอกชื่อย่อ" and not preview.can_apply
    with pytest.raises(ServiceError):
        office_import.apply_office_import(kpi, preview.token)
    assert audit_count("import_offices") == 0
    fixed = content.replace(f"spm01,{spm07.name},,สพม.,x\n".encode(), b"")
    preview = office_import.preview_office_import(kpi, "district", "d.csv", fixed)
    assert preview.can_apply
    outcome = office_import.apply_office_import(kpi, preview.token)
    assert (outcome.created, outcome.updated) == (1, 1)
    with pytest.raises(ServiceError):  # pressed twice
        office_import.apply_office_import(kpi, preview.token)
    assert [d.short_name for d in offices.list_districts(kpi, search="spm07")] == ["สพม. 7"]
    assert len(offices.list_districts(kpi)) == 246


def test_an_import_changed_since_its_preview_applies_nothing(krs_db):
    kpi = login_as("kpi")
    content = _csv("code,name,short_name\nnewb,สำนักใหม่,สม.\nnewc,สำนักใหม่ซี,สซ.\n")
    preview = office_import.preview_office_import(kpi, "bureau", "b.csv", content)
    offices.create_bureau(kpi, "newc", "สำนักอื่น", "สอ.")
    with pytest.raises(ServiceError):
        office_import.apply_office_import(kpi, preview.token)
    assert "newb" not in [b.code for b in offices.list_bureaus(kpi)]


def test_bureau_import_reads_xlsx(krs_db):
    from openpyxl import Workbook

    kpi = login_as("kpi")
    book = Workbook()
    book.active.append(["code", "name", "short_name"])
    book.active.append(["newx", "สำนักเอ็กซ์", "สอ."])
    out = io.BytesIO()
    book.save(out)
    preview = office_import.preview_office_import(kpi, "bureau", "b.xlsx", out.getvalue())
    assert [r.state for r in preview.rows] == ["new"]
    office_import.apply_office_import(kpi, preview.token)
    assert "newx" in [b.code for b in offices.list_bureaus(kpi)]
