"""Every download link downloads when clicked (issue 12 item 1): the client-side router must not
treat a link to /api/... as an app page."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import login
from tests.e2e.test_central_data import _open_indicator as _open_central_indicator

pytestmark = pytest.mark.e2e


def test_tracking_downloads_when_clicked(new_page, app_server):
    page = new_page()
    login(page, app_server.url, "kpi")
    page.wait_for_url("**/report")
    page.click("#tab-tracking")
    page.wait_for_selector("#tracking-table")
    for element_id, suffix in (("tracking-csv", ".csv"), ("tracking-xlsx", ".xlsx")):
        with page.expect_download(timeout=10000) as info:
            page.click("#" + element_id)
        download = info.value
        assert download.suggested_filename.endswith(suffix)
        assert download.failure() is None
    assert "404" not in page.inner_text("body")
    assert page.url.endswith("/report")


def test_central_template_downloads_when_clicked(new_page, app_server):
    page = new_page()
    login(page, app_server.url, "finance")
    page.wait_for_url("**/review")
    _open_central_indicator(page, app_server.url, "11.2")
    with page.expect_download(timeout=10000) as info:
        page.click("#central-template")
    assert info.value.suggested_filename.endswith(".csv")
    assert "404" not in page.inner_text("body")


def test_evidence_file_downloads_when_clicked(new_page, app_server, tmp_path):
    district = new_page()
    login(district, app_server.url, "spm11")
    district.wait_for_selector("#evidence-open-11_3")
    district.click("#evidence-open-11_3")
    district.wait_for_selector("#evidence-file")
    pdf = tmp_path / "หลักฐาน.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%%EOF\n")
    district.set_input_files("#evidence-file", str(pdf))
    district.fill("#evidence-description", "หลักฐานสำหรับดาวน์โหลด")
    district.click("#evidence-submit")
    district.wait_for_selector(".evidence-download")
    with district.expect_download(timeout=10000) as info:
        district.click(".evidence-download")
    assert info.value.suggested_filename == "หลักฐาน.pdf"
    assert district.url.endswith("/entry")
