"""Engine and sessions. SQLite (WAL mode) by default, PostgreSQL through KRS_DATABASE_URL."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, create_engine

from krs_app.settings import get_settings

logger = logging.getLogger(__name__)


# How every connection to the app's SQLite file commits. In WAL mode FULL syncs the WAL at
# every commit, so a committed (acknowledged) transaction survives a power loss or an OS
# crash; NORMAL syncs only at checkpoints, so the last commits before a power loss could
# roll back (sqlite.org/pragma.html#pragma_synchronous, sqlite.org/wal.html). EXTRA adds a
# directory sync after a rollback journal is deleted, which only a rollback-journal mode
# has: in WAL it costs nothing more than FULL, and it keeps commits durable should a file
# system refuse WAL and leave the database in DELETE mode. Backups use it as well.
SQLITE_SYNCHRONOUS = "EXTRA"


def sync_every_commit(dbapi_connection) -> None:
    """Make a SQLite connection (the engine's, or one opened with sqlite3) commit durably."""
    dbapi_connection.execute(f"PRAGMA synchronous={SQLITE_SYNCHRONOUS}")


def _enable_sqlite_wal(dbapi_connection, _record) -> None:
    sync_every_commit(dbapi_connection)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _enable_sqlite_wal)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


@lru_cache(maxsize=1)
def get_engine() -> Engine:
    return make_engine(get_settings().database_url)


def reset_engine_cache() -> None:
    get_engine.cache_clear()


def _forget_engine_after_fork() -> None:
    """A forked worker must not reuse its parent's pooled connections (SQLAlchemy's advice)."""
    if get_engine.cache_info().currsize:
        get_engine().dispose(close=False)
    get_engine.cache_clear()


os.register_at_fork(after_in_child=_forget_engine_after_fork)


# Every session seals the audit rows it wrote into the hash chain at commit.
from krs_app.db import audit_chain  # noqa: E402, F401


@contextmanager
def session_scope() -> Iterator[Session]:
    """One transaction: commit on success, roll back on any error.

    A database that does not answer (SQLite locked past the busy timeout, PostgreSQL down) is
    a DatabaseUnavailable refusal with a Thai message: the transaction is rolled back whole,
    and the next use-case tries again (the pool pings PostgreSQL connections before use)."""
    from krs_app.services.errors import DatabaseUnavailable

    with Session(get_engine(), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except OperationalError as error:
            session.rollback()
            # the driver's first line only: the statement's parameters may hold what was typed
            logger.warning("database unavailable: %s", str(error.orig).splitlines()[0][:200])
            raise DatabaseUnavailable() from error
        except BaseException:
            session.rollback()
            raise
