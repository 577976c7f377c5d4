"""At phone width (390 px) every page and dialog of every role is usable without sideways
scrolling: the page is never wider than the screen, a thread's message keeps a readable line
(not 1–2 words), the evidence window stays inside the screen, and whatever is wider (a table)
scrolls inside its own labelled box that the keyboard can reach."""

from __future__ import annotations

import pytest

from tests.e2e.page_tour import ROLES, tour

pytestmark = pytest.mark.e2e

PHONE = 390

_MEASURE = """(width) => {
  const name = el => el.id ? '#' + el.id : el.tagName.toLowerCase() + (el.className && typeof el.className === 'string'
      ? '.' + el.className.trim().split(/\\s+/).slice(0, 2).join('.') : '');
  // Elements reaching past the right edge that no box of their own scrolls or clips.
  const sticking_out = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.right <= width + 1) continue;
    let p = el.parentElement, inside = false;
    for (; p; p = p.parentElement) {
      if (/(auto|scroll|hidden)/.test(getComputedStyle(p).overflowX) && p.getBoundingClientRect().right <= width + 1) {
        inside = true; break;
      }
    }
    if (!inside) sticking_out.push(name(el) + ' (right edge ' + Math.round(r.right) + ' px)');
  }
  // Boxes that scroll sideways: each must be reachable by keyboard and named.
  const unreachable = [];
  for (const el of document.querySelectorAll('body *')) {
    const cs = getComputedStyle(el);
    if (!/(auto|scroll)/.test(cs.overflowX) || el.scrollWidth <= el.clientWidth + 1) continue;
    if (el.tabIndex < 0 || !(el.getAttribute('aria-label') || el.getAttribute('aria-labelledby')))
      unreachable.push(name(el));
  }
  const messages = [...document.querySelectorAll('.krs-message')].map(m => Math.round(m.getBoundingClientRect().width));
  const dialogs = [...document.querySelectorAll('[role=dialog]')].map(d => {
    const r = d.getBoundingClientRect();
    return {name: name(d), left: Math.round(r.left), right: Math.round(r.right), inner: d.scrollWidth - d.clientWidth};
  });
  return {scroll_width: document.documentElement.scrollWidth, sticking_out: sticking_out.slice(0, 10),
          unreachable, messages, dialogs};
}"""


@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_fits_a_phone(new_page, app_server, role):
    page = new_page()
    problems = []
    for stop in tour(page, app_server.url, role, PHONE):
        seen = page.evaluate(_MEASURE, PHONE)
        if seen["scroll_width"] > PHONE:
            problems.append(f"{stop}: the page is {seen['scroll_width']} px wide: {seen['sticking_out']}")
        if seen["unreachable"]:
            problems.append(f"{stop}: boxes scrolling sideways without tabindex=0 and a label: {seen['unreachable']}")
        narrow = [w for w in seen["messages"] if w < 250]
        if narrow:
            problems.append(f"{stop}: thread messages squeezed to {narrow} px wide")
        problems.extend(
            f"{stop}: dialog {d['name']} does not fit the screen: {d}"
            for d in seen["dialogs"]
            if d["left"] < 0 or d["right"] > PHONE or d["inner"] > 1
        )
        if stop.endswith("thread-2562"):
            assert seen["messages"], "the tour's thread shows the manual's messages"
    assert not problems, "At 390 px:\n" + "\n".join(problems)
