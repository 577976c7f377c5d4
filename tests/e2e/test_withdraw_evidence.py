"""ถอนไฟล์ asks for confirmation; the withdrawal shows in the thread and raises the bureau's badge."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import login, show_review_list

pytestmark = pytest.mark.e2e


def test_withdrawing_a_file_asks_first_and_tells_the_bureau(new_page, app_server, tmp_path):
    path = tmp_path / "งบทดลอง.pdf"
    path.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    district = new_page()
    login(district, app_server.url, "spm07")
    district.wait_for_selector("#evidence-open-11_4")
    district.click("#evidence-open-11_4")
    district.wait_for_selector("#evidence-file")
    district.set_input_files("#evidence-file", str(path))
    district.fill("#evidence-description", "งบทดลองที่แนบผิด")
    district.click("#evidence-submit")
    district.wait_for_function("document.querySelector('#evidence-list').innerText.includes('งบทดลองที่แนบผิด')")

    bureau = new_page()
    login(bureau, app_server.url, "finance")
    show_review_list(bureau, "11.4", "spm07")
    bureau.click("#review-open-spm07-11_4")  # opens (and so records) what is new
    bureau.wait_for_selector("#new-badge-spm07-11_4", state="detached", timeout=5000)
    bureau.click("#detail-close")

    row = district.locator("#evidence-list tr", has_text="งบทดลองที่แนบผิด")
    row.locator(".evidence-withdraw").click()
    row.locator(".evidence-withdraw-confirm").wait_for()
    assert "งบทดลองที่แนบผิด" in district.inner_text("#evidence-list")  # nothing withdrawn yet
    row.locator(".evidence-withdraw-confirm").click()
    district.wait_for_function("!document.querySelector('#evidence-list').innerText.includes('งบทดลองที่แนบผิด')")

    bureau.wait_for_selector("#new-badge-spm07-11_4", timeout=5000)
    bureau.click("#review-open-spm07-11_4")
    bureau.wait_for_function(
        "document.querySelector('#comment-list') && document.querySelector('#comment-list').innerText.includes('ถอนไฟล์')"
    )
    assert "สพท. ถอนไฟล์หลักฐาน" in bureau.inner_text("#detail-history")
