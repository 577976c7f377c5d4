"""ไม่ประเมินตัวชี้วัดนี้: a 0/0 result the district cannot get certified; the bureau marks it not
applicable with a reason, the district sees it at once and its overall score leaves it out; undone."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import login, open_review_row

pytestmark = pytest.mark.e2e

REASON = "ไม่มีโรงเรียนขนาดเล็กในสังกัด"


def _enter(page, element_id: str, value: str) -> None:
    page.fill("#" + element_id, value)
    page.press("#" + element_id, "Enter")


def test_a_zero_over_zero_result_is_marked_not_applicable_and_undone(new_page, app_server):
    district = new_page()
    login(district, app_server.url, "spm07")
    district.wait_for_selector("#value-6_2-a")
    _enter(district, "value-6_2-a", "0")
    _enter(district, "value-6_2-b", "0")
    district.wait_for_selector("#note-6_2")
    assert "ตัวหารเป็นศูนย์" in district.inner_text("#note-6_2")
    overall_before = district.inner_text("#overall-score")

    bureau = new_page()
    login(bureau, app_server.url, "policy")
    open_review_row(bureau, "6.2", "spm07")
    assert bureau.is_disabled("#certify-button")
    bureau.click("#not-applicable-button")
    bureau.click("#not-applicable-confirm")  # no reason: refused at the form, nothing stored
    bureau.wait_for_selector("#decision-error")
    assert "เหตุผล" in bureau.inner_text("#decision-error")
    bureau.fill("#not-applicable-reason", REASON)
    bureau.click("#not-applicable-confirm")
    bureau.wait_for_selector("#detail-not-applicable")
    assert REASON in bureau.inner_text("#detail-not-applicable")
    assert "ไม่ประเมินตัวชี้วัดนี้" in bureau.inner_text("#detail-history")
    bureau.wait_for_selector("#not-applicable-undo")

    # The district sees it without reloading: the label, the reason, and an overall score without 6.2.
    district.wait_for_function(
        "document.querySelector('#status-6_2').textContent.includes('ไม่ประเมินตัวชี้วัดนี้')", timeout=3000
    )
    assert REASON in district.inner_text("#note-6_2")
    district.wait_for_function(
        f"document.querySelector('#overall-score').textContent.trim() !== '{overall_before}'", timeout=3000
    )

    kpi = new_page()
    login(kpi, app_server.url, "kpi")
    kpi.click("#tab-districts")  # the report opens on main's matrix tab; the district scores are a tab
    kpi.wait_for_selector("#report-not-applicable-spm07")
    assert kpi.inner_text("#report-not-applicable-spm07") == "1"

    # Undone before the round closes: it counts again.
    bureau.fill("#not-applicable-undo-reason", "บันทึกผิดเขต")
    bureau.click("#not-applicable-undo")
    bureau.wait_for_selector("#not-applicable-button")
    district.wait_for_function(
        f"document.querySelector('#overall-score').textContent.trim() === '{overall_before}'", timeout=3000
    )
    assert "ตัวหารเป็นศูนย์" in district.inner_text("#note-6_2")
