"""Profile a bureau's bulk certification in this process (cProfile), without the websocket.

What bench_live_fanout.py --bulk measures end to end, split in the server's two parts:

  (a) the service: finance's decisions.bulk_certify of --code (11.2) for every district whose
      result was made complete and awaiting first (bench_live_fanout.make_awaiting, as --bulk
      prepares it), one transaction; the Change announcements it makes are caught, not dispatched.
  (b) the live layer's work for those Changes, as live.dispatch.dispatch does for each one, with
      --tabs (3) /entry tabs of every district in the live registry (one login session per
      district, one watcher context): the registry look-up (keys_for), the real _push_groups
      (the session check auth.live_district_sessions, then EntryState._live_delta:
      entry.page_for_watchers and the summary, once per change in a fresh RefreshMemo),
      mark_stale, and encoding each update once (what send_delta hands socket.io); the awaits,
      worker threads and the socket emit left out. With --review-tab, also a second finance tab
      on /review of the indicator (not the origin of the change), refreshed per change
      (ReviewState._live_refresh and its resolved delta), as _refresh_one does.
  (c) (without --review-tab) every Change's real dispatch() started at once on an event loop, as
      the listener schedules them, with send_delta stubbed: when the pushes would leave.

A fresh data directory with the demo data (krs seed --demo's code path). Prints the wall and CPU
time of each part and the top functions by cumulative time (and by own time).

    python bench/profile_bulk_certify.py [--code 11.2] [--districts 245] [--tabs 3] [--review-tab]
                                         [--plain] [--top 25] [--out PREFIX]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench._harness import throwaway_data_dir  # noqa: E402

BUREAU = "finance"
DISTRICT = "spm07"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--code", default="11.2", help="indicator of the bulk certification (a finance one)")
    parser.add_argument("--districts", type=int, default=245)
    parser.add_argument("--tabs", type=int, default=3, help="watching /entry tabs per district")
    parser.add_argument("--review-tab", action="store_true", help="(b) also refreshes a second finance /review tab")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--plain", action="store_true", help="time without cProfile (no function tables)")
    parser.add_argument("--out", help="also write the raw profiles here (<out>.certify, <out>.dispatch)")
    args = parser.parse_args()

    with throwaway_data_dir("krs-profile-bulk-", "profile-secret"):
        run(args)


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
    from krs_app.live.dispatch import RefreshMemo, _push_groups, keys_for
    from krs_app.live.registry import get_registry
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
    _district_token, district_user = auth.login(DISTRICT, demo_password())
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

    viewers = register_watchers(district_ids, context, args.tabs)
    review = ReviewTab(indicator_id, round_id, tab) if args.review_tab else None
    sizes: list[int] = []
    entry_state = EntryState.get_full_name()

    def dispatch_all() -> None:
        """live.dispatch.dispatch per Change, its awaits and the socket emit left out."""
        registry = get_registry()
        for change in changes:
            watching = [v for v in registry.viewers(keys_for(change)) if v.token != change.origin]
            memo = RefreshMemo()
            groups: dict = {}
            pushed = [v for v in watching if v.state == entry_state]
            stale = _push_groups(change, pushed, memo, groups, {v.token for v in pushed}, False)
            registry.mark_stale(stale)
            if review is not None:
                review.refresh(change, memo, groups)
            for delta, _tokens in groups.values():  # send_delta: one encoded packet per group
                sizes.append(len(json_dumps({"delta": delta, "events": []}).encode()))

    _, disp_wall, disp_cpu = profiled(
        f"(b) live dispatch of {len(changes)} Changes to {viewers} registered /entry tabs "
        f"({args.tabs} per district, one context)" + (" and one finance /review tab" if review else ""),
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
    if not args.review_tab:
        first, median, last, tabs = asyncio.run(scheduled_dispatches(changes))
        print(
            f"(c) the {len(changes)} dispatch() tasks as the listener schedules them (asyncio, worker threads; "
            f"send_delta stubbed, cProfile off): pushes to {tabs} tabs would leave from {first:.0f} ms, "
            f"median {median:.0f} ms, last {last:.0f} ms after the certification returned"
        )


def register_watchers(district_ids: list[int], context: str, per_district: int) -> int:
    """`per_district` /entry tabs of every district in the live registry, as EntryState._watch
    registers them, each district's tabs on one login session of one of its users (a session
    row made here: no argon2 login per district)."""
    import secrets

    from sqlmodel import select

    from krs_app.db.engine import session_scope
    from krs_app.db.models import User, UserSession
    from krs_app.live.registry import Viewer, district_key, get_registry
    from krs_app.services import auth
    from krs_app.services.clock import utcnow
    from krs_app.state.entry import EntryState

    registry, state, now, count = get_registry(), EntryState.get_full_name(), utcnow(), 0
    with session_scope() as session:
        users = {u.district_id: u.id for u in session.exec(select(User).where(User.district_id.in_(district_ids)))}
        for district_id in district_ids:
            if district_id not in users:
                continue
            token = secrets.token_urlsafe(32)
            key = auth.session_key(token)
            session.add(UserSession(token_hash=key, user_id=users[district_id], created_at=now, last_seen_at=now))
            for n in range(per_district):
                registry.add(district_key(district_id), Viewer(f"tab-{district_id}-{n}", state, key, context))
                count += 1
    return count


async def scheduled_dispatches(changes) -> tuple[float, float, float, int]:
    """Every Change's dispatch() started at once, as _LiveUpdates.on_change schedules them on the
    event loop after the event handler returns; send_delta (the socket emit) replaced by a stub
    that notes when each push would leave. (first, median, last in ms; tabs pushed)"""
    from types import SimpleNamespace

    from krs_app.live import dispatch as live_dispatch

    sent: list[tuple[float, int]] = []

    async def note_sent(app, delta, tokens, redirect: str = "") -> None:
        sent.append((time.perf_counter(), len(list(tokens))))

    live_dispatch.send_delta = note_sent
    app = SimpleNamespace(event_namespace=None)  # no socket: every registered tab counts as connected
    started = time.perf_counter()
    await asyncio.gather(*(live_dispatch.dispatch(app, change) for change in changes))
    times = sorted((at - started) * 1000 for at, _ in sent) or [0.0]
    return times[0], times[len(times) // 2], times[-1], sum(n for _, n in sent)


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
