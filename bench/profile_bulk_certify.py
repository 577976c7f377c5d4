"""Profile a bureau's bulk certification in this process (cProfile), without the websocket.

What bench_live_fanout.py --bulk measures end to end, split in the server's two parts:

  (a) the service: finance's decisions.bulk_certify of --code (11.2) for every district whose
      result was made complete and awaiting first (bench_live_fanout.make_awaiting, as --bulk
      prepares it), one transaction; the Change announcements it makes are caught, not dispatched.
  (b) the live layer's work for those Changes, as live.dispatch.dispatch does for each one with
      one watching /entry tab per district (one watcher context): keys_for, the session check
      (auth.live_district_sessions), EntryState._live_delta (entry.page_for_watchers and the
      summary, once per change in a fresh RefreshMemo), grouping (field_delta) and encoding the
      update once (what send_delta hands socket.io). With --review-tab, also a second finance
      tab on /review of the indicator (not the origin of the change), refreshed per change
      (ReviewState._live_refresh and its resolved delta), as _refresh_one does.

A fresh data directory with the demo data (krs seed --demo's code path). Prints the wall and CPU
time of each part and the top functions by cumulative time (and by own time).

    python bench/profile_bulk_certify.py [--code 11.2] [--districts 245] [--review-tab] [--top 25]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import os
import pstats
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

BUREAU = "finance"
DISTRICT = "spm07"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--code", default="11.2", help="indicator of the bulk certification (a finance one)")
    parser.add_argument("--districts", type=int, default=245)
    parser.add_argument("--review-tab", action="store_true", help="(b) also refreshes a second finance /review tab")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--plain", action="store_true", help="time without cProfile (no function tables)")
    parser.add_argument("--out", help="also write the raw profiles here (<out>.certify, <out>.dispatch)")
    args = parser.parse_args()

    data = Path(tempfile.mkdtemp(prefix="krs-profile-bulk-"))
    os.environ["KRS_DATA_DIR"] = str(data)
    os.environ.pop("KRS_DATABASE_URL", None)
    os.environ.pop("REFLEX_REDIS_URL", None)
    os.environ.setdefault("KRS_SECRET", "profile-secret")
    try:
        run(args)
    finally:
        shutil.rmtree(data, ignore_errors=True)


def profiled(label: str, work, args, count: int, suffix: str):
    profile = cProfile.Profile()
    started, cpu_started = time.perf_counter(), time.process_time()
    if not args.plain:
        profile.enable()
    answer = work()
    profile.disable()
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    print(
        f"\n==== {label}: {elapsed * 1000:.0f} ms wall, {cpu * 1000:.0f} ms CPU "
        f"({elapsed / count * 1000:.2f} ms wall per result; cProfile {'off' if args.plain else 'on'})"
    )
    if args.plain:
        return answer, elapsed, cpu
    if args.out:
        profile.dump_stats(f"{args.out}.{suffix}")
    for order in ("cumulative", "tottime"):
        out = io.StringIO()
        pstats.Stats(profile, stream=out).strip_dirs().sort_stats(order).print_stats(args.top)
        lines = [line for line in out.getvalue().splitlines() if line.strip()]
        start = next((i for i, line in enumerate(lines) if "ncalls" in line), 0)
        print(f"---- top {args.top} by {order}")
        print("\n".join(lines[start:]))
    return answer, elapsed, cpu


def run(args) -> None:
    from bench_live_fanout import make_awaiting
    from reflex.utils.format import json_dumps
    from sqlmodel import select

    from krs_app.db.engine import session_scope
    from krs_app.db.models import District
    from krs_app.live import bus
    from krs_app.live.dispatch import RefreshMemo, _add_to_group, keys_for
    from krs_app.live.reflex_adapter import field_delta
    from krs_app.seed.offices import district_offices
    from krs_app.services import auth, entry, entry_shared
    from krs_app.services.decisions import bulk_certify
    from krs_app.startup import prepare_database
    from krs_app.state.entry import EntryState
    from tests.states.tabs import tab

    os.environ["KRS_DEMO"] = "1"
    t0 = time.perf_counter()
    prepare_database()
    codes = [office.code for office in district_offices()][: args.districts]
    code, indicator_id, round_id, awaiting = make_awaiting(args.code, codes)
    with session_scope() as session:
        wanted = set(codes)
        district_ids = [d for c, d in session.exec(select(District.code, District.id)).all() if c in wanted]
    _bureau_token, bureau = auth.login(BUREAU, demo_password())
    district_token, district_user = auth.login(DISTRICT, demo_password())
    session_keys = {auth.session_key(district_token)}
    tag = entry_shared.catalogue_tag(entry.entry_page(district_user, round_id).catalogue)
    context = f"{round_id}:{tag}"
    print(
        f"KRS bulk certification profile ({ROOT}): {BUREAU} certifies {code} (indicator {indicator_id}, "
        f"round {round_id}) for {len(district_ids)} districts, {awaiting} awaiting; setup {time.perf_counter() - t0:.1f}s"
    )
    print(f"  load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} (1/5/15 min)")

    changes: list[bus.Change] = []
    bus.subscribe(changes.append)
    (certified, cert_wall, cert_cpu) = profiled(
        "(a) decisions.bulk_certify",
        lambda: bulk_certify(bureau, indicator_id, round_id, district_ids),
        args,
        max(1, len(district_ids)),
        "certify",
    )
    bus.unsubscribe(changes.append)
    print(f"  certified {certified}; {len(changes)} Changes announced")

    review = None
    if args.review_tab:
        review = ReviewTab(indicator_id, round_id, tab)

    sizes: list[int] = []

    def dispatch_all() -> None:
        for change in changes:
            keys_for(change)
            memo = RefreshMemo()
            groups: dict = {}
            # _push_groups: the tabs' sessions in one query, then one delta per (state, context).
            auth.live_district_sessions(session_keys, change.district_id)
            values = EntryState._live_delta(change, context, memo)
            if values:
                _add_to_group(groups, field_delta(EntryState.get_full_name(), values), ["watcher"])
            if review is not None:
                review.refresh(change, memo, groups)
            for delta, _tokens in groups.values():  # send_delta: one encoded packet per group
                sizes.append(len(json_dumps({"delta": delta, "events": []}).encode()))

    _, disp_wall, disp_cpu = profiled(
        f"(b) live dispatch of {len(changes)} Changes (one /entry watcher context each"
        + (", one finance /review tab" if review else "")
        + ")",
        dispatch_all,
        args,
        max(1, len(changes)),
        "dispatch",
    )
    if sizes:
        print(f"  packets: {len(sizes)}, median {sorted(sizes)[len(sizes) // 2]} B, max {max(sizes)} B")
    print(
        f"\nSUMMARY (cProfile {'off' if args.plain else 'on'}; load {os.getloadavg()[0]:.2f}): (a) certify {cert_wall * 1000:.0f} ms wall / "
        f"{cert_cpu * 1000:.0f} ms CPU; (b) dispatch {disp_wall * 1000:.0f} ms wall / {disp_cpu * 1000:.0f} ms CPU; "
        f"total {(cert_wall + disp_wall) * 1000:.0f} ms wall"
    )


def demo_password() -> str:
    from krs_app.seed.demo import DEMO_PASSWORD

    return DEMO_PASSWORD


class ReviewTab:
    """A second finance tab on /review?indicator=<code>, refreshed per change as _refresh_one does
    (its stored state's _live_refresh, then the resolved delta)."""

    def __init__(self, indicator_id: int, round_id: int, make_tab) -> None:
        from krs_app.seed.demo import DEMO_PASSWORD
        from krs_app.services import auth
        from krs_app.state.review import ReviewState

        token, user = auth.login(BUREAU, DEMO_PASSWORD)
        self.root = make_tab(token, "profile-review-tab")
        self.state = asyncio.run(self.root.get_state(ReviewState))
        self.state.indicator_id, self.state.round_id = str(indicator_id), str(round_id)
        self.state._reload(user)
        asyncio.run(self.root._get_resolved_delta())
        self.root._clean()

    def refresh(self, change, memo, groups) -> None:
        from krs_app.live.dispatch import _add_to_group

        self.state._live_refresh(change, memo)
        delta = asyncio.run(self.root._get_resolved_delta())
        self.root._clean()
        if delta:
            _add_to_group(groups, delta, ["review"])


if __name__ == "__main__":
    main()
