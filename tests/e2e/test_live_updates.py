"""Two staff of the same district on the same cell: the later edit wins on both screens at once."""

from __future__ import annotations

import time

import pytest

from tests.e2e.conftest import login, wait_status

pytestmark = pytest.mark.e2e


def test_same_cell_from_two_browsers_converges_to_the_later_value(new_page, app_server):
    first = new_page()
    second = new_page()
    login(first, app_server.url, "spm07")
    login(second, app_server.url, "spm07")
    first.wait_for_selector("#value-11_6-2")
    second.wait_for_selector("#value-11_6-2")

    first.fill("#value-11_6-2", "0")
    first.press("#value-11_6-2", "Enter")
    second.wait_for_function("document.querySelector('#value-11_6-2').value === '0'", timeout=3000)

    started = time.monotonic()
    second.fill("#value-11_6-2", "1")
    second.press("#value-11_6-2", "Enter")
    # The earlier writer's screen shows the later value without a reload.
    first.wait_for_function("document.querySelector('#value-11_6-2').value === '1'", timeout=3000)
    assert time.monotonic() - started < 3
    assert first.inner_text("#percent-11_6") == second.inner_text("#percent-11_6")


def _enter(page, element_id: str, text: str) -> None:
    page.fill(f"#{element_id}", text)
    page.press(f"#{element_id}", "Enter")


def test_a_tab_sent_newer_rows_keeps_them_through_its_own_next_edit(new_page, app_server):
    """A live push updates the screen before the tab's stored state: the tab's next edit must
    not send the older rows back."""
    first = new_page()
    second = new_page()
    login(first, app_server.url, "spm10")
    login(second, app_server.url, "spm10")
    first.wait_for_selector("#value-2_1-b")
    second.wait_for_selector("#value-2_1-b")

    _enter(first, "value-2_1-b", "40")
    second.wait_for_function("document.querySelector('#value-2_1-b').value === '40'", timeout=3000)

    _enter(second, "value-2_2-a", "10")
    _enter(second, "value-2_2-b", "50")
    wait_status(second, "status-2_2", "awaiting", timeout=3000)
    time.sleep(0.5)  # any older rows would have arrived by now
    assert second.input_value("#value-2_1-b") == "40"
    wait_status(first, "status-2_2", "awaiting", timeout=3000)
    assert first.input_value("#value-2_2-b") == "50"


def test_a_tab_that_was_offline_catches_up_when_it_reconnects(new_page, app_server):
    asleep = new_page()
    awake = new_page()
    login(asleep, app_server.url, "spm11")
    login(awake, app_server.url, "spm11")
    asleep.wait_for_selector("#value-2_1-b")
    awake.wait_for_selector("#value-2_1-b")

    asleep.context.set_offline(True)
    time.sleep(1)
    _enter(awake, "value-2_1-a", "10")
    _enter(awake, "value-2_1-b", "20")
    wait_status(awake, "status-2_1", "awaiting", timeout=3000)
    time.sleep(1.5)
    assert asleep.input_value("#value-2_1-b") == ""  # it really was cut off

    asleep.context.set_offline(False)
    wait_status(asleep, "status-2_1", "awaiting", timeout=15000)
    assert asleep.input_value("#value-2_1-b") == "20"
