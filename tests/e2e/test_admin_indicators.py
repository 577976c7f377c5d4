"""The KPI office adds indicator 99.1 to the current year on /admin; a district reports on it,
its owner bureau reviews it, the report weighs it in. A bad formula is refused at the field."""

from __future__ import annotations

import pytest

from tests.e2e.admin_helpers import open_admin, select_by_text, shoot
from tests.e2e.conftest import login, open_review_row, wait_status

pytestmark = pytest.mark.e2e

DISTRICT = "spm05"


def _fill_indicator(page, formula: str) -> None:
    page.click("#indicator-new")
    page.wait_for_selector("#indicator-code")
    page.fill("#indicator-code", "99.1")
    page.fill("#indicator-name", "ตัวชี้วัดทดสอบการส่งรายงาน")
    select_by_text(page, "#indicator-bureau", "สคส.")
    page.fill("#indicator-weight", "1")
    page.select_option("#indicator-direction", "higher")
    page.fill("#indicator-formula", formula)
    for i, t in enumerate(("20", "40", "60", "80", "100"), start=1):
        page.fill(f"#indicator-t{i}", t)
    page.fill("#variable-key-1", "1")
    page.fill("#variable-label-1", "ส่งรายงานแล้ว")
    page.fill("#variable-unit-1", "ส่งแล้วกรอก 1 / ไม่ส่งกรอก 0")
    page.select_option("#variable-kind-1", "flag")
    page.select_option("#variable-source-1", "district")


def test_kpi_office_creates_99_1_and_it_is_reported_reviewed_and_weighed(new_page, app_server):
    kpi = new_page()
    open_admin(kpi, app_server.url, "indicators")
    kpi.wait_for_selector("#weights-total")
    kpi.wait_for_selector("#admin-indicator-11_3")

    _fill_indicator(kpi, "v1 * x")
    kpi.click("#indicator-save")
    error = kpi.wait_for_selector("#indicator-error")
    assert "x" in error.inner_text() and any("\u0e00" <= ch <= "\u0e7f" for ch in error.inner_text())
    assert kpi.evaluate("document.querySelector('#indicator-error').closest('div').querySelector('#indicator-formula')")
    kpi.click("#indicator-save")  # pressed twice: refused again, still nothing stored
    kpi.wait_for_selector("#indicator-error")
    assert kpi.query_selector("#admin-indicator-99_1") is None

    kpi.fill("#indicator-formula", "v1 * 100")
    kpi.fill("#preview-1", "1")
    kpi.wait_for_function("document.querySelector('#indicator-preview-score').innerText === '5.0000'")
    kpi.wait_for_selector("#indicator-criteria-chart svg")
    shoot(kpi, "indicators-editor")
    kpi.click("#indicator-save")
    kpi.click("#indicator-save")  # pressed twice: one indicator
    kpi.wait_for_selector("#admin-indicator-99_1")
    assert kpi.query_selector("#indicator-error") is None
    assert kpi.eval_on_selector_all("[id='admin-indicator-99_1']", "els => els.length") == 1
    assert "สคส." in kpi.inner_text("#admin-indicator-99_1")
    kpi.click("#indicator-save")
    shoot(kpi, "indicators")

    district = new_page()
    login(district, app_server.url, DISTRICT)
    district.wait_for_url("**/entry")
    district.wait_for_selector("#value-99_1-1")
    assert district.inner_text("#score-99_1") == "1.0000"
    district.fill("#value-99_1-1", "1")
    district.press("#value-99_1-1", "Enter")
    district.wait_for_function("document.querySelector('#status-99_1').dataset.status === 'awaiting'")
    assert district.inner_text("#score-99_1") == "5.0000"

    overall = f"document.querySelector('#report-rank-{DISTRICT}')"  # the overall score is the cell after the rank
    kpi.goto(app_server.url + "/report")
    kpi.wait_for_selector(f"#report-rank-{DISTRICT}")
    before = float(kpi.evaluate(f"{overall}.nextElementSibling.innerText"))

    bureau = new_page()
    login(bureau, app_server.url, "finance")
    bureau.wait_for_url("**/review")
    open_review_row(bureau, "99.1", DISTRICT)  # the owner bureau sees it in its inbox
    bureau.click("#certify-button")
    wait_status(district, "status-99_1", "certified")

    # The report weighs 99.1 in: its certified 5 (was 1 while awaiting) raises the overall score.
    kpi.reload()
    kpi.wait_for_selector(f"#report-rank-{DISTRICT}")
    kpi.wait_for_function(f"{overall} && parseFloat({overall}.nextElementSibling.innerText) > {before}")
    kpi.click("#tab-heat")
    assert float(kpi.wait_for_selector(f"#heat-{DISTRICT}-99_1").get_attribute("data-score")) == 5.0
