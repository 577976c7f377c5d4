"""Two staff of the same district on the same cell: the later edit wins on both screens at once."""

from __future__ import annotations

import time

import pytest

from tests.e2e.conftest import login

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
