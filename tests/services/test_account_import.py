"""Bulk import of accounts: a preview of every row, refused rows with their reason, all or nothing."""

from __future__ import annotations

import csv
import io

import pytest

from krs_app.services import account_import, accounts, auth
from krs_app.services.errors import NotAllowed, ServiceError
from tests.services.helpers import audit_count, login_as

GOOD = "ชื่อผู้ใช้,บทบาท,หน่วยงาน,ชื่อ\nspm07b,สพท.,spm07,เจ้าหน้าที่ 2\nfinance2,bureau,finance,\nkpi2,กพร.,,ผู้ดูแล 2\n"


def test_only_the_kpi_office_imports_accounts(krs_db):
    user = login_as("finance")
    with pytest.raises(NotAllowed):
        account_import.preview_account_import(user, "a.csv", GOOD.encode())


def test_preview_lists_every_row_and_why_a_row_is_refused(krs_db):
    kpi = login_as("kpi")
    content = (GOOD + "spm07,สพท.,spm07,\nnewone,admin,,\nspm07b,สพท.,spm07,\nother1,สำนัก,nosuch,\n").encode()
    preview = account_import.preview_account_import(kpi, "a.csv", content)
    assert [r.line for r in preview.rows] == [2, 3, 4, 5, 6, 7, 8]
    assert [r.ok for r in preview.rows] == [True, True, True, False, False, False, False]
    reasons = [r.reason for r in preview.rows if not r.ok]
    assert "มีชื่อผู้ใช้ spm07 อยู่แล้ว" in reasons[0]
    assert "บทบาท" in reasons[1] and "ซ้ำ" in reasons[2] and reasons[3] == "ไม่พบหน่วยงานนี้"
    assert not preview.can_apply
    with pytest.raises(ServiceError):
        account_import.apply_account_import(kpi, preview.token)
    assert audit_count("create_account") == 0


def test_apply_creates_all_with_one_time_passwords_shown_once(krs_db):
    kpi = login_as("kpi")
    preview = account_import.preview_account_import(kpi, "a.csv", GOOD.encode())
    assert preview.can_apply and preview.ok_count == 3
    outcome = account_import.apply_account_import(kpi, preview.token)
    assert [c.username for c in outcome.created] == ["spm07b", "finance2", "kpi2"]
    rows = list(csv.reader(io.StringIO(outcome.credentials_csv.decode("utf-8-sig"))))
    assert rows[1] == ["spm07b", outcome.created[0].password]
    _token, user = auth.login("finance2", outcome.created[1].password)
    assert user.is_bureau and user.must_change_password
    with pytest.raises(ServiceError):  # pressed twice: nothing more, no passwords again
        account_import.apply_account_import(kpi, preview.token)
    assert audit_count("create_account") == 3 and audit_count("import_accounts") == 1


def test_an_account_taken_since_the_preview_means_none_is_created(krs_db):
    kpi = login_as("kpi")
    preview = account_import.preview_account_import(kpi, "a.csv", GOOD.encode())
    accounts.create_account(kpi, "kpi2", "kpi_office")
    with pytest.raises(ServiceError) as refused:
        account_import.apply_account_import(kpi, preview.token)
    assert "kpi2" in refused.value.message
    assert accounts.list_accounts(kpi, search="spm07b").total == 0


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("a.txt", b"x", ".xlsx หรือ .csv"),
        ("a.csv", b"", "ว่าง"),
        ("a.csv", "ชื่อ\nx\n".encode(), "ไม่พบคอลัมน์"),
        ("a.csv", b"username,role\n", "ไม่พบบัญชี"),
    ],
)
def test_unreadable_files_are_refused_in_thai(krs_db, name, content, message):
    kpi = login_as("kpi")
    with pytest.raises(ServiceError) as refused:
        account_import.preview_account_import(kpi, name, content)
    assert message in refused.value.message


def test_a_forged_token_is_refused(krs_db):
    kpi = login_as("kpi")
    preview = account_import.preview_account_import(kpi, "a.csv", GOOD.encode())
    raw, signature = preview.token.rsplit(".", 1)
    with pytest.raises(ServiceError):
        account_import.apply_account_import(kpi, raw + "." + "0" * len(signature))
