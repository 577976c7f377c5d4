"""What one /entry tab's stored state costs the server, without the websocket (tracemalloc).

A fresh demo database; `--tabs` tab states of spm01..spm20 (not spm07) are loaded as Reflex
would (session check, EntryState.load, the delta sent, the hydrate's full read of every var) and
kept, after `--warmup` tabs that fill the process's caches. Prints the Python memory allocated
per tab and the lines allocating most of it. bench_live_fanout.py measures the whole process's
RSS per idle tab (connection, socket and allocator included); this is the state's own share.
Runs against an older checkout too: copy it into that tree's bench/ and run it there.

    python bench/bench_tab_memory.py [--tabs 200] [--top 12]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import sys
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._harness import throwaway_data_dir  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tabs", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=40)
    parser.add_argument("--top", type=int, default=12)
    args = parser.parse_args()
    with throwaway_data_dir("krs-tab-memory-", "bench-secret"):
        run(args)


def run(args) -> None:
    from krs_app.db.migrate import upgrade_to_head
    from krs_app.seed.demo import DEMO_PASSWORD, load_demo
    from krs_app.services import auth
    from krs_app.state.entry import EntryState
    from krs_app.state.session import SessionBoundary
    from tests.states.tabs import run_event, tab

    upgrade_to_head()
    load_demo()
    tokens = [auth.login(f"spm{i:02d}", DEMO_PASSWORD)[0] for i in range(1, 21) if i != 7]
    kept = []

    def open_tab(i: int) -> None:
        root = tab(tokens[i % len(tokens)], f"bench-tab-{i}")
        state = asyncio.run(root.get_state(EntryState))
        asyncio.run(SessionBoundary().preprocess(None, root, None))
        run_event(state, "load")
        asyncio.run(root._get_resolved_delta())
        root._clean()
        root.dict()  # the hydrate of a reload reads every var
        kept.append(root)

    for i in range(args.warmup):
        open_tab(i)
    gc.collect()
    tracemalloc.start(1)
    before = tracemalloc.take_snapshot()
    for i in range(args.warmup, args.warmup + args.tabs):
        open_tab(i)
    gc.collect()
    stats = tracemalloc.take_snapshot().compare_to(before, "lineno")
    total = sum(s.size_diff for s in stats)
    print(f"KRS /entry tab state memory ({ROOT}): {args.tabs} tabs of {len(tokens)} districts")
    print(f"  load average {os.getloadavg()[0]:.2f}; {total / args.tabs / 1024:.1f} KiB allocated per tab")
    for stat in stats[: args.top]:
        print(f"  {stat.size_diff / args.tabs / 1024:7.2f} KiB  {stat.traceback[0]}")


if __name__ == "__main__":
    main()
