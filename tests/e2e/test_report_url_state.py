"""Item 19 on /report: the round and the filters (level, province) live in the URL — kept on
reload, the same in a new window at that URL, Back returns to the choice before; a bad
parameter is ignored (the page shows its defaults)."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e


def _report(page, url: str) -> None:
    page.goto(url)
    page.wait_for_function("document.querySelectorAll('#report-filter-province option').length > 1")


def _wait_values(page, level: str, province: str) -> None:
    page.wait_for_function(
        """([level, province]) => {
            const l = document.querySelector('#report-filter-level');
            const p = document.querySelector('#report-filter-province');
            return !!(l && p) && l.value === level && p.value === province;
        }""",
        arg=[level, province],
    )


def test_the_report_filters_survive_reload_a_new_window_and_back(new_page, app_server):
    kpi = new_page()
    login(kpi, app_server.url, "kpi")
    _report(kpi, app_server.url + "/report")
    kpi.select_option("#report-filter-level", "primary")
    kpi.wait_for_url(re.compile(r"level=primary"))
    province = kpi.eval_on_selector("#report-filter-province", "s => s.options[1].value")
    kpi.select_option("#report-filter-province", province)
    kpi.wait_for_url(re.compile(r"province="))
    _wait_values(kpi, "primary", province)
    assert "round=" in kpi.url

    kpi.reload()
    _wait_values(kpi, "primary", province)

    other = new_page()
    login(other, app_server.url, "kpi")
    _report(other, kpi.url)
    _wait_values(other, "primary", province)

    kpi.go_back()
    _wait_values(kpi, "primary", "")
    kpi.go_back()
    _wait_values(kpi, "", "")


def test_a_bad_report_parameter_is_ignored(new_page, app_server):
    kpi = new_page()
    login(kpi, app_server.url, "kpi")
    _report(kpi, app_server.url + "/report?level=evil&province=Atlantis&bureau=x&sort=<b>&round=abc")
    _wait_values(kpi, "", "")
    assert kpi.locator("#report-filter-level").is_visible()
