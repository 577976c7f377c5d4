"""One edit is one transaction: one commit (one fsync) holding value, audit row and result."""

from __future__ import annotations

import pytest
from sqlalchemy import event, func, select

from krs_app.db.engine import get_engine, session_scope
from krs_app.db.models import AuditLog
from krs_app.services import audit, entry
from tests.services.helpers import (
    audit_count,
    current_round_id,
    login_as,
    result_of,
    stored_value,
    variable_id,
)


def _count_commits():
    commits: list[object] = []
    engine = get_engine()

    def note(connection):
        commits.append(connection)

    event.listen(engine, "commit", note)
    return commits, lambda: event.remove(engine, "commit", note)


def _audit_rows() -> int:
    with session_scope() as session:
        return session.execute(select(func.count()).select_from(AuditLog)).scalar_one()


def test_one_edit_commits_once(krs_db):
    user = login_as("spm07")
    round_id = current_round_id()
    vid = variable_id("11.3", "1")
    commits, stop = _count_commits()
    try:
        outcome = entry.enter_value(user, round_id, vid, "1")
    finally:
        stop()
    assert outcome.ok and outcome.changed
    assert len(commits) == 1
    assert stored_value(user.district_id, "11.3", "1", round_id) == 1
    assert audit_count("enter_value") == 1


def test_a_failure_after_the_value_is_written_stores_nothing(krs_db, monkeypatch):
    user = login_as("spm07")
    round_id = current_round_id()
    vid = variable_id("11.3", "1")
    before = result_of(user.district_id, "11.3", round_id)
    before_fields = None if before is None else (before.status, before.score)
    rows_before = _audit_rows()

    def broken(*args, **kwargs):
        raise RuntimeError("disk gone")

    # the value and the result are written and flushed when the audit row fails
    monkeypatch.setattr(audit, "record", broken)
    with pytest.raises(RuntimeError):
        entry.enter_value(user, round_id, vid, "1")
    assert stored_value(user.district_id, "11.3", "1", round_id) is None
    after = result_of(user.district_id, "11.3", round_id)
    assert (None if after is None else (after.status, after.score)) == before_fields
    assert _audit_rows() == rows_before


def _statements_of(action):
    statements: list[str] = []
    engine = get_engine()

    def note(_conn, _cursor, statement, _params, _context, _many):
        statements.append(" ".join(statement.split()))

    event.listen(engine, "before_cursor_execute", note)
    try:
        action()
    finally:
        event.remove(engine, "before_cursor_execute", note)
    return statements


def test_an_edit_reads_its_result_and_values_once(krs_db):
    """The transaction does not read again what it already read (or wrote) itself."""
    user = login_as("spm07")
    round_id = current_round_id()
    vid = variable_id("11.3", "1")
    statements = _statements_of(lambda: entry.enter_value(user, round_id, vid, "1"))
    result_reads = [s for s in statements if s.startswith("SELECT") and " FROM result " in s + " "]
    value_reads = [s for s in statements if s.startswith("SELECT") and " FROM value " in s + " "]
    assert len(result_reads) == 1
    assert len(value_reads) == 1
    assert stored_value(user.district_id, "11.3", "1", round_id) == 1
    assert result_of(user.district_id, "11.3", round_id).status == "awaiting"
