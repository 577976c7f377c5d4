"""ขยายเวลา on the KPI office's tracking tab, in Chromium: the district picked by its Thai name,
a district's whole round and one district × indicator, refusals at their field, the answer
beside the form, the list in force, and the district's row showing its new deadline."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.e2e.conftest import login, wait_text

pytestmark = pytest.mark.e2e
SHOTS = Path("/work/wt/_notes/shots/extensions-session")


def be_date(days: int) -> str:
    day = (datetime.now(UTC) + timedelta(hours=7, days=days)).date()
    return f"{day.day}/{day.month}/{day.year + 543}"


def open_indicator(app_server, district_code: str) -> str:
    """An indicator of the open round whose result for this district is not certified (the seed's
    statuses are its own), read from the app's database."""
    with sqlite3.connect(app_server.data_dir / "krs.db") as db:
        row = db.execute(
            "SELECT i.code FROM indicator i JOIN round r ON r.closed = 0 "
            "JOIN district d ON d.code = ? "
            "LEFT JOIN result x ON x.round_id = r.id AND x.indicator_id = i.id AND x.district_id = d.id "
            "WHERE i.code IN ('11.3', '11.2', '1.1', '2.1', '4.1') AND i.fiscal_year_id = r.fiscal_year_id "
            "AND (x.id IS NULL OR x.status != 'certified') ORDER BY r.id DESC LIMIT 1",
            (district_code,),
        ).fetchone()
    return row[0]


def open_tracking(new_page, app_server, width: int = 1280):
    page = new_page()
    page.set_viewport_size({"width": width, "height": 900})
    login(page, app_server.url, "kpi")
    page.wait_for_url("**/report")
    page.click("#tab-tracking")
    page.wait_for_selector("#extension-panel")
    page.wait_for_function("document.querySelectorAll('#extend-district-list option').length > 200")
    return page


def send(page, scope: str, district: str, until: str, reason: str = "ระบบขัดข้อง", indicator: str = "") -> None:
    page.select_option("#extend-scope", scope)
    if district:
        page.fill("#extend-district", district)
    if indicator:
        value = page.eval_on_selector_all(
            "#extend-indicator option", f"els => els.find(e => e.textContent.startsWith('{indicator} ')).value"
        )
        page.select_option("#extend-indicator", value)
    page.fill("#extend-until", until)
    page.fill("#extend-reason", reason)
    page.click("#extend-submit")


def test_extend_by_name_list_in_force_and_the_district_sees_it(new_page, app_server):
    SHOTS.mkdir(parents=True, exist_ok=True)
    kpi = open_tracking(new_page, app_server)
    # the list offers the Thai names: the district is found by its name
    options = kpi.eval_on_selector_all("#extend-district-list option", "els => els.map(e => e.value)")
    assert "สำนักงานเขตพื้นที่การศึกษามัธยมศึกษา เขต 20 (spm20)" in options

    send(kpi, "district", "สพม. เขต 20", "31/2/2569")  # not a real date: refused at the field
    wait_text(kpi, "#extend-until-error", "วัน/เดือน/ปี")
    assert kpi.locator("#extend-notice").count() == 0
    send(kpi, "district", "สพม. เขต 20", be_date(30))  # after the certification deadline
    wait_text(kpi, "#extend-until-error", "ไม่เกินวันสิ้นสุดการรับรองผล")

    send(kpi, "district", "สพม. เขต 20", be_date(6))
    wait_text(kpi, "#extend-notice", "ขยายเวลาถึง")
    assert kpi.locator("#extend-until-error").count() == 0
    # the answer is beside the form, not at the top of the page
    button = kpi.locator("#extend-submit").bounding_box()
    notice = kpi.locator("#extend-notice").bounding_box()
    assert 0 <= notice["y"] - (button["y"] + button["height"]) < 150
    assert kpi.locator("#report-notice").count() == 0
    wait_text(kpi, "#extension-list", "สพม. เขต 20")
    row = kpi.locator("#extension-list tbody tr", has_text="สพม. เขต 20").inner_text()
    assert "ทุกตัวชี้วัด" in row

    code = open_indicator(app_server, "spm21")
    send(kpi, "one", "spm21", be_date(5), indicator=code)  # by its code, one indicator
    wait_text(kpi, "#extend-notice", f"สพม. เขต 21 · {code}")
    wait_text(kpi, "#extension-list", "สพม. เขต 21")
    kpi.screenshot(path=str(SHOTS / "tracking-extensions-desktop.png"), full_page=True)

    district = new_page()
    login(district, app_server.url, "spm20")
    district.wait_for_url("**/entry")
    district.wait_for_selector("[id^='extended-']")
    assert "ขยายเวลาแก้ไขถึง" in district.locator("[id^='extended-']").first.inner_text()
    district.locator("[id^='extended-']").first.scroll_into_view_if_needed()
    district.screenshot(path=str(SHOTS / "entry-extended-desktop.png"))
    district.set_viewport_size({"width": 390, "height": 844})
    district.wait_for_timeout(300)
    district.locator("[id^='extended-']").first.scroll_into_view_if_needed()
    district.screenshot(path=str(SHOTS / "entry-extended-390.png"))

    other = new_page()
    login(other, app_server.url, "spm21")
    other.wait_for_url("**/entry")
    wait_text(other, "#extended-" + code.replace(".", "_"), "ขยายเวลาแก้ไขถึง")
    assert other.locator("[id^='extended-']").count() == 1  # only that indicator for spm21

    revoke = kpi.locator("#extension-list tbody tr", has_text="สพม. เขต 21").locator("button")
    revoke.click()
    wait_text(kpi, "#extend-notice", "ยกเลิกการขยายเวลาแล้ว 1 รายการ")
    other.wait_for_function("document.querySelectorAll('[id^=\"extended-\"]').length === 0")  # live, no reload
    assert kpi.locator("#extension-list tbody tr", has_text="สพม. เขต 21").count() == 0


def test_tracking_form_at_phone_width(new_page, app_server):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = open_tracking(new_page, app_server, width=390)
    page.select_option("#extend-scope", "one")
    page.click("#extend-submit")  # nothing typed: the district is asked for at its field
    wait_text(page, "#extend-district-error", "กรุณาเลือก สพท.")
    page.locator("#extension-panel").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "tracking-extensions-390.png"), full_page=True)
    panel = page.locator("#extension-panel")
    assert panel.evaluate("e => e.scrollWidth <= e.clientWidth + 1")
    assert panel.bounding_box()["x"] + panel.bounding_box()["width"] <= 390 + 1
