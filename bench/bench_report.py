"""Benchmark: the report for 245 districts × a synthetic 40-indicator catalogue.

A fresh demo database (SQLite, in a temporary folder) gets extra indicators until the current
round assesses 40, and a result for every district × indicator (random status, result, score).
Prints the minimum, median and worst time of:
- the report service: cold (whole matrix rebuilt), after one announced change (that district's
  row re-read, ranks recomputed) and warm (cached matrix),
- the .xlsx and the PDF of the whole view.
and the bytes one changed result makes the report page send to an open KPI-office tab (the delta
of its live refresh, for five certified results in turn), next to the page's first load.
Goals (issue 14): service ≤ 30 ms, .xlsx ≤ 1 s, PDF ≤ 3 s. The page with its heat map painted:
bench/bench_report_page.py. Run from the project folder:

    python bench/bench_report.py [--indicators 40] [--repeat 15] [--seed 14]
"""

from __future__ import annotations

import argparse
import io
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _prepare(indicators: int, seed: int) -> None:
    os.environ["KRS_DATA_DIR"] = tempfile.mkdtemp(prefix="krs-bench-report-")
    os.environ.setdefault("KRS_SECRET", "bench")
    from sqlalchemy import delete, insert, select

    from krs_app.db.engine import session_scope
    from krs_app.db.migrate import upgrade_to_head
    from krs_app.db.models import Bureau, District, Indicator, Result, Variable
    from krs_app.seed.demo import load_demo
    from krs_app.services.catalogue import current_round, invalidate_catalogue
    from krs_app.services.clock import utcnow
    from krs_app.services.report_matrix import round_entries

    upgrade_to_head()
    load_demo()
    rng = random.Random(seed)
    with session_scope() as session:
        round_ = current_round(session)
        have = len(round_entries(session, round_))
        bureau_ids = list(session.execute(select(Bureau.id)).scalars())
        for n in range(indicators - have):
            extra = {"fiscal_year_id": round_.fiscal_year_id} if hasattr(Indicator, "fiscal_year_id") else {}
            indicator = Indicator(
                code=f"90.{n + 1}",
                name=f"ตัวชี้วัดสังเคราะห์ที่ {n + 1} สำหรับการวัดความเร็วของรายงาน",
                bureau_id=rng.choice(bureau_ids),
                weight=rng.choice([2.0, 3.0, 4.0, 5.0]),
                formula="a / b * 100",
                t1=60,
                t2=70,
                t3=80,
                t4=90,
                t5=100,
                sort_key=f"090.{n + 1:03d}",
                **extra,
            )
            session.add(indicator)
            session.flush()
            session.add(Variable(indicator_id=indicator.id, key="a", label="ส่วน", unit="คน", position=1, whole_key="b"))
            session.add(Variable(indicator_id=indicator.id, key="b", label="ทั้งหมด", unit="คน", position=2))
        session.flush()
        invalidate_catalogue()
        entries = round_entries(session, round_)
        assessed = [e.indicator.id for e in entries]
        districts = list(session.execute(select(District.id)).scalars())
        session.execute(delete(Result).where(Result.round_id == round_.id))
        now = utcnow()
        rows = []
        for district_id in districts:
            for indicator_id in assessed:
                status = rng.choice(["certified", "certified", "awaiting", "not_certified", "not_reported"])
                result = None if status == "not_reported" else round(rng.uniform(50, 100), 2)
                score = None if result is None else round(1 + min(4.0, max(0.0, (result - 60) / 10)), 4)
                rows.append(
                    {
                        "district_id": district_id,
                        "indicator_id": indicator_id,
                        "round_id": round_.id,
                        "status": status,
                        "result": result,
                        "score": score,
                        "updated_at": now,
                    }
                )
        session.execute(insert(Result), rows)
    print(f"catalogue: {len(assessed)} indicators assessed in the round, {len(districts)} districts")


