"""An acknowledged write survives a power loss, not only a crash of the app.

SQLite in WAL mode with synchronous=NORMAL keeps the database consistent but may roll back
the last commits on a power loss (sqlite.org/pragma.html#pragma_synchronous): every
connection the app writes through must sync at each commit (FULL, or EXTRA). Read from real
connections: the app's engine (the one `krs seed`, `krs seed --demo --reset`, the migrations
and `krs restore`'s check use), and the connections `krs backup` opens on its own. On
PostgreSQL, synchronous_commit must not be off for the app's sessions."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import text

from krs_app.db.engine import get_engine, session_scope
from krs_app.ops import backup as backup_module
from krs_app.ops.backup import backup

FULL = 2  # PRAGMA synchronous answers 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA


@pytest.mark.parametrize("krs_db", ["sqlite"], indirect=True)
def test_every_connection_of_the_app_engine_syncs_each_commit(krs_db):
    engine = get_engine()
    with engine.connect() as first, engine.connect() as second:  # two pooled connections, each set up
        for connection in (first, second):
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA synchronous").scalar() >= FULL
    with session_scope() as session:  # the use-cases', the seed's and the demo reset's sessions
        assert session.execute(text("PRAGMA synchronous")).scalar() >= FULL


class _Recorded(sqlite3.Connection):
    """A real sqlite3 connection that notes its synchronous setting as it is closed."""

    seen: list[tuple[str, int]] = []

    def close(self) -> None:
        database = self.execute("PRAGMA database_list").fetchone()[2]
        _Recorded.seen.append((database, self.execute("PRAGMA synchronous").fetchone()[0]))
        super().close()


@pytest.mark.parametrize("krs_db", ["sqlite"], indirect=True)
def test_the_backup_copy_is_written_with_syncing_commits(krs_db, tmp_path, monkeypatch):
    real_connect = sqlite3.connect
    _Recorded.seen = []
    monkeypatch.setattr(
        backup_module.sqlite3, "connect", lambda *args, **kwargs: real_connect(*args, factory=_Recorded, **kwargs)
    )
    backup(tmp_path / "copy")
    copy = str((tmp_path / "copy" / backup_module.SQLITE_FILE).resolve())
    assert copy in [database for database, _ in _Recorded.seen]
    assert all(level > FULL for _, level in _Recorded.seen), _Recorded.seen  # EXTRA: the copy is in DELETE mode


@pytest.mark.parametrize("krs_db", ["postgres"], indirect=True)
def test_postgres_sessions_commit_synchronously(krs_db):
    with session_scope() as session:
        assert session.execute(text("SHOW synchronous_commit")).scalar() != "off"
