"""axe-core (WCAG 2.1 A and AA rules) finds nothing on any page or dialog, as each role sees it.

axe-core is the pinned copy in tests/e2e/vendor/ (version and licence in its README), injected
into each stop of the tour (page_tour.py) in Chromium. Any violation fails, listed by page, rule,
element and what axe says is wrong.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.page_tour import ROLES, tour

pytestmark = pytest.mark.e2e

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

_RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html.slice(0, 160),
                              summary: (n.failureSummary || '').replace(/\\s+/g, ' ').slice(0, 240)})),
  }));
}"""


def axe_violations(page) -> list[dict]:
    """axe-core's WCAG 2.1 A/AA violations on the page as it is now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # evaluated through the DevTools protocol: the app's Content-Security-Policy (no inline
        # scripts) stays as it is for the page under test
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;void 0")
    return page.evaluate(_RUN, WCAG_TAGS)


def describe(stop: str, violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{stop}: {v['id']} ({v['impact']}) {v['help']} — {len(v['nodes'])} element(s)")
        for node in v["nodes"][:8]:
            lines.append(f"    {node['target']}  {node['html']}")
            lines.append(f"        {node['summary']}")
    return "\n".join(lines)


@pytest.mark.parametrize("role", list(ROLES))
def test_no_wcag_findings_on_any_page(new_page, app_server, role):
    page = new_page()
    found: dict[str, int] = {}
    report = []
    for stop in tour(page, app_server.url, role, 1280):
        violations = axe_violations(page)
        found[stop] = sum(len(v["nodes"]) for v in violations)
        if violations:
            report.append(describe(stop, violations))
    print("axe findings per page:", found)
    assert not report, "axe-core WCAG 2.1 A/AA violations:\n" + "\n".join(report)