def _time(fn, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return times


def _line(name: str, times: list[float], goal_ms: float) -> None:
    median = statistics.median(times)
    print(
        f"{name:<41} min {min(times):7.1f}   median {median:7.1f}   worst {max(times):7.1f} ms   goal ≤ {goal_ms:g} ms"
    )


def _report_tab(username: str):
    """A browser tab's root state with the report open (loaded as the page's on_load does)."""
    import reflex as rx
    from reflex.istate.data import RouterData

    from krs_app.routes import SESSION_COOKIE
    from krs_app.seed.demo import DEMO_PASSWORD
    from krs_app.services import auth
    from krs_app.state.report_matrix import ReportMatrixState

    token, _user = auth.login(username, DEMO_PASSWORD)
    root = rx.State(_reflex_internal_init=True)
    router = RouterData.from_router_data({"headers": {"cookie": f"{SESSION_COOKIE}={token}"}})
    pending = [root]
    while pending:
        state = pending.pop()
        state.router = router
        pending.extend(state.substates.values())
    state = root.get_substate(ReportMatrixState.get_full_name().split(".")[1:])
    ReportMatrixState.load.fn(state)
    return root, state


def _live_delta_bytes(view) -> None:
    """What one certified result makes the report page send to an open KPI-office tab: the delta
    of its live refresh (state._live_refresh, as live.dispatch calls it), JSON as Reflex dumps it.
    Reflex sends each assigned var whole; the state assigns only the vars whose value changed."""
    from reflex_base.constants.state import FIELD_MARKER
    from reflex_base.utils.format import json_dumps
    from sqlalchemy import select, update

    from krs_app.db.engine import session_scope
    from krs_app.db.models import Result
    from krs_app.live.bus import Change, announce

    root, state = _report_tab("kpi")
    first = root.get_delta()
    root._clean()
    name = state.get_full_name()
    print(f"first load of the page (every var):       {len(json_dumps(first).encode()):>11,} B")
    with session_scope() as session:
        rows = session.execute(
            select(Result.id, Result.district_id, Result.indicator_id)
            .where(Result.round_id == view.round_id, Result.status == "awaiting")
            .order_by(Result.id)
            .limit(5)
        ).all()
    sizes = []
    for row in rows:
        with session_scope() as session:
            session.execute(update(Result).where(Result.id == row.id).values(status="certified"))
        change = Change(
            district_id=row.district_id, round_id=view.round_id, indicator_id=row.indicator_id, kind="status"
        )
        announce(change)
        state._live_refresh(change)
        delta = root.get_delta()
        root._clean()
        size = len(json_dumps(delta).encode())
        sizes.append(size)
        parts = ", ".join(
            f"{key.removesuffix(FIELD_MARKER)} {len(json_dumps(value).encode()):,}"
            for key, value in sorted(delta.get(name, {}).items())
        )
        print(f"live delta, one certified result:         {size:>11,} B   ({parts})")
    print(
        f"live delta per certified result: min {min(sizes):,} B, median {statistics.median(sizes):,} B, max {max(sizes):,} B"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--indicators", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args()
    _prepare(args.indicators, args.seed)

    from datetime import datetime

    from krs_app.seed.demo import DEMO_PASSWORD
    from krs_app.services import auth
    from krs_app.services.report_matrix import invalidate_matrices
    from krs_app.services.report_pdf import report_pdf
    from krs_app.services.report_view import report_view
    from krs_app.services.report_xlsx import write_report_xlsx

    _, kpi = auth.login("kpi", DEMO_PASSWORD)
    report_view(kpi)  # imports, catalogue cache

    def cold():
        invalidate_matrices()
        report_view(kpi)

    from krs_app.live.bus import Change, announce

    def after_one_change():
        announce(Change(district_id=view.rows[0].district_id, round_id=view.round_id, indicator_id=None, kind="status"))
        report_view(kpi)

    view = report_view(kpi)
    print(f"view: {len(view.rows)} rows × {len(view.columns)} indicator columns")
    _line("report service, cold (matrix rebuilt)", _time(cold, args.repeat), 30)
    _line("report service, after one change (patch)", _time(after_one_change, args.repeat), 30)
    _line("report service, warm (cached matrix)", _time(lambda: report_view(kpi), args.repeat), 30)
    now = datetime(2026, 12, 1, 10, 0)
    _line(
        ".xlsx (whole view)", _time(lambda: write_report_xlsx(view, now, io.BytesIO()), max(3, args.repeat // 3)), 1000
    )
    _line("PDF (whole view)", _time(lambda: report_pdf(view, now), max(3, args.repeat // 3)), 3000)
    _live_delta_bytes(view)
    print(f"load average during the run: {', '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
