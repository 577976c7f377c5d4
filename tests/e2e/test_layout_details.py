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


_TOAST_HIT = """() => {
  const toast = document.querySelector('[data-sonner-toast][data-visible="true"]');
  if (!toast) return null;
  const box = toast.getBoundingClientRect();
  const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
  return {
    inside: !!hit && toast.contains(hit),
    overlay: !!hit && !!hit.closest('.rt-BaseDialogOverlay, .rt-BaseDialogScroll'),
    hit: hit ? hit.tagName + '.' + hit.className : '',
    hidden_from_readers: !!toast.closest('[aria-hidden="true"]'),
    text: toast.innerText,
  };
}"""


def _refuse(ws) -> None:
    """A websocket the server refuses: Engine.IO opens, the Socket.IO connect is refused."""

    def on_message(message) -> None:
        if str(message).startswith("40"):  # the tab's connect (with its hydrate) to the /_event namespace
            ws.send('44/_event,{"message":"down"}')

    ws.on_message(on_message)
    ws.send('0{"sid":"down","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}')


def test_a_toast_raised_while_a_dialog_is_open_shows_on_top_and_can_be_dismissed(new_page, app_server):
    """The district's message window is open when the server stops answering: the app's toast
    ("Cannot connect to server", with its close button) is on top of the window and its overlay,
    takes the pointer there, is readable, and closing it leaves the window open."""
    district = new_page()
    sockets, server_down = [], []

    def route(ws) -> None:  # every websocket of the tab passes through here
        if server_down:
            _refuse(ws)  # the server is down: each reconnect fails
            return
        sockets.append(ws)
        ws.connect_to_server()

    district.route_web_socket("**/_event/**", route)
    login(district, app_server.url, "spm07")
    district.wait_for_selector("#comments-open-11_3")
    district.click("#comments-open-11_3")
    district.wait_for_selector("#comment-list")

    server_down.append(True)
    for ws in sockets:
        ws.close()
    district.wait_for_selector('[data-sonner-toast][data-visible="true"]')
    district.wait_for_timeout(500)  # the toast's entry animation
    shown = district.evaluate(_TOAST_HIT)
    assert shown is not None and "Cannot connect" in shown["text"]
    assert not shown["hidden_from_readers"]
    assert shown["inside"] and not shown["overlay"], f"the toast's centre hits {shown['hit']}"

    district.click("[data-sonner-toast] [data-close-button]")
    district.wait_for_selector("[data-sonner-toast]", state="detached")

    # The server answers again: the tab reconnects and sends what it queued meanwhile; a press
    # on the toast taken as "close the window" would close it now.
    server_down.clear()
    district.wait_for_function("!document.querySelector('.lucide-wifi-off')", timeout=30000)
    district.fill("#comment-input", "ข้อความ")
    # answered: the count shows, or the window has gone
    district.wait_for_function("(c => !c || Number(c.dataset.length) > 0)(document.getElementById('comment-count'))")
    assert district.is_visible("#comment-list"), "a press on the toast closed the window"
