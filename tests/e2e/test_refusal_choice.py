"""Refusing states its choice on purpose: a correction deadline (offered, Buddhist era) or
"ไม่เปิดให้แก้ไข" ticked. An empty or half-typed date gets a Thai message, and nothing is sent."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e


def _open_first_awaiting(bureau, indicator_code: str) -> None:
    bureau.wait_for_function("document.querySelectorAll('#review-indicator option').length > 0")
    value = bureau.eval_on_selector_all(
        "#review-indicator option",
        f"els => els.find(e => e.textContent.startsWith('{indicator_code} ')).value",
    )
    bureau.select_option("#review-indicator", value)
    bureau.select_option("#review-status-filter", "awaiting")
    bureau.wait_for_function(
        "[...document.querySelectorAll('#review-table [id^=\\'review-status-\\']')].length > 0 && "
        "[...document.querySelectorAll('#review-table [id^=\\'review-status-\\']')].every(e => e.dataset.status === 'awaiting')"
    )
    code_id = indicator_code.replace(".", "_")
    bureau.locator(f"#review-table [id^='review-open-'][id$='-{code_id}']").first.click()
    bureau.wait_for_selector("#certify-button")


def test_the_refusal_dialog_asks_for_an_explicit_choice(new_page, app_server):
    bureau = new_page()
    login(bureau, app_server.url, "finance")
    _open_first_awaiting(bureau, "11.2")
    bureau.click("#refuse-button")
    offered = bureau.input_value("#refuse-deadline")
    assert re.fullmatch(r"\d\d/\d\d/25\d\d", offered), offered  # a default, in the Buddhist era
    bureau.fill("#refuse-reason", "ข้อมูลไม่ตรงกับระบบ GFMS")

    bureau.fill("#refuse-deadline", "")
    bureau.click("#refuse-confirm")
    bureau.wait_for_selector("#decision-error")
    assert "ไม่เปิดให้แก้ไข" in bureau.inner_text("#decision-error")
    assert bureau.get_attribute("#detail-status", "data-status") == "awaiting"

    bureau.fill("#refuse-deadline", "15/12/25")
    bureau.click("#refuse-confirm")
    bureau.wait_for_function("document.querySelector('#decision-error').textContent.includes('วว/ดด/ปปปป')")
    assert bureau.get_attribute("#detail-status", "data-status") == "awaiting"

    bureau.check("#refuse-final")
    bureau.click("#refuse-confirm")
    bureau.wait_for_function("document.querySelector('#detail-status').dataset.status === 'not_certified'")
    # The thread reloads after the decision's own reply: wait for it rather than read it at once.
    bureau.wait_for_function("document.querySelector('#comment-list').textContent.includes('ไม่เปิดให้แก้ไข')")
