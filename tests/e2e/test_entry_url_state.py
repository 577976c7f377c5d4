"""Item 19 on บันทึกข้อมูล: the district's chosen round lives in the URL — kept on reload, and
Back returns to the round before; a bad round parameter is ignored (the current round)."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e


def _wait_round(page, value: str) -> None:
    page.wait_for_function(
        "v => { const s = document.querySelector('#round-select'); return !!s && s.value === v; }", arg=value
    )


def test_the_entry_round_survives_reload_and_back(new_page, app_server):
    district = new_page()
    login(district, app_server.url, "spm07")
    district.wait_for_url("**/entry")
    district.wait_for_function("document.querySelectorAll('#round-select option').length > 1")
    current = district.input_value("#round-select")
    other = district.eval_on_selector(
        "#round-select", "(s, cur) => [...s.options].map(o => o.value).find(v => v !== cur)", current
    )
    district.select_option("#round-select", other)
    district.wait_for_url(re.compile(r"round=" + other))
    _wait_round(district, other)

    district.reload()
    _wait_round(district, other)

    district.go_back()
    _wait_round(district, current)

    district.goto(app_server.url + "/entry?round=abc")
    _wait_round(district, current)
