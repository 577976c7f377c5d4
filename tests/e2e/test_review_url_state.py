"""Item 19: the bureau's chosen indicator, round and filters live in the review page's URL —
kept on reload, the same in a new window opened at that URL, and Back returns to the choice
before. A bad or crafted parameter is ignored (the page shows its defaults, no error)."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e


def _review(page, url: str) -> None:
    page.goto(url)
    page.wait_for_function("document.querySelectorAll('#review-indicator option').length > 1")


def _chosen(page) -> tuple[str, str, bool, str]:
    """(the indicator's code, the status filter, เฉพาะที่มีข้อมูลใหม่, the search) as the page shows them."""
    code = page.eval_on_selector("#review-indicator", "s => s.options[s.selectedIndex].textContent.split(' ')[0]")
    return (
        code,
        page.input_value("#review-status-filter"),
        page.is_checked("#review-new-only"),
        page.input_value("#review-search"),
    )


def _wait_chosen(page, expected) -> None:
    code, status, new_only, search = expected
    page.wait_for_function(
        """([code, status, newOnly, search]) => {
            const s = document.querySelector('#review-indicator');
            const f = document.querySelector('#review-status-filter');
            const n = document.querySelector('#review-new-only');
            const q = document.querySelector('#review-search');
            return !!(s && f && n && q) && s.selectedIndex >= 0
                && s.options[s.selectedIndex].textContent.startsWith(code + ' ')
                && f.value === status && n.checked === newOnly && q.value === search;
        }""",
        arg=[code, status, new_only, search],
    )


def test_the_review_choices_survive_reload_a_new_window_and_back(new_page, app_server):
    bureau = new_page()
    login(bureau, app_server.url, "finance")
    _review(bureau, app_server.url + "/review")
    first = _chosen(bureau)
    assert first[1:] == ("all", False, "")
    second_code, second_value = bureau.eval_on_selector(
        "#review-indicator", "s => [s.options[1].textContent.split(' ')[0], s.options[1].value]"
    )
    bureau.select_option("#review-indicator", second_value)
    bureau.wait_for_url(re.compile(r"indicator=" + re.escape(second_code)))
    bureau.select_option("#review-status-filter", "awaiting")
    bureau.wait_for_url(re.compile(r"status=awaiting"))
    bureau.check("#review-new-only")
    bureau.wait_for_url(re.compile(r"new=1"))
    chosen = (second_code, "awaiting", True, "")
    _wait_chosen(bureau, chosen)
    assert "round=" in bureau.url  # the round shown is named too: a bookmark keeps it

    bureau.reload()
    _wait_chosen(bureau, chosen)

    other = new_page()  # a new window of the same bureau, at the bookmarked URL
    login(other, app_server.url, "finance")
    _review(other, bureau.url)
    _wait_chosen(other, chosen)

    bureau.fill("#review-search", "spm07")
    bureau.wait_for_url(re.compile(r"q=spm07"))
    bureau.select_option("#review-status-filter", "certified")
    bureau.wait_for_url(re.compile(r"status=certified"))
    _wait_chosen(bureau, (second_code, "certified", True, "spm07"))
    bureau.go_back()
    _wait_chosen(bureau, (second_code, "awaiting", True, "spm07"))
    bureau.go_back()
    _wait_chosen(bureau, chosen)
    bureau.go_back()
    _wait_chosen(bureau, (second_code, "awaiting", False, ""))


def test_bad_or_crafted_parameters_are_ignored(new_page, app_server):
    bureau = new_page()
    login(bureau, app_server.url, "finance")
    _review(bureau, app_server.url + "/review")
    defaults = _chosen(bureau)
    _review(bureau, app_server.url + "/review?indicator=99.9&round=abc&status=evil&level=x&new=yes&page=-3&sort=1")
    _wait_chosen(bureau, defaults)
    assert not bureau.locator("text=ไม่พบ").count()
    _review(bureau, app_server.url + "/review?round=999999")  # a round that does not exist: the current one
    _wait_chosen(bureau, defaults)
    assert bureau.input_value("#round-select").isdigit() and bureau.input_value("#round-select") != "999999"
