"""The KPI office's file imports on /admin, in Chromium: the shown year's catalogue downloads as
.xlsx and an edited workbook comes back through upload → preview (every change, every refused
row with its Thai reason) → ยืนยันนำเข้า (pressed twice: once) → the list refreshed; accounts,
districts and bureaus the same way (imported accounts' one-time passwords shown once, and one
logs in); a bad file is refused at its field with nothing stored; closing a round asks first,
saying what closing does. Each changed tab is photographed at desktop and phone width."""

from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import load_workbook

from krs_app.seed.offices import district_offices
from tests.e2e.admin_helpers import open_admin, select_by_text, shoot
from tests.e2e.conftest import login, wait_text

pytestmark = pytest.mark.e2e

YEAR = "2577"  # a year of its own: nothing here touches the running year the other tests use


def _show_year(page) -> None:
    """The test year, created on the rounds tab the first time."""
    page.click("#admin-tab-rounds")
    page.wait_for_selector("#year-be")
    if YEAR not in page.inner_text("#admin-year-select"):
        page.fill("#year-be", YEAR)
        page.click("#year-create")
    page.wait_for_function(
        "document.querySelector('#admin-year-select option') && "
        f"[...document.querySelectorAll('#admin-year-select option')].some(o => o.textContent.includes('{YEAR}'))"
    )
    select_by_text(page, "#admin-year-select", YEAR)
    page.wait_for_function(
        f"document.querySelector('#admin-year-select').selectedOptions[0].textContent.includes('{YEAR}')"
    )


def _file(tmp_path, name: str, content: bytes):
    path = tmp_path / name
    path.write_bytes(content)
    return str(path)


def _preview(page, kind: str, path: str, shown: bool = False) -> None:
    """Choose the file and press ตรวจสอบไฟล์; with `shown`, wait for this file's preview."""
    page.set_input_files(f"#admin-file-{kind}", path)
    page.click(f"#admin-preview-{kind}")
    if shown:
        wait_text(page, "#admin-import-file", path.rsplit("/", 1)[-1])


def _workbook(content: bytes, indicators: list[list], variables: list[list]) -> bytes:
    book = load_workbook(BytesIO(content))
    for row in indicators:
        book["ตัวชี้วัด"].append(row)
    for row in variables:
        book["ตัวแปร"].append(row)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


GOOD = ["99.5", "ร้อยละการส่งแผนจาก Excel", "finance", 5, "higher", "percent", "v1 * 100", 20, 40, 60, 80, 100, 1]
BAD = ["99.6", "สูตรผิด", "finance", 5, "higher", "percent", "v1 * x", 20, 40, 60, 80, 100, 1]
VARIABLE = ["99.5", "1", "ส่งแผนแล้ว", "ส่งแล้วกรอก 1", "flag", "district", "6,12"]


