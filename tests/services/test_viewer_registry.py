"""Who watches what: the viewer registry the live updates use, in memory and in Redis."""

from __future__ import annotations

import uuid

import pytest

from krs_app.live.registry import MemoryViewerRegistry, RedisViewerRegistry, Viewer

REDIS_URL = "redis://127.0.0.1:6379/14"


def _redis_registry():
    try:
        import redis

        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5)
        client.ping()
    except Exception as error:  # noqa: BLE001
        pytest.skip(f"Redis does not answer at {REDIS_URL}: {error}")
    registry = RedisViewerRegistry(REDIS_URL)
    run = f"krs-test-{uuid.uuid4().hex}"  # keep runs apart
    registry._prefix, registry._stale_prefix, registry._membership_prefix = (
        f"{run}:viewers:",
        f"{run}:stale:",
        f"{run}:viewer-of:",
    )
    return registry


@pytest.fixture(params=["memory", "redis"])
def registry(request):
    return MemoryViewerRegistry() if request.param == "memory" else _redis_registry()


def test_a_tab_watches_one_thing_at_a_time(registry):
    registry.add("district:1", Viewer("tab-a", "EntryState", "s1", "5"))
    registry.add("district:1", Viewer("tab-b", "EntryState", "s2", "5"))
    assert sorted(registry.viewers(["district:1"])) == [
        Viewer("tab-a", "EntryState", "s1", "5"),
        Viewer("tab-b", "EntryState", "s2", "5"),
    ]
    registry.add("district:1", Viewer("tab-a", "EntryState", "s1", "6"))  # the tab chose another round
    assert sorted(registry.viewers(["district:1"])) == [
        Viewer("tab-a", "EntryState", "s1", "6"),
        Viewer("tab-b", "EntryState", "s2", "5"),
    ]
    registry.add("bureau:3", Viewer("tab-a", "ReviewState", "s1"))  # and then another page
    assert registry.viewers(["district:1"]) == [Viewer("tab-b", "EntryState", "s2", "5")]
    assert registry.viewers(["bureau:3", "kpi"]) == [Viewer("tab-a", "ReviewState", "s1", "")]
    registry.remove_token("tab-b")
    assert registry.viewers(["district:1"]) == []


def test_stale_marks_are_taken_once(registry):
    registry.mark_stale(["tab-a", "tab-b"])
    assert registry.take_stale("tab-a") is True
    assert registry.take_stale("tab-a") is False
    registry.remove_token("tab-b")
    assert registry.take_stale("tab-b") is False
    assert registry.take_stale("never-marked") is False
