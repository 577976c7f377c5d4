"""The database unavailable for about 10 s while a district has its entry page open, over the
real app (its own process, the district's tab on the real websocket):

- PostgreSQL stopped (`pg_ctl stop -m fast` of a throw-away cluster this test starts: the
  shared server on 5432 is never touched), or
- the SQLite file locked by another writer (BEGIN EXCLUSIVE held past the busy timeout).

The district who saves a cell, or sends a message in a thread window, during it is told in
Thai, at that cell or message box, that nothing was stored; nothing is stored (no value, no
audit row, no message); once the database is back the same save and the same send work in
the same app process and tab, no restart."""

from __future__ import annotations

import asyncio
import sqlite3
import tempfile
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from bench._harness import backend_only, demo_env, free_port, start_app
from tests.faults._outage import EntryTab, PostgresCluster, district_login

UNAVAILABLE = "ฐานข้อมูลไม่พร้อมใช้งานชั่วคราว"
OUTAGE_SECONDS = 10
CODE, KEY = "11.3", "1"  # spm07's flag, empty in the demo data
BODY = "ส่งเอกสารครบแล้วระหว่างฐานข้อมูลดับ"


class _Outage:
    """Start and end the outage of one database kind; the URL the test reads the database by."""

    def __init__(self, kind: str, data_dir: Path) -> None:
        self.kind = kind
        self.data_dir = data_dir
        self.cluster = PostgresCluster() if kind == "postgresql" else None
        self._release = threading.Event()
        self._holder: threading.Thread | None = None

    @property
    def app_url(self) -> str | None:
        return self.cluster.url if self.cluster else None

    @property
    def read_url(self) -> str:
        return self.cluster.url if self.cluster else f"sqlite:///{self.data_dir / 'krs.db'}"

    def begin(self) -> None:
        if self.cluster:
            self.cluster.stop()
            return
        locked = threading.Event()

        def hold() -> None:
            other = sqlite3.connect(self.data_dir / "krs.db", isolation_level=None)
            other.execute("BEGIN EXCLUSIVE")
            locked.set()
            self._release.wait(60)
            other.execute("ROLLBACK")
            other.close()

        self._holder = threading.Thread(target=hold, daemon=True)
        self._holder.start()
        assert locked.wait(10), "could not lock the SQLite file"

    def end(self) -> None:
        if self.cluster:
            self.cluster.start()
            return
        self._release.set()
        self._holder.join(10)

    def remove(self) -> None:
        if self.cluster:
            self.cluster.remove()


def _stored(read_url: str, variable_id: int) -> tuple[int, int, int]:
    """(value rows, enter_value audit rows) of this variable and the messages with BODY, read
    from the database itself."""
    engine = create_engine(read_url)
    try:
        with engine.connect() as connection:
            values = connection.execute(
                text("SELECT count(*) FROM value WHERE variable_id = :v"), {"v": variable_id}
            ).scalar_one()
            audits = connection.execute(
                text("SELECT count(*) FROM audit_log WHERE action = 'enter_value' AND entity_id = :v"),
                {"v": variable_id},
            ).scalar_one()
            messages = connection.execute(
                text("SELECT count(*) FROM message WHERE body = :b"), {"b": BODY}
            ).scalar_one()
        return int(values), int(audits), int(messages)
    finally:
        engine.dispose()


async def _edit_through_the_outage(url: str, outage: _Outage) -> dict:
    tab = EntryTab(url, await asyncio.to_thread(district_login, url))
    try:
        await tab.open()
        variable = tab.variable(CODE, KEY)
        element = variable["element_id"]
        assert variable["value_text"] == "", variable
        await tab.open_comments(CODE)
        before = await asyncio.to_thread(_stored, outage.read_url, variable["id"])

        await asyncio.to_thread(outage.begin)
        down_at = time.monotonic()
        await asyncio.sleep(1)
        await tab.save(CODE, KEY, "1")
        waited = await tab.wait(
            lambda: UNAVAILABLE in tab.cell_errors.get(element, ""), 30, "the Thai message at the cell"
        )
        message = tab.cell_errors[element]
        assert "ยังไม่ได้บันทึก" in message and "ลองใหม่" in message, message
        assert tab.variable(CODE, KEY)["value_text"] == "", "the cell shows a value that was not stored"
        # A message sent in the thread window meanwhile: the Thai message at its box.
        await tab.send_comment(BODY, "req-outage-1")
        await tab.wait(lambda: UNAVAILABLE in tab.panel.get("comment_error", ""), 30, "the Thai message at the box")
        assert BODY not in tab.thread_bodies()

        await asyncio.sleep(max(0.0, down_at + OUTAGE_SECONDS - time.monotonic()))
        await asyncio.to_thread(outage.end)
        outage_seconds = time.monotonic() - down_at
        during = await asyncio.to_thread(_stored, outage.read_url, variable["id"])
        assert during == before, "something was stored half during the outage"

        # Back: the same tab, the same app process, the same edit saves now.
        await tab.save(CODE, KEY, "1")
        await tab.wait(
            lambda: tab.variable(CODE, KEY)["value_text"] == "1" and element not in tab.cell_errors,
            30,
            "the saved value, the message gone",
        )
        # The same send (the same request id, pressed again) posts it now, once.
        await tab.send_comment(BODY, "req-outage-1")
        await tab.wait(
            lambda: BODY in tab.thread_bodies() and not tab.panel.get("comment_error"), 30, "the message in the thread"
        )
        after = await asyncio.to_thread(_stored, outage.read_url, variable["id"])
        assert after == (before[0] + 1, before[1] + 1, before[2] + 1), (before, after)  # the value with its audit row
        return {"answered_in": waited, "outage": outage_seconds}
    finally:
        await tab.close()


@pytest.mark.parametrize("kind", ["postgresql", "sqlite"])
def test_a_save_while_the_database_is_down_is_refused_in_thai_at_the_cell_and_works_after(kind):
    data_dir = Path(tempfile.mkdtemp(prefix=f"krs-outage-{kind}-"))
    outage = _Outage(kind, data_dir)
    port = free_port()
    extra = {"KRS_DATABASE_URL": outage.app_url} if outage.app_url else {}
    app = None
    try:
        app = start_app(
            backend_only(port),
            env=demo_env(data_dir, port, "outage-secret", **extra),
            log=data_dir / "app.log",
            ping_url=f"http://localhost:{port}/ping",
            timeout=300,
        )
        measured = asyncio.run(_edit_through_the_outage(f"http://localhost:{port}", outage))
        print(
            f"\n{kind} unavailable {measured['outage']:.1f} s: the Thai message at the cell after "
            f"{measured['answered_in']:.1f} s, at the message box too; the same save and send stored after it, no restart"
        )
        assert app.process.poll() is None, "the app process did not survive the outage"
    finally:
        if app is not None:
            app.stop()
        outage.remove()
