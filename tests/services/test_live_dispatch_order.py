"""A bulk certification announces one Change per district, dispatched at once (live.dispatch):
each district's tabs must be marked stale, then sent their push, as soon as that district's own
rows are built, not after every other district's build queued meanwhile on the worker threads."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

from krs_app.live import dispatch as live_dispatch
from krs_app.live.bus import Change
from krs_app.live.registry import MemoryViewerRegistry, Viewer, district_key
from krs_app.state.entry import EntryState


def test_a_districts_tabs_are_marked_stale_before_the_next_districts_rows_are_built(monkeypatch):
    registry = MemoryViewerRegistry()
    state = EntryState.get_full_name()
    districts = [1, 2, 3]
    for district_id in districts:
        registry.add(district_key(district_id), Viewer(f"tab-{district_id}", state, f"s{district_id}", "5:tag"))
    events: list[tuple[str, int]] = []
    marked = registry.mark_stale

    def mark_stale(tokens):
        events.extend(("stale", int(token.removeprefix("tab-"))) for token in tokens)
        marked(tokens)

    def build(change, viewers, memo, groups, connected, prune_disconnected):
        events.append(("build", change.district_id))
        tokens = [v.token for v in viewers]
        groups[change.district_id] = ({state: {"row_00": change.district_id}}, tokens)
        return tokens

    async def send_delta(app, delta, tokens, redirect: str = "") -> None:
        events.append(("send", delta[state]["row_00"]))

    registry.mark_stale = mark_stale
    monkeypatch.setattr(live_dispatch, "get_registry", lambda: registry)
    monkeypatch.setattr(live_dispatch, "keys_for", lambda change: [district_key(change.district_id)])
    monkeypatch.setattr(live_dispatch, "_push_groups", build)
    monkeypatch.setattr(live_dispatch, "send_delta", send_delta)
    app = SimpleNamespace(event_namespace=None)  # no socket: every registered tab counts as connected

    async def certify_in_bulk() -> None:
        asyncio.get_running_loop().set_default_executor(ThreadPoolExecutor(max_workers=1))
        changes = [Change(district_id=d, round_id=5, indicator_id=None, kind="certify") for d in districts]
        await asyncio.gather(*(live_dispatch.dispatch(app, change) for change in changes))

    asyncio.run(certify_in_bulk())

    for district_id in districts:
        assert events.count(("send", district_id)) == 1
        stale_at = events.index(("stale", district_id))
        assert stale_at == events.index(("build", district_id)) + 1, events
        assert stale_at < events.index(("send", district_id))
