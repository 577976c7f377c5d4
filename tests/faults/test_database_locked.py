"""The database unavailable for 10 s (the SQLite file locked by another writer with BEGIN
EXCLUSIVE): the district saving a value during it gets a clear Thai message, nothing is
stored (no value, no audit row), and once the lock goes the same save works, no restart."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest

from krs_app.services import entry
from krs_app.services.errors import DatabaseUnavailable
from krs_app.settings import get_settings
from tests.services.helpers import audit_count, current_round_id, login_as, stored_value, variable_id

LOCK_SECONDS = 12  # held past the app's 10 s busy timeout


def test_a_save_during_a_locked_database_is_refused_in_thai_and_works_after(krs_db):
    if krs_db != "sqlite":
        pytest.skip("the SQLite lock case (PostgreSQL stopped: tests/faults/test_database_outage.py)")
    user = login_as("spm07")
    round_id, flag = current_round_id(), variable_id("11.3", "1")
    audits_before = audit_count("enter_value")
    locked = threading.Event()

    def hold_lock() -> None:
        other = sqlite3.connect(get_settings().data_dir / "krs.db", isolation_level=None)
        other.execute("BEGIN EXCLUSIVE")
        locked.set()
        time.sleep(LOCK_SECONDS)
        other.execute("ROLLBACK")
        other.close()

    holder = threading.Thread(target=hold_lock)
    holder.start()
    locked.wait(5)
    started = time.monotonic()
    with pytest.raises(DatabaseUnavailable) as refused:
        entry.enter_value(user, round_id, flag, "1")
    assert "ฐานข้อมูลไม่พร้อมใช้งานชั่วคราว" in refused.value.message and "ลองใหม่" in refused.value.message
    assert time.monotonic() - started < LOCK_SECONDS + 5
    holder.join()
    assert stored_value(user.district_id, "11.3", "1", round_id) is None
    assert audit_count("enter_value") == audits_before  # nothing half-stored

    outcome = entry.enter_value(user, round_id, flag, "1")  # the lock is gone: works, same process
    assert outcome.ok and stored_value(user.district_id, "11.3", "1", round_id) == 1.0
    assert audit_count("enter_value") == audits_before + 1