def test_the_catalogue_downloads_and_an_edited_workbook_is_imported(new_page, app_server, tmp_path):
    page = new_page()
    open_admin(page, app_server.url, "rounds")
    _show_year(page)
    page.click("#admin-tab-indicators")
    page.wait_for_selector("#catalogue-export")
    with page.expect_download() as download:
        page.click("#catalogue-export")
    assert download.value.suggested_filename.endswith(".xlsx") and YEAR in download.value.suggested_filename
    exported = download.value.path().read_bytes()
    assert load_workbook(BytesIO(exported)).sheetnames == ["ตัวชี้วัด", "ตัวแปร"]
    assert page.url.endswith("/admin")  # the download did not navigate

    _preview(page, "catalogue", _file(tmp_path, "not-a-workbook.xlsx", b"this is not a workbook"))
    assert "อ่านไฟล์ไม่ได้" in page.wait_for_selector("#admin-import-message-catalogue").inner_text()
    assert page.query_selector("#admin-import-preview") is None

    refused = _workbook(exported, [GOOD, BAD], [VARIABLE, ["99.6", "1", "ส่ง", "", "flag", "district", "6,12"]])
    _preview(page, "catalogue", _file(tmp_path, "refused.xlsx", refused), shown=True)
    page.wait_for_selector("#admin-import-refused")
    assert "99.6" in page.inner_text("#admin-import-refused")
    assert "99.5" in page.inner_text("#admin-import-changes")
    assert page.is_disabled("#admin-import-apply")  # a refused row: nothing of the file is applied
    shoot(page, "catalogue-preview-refused")

    _preview(page, "catalogue", _file(tmp_path, "good.xlsx", _workbook(exported, [GOOD], [VARIABLE])), shown=True)
    wait_text(page, "#admin-import-changes", "เพิ่มตัวชี้วัดใหม่")
    assert "ร้อยละการส่งแผนจาก Excel" in page.inner_text("#admin-import-changes")
    assert page.query_selector("#admin-import-refused") is None
    shoot(page, "catalogue-preview")
    page.dblclick("#admin-import-apply")  # pressed twice: applied once
    assert "นำเข้าแค็ตตาล็อกแล้ว" in page.wait_for_selector("#admin-import-message-catalogue").inner_text()
    page.wait_for_selector("#admin-indicator-99_5")
    assert "ร้อยละการส่งแผนจาก Excel" in page.inner_text("#admin-indicator-99_5")
    assert page.query_selector("#admin-import-message-catalogue[role=alert]") is not None
    assert page.query_selector("#admin-import-preview") is None
    assert len(page.query_selector_all("[id^='admin-indicator-']")) == 1
    shoot(page, "indicators")

    with page.expect_download() as again:  # the new catalogue round-trips: a renamed indicator is a change
        page.click("#catalogue-export")
    book = load_workbook(BytesIO(again.value.path().read_bytes()))
    book["ตัวชี้วัด"].cell(2, 2).value = "ชื่อที่แก้ใน Excel"
    book.save(tmp_path / "renamed.xlsx")
    _preview(page, "catalogue", str(tmp_path / "renamed.xlsx"), shown=True)
    wait_text(page, "#admin-import-changes", "แก้ไข: ชื่อ")
    page.click("#admin-import-apply")
    wait_text(page, "#admin-indicator-99_5", "ชื่อที่แก้ใน Excel")


ACCOUNTS = "\ufeffชื่อผู้ใช้,บทบาท,หน่วยงาน,ชื่อ\nimp.spm07,สพท.,spm07,นำเข้า 1\nimp.finance,สำนัก,finance,นำเข้า 2\n"


def test_accounts_are_imported_and_their_one_time_passwords_shown_once(new_page, app_server, tmp_path):
    page = new_page()
    open_admin(page, app_server.url, "accounts")
    page.wait_for_selector("#admin-file-accounts", state="attached")
    bad = ACCOUNTS + "imp.bad,ผู้ดูแล,spm07,บทบาทผิด\n"
    _preview(page, "accounts", _file(tmp_path, "accounts-bad.csv", bad.encode()), shown=True)
    wait_text(page, "#admin-import-refused", "บทบาทต้องเป็น")
    assert page.is_disabled("#admin-import-apply")

    _preview(page, "accounts", _file(tmp_path, "accounts.csv", ACCOUNTS.encode()), shown=True)
    wait_text(page, "#admin-import-changes", "imp.finance")
    page.dblclick("#admin-import-apply")
    page.wait_for_selector("#account-import-passwords")
    assert "สร้างบัญชีแล้ว 2 บัญชี" in page.inner_text("#admin-import-message-accounts")
    cells = page.eval_on_selector_all("#account-import-passwords tbody tr", "rs => rs.map(r => r.innerText)")
    assert len(cells) == 2
    password = dict(line.split("\t") for line in cells)["imp.spm07"].strip()
    page.wait_for_selector("[id='account-row-imp.spm07']")
    shoot(page, "accounts")
    with page.expect_download() as handout:  # the same passwords as a file to hand out
        page.click("#account-import-passwords-csv")
    assert password in handout.value.path().read_text(encoding="utf-8-sig")

    user = new_page()
    login(user, app_server.url, "imp.spm07", password)
    user.wait_for_url("**/password")  # a one-time password: changed first

    page.click("#admin-tab-offices")
    page.click("#admin-tab-accounts")  # shown once: gone after leaving the tab
    page.wait_for_selector("[id='account-row-imp.spm07']")
    page.wait_for_selector("#account-import-passwords", state="detached")


