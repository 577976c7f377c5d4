"""Issue 12 items 10, 15, 16 as users see them: the thread's counter, refusal (not cut) and scroll to
the sent message; the reminder dialog's reach and the reminders sent; the bureau's new-data counts
per indicator; the district's summary at the top of บันทึกข้อมูล and each row's owning bureau."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.e2e.conftest import login, open_review_row, wait_text

pytestmark = pytest.mark.e2e

_LIST_SHOWS_LAST_ROW = """() => {
    const list = document.querySelector('#comment-list');
    const rows = list ? list.querySelectorAll('tbody tr') : [];
    if (!rows.length) return false;
    const row = rows[rows.length - 1].getBoundingClientRect();
    const box = list.getBoundingClientRect();
    return row.bottom <= box.bottom + 1 && row.top >= box.top - 1;
}"""


def _open_thread(page, code_id: str) -> None:
    page.wait_for_selector(f"#comments-open-{code_id}")
    page.click(f"#comments-open-{code_id}")
    page.wait_for_selector("#comment-input")


def test_the_comment_box_counts_refuses_over_the_limit_whole_and_scrolls_to_the_sent_message(new_page, app_server):
    district = new_page()
    login(district, app_server.url, "spm17")
    _open_thread(district, "3_1")
    district.wait_for_selector("#comment-count")
    assert district.inner_text("#comment-count").startswith("0 / 2,000")

    too_long = "ก" * 1999 + "ข คำสุดท้าย"  # 2,010 characters
    district.fill("#comment-input", too_long)
    district.wait_for_function("document.querySelector('#comment-count').dataset.length === '2010'")
    assert district.inner_text("#comment-count").startswith("2,010 / 2,000")
    rows_before = district.locator("#comment-list tbody tr").count()
    district.click("#comment-send")
    district.wait_for_selector("#comment-error")
    error = district.inner_text("#comment-error")
    assert "2,000" in error and "10 ตัวอักษร" in error
    assert district.input_value("#comment-input") == too_long  # kept whole in the box, not cut
    assert district.locator("#comment-list tbody tr").count() == rows_before  # nothing stored

    long_message = "สพท. ชี้แจงรายละเอียดการดำเนินงาน " * 55  # ~1,900 characters: the thread overflows
    district.fill("#comment-input", long_message)
    district.click("#comment-send")
    wait_text(district, "#comment-list", "สพท. ชี้แจงรายละเอียดการดำเนินงาน")
    district.wait_for_function("document.querySelector('#comment-input').value === ''")
    assert district.inner_text("#comment-count").startswith("0 / 2,000")
    assert not district.query_selector("#comment-error")
    overflow = district.evaluate(
        "() => { const l = document.querySelector('#comment-list'); return l.scrollHeight - l.clientHeight; }"
    )
    assert overflow > 0, "the thread should be taller than its box for this test"

    district.evaluate("() => { document.querySelector('#comment-list').scrollTop = 0; }")
    district.fill("#comment-input", "ข้อความล่าสุดของเขต")
    district.click("#comment-send")
    wait_text(district, "#comment-list", "ข้อความล่าสุดของเขต")
    district.wait_for_function(_LIST_SHOWS_LAST_ROW, timeout=5000)
    last = district.locator("#comment-list tbody tr").last
    assert "ข้อความล่าสุดของเขต" in last.inner_text()


def _choose_indicator(bureau, code: str) -> None:
    bureau.wait_for_function("document.querySelectorAll('#review-indicator option').length > 0")
    value = bureau.eval_on_selector_all(
        "#review-indicator option", f"els => els.find(e => e.textContent.startsWith('{code} ')).value"
    )
    bureau.select_option("#review-indicator", value)
    suffix = "-" + code.replace(".", "_")
    bureau.wait_for_function(
        "s => [...document.querySelectorAll('[id^=\"review-open-\"]')].some(e => e.id.endsWith(s))", arg=suffix
    )


def _number_in(text: str) -> int:
    return int("".join(ch for ch in text if ch.isdigit()))


def test_the_reminder_dialog_says_whom_it_reaches_and_lists_the_reminders_sent(new_page, app_server):
    bureau = new_page()
    login(bureau, app_server.url, "audit")
    _choose_indicator(bureau, "9.1")
    bureau.wait_for_selector("#count-not-reported")
    not_reported = _number_in(bureau.inner_text("#count-not-reported"))
    assert not_reported > 0

    bureau.click("#remind-open")
    bureau.wait_for_selector("#remind-count")
    assert bureau.get_attribute("#remind-count", "data-count") == str(not_reported)
    assert f"{not_reported} เขตพื้นที่" in bureau.inner_text("#remind-count")
    assert "ยังไม่เคยส่งแจ้งเตือน" in bureau.inner_text("#remind-history")

    bureau.fill("#remind-deadline", (date.today() + timedelta(days=14)).isoformat())
    bureau.dblclick("#remind-send")  # a doubled click sends one reminder
    wait_text(bureau, "#review-notice", f"ส่งแจ้งเตือนแล้ว {not_reported} เขตพื้นที่")
    bureau.wait_for_selector("#remind-count", state="detached")

    bureau.click("#remind-open")
    wait_text(bureau, "#remind-history", "ผู้รับผิดชอบตัวชี้วัด ตสน.")
    rows = bureau.locator("#remind-history tbody tr")
    assert rows.count() == 1
    row = rows.first.inner_text()
    assert f"{not_reported} เขต" in row
    assert "ขอให้รายงานผลการดำเนินงานตามตัวชี้วัดภายในกำหนด" in row
    assert " น." in row and str(date.today().year + 543) in row  # when, in Thai (Buddhist era)


def _open_summary_tab(bureau) -> None:
    bureau.get_by_role("tab", name="สรุปตัวชี้วัดที่รับผิดชอบ").click()
    bureau.wait_for_selector("#summary-new-9_2")


def test_the_bureau_summary_tab_counts_new_data_per_indicator(new_page, app_server):
    bureau = new_page()
    district = new_page()
    login(bureau, app_server.url, "audit")
    _open_summary_tab(bureau)
    before = int(bureau.get_attribute("#summary-new-9_2", "data-count"))
    others = int(bureau.get_attribute("#summary-new-9_1", "data-count"))

    login(district, app_server.url, "spm18")
    _open_thread(district, "9_2")
    district.fill("#comment-input", "สพท. แนบรายงานการตรวจสอบภายในเพิ่มเติมแล้ว")
    district.click("#comment-send")
    wait_text(district, "#comment-list", "แนบรายงานการตรวจสอบภายใน")

    bureau.reload()
    _open_summary_tab(bureau)
    # The tab first shows the state kept for this tab, then the page's load brings the new count.
    bureau.wait_for_function(
        "n => document.querySelector('#summary-new-9_2').dataset.count === String(n)", arg=before + 1, timeout=10000
    )
    assert int(bureau.get_attribute("#summary-new-9_1", "data-count")) == others
    assert bureau.inner_text("#summary-new-9_2").strip() == str(before + 1)


def _focused_id(page) -> str:
    return page.evaluate("() => document.activeElement && document.activeElement.id")


def test_the_district_sees_one_summary_of_what_needs_it_with_jumps_to_the_rows(new_page, app_server):
    district = new_page()
    bureau = new_page()
    login(district, app_server.url, "spm16")
    district.wait_for_selector("#entry-summary")
    assert district.inner_text("#bureau-9_1") == "สำนักที่รับผิดชอบ: หน่วยตรวจสอบภายใน"
    assert "สำนักพัฒนาระบบบริหารงานบุคคลและนิติการ" in district.inner_text("#bureau-12")

    refused = district.eval_on_selector_all(
        "[id^=status-][data-status=not_certified]", "els => els.map(e => e.id.slice('status-'.length))"
    )
    assert refused, "the demo gives spm16 refused results"
    for code_id in refused:
        item = district.locator(f"#summary-refused-indicator-{code_id}").locator("xpath=..")
        assert "แก้ไขได้ถึง" in item.inner_text()

    # A bureau's message: the summary says so at once (live), and jumps to the row's badge.
    login(bureau, app_server.url, "audit")
    open_review_row(bureau, "9.1", "spm16")
    bureau.fill("#comment-input", "กรุณาแนบรายงานผลการตรวจสอบภายในฉบับลงนาม")
    bureau.click("#comment-send")
    district.wait_for_selector("#summary-message-indicator-9_1", timeout=5000)
    assert "หน่วยตรวจสอบภายใน" in district.locator("#summary-message-indicator-9_1").locator("xpath=..").inner_text()
    district.click("#summary-message-indicator-9_1")
    district.wait_for_function("document.activeElement && document.activeElement.id === 'new-badge-9_1'")

    # A value taken out again: the summary lists it as missing, and jumps to the empty cell.
    district.fill("#value-2_1-a", "")
    district.press("#value-2_1-a", "Tab")
    district.wait_for_selector("#summary-missing-indicator-2_1", timeout=5000)
    assert "ยังไม่ได้กรอก: a" in district.locator("#summary-missing-indicator-2_1").locator("xpath=..").inner_text()
    district.evaluate("() => window.scrollTo(0, 0)")
    district.click("#summary-missing-indicator-2_1")
    district.wait_for_function("document.activeElement && document.activeElement.id === 'value-2_1-a'")
    assert district.evaluate(
        "() => { const r = document.getElementById('value-2_1-a').getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }"
    )
    headline = district.inner_text("#entry-summary-headline")
    assert headline.startswith("ต้องดำเนินการ") and "ข้อความใหม่ 1" in headline
