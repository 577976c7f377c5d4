"""Benchmark: the /report page with its heat map painted, in headless Chromium (issue 14, goal ≤ 1 s).

Logs in as the demo KPI office and, per sample, navigates to /report (page.goto, a full load),
waits for the table's rows, opens the heat-map tab and waits until every cell of
#report-heatmap (the elements carrying data-score) is in the page. Prints, per step, the
minimum and the median over the samples, with the machine's load. The demo catalogue is
used as it is (245 districts × the round's assessed indicators); bench_report.py measures
the service with a synthetic 40-indicator catalogue. Run from the project folder:

    python bench/bench_report_page.py                      # starts its own `krs run --demo`, stops it
    python bench/bench_report_page.py --url http://localhost:PORT   # an app already running (demo data)
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from _harness import start_demo

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
CELLS = "#report-heatmap [data-score]"


def _login(page, base_url: str, username: str, password: str) -> None:
    page.goto(base_url + "/login")
    page.wait_for_selector("#demo-accounts")
    page.fill("#login-username", username)
    page.fill("#login-password", password)
    with page.expect_navigation():
        page.click("#login-submit")


def _sample(page, base_url: str) -> tuple[float, float, int]:
    """ms from goto to the table's rows, ms from goto to every heat-map cell; the cell count."""
    start = time.perf_counter()
    page.goto(base_url + "/report")
    page.wait_for_selector("#report-table tbody tr")
    table_ms = (time.perf_counter() - start) * 1000
    page.click("#tab-heat")
    page.wait_for_selector(CELLS)
    # Every row × column of the heat map (the table is not mounted while its tab is hidden).
    page.wait_for_function(
        "() => { const rows = document.querySelectorAll('#report-heatmap .krs-heat-row:not(.krs-heat-top)').length;"
        " const heads = document.querySelectorAll('#report-heatmap .krs-heat-head').length;"
        f" return rows > 0 && heads > 0 && document.querySelectorAll('{CELLS}').length >= rows * heads; }}"
    )
    heat_ms = (time.perf_counter() - start) * 1000
    return table_ms, heat_ms, page.locator(CELLS).count()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="an app already running with the demo data")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--user", default="kpi")
    parser.add_argument("--password", default="krs2562")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    app = None
    base_url = args.url
    if base_url is None:
        data_dir = Path(tempfile.mkdtemp(prefix="krs-bench-page-"))
        app, base_url = start_demo(data_dir, data_dir / "server.log", full=True, secret="bench", timeout=1200)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="th-TH")
            context.set_default_timeout(30000)
            page = context.new_page()
            _login(page, base_url, args.user, args.password)
            _sample(page, base_url)  # warm-up: compiled pages cached, the matrix built
            samples = [_sample(page, base_url) for _ in range(args.repeat)]
            browser.close()
    finally:
        if app is not None:
            app.stop()
    table = [s[0] for s in samples]
    heat = [s[1] for s in samples]
    print(f"/report as {args.user}: {samples[-1][2]} heat-map cells, {len(samples)} samples after one warm-up")
    print(f"goto -> table rows              min {min(table):7.0f} ms   median {statistics.median(table):7.0f} ms")
    print(
        f"goto -> heat map painted (all)  min {min(heat):7.0f} ms   median {statistics.median(heat):7.0f} ms"
        "   goal ≤ 1000 ms"
    )
    print(f"load average: {', '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
