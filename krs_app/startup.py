"""What the server does before it serves: migrate, and load the demo data in demo mode."""

from __future__ import annotations

import asyncio
import gc
import logging
import os
from collections.abc import Callable

from krs_app.settings import get_settings

logger = logging.getLogger(__name__)


def prepare_database() -> None:
    from krs_app.db.migrate import upgrade_to_head

    upgrade_to_head()
    if get_settings().demo:
        from krs_app.seed.demo import load_demo

        if load_demo():
            logger.warning("KRS: demo data loaded")
    from krs_app.ops.cleanup import clean_evidence_dir

    # one server on the embedded default: nothing can be mid-upload now; a shared volume: wait
    clean_evidence_dir(min_age_seconds=0 if get_settings().is_sqlite else 600)
    from krs_app.db.engine import get_engine

    get_engine().dispose()  # workers forked from this process open their own connections


# Collector thresholds (generation 0 allocations, then collections of the younger generation
# before an older one runs). Python's default (700, 10, 10) ran a full collection every few
# changes on a worker holding 1,400 tabs: 370 ms pauses, measured with
# bench/bench_live_fanout.py. Short-lived cycles are still collected young; full scans are rarer.
GC_THRESHOLDS = (20_000, 50, 50)


def freeze_startup_objects() -> None:
    """Keep what lives as long as the process (the compiled app: pages, components, vars, the
    catalogue) out of the garbage collector's full scans, and make those scans rare.

    Left in the oldest generation, each full collection walks all of it while the event loop
    waits: 100-200 ms pauses were measured on a worker holding 900 tabs, enough to double the
    time a live change takes to reach them. Call once per process, after start-up.
    KRS_GC_THRESHOLD="700,10,10" puts Python's default back."""
    gc.collect()
    gc.freeze()
    configured = os.environ.get("KRS_GC_THRESHOLD", "").strip()
    try:
        thresholds = tuple(int(part) for part in configured.split(",")) if configured else GC_THRESHOLDS
        gc.set_threshold(*thresholds)
    except (TypeError, ValueError):
        logger.warning("KRS_GC_THRESHOLD=%r is not one to three whole numbers; keeping %s", configured, GC_THRESHOLDS)
        gc.set_threshold(*GC_THRESHOLDS)


async def run_every(period_seconds: float, job: Callable[[], object], what: str) -> None:
    """Run a blocking job in a worker thread now and then every period, for ever.

    A failing run (whatever it raises, an ImportError included) is logged with its traceback
    and the job runs again next period; only cancellation (shutdown) ends the loop."""
    while True:
        try:
            await asyncio.to_thread(job)
        except Exception:
            logger.exception("%s failed; trying again in %s s", what, period_seconds)
        await asyncio.sleep(period_seconds)
