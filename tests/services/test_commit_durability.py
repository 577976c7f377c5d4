"""An acknowledged write survives a power loss, not only a crash of the app.

SQLite in WAL mode with synchronous=NORMAL keeps the database consistent but may roll back
the last commits on a power loss (sqlite.org/pragma.html#pragma_synchronous): every
connection the app writes through must sync at each commit (FULL, or EXTRA). Read from real
connections: the app's engine (the one `krs seed`, `krs seed --demo --reset`, the migrations
and `krs restore`'s check use), and the connections `krs backup` opens on its own. On
PostgreSQL, synchronous_commit must not be off for the app's sessions."""

from __future__ import annotations

import os
import sqlite3

import pytest
from sqlalchemy import text

from krs_app.db.engine import get_engine, session_scope
from krs_app.db.models import EvidenceFile
from krs_app.ops import backup as backup_module
from krs_app.ops.backup import backup, evidence_relative_path, read_manifest
from krs_app.ops.restore import restore
from krs_app.settings import get_settings
from tests.conftest import _use_database
from tests.services.helpers import SMALL_PDF, attach_pdf, login_as

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


def _record_syncs(monkeypatch, seen: dict[str, object] | None = None, probe=None) -> list[str]:
    """The paths os.fsync is called on from now on (each still synced for real); with `probe`,
    what it answered at each of them goes into `seen`."""
    synced: list[str] = []
    real_fsync = os.fsync

    def recording(descriptor: int) -> None:
        path = os.readlink(f"/proc/self/fd/{descriptor}")
        synced.extend([path, f"inode {os.fstat(descriptor).st_ino}"])  # a file may be renamed after
        if probe is not None and seen is not None:
            seen[path] = probe()
        real_fsync(descriptor)

    monkeypatch.setattr(os, "fsync", recording)
    return synced


def _inode(path) -> str:
    return f"inode {os.stat(path).st_ino}"


@pytest.mark.parametrize("krs_db", ["sqlite"], indirect=True)
def test_an_attached_file_is_on_the_disk_under_its_name_before_its_row_commits(krs_db, monkeypatch):
    user = login_as("spm07")
    database = get_settings().data_dir / "krs.db"

    def committed_rows() -> int:  # as another connection sees the database: committed rows only
        with sqlite3.connect(database) as other:
            return other.execute("SELECT count(*) FROM evidence_file").fetchone()[0]

    before = committed_rows()
    rows_at_sync: dict[str, object] = {}
    synced = _record_syncs(monkeypatch, rows_at_sync, committed_rows)
    file_id, _staged = attach_pdf(user)
    with session_scope() as session:
        stored = get_settings().evidence_dir / evidence_relative_path(session.get(EvidenceFile, file_id).stored_name)
    assert _inode(stored) in synced  # its content (under its staging name, before the rename)
    assert stored.read_bytes() == SMALL_PDF
    assert str(stored.parent.resolve()) in synced  # its name in its folder
    assert rows_at_sync[str(stored.parent.resolve())] == before  # both before its row was committed
    assert committed_rows() == before + 1


@pytest.mark.parametrize("krs_db", ["sqlite"], indirect=True)
def test_a_restore_syncs_what_it_copied_before_it_says_done(krs_db, tmp_path, request, monkeypatch):
    attach_pdf(login_as("spm07"))
    dest = tmp_path / "backup"
    backup(dest)
    target = tmp_path / "restored"
    _use_database(target, None)
    synced = _record_syncs(monkeypatch)
    restore(dest)
    (relative,) = read_manifest(dest)["evidence"]
    for path in (target / "krs.db", target / "evidence" / relative):
        assert _inode(path) in synced and str(path.parent.resolve()) in synced, path