def _district_csv(name: str, *extra: str) -> bytes:
    """spm62 (the last secondary office of the demo) under `name`, and any `extra` lines."""
    seed = next(o for o in district_offices() if o.code == "spm62")
    lines = ["รหัส,ชื่อ,ชื่อย่อ,ประเภท,จังหวัด", f"spm62,{name},{seed.short_name},สพม.,{seed.province}", *extra]
    return ("\ufeff" + "\n".join(lines) + "\n").encode()


BUREAUS = "\ufeffcode,name,short_name\nimp-bureau,สำนักทดสอบการนำเข้า,สทน.\n"


def test_districts_and_bureaus_are_imported(new_page, app_server, tmp_path):
    """A district file edits a known office (a new one would join every other test's count of 245
    districts: the file is imported back at the end); a bureau file adds one."""
    seed = next(o for o in district_offices() if o.code == "spm62")
    renamed = seed.name + " (นำเข้าจากไฟล์)"
    page = new_page()
    open_admin(page, app_server.url, "offices")
    page.wait_for_selector("#admin-district-spm62")
    _preview(page, "districts", _file(tmp_path, "empty.csv", b""))
    assert page.wait_for_selector("#admin-import-message-districts").inner_text().strip()
    assert page.query_selector("#admin-import-preview") is None

    bad = _district_csv(renamed, "BAD CODE!,เขตผิด,ผิด,สพม.,ชลบุรี")
    _preview(page, "districts", _file(tmp_path, "districts-bad.csv", bad), shown=True)
    wait_text(page, "#admin-import-refused", "a-z 0-9")
    assert page.is_disabled("#admin-import-apply")
    _preview(page, "districts", _file(tmp_path, "districts.csv", _district_csv(renamed)), shown=True)
    wait_text(page, "#admin-import-changes", "(นำเข้าจากไฟล์)")
    assert "แก้ไข" in page.inner_text("#admin-import-changes")
    page.dblclick("#admin-import-apply")
    wait_text(page, "#admin-district-spm62", "(นำเข้าจากไฟล์)")
    assert "แก้ไข 1" in page.inner_text("#admin-import-message-districts")

    _preview(page, "bureaus", _file(tmp_path, "bureaus.csv", BUREAUS.encode()), shown=True)
    wait_text(page, "#admin-import-changes", "imp-bureau")
    shoot(page, "offices-preview")
    page.click("#admin-import-apply")
    page.wait_for_selector("#admin-bureau-imp-bureau")
    shoot(page, "offices")

    _preview(page, "districts", _file(tmp_path, "districts-back.csv", _district_csv(seed.name)), shown=True)
    wait_text(page, "#admin-import-changes", "spm62")
    page.click("#admin-import-apply")
    page.wait_for_function("!document.querySelector('#admin-district-spm62').innerText.includes('(นำเข้าจากไฟล์)')")


def test_closing_a_round_asks_first_and_says_what_closing_does(new_page, app_server):
    page = new_page()
    open_admin(page, app_server.url, "rounds")
    _show_year(page)
    page.wait_for_function(  # the shown year's rounds (none yet, or this year's), not the year shown before
        "!document.querySelector('#admin-round-1') || document.querySelector('#admin-round-1').innerText.includes('ปี 77')"
    )
    if page.query_selector("#admin-round-1") is None:
        page.click("#round-new")
        page.select_option("#round-months", "6")
        page.fill("#round-opens", "1/10/2576")
        page.fill("#round-district-deadline", "31/3/2577")
        page.fill("#round-certification-deadline", "30/4/2577")
        page.click("#round-save")
    page.wait_for_selector("#round-close-1")
    page.click("#round-close-1")
    text = page.wait_for_selector("#round-close-text").inner_text()
    assert "1.00000" in text and "ยังไม่รายงาน" in text
    page.wait_for_timeout(500)  # the dialog's fade-in, for the photograph
    shoot(page, "rounds-close-dialog")
    page.click("#round-close-cancel")
    page.wait_for_selector("#round-close-text", state="detached")
    assert "ปิดแล้ว" not in page.inner_text("#admin-round-1")

    page.click("#round-close-1")
    page.click("#round-close-confirm")
    wait_text(page, "#admin-round-1", "ปิดแล้ว")
    assert page.query_selector("#round-close-1") is None
