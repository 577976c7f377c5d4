"""What the user sees of issue 12 items 7 and 17: an indicator not assessed in the round says
ยังไม่ต้องรายงานในรอบนี้ (entry and review) and offers nothing to do; results carry their kind's
unit; saved cells say บันทึกแล้ว; large numbers show thousands separators and are taken either way."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import login, wait_text

pytestmark = pytest.mark.e2e

LABEL = "ยังไม่ต้องรายงานในรอบนี้"


def _choose_indicator(bureau, code: str) -> None:
    bureau.wait_for_function("document.querySelectorAll('#review-indicator option').length > 0")
    value = bureau.eval_on_selector_all(
        "#review-indicator option", f"els => els.find(e => e.textContent.startsWith('{code} ')).value"
    )
    bureau.select_option("#review-indicator", value)


def test_the_entry_row_of_an_indicator_not_assessed_shows_the_label_and_no_inputs(new_page, app_server):
    page = new_page()
    login(page, app_server.url, "spm07")
    page.wait_for_selector("#indicator-11_5")
    assert page.inner_text("#not-assessed-11_5") == LABEL
    row = page.locator("#indicator-11_5")
    assert row.locator("input").count() == 0
    assert row.inner_text().count(LABEL) == 3  # the row, and each of its two variables
    for absent in ("#status-11_5", "#score-11_5", "#evidence-open-11_5", "#comments-open-11_5"):
        assert page.locator(absent).count() == 0, absent
    assert page.locator("#status-11_3").count() == 1  # an assessed row keeps its status and actions


def test_units_follow_the_indicators_kind_and_large_numbers_show_separators(new_page, app_server):
    page = new_page()
    login(page, app_server.url, "spm07")
    page.wait_for_selector("#unit-4_2")
    assert page.inner_text("#unit-4_2") == "ระดับ"  # a count of milestones done
    assert page.inner_text("#unit-12") == "ค่า"  # a 1-5 mean
    assert page.inner_text("#unit-2_1") == "ร้อยละ"
    assert page.inner_text("#unit-11_3") == "ร้อยละ"  # v1 × 100
    budget = page.inner_text("#value-7_1-b")  # central data, in baht
    assert "," in budget and budget.replace(",", "").isdigit() and len(budget.replace(",", "")) > 3


def test_a_large_number_is_taken_with_or_without_separators_and_shown_with_them(new_page, app_server):
    page = new_page()
    login(page, app_server.url, "spm21")
    page.wait_for_selector("#status-1_1")
    if page.get_attribute("#value-1_1-b", "readonly") is not None:
        pytest.skip("1.1 is locked for this demo district")
    for typed, shown in (("17,900,000", "17,900,000"), ("18000000", "18,000,000")):
        page.fill("#value-1_1-b", typed)
        page.press("#value-1_1-b", "Enter")
        page.wait_for_selector("#saved-1_1-b")
        assert page.locator("#error-value-1_1-b").count() == 0
        page.reload()
        page.wait_for_selector("#status-1_1")
        page.wait_for_function(f"document.querySelector('#value-1_1-b').value === '{shown}'")


def test_a_refused_cell_saved_after_the_other_changes_says_so_too(new_page, app_server):
    page = new_page()
    login(page, app_server.url, "spm22")
    page.wait_for_selector("#status-2_2")
    if page.get_attribute("#value-2_2-a", "readonly") is not None:
        pytest.skip("2.2 is locked for this demo district")
    page.fill("#value-2_2-a", "")  # whatever the demo entered: a starts empty, b then takes 40
    page.press("#value-2_2-a", "Enter")
    page.fill("#value-2_2-b", "40")
    page.press("#value-2_2-b", "Enter")
    page.wait_for_selector("#saved-2_2-b")
    page.fill("#value-2_2-a", "50")
    page.press("#value-2_2-a", "Enter")
    page.wait_for_selector("#error-value-2_2-a")
    assert page.locator("#saved-2_2-a").count() == 0
    page.fill("#value-2_2-b", "60")
    page.press("#value-2_2-b", "Enter")
    page.wait_for_selector("#saved-2_2-a")  # a, refused before, is now stored: it says so as well
    assert page.inner_text("#saved-2_2-a") == "บันทึกแล้ว" and page.inner_text("#saved-2_2-b") == "บันทึกแล้ว"


def test_a_partly_filled_row_says_which_values_are_missing(new_page, app_server):
    page = new_page()
    login(page, app_server.url, "spm23")
    page.wait_for_selector("#status-3_1")
    if page.get_attribute("#value-3_1-a", "readonly") is not None:
        pytest.skip("3.1 is locked for this demo district")
    page.fill("#value-3_1-a", "")
    page.press("#value-3_1-a", "Enter")
    page.fill("#value-3_1-b", "30")
    page.press("#value-3_1-b", "Enter")
    wait_text(page, "#missing-3_1", "ยังไม่ได้กรอก: a")


def test_the_bureaus_review_of_an_indicator_not_assessed_offers_no_list_and_no_reminder(new_page, app_server):
    bureau = new_page()
    login(bureau, app_server.url, "finance")
    bureau.wait_for_function(
        "[...document.querySelectorAll('#review-indicator option')].some(e => e.textContent.startsWith('11.5 '))"
    )
    label = bureau.eval_on_selector_all(
        "#review-indicator option", "els => els.find(e => e.textContent.startsWith('11.5 ')).textContent"
    )
    assert label.endswith(f"({LABEL})")
    _choose_indicator(bureau, "11.5")
    wait_text(bureau, "#review-not-assessed", LABEL)
    assert "รอบ 12 เดือน" in bureau.inner_text("#review-not-assessed")
    for absent in ("#review-table", "#remind-open", "#bulk-certify", "#count-not-reported"):
        assert bureau.locator(absent).count() == 0, absent
    # Another indicator brings the list back, with its numbers' thousands separators (baht).
    _choose_indicator(bureau, "7.1")
    bureau.wait_for_selector("#review-table")
    wait_text(bureau, "#review-result-header", "ร้อยละ")
    cells = bureau.eval_on_selector_all("#review-table tbody td.krs-num", "tds => tds.map(td => td.innerText)")
    assert any("," in cell for cell in cells)


@pytest.mark.parametrize(("username", "code", "unit"), [("teachers", "4.2", "ระดับ"), ("personnel", "12", "ค่า")])
def test_the_review_shows_the_result_in_its_kinds_unit(new_page, app_server, username, code, unit):
    bureau = new_page()
    login(bureau, app_server.url, username)
    bureau.wait_for_selector("#review-table")
    _choose_indicator(bureau, code)
    wait_text(bureau, "#review-result-header", f"({unit})")
    bureau.locator(f"#review-table [id^='review-open-'][id$='-{code.replace('.', '_')}']").first.click()
    wait_text(bureau, "#detail-result", f"ผลลัพธ์ {unit} ")
    assert "ร้อยละ" not in bureau.inner_text("#detail-result")
