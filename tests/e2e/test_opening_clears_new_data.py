"""Opening what is new counts as opening it: the bureau opening a result from the district's name
(not the badge), and the district opening the thread from its arrow button, record the date
opened and the new-data badge goes."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import login, show_review_list

pytestmark = pytest.mark.e2e


def test_opening_from_the_name_or_the_thread_button_records_the_opening(new_page, app_server):
    district = new_page()
    bureau = new_page()
    login(district, app_server.url, "spm07")
    district.wait_for_selector("#comments-open-11_4")
    login(bureau, app_server.url, "finance")
    show_review_list(bureau, "11.4", "spm07")

    district.click("#comments-open-11_4")
    district.wait_for_selector("#comment-input")
    district.fill("#comment-input", "สพท.7 ขอตรวจสอบจำนวนโรงเรียนวิสุทธร")
    district.click("#comment-send")
    district.wait_for_function(
        "document.querySelector('#comment-list') && document.querySelector('#comment-list').innerText.includes('โรงเรียนวิสุทธร')"
    )
    district.click("#comments-close")

    bureau.wait_for_selector("#new-badge-spm07-11_4", timeout=5000)
    bureau.click("#review-open-spm07-11_4")  # the district's name, not the badge
    bureau.wait_for_function(
        "document.querySelector('#comment-list') && document.querySelector('#comment-list').innerText.includes('โรงเรียนวิสุทธร')"
    )
    row = bureau.locator("#comment-list tr", has_text="โรงเรียนวิสุทธร")
    assert "ยังไม่เปิดอ่าน" not in row.inner_text()
    bureau.wait_for_selector("#new-badge-spm07-11_4", state="detached", timeout=5000)

    bureau.fill("#comment-input", "ตรวจสอบแล้ว ข้อมูลตรงกับระบบครับ")
    bureau.click("#comment-send")
    district.wait_for_selector("#new-badge-11_4", timeout=5000)
    district.click("#comments-open-11_4")  # the arrow button, not the badge
    district.wait_for_function(
        "document.querySelector('#comment-list') && document.querySelector('#comment-list').innerText.includes('ตรวจสอบแล้ว')"
    )
    district.wait_for_selector("#new-badge-11_4", state="detached", timeout=5000)
    bureau.click("#detail-close")
    bureau.locator("#review-open-spm07-11_4").click()
    bureau.wait_for_function(
        "document.querySelector('#comment-list') && document.querySelector('#comment-list').innerText.includes('ตรวจสอบแล้ว')"
    )
    reply = bureau.locator("#comment-list tr", has_text="ตรวจสอบแล้ว")
    assert "ยังไม่เปิดอ่าน" not in reply.inner_text()
