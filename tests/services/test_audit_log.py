"""The audit log: readable pages and CSV for the KPI office, and its hash chain —
sealed in the change's transaction, safe with concurrent writers, checked by `krs audit verify`."""

from __future__ import annotations

import csv
import io
import itertools
import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import text
from sqlmodel import select

from krs_app import cli
from krs_app.db.engine import get_engine, session_scope
from krs_app.db.models import AuditChainHead, AuditLog
from krs_app.services import accounts, audit, audit_log, clock
from krs_app.services.audit_log import AuditFilter
from krs_app.services.entry import enter_value
from krs_app.services.errors import FieldError, NotAllowed
from tests.services.helpers import current_round_id, district_id, indicator_id, login_as, variable_id


def _enter(user, code: str, key: str, value: str):
    outcome = enter_value(user, current_round_id(), variable_id(code, key), value)
    assert outcome.ok, outcome
    return outcome


def test_the_demo_data_verifies(krs_db, capsys):
    login_as("spm07")  # a login is audited: the chain has rows
    assert cli.main(["audit", "verify"]) == 0
    out = capsys.readouterr().out
    assert "ห่วงโซ่ครบถ้วน" in out
    assert audit_log.verify_chain().checked >= 1


def test_each_audit_row_is_chained_in_its_own_transaction(krs_db):
    spm07 = login_as("spm07")
    _enter(spm07, "11.3", "1", "1")
    with session_scope() as session:
        rows = list(session.exec(select(AuditLog).order_by(AuditLog.seq)))
        head = session.get(AuditChainHead, 1)
    assert all(r.seq is not None and r.row_hash for r in rows)
    assert [r.seq for r in rows] == list(range(1, len(rows) + 1))
    assert all(b.prev_hash == a.row_hash for a, b in itertools.pairwise(rows))
    assert head.seq == rows[-1].seq and head.row_hash == rows[-1].row_hash


def test_a_row_edited_in_sql_is_reported_as_the_first_broken_link(krs_db, capsys):
    spm07 = login_as("spm07")
    _enter(spm07, "11.3", "1", "1")
    _enter(spm07, "11.3", "1", "0")
    with session_scope() as session:
        victim = session.exec(select(AuditLog).where(AuditLog.action == "enter_value").order_by(AuditLog.id)).first()
    with get_engine().begin() as connection:
        connection.execute(text("UPDATE audit_log SET after = :a WHERE id = :i"), {"a": '{"value": 5}', "i": victim.id})
    check = audit_log.verify_chain()
    assert not check.ok and check.broken.row_id == victim.id
    assert cli.main(["audit", "verify"]) == 1
    out = capsys.readouterr().out
    assert f"id {victim.id}" in out and f"ตรวจแล้ว {check.checked} แถว" in out


def test_a_deleted_row_breaks_the_chain(krs_db):
    spm07 = login_as("spm07")
    for value in ("1", "0", "1"):
        _enter(spm07, "11.3", "1", value)
    with session_scope() as session:
        ids = list(session.exec(select(AuditLog.id).order_by(AuditLog.seq)))
    with get_engine().begin() as connection:
        connection.execute(text("DELETE FROM audit_log WHERE id = :i"), {"i": ids[1]})
    assert audit_log.verify_chain().broken.row_id == ids[2]
    with get_engine().begin() as connection:
        connection.execute(text("DELETE FROM audit_log WHERE id >= :i"), {"i": ids[1]})
    broken = audit_log.verify_chain().broken
    assert broken is not None and broken.row_id is None  # the tail was cut: the head says so


def test_a_rolled_back_change_leaves_the_chain_whole(krs_db):
    login_as("kpi")
    with pytest.raises(RuntimeError), session_scope() as session:
        audit.record(session, user_id=None, action="logout", entity="user")
        raise RuntimeError("fails after the audit row")
    login_as("kpi")
    assert audit_log.verify_chain().ok


def test_bulk_inserted_audit_rows_are_sealed_too(krs_db):
    from sqlalchemy import insert

    now = clock.utcnow()
    with session_scope() as session:
        session.execute(insert(AuditLog), [{"at": now, "action": "close_fix", "entity": "result"} for _ in range(50)])
    check = audit_log.verify_chain()
    assert check.ok and check.checked == 50


