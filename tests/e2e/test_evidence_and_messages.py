"""Evidence and messages between a district and its bureau, seen live in two browsers."""

from __future__ import annotations

import time

import pytest

from tests.e2e.conftest import login, show_review_list, wait_text

pytestmark = pytest.mark.e2e

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _pdf(tmp_path, name="รายงานการตรวจสอบ.pdf"):
    path = tmp_path / name
    path.write_bytes(PDF_BYTES)
    return path


def test_district_attaches_a_pdf_and_the_bureau_registers_it(new_page, app_server, tmp_path):
    district = new_page()
    bureau = new_page()
    login(district, app_server.url, "spm07")
    district.wait_for_selector("#evidence-open-11_3")
    login(bureau, app_server.url, "finance")
    show_review_list(bureau, "11.3", "spm07")

    district.click("#evidence-open-11_3")
    district.wait_for_selector("#evidence-file")
    district.set_input_files("#evidence-file", str(_pdf(tmp_path)))
    district.fill("#evidence-description", "สรุปรายงานผลการตรวจสอบทรัพย์สิน")
    started = time.monotonic()
    district.click("#evidence-submit")
    district.wait_for_selector("#evidence-message")
    assert district.inner_text("#evidence-message") == "แนบไฟล์เรียบร้อยแล้ว"
    listed = district.inner_text("#evidence-list")
    assert "สรุปรายงานผลการตรวจสอบทรัพย์สิน" in listed
    assert "รายงานการตรวจสอบ.pdf" in listed
    assert "ครั้งที่ 1 ปี" in listed and "(รอบ 6 เดือน)" in listed
    assert "ผู้รับผิดชอบตัวชี้วัด สพม. เขต 7" in listed
    assert "ยังไม่ลงทะเบียนรับ" in listed

    # The bureau's badge appears without a reload (live update).
    bureau.wait_for_selector("#new-badge-spm07-11_3", timeout=5000)
    assert time.monotonic() - started < 5
    bureau.click("#new-badge-spm07-11_3")
    wait_text(bureau, "#review-detail #evidence-list", "สรุปรายงานผลการตรวจสอบทรัพย์สิน")
    bureau.wait_for_selector("#new-badge-spm07-11_3", state="detached")
    assert "สรุปรายงานผลการตรวจสอบทรัพย์สิน" in bureau.inner_text("#evidence-list")
    bureau.click(".evidence-register")
    bureau.wait_for_selector(".evidence-received")
    assert "ผู้รับผิดชอบตัวชี้วัด สคส." in bureau.inner_text("#evidence-list")

    # The district sees the receipt after reopening its window.
    district.click("#evidence-close")
    district.click("#evidence-open-11_3")
    district.wait_for_selector(".evidence-received")
    assert "ผู้รับผิดชอบตัวชี้วัด สคส." in district.inner_text("#evidence-list")

    # Download through the authenticated route: the bureau may, an anonymous browser may not.
    file_link = district.get_attribute("#evidence-list a", "href")
    response = bureau.request.get(app_server.url + file_link)
    assert response.status == 200 and response.body() == PDF_BYTES
    anonymous = new_page()
    assert anonymous.request.get(app_server.url + file_link).status == 404
    other_district = new_page()
    login(other_district, app_server.url, "spm08")
    other_district.wait_for_selector("#status-11_3")
    assert other_district.request.get(app_server.url + file_link).status == 404


def test_refused_file_type_gets_a_thai_message(new_page, app_server, tmp_path):
    page = new_page()
    login(page, app_server.url, "spm07")
    page.wait_for_selector("#evidence-open-11_4")
    page.click("#evidence-open-11_4")
    fake = tmp_path / "โปรแกรม.pdf"
    fake.write_bytes(b"MZ\x90\x00 not a pdf")
    page.set_input_files("#evidence-file", str(fake))
    page.fill("#evidence-description", "ไฟล์ปลอม")
    page.click("#evidence-submit")
    page.wait_for_selector("#evidence-message")
    assert "ไม่ตรงกับนามสกุล" in page.inner_text("#evidence-message")
    assert "ไฟล์ปลอม" not in page.inner_text("#evidence-list")


def test_messages_both_ways_with_badges_and_read_receipts(new_page, app_server):
    district = new_page()
    bureau = new_page()
    login(district, app_server.url, "spm07")
    district.wait_for_selector("#comments-open-11_2")
    login(bureau, app_server.url, "finance")
    show_review_list(bureau, "11.2", "spm07")

    district.click("#comments-open-11_2")
    district.wait_for_selector("#comment-input")
    district.click("#comment-send")  # empty: refused at the box
    district.wait_for_selector("#comment-error")
    assert district.inner_text("#comment-error") == "กรุณาพิมพ์ข้อความก่อนส่ง"
    district.fill("#comment-input", "<b>สพท.7</b> ขอสอบถามข้อมูลส่วนกลาง")
    district.click("#comment-send")
    district.wait_for_function(
        "document.querySelector('#comment-list').innerText.includes('<b>สพท.7</b> ขอสอบถามข้อมูลส่วนกลาง')"
    )
    district.click("#comments-close")

    bureau.wait_for_selector("#new-badge-spm07-11_2", timeout=5000)
    bureau.click("#new-badge-spm07-11_2")
    bureau.wait_for_selector("#comment-input")
    wait_text(bureau, "#comment-list", "ขอสอบถามข้อมูลส่วนกลาง")
    assert "ขอสอบถามข้อมูลส่วนกลาง" in bureau.inner_text("#comment-list")
    bureau.fill("#comment-input", "ข้อมูลส่วนกลางมาจากระบบ GFMS ครับ")
    started = time.monotonic()
    bureau.click("#comment-send")

    district.wait_for_selector("#new-badge-11_2", timeout=5000)
    assert time.monotonic() - started < 5
    district.click("#new-badge-11_2")
    wait_text(district, "#comment-list", "ข้อมูลส่วนกลางมาจากระบบ GFMS ครับ")
    thread = district.inner_text("#comment-list")
    assert "ข้อมูลส่วนกลางมาจากระบบ GFMS ครับ" in thread
    assert "สำนักการคลังและสินทรัพย์" in thread
    # The district's own message shows the date the bureau opened it.
    own_row = district.locator("#comment-list tr", has_text="ขอสอบถามข้อมูลส่วนกลาง")
    assert "ยังไม่เปิดอ่าน" not in own_row.inner_text()
    district.click("#comments-close")
    district.wait_for_selector("#new-badge-11_2", state="detached")
