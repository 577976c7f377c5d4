"""Profile one district edit on บันทึกข้อมูล in this process (cProfile), without the websocket.

What a `save_cell` event costs the server: the session check, the handler (the service's
write, audit and reload of the row) and building and encoding the delta the tab is sent, as
Reflex's event processing does after the handler. A fresh data directory with the demo data;
spm07 toggles its 11.3 flag `--edits` times. Prints the time per edit, the reply size, and the
top functions by own time and by cumulative time. Runs against an older checkout too: copy it
into that tree's bench/ and run it there (this file puts its own checkout first on sys.path).

    python bench/profile_edit.py [--edits 300] [--top 25] [--out edit.prof]
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

from bench._harness import throwaway_data_dir  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--edits", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--out", help="also write the raw profile here (pstats)")
    args = parser.parse_args()

    with throwaway_data_dir("krs-profile-edit-", "profile-secret"):
        run(args)


def run(args) -> None:
    from reflex.utils.format import json_dumps

    from krs_app.db.migrate import upgrade_to_head
    from krs_app.seed.demo import DEMO_PASSWORD, load_demo
    from krs_app.services import auth, entry
    from krs_app.state.entry import EntryState
    from krs_app.state.session import SessionBoundary
    from tests.states.tabs import run_event, tab

    upgrade_to_head()
    load_demo()
    token, user = auth.login("spm07", DEMO_PASSWORD)
    row = next(r for r in entry.entry_page(user).indicators if r.code == "11.3")
    cell = next(v for v in row.variables if v.mode == "input")
    root = tab(token, "profile-tab")
    state = asyncio.run(root.get_state(EntryState))
    boundary = SessionBoundary()
    asyncio.run(boundary.preprocess(None, root, None))
    run_event(state, "load")
    asyncio.run(root._get_resolved_delta())
    root._clean()

    sizes: list[int] = []

    def edit(text: str) -> None:
        asyncio.run(boundary.preprocess(None, root, None))  # the session check of every event
        run_event(state, "save_cell", cell.id, cell.element_id, text)
        delta = asyncio.run(root._get_resolved_delta())
        root._clean()
        sizes.append(len(json_dumps({"delta": delta, "events": []}).encode()))

    text = "1"
    for _ in range(args.warmup):
        edit(text)
        text = "0" if text == "1" else "1"
    sizes.clear()
    profile = cProfile.Profile()
    started, cpu_started = time.perf_counter(), time.process_time()
    profile.enable()
    for _ in range(args.edits):
        edit(text)
        text = "0" if text == "1" else "1"
    profile.disable()
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started

    print(f"KRS edit profile ({ROOT}): {args.edits} edits of spm07 11.3, in-process, cProfile on")
    print(
        f"  load average {os.getloadavg()[0]:.2f}; {elapsed / args.edits * 1000:.2f} ms wall, {cpu / args.edits * 1000:.2f} ms CPU per edit (profiled)"
    )
    print(f"  reply (delta) size: median {sorted(sizes)[len(sizes) // 2]} B, max {max(sizes)} B")
    if args.out:
        profile.dump_stats(args.out)
    for order in ("tottime", "cumulative"):
        out = io.StringIO()
        stats = pstats.Stats(profile, stream=out).strip_dirs().sort_stats(order)
        stats.print_stats(args.top)
        print(f"\n---- top {args.top} by {order}")
        print("\n".join(line for line in out.getvalue().splitlines() if line.strip())[-(args.top + 2) * 200 :])


if __name__ == "__main__":
    main()