def test_concurrent_writers_extend_one_unbroken_chain(krs_db):
    threads, errors = 8, []
    per_thread = 15

    def write(n: int) -> None:
        try:
            for i in range(per_thread):
                with session_scope() as session:
                    audit.record(session, user_id=None, action="logout", entity="user", entity_id=n * 1000 + i)
                    if i % 3 == 0:  # two rows in one transaction stay next to each other
                        audit.record(session, user_id=None, action="login", entity="user", entity_id=n * 1000 + i)
        except Exception as error:  # noqa: BLE001
            errors.append(error)

    workers = [threading.Thread(target=write, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert not errors
    check = audit_log.verify_chain()
    assert check.ok and check.checked == threads * (per_thread + 5)
    with session_scope() as session:
        pairs = list(session.exec(select(AuditLog.seq, AuditLog.entity_id, AuditLog.action).order_by(AuditLog.seq)))
    for seq_login in [p for p in pairs if p[2] == "login"]:
        before = next(p for p in pairs if p[0] == seq_login[0] - 1)
        assert before[1] == seq_login[1] and before[2] == "logout"


# ---------------------------------------------------------------- reading it


def test_only_the_kpi_office_reads_the_log(krs_db):
    for who in ("spm07", "finance"):
        user = login_as(who)
        with pytest.raises(NotAllowed):
            audit_log.audit_page(user)
        with pytest.raises(NotAllowed):
            audit_log.audit_csv(user)


def test_a_page_is_newest_first_in_plain_thai(krs_db):
    spm07 = login_as("spm07")
    _enter(spm07, "11.3", "1", "1")
    clock.shift_for_tests(timedelta(minutes=5))
    _enter(spm07, "11.3", "1", "0")
    kpi = login_as("kpi")
    page = audit_log.audit_page(kpi, AuditFilter(indicator="11.3"))
    assert page.total == 2
    newest, older = page.rows
    assert newest.action_label == "สพท. บันทึกข้อมูล" and newest.indicator == "11.3" and newest.district == "สพม. เขต 7"
    assert "ค่า: 1 → 0" in newest.change_text and newest.who.endswith("(spm07)")
    assert newest.at_text.endswith("น.") and newest.round_label.startswith("ครั้งที่")
    assert "ค่า: - → 1" in older.change_text or "ค่า: 1" in older.after_text


def test_filters_by_user_action_office_and_dates(krs_db):
    spm07 = login_as("spm07")
    _enter(spm07, "11.3", "1", "1")
    kpi = login_as("kpi")
    assert {r.action for r in audit_log.audit_page(kpi, AuditFilter(username="spm07")).rows} == {"login", "enter_value"}
    assert audit_log.audit_page(kpi, AuditFilter(action="login")).total == 2
    assert audit_log.audit_page(kpi, AuditFilter(office="district:spm07")).total == 1
    assert audit_log.audit_page(kpi, AuditFilter(office="bureau:finance")).total == 1  # 11.3 is finance's
    assert audit_log.audit_page(kpi, AuditFilter(office="kpi_office")).total == 1
    today = clock.to_bangkok(clock.utcnow()).date()
    assert audit_log.audit_page(kpi, AuditFilter(date_from=today, date_to=today)).total == 3
    assert audit_log.audit_page(kpi, AuditFilter(date_to=today - timedelta(days=1))).total == 0
    with pytest.raises(FieldError) as refused:
        audit_log.audit_page(kpi, AuditFilter(date_from=today, date_to=date(2000, 1, 1)))
    assert refused.value.field == "date_to"
    users, indicators, actions = audit_log.filter_options(kpi)
    assert "spm07" in [u.value for u in users] and "11.3" in [i.value for i in indicators]
    assert ("login", "เข้าสู่ระบบ") in [(a.value, a.label) for a in actions]


def test_csv_export_neutralises_formulas(krs_db):
    kpi = login_as("kpi")
    made = accounts.create_account(kpi, "evil01", "district", "district:spm07", '=HYPERLINK("http://x")')
    with session_scope() as session:
        audit.record(
            session,
            user_id=made.account.id,
            action="post_message",
            entity="message",
            district_id=district_id("spm07"),
            indicator_id=indicator_id("11.3"),
            after={"body": "-1+1"},
        )
    data = audit_log.audit_csv(kpi)
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == list(audit_log.CSV_HEADERS)
    message = next(r for r in rows if r[3] == "ส่งความคิดเห็น")
    assert message[1] == '\'=HYPERLINK("http://x") (evil01)'
    assert message[8] == "ข้อความ: -1+1" and message[4] == "สพม. เขต 7" and message[5] == "11.3"
    assert all(not c.startswith(("=", "+", "-", "@")) for row in rows for c in row)
