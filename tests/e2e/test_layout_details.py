"""Small layout faults a new user trips over (issue 12 item 18): controls in a bar that run into
each other, and a dialog that, closed with Esc, leaves focus at the top of the page instead of
on the button that opened it."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import login, show_review_list

pytestmark = pytest.mark.e2e

MIN_GAP = 6  # px between two controls side by side

_GAPS = """(selectors) => {
  const boxes = selectors.map(s => [s, document.querySelector(s).getBoundingClientRect()]);
  const faults = [];
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const [a, ra] = boxes[i], [b, rb] = boxes[j];
    const same_line = ra.top < rb.bottom - 2 && rb.top < ra.bottom - 2;
    if (!same_line) continue;
    const gap = Math.max(rb.left - ra.right, ra.left - rb.right);
    if (gap < MIN_GAP) faults.push(`${a} and ${b}: ${Math.round(gap)} px apart`);
  }
  return faults;
}""".replace("MIN_GAP", str(MIN_GAP))


def _apart(page, selectors: list[str]) -> list[str]:
    return page.evaluate(_GAPS, selectors)


@pytest.mark.parametrize("width", [1280, 390])
def test_the_bureau_filter_bar_keeps_its_controls_apart(new_page, app_server, width):
    page = new_page()
    page.set_viewport_size({"width": width, "height": 900})
    login(page, app_server.url, "finance")
    page.wait_for_selector("#review-search")
    bar = ["#review-status-filter", "label:has(#review-new-only)", "label:has(#review-outliers-only)", "#review-search"]
    assert _apart(page, bar) == []


@pytest.mark.parametrize("width", [1280, 390])
def test_the_tracking_line_keeps_countdown_downloads_and_close_apart(new_page, app_server, width):
    page = new_page()
    page.set_viewport_size({"width": width, "height": 900})
    login(page, app_server.url, "kpi")
    page.wait_for_selector("#report-table tbody tr")
    page.click("#tab-tracking")
    page.wait_for_selector("#tracking-csv")
    assert _apart(page, ["#tracking-deadline", "#tracking-csv", "#tracking-xlsx", "#close-round"]) == []


def _focused_id(page) -> str:
    return page.evaluate("document.activeElement ? document.activeElement.id : ''")


def test_esc_gives_focus_back_to_the_button_that_opened_the_dialog(new_page, app_server):
    district = new_page()
    login(district, app_server.url, "spm07")
    district.wait_for_selector("#evidence-open-11_3")
    for opener, inside in (("#comments-open-11_3", "#comment-list"), ("#evidence-open-11_3", "#evidence-list")):
        district.focus(opener)
        district.keyboard.press("Enter")  # keyboard only, as a keyboard user opens it
        district.wait_for_selector(inside)
        district.keyboard.press("Escape")
        district.wait_for_selector(inside, state="detached")
        district.wait_for_function(f"document.activeElement && document.activeElement.id === '{opener[1:]}'")
        assert _focused_id(district) == opener[1:]

    bureau = new_page()
    login(bureau, app_server.url, "finance")
    show_review_list(bureau, "11.3", "spm07")
    opener = "review-open-spm07-11_3"
    bureau.click("#" + opener)
    bureau.wait_for_selector("#review-detail")
    bureau.keyboard.press("Escape")
    bureau.wait_for_selector("#review-detail", state="detached")
    bureau.wait_for_function(f"document.activeElement && document.activeElement.id === '{opener}'")
