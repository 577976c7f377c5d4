"""The app's periodic job (closing rounds whose deadline passed) logs a failure, an
ImportError included, and runs again; it does not die or fail silently."""

from __future__ import annotations

import asyncio
import logging

import pytest

from krs_app.startup import run_every


def _run_until(calls: list, outcomes: list, wanted: int) -> None:
    async def main():
        def job():
            outcome = outcomes[len(calls)] if len(calls) < len(outcomes) else None
            calls.append(outcome)
            if isinstance(outcome, BaseException):
                raise outcome

        task = asyncio.create_task(run_every(0.001, job, "the test job"))
        while len(calls) < wanted:
            await asyncio.sleep(0.005)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(asyncio.wait_for(main(), timeout=10))


def test_a_failing_run_is_logged_and_the_job_runs_again(caplog):
    calls: list = []
    with caplog.at_level(logging.ERROR, logger="krs_app.startup"):
        _run_until(calls, [ImportError("broken import"), RuntimeError("database down"), None], 3)
    assert len(calls) >= 3
    failures = [r for r in caplog.records if "the test job failed" in r.getMessage()]
    assert [r.exc_info[0] for r in failures[:2]] == [ImportError, RuntimeError]
