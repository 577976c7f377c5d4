"""Migration 0006: the audit log gets an index on round_id, and the use-cases that read one
round's audit rows (the report's status timeline, the sent reminders) find them through it
instead of scanning the whole log (SQLite's EXPLAIN QUERY PLAN: SEARCH, not SCAN)."""

from __future__ import annotations

from datetime import datetime

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from krs_app.db.engine import get_engine, make_engine
from krs_app.db.migrate import alembic_config
from krs_app.services.reminders import sent_reminders
from krs_app.services.report_timeline import status_timeline
from tests.services.helpers import current_round_id, indicator_id, login_as

PREVIOUS = "0005_not_applicable"
INDEX = "ix_audit_log_round_id"


def _audit_indexes(engine: sa.Engine) -> dict[str, list[str]]:
    return {ix["name"]: ix["column_names"] for ix in sa.inspect(engine).get_indexes("audit_log")}


def test_the_round_index_is_created_matches_the_model_and_is_dropped_on_downgrade(empty_url):
    engine = make_engine(empty_url)
    try:
        command.upgrade(alembic_config(engine), PREVIOUS)
        with engine.begin() as connection:
            connection.execute(
                sa.text(
                    "INSERT INTO audit_log (at, action, entity, round_id, before, after)"
                    " VALUES (:at, 'remind', 'round', :round_id, NULL, NULL)"
                ),
                [{"at": datetime(2026, 1, 1, 8, 0, i), "round_id": i % 3 + 1} for i in range(30)],
            )
        assert INDEX not in _audit_indexes(engine)
        command.upgrade(alembic_config(engine), "head")
        assert _audit_indexes(engine)[INDEX] == ["round_id"]
        with engine.connect() as connection:
            assert connection.execute(sa.text("SELECT count(*) FROM audit_log WHERE round_id = 2")).scalar() == 10
            # The models say what the migrations made: nothing left for autogenerate on audit_log.
            diff = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
        assert [d for d in diff if "audit_log" in repr(d)] == []
        command.downgrade(alembic_config(engine), PREVIOUS)
        assert INDEX not in _audit_indexes(engine)
        command.upgrade(alembic_config(engine), "head")
        assert _audit_indexes(engine)[INDEX] == ["round_id"]
    finally:
        engine.dispose()


def _audit_plans(run) -> list[str]:
    """SQLite's EXPLAIN QUERY PLAN of every statement `run` sends that reads audit_log by round."""
    engine = get_engine()
    sent: list[tuple[str, tuple]] = []

    def record(_conn, _cursor, statement, parameters, _context, _many):
        if "FROM audit_log" in statement and "audit_log.round_id" in statement:
            sent.append((statement, parameters))

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        run()
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    plans = []
    raw = engine.raw_connection()
    try:
        for statement, parameters in sent:
            rows = raw.cursor().execute(f"EXPLAIN QUERY PLAN {statement}", parameters).fetchall()
            plans.append(" | ".join(row[-1] for row in rows))
    finally:
        raw.close()
    return plans


@pytest.mark.parametrize("krs_db", ["sqlite"], indirect=True)
def test_the_use_cases_reading_one_rounds_audit_rows_search_the_round_index(krs_db):
    round_id = current_round_id()
    kpi, finance = login_as("kpi"), login_as("finance")
    timeline = _audit_plans(lambda: status_timeline(kpi, round_id))
    reminders = _audit_plans(lambda: sent_reminders(finance, indicator_id("11.3"), round_id))
    assert len(timeline) == 1 and len(reminders) == 1, (timeline, reminders)
    for plan in timeline + reminders:  # e.g. "SEARCH audit_log USING INDEX ix_audit_log_round_id (round_id=?)"
        assert f"USING INDEX {INDEX} (round_id=?)" in plan, plan
