"""`krs backup` taken while a district keeps writing, `krs restore` into a fresh data directory:
every table's row count and value checksum, every evidence file's hash and the audit chain
match. On SQLite and (when it answers) PostgreSQL."""

from __future__ import annotations

import hashlib
import json
import os
import threading
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select

from krs_app.cli import main as krs
from krs_app.db.engine import get_engine, session_scope
from krs_app.db.models import AuditLog, EvidenceFile, Message, Value
from krs_app.ops.backup import BackupError, backup, read_manifest
from krs_app.ops.restore import restore
from krs_app.ops.tables import file_sha256, table_summary
from krs_app.services import entry, evidence, threads
from krs_app.settings import get_settings
from tests.conftest import POSTGRES_URL, _postgres_admin_url, _use_database
from tests.services.helpers import current_round_id, indicator_id, login_as

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def _input_variable_ids(user) -> list[int]:
    page = entry.entry_page(user)
    return [
        v.id for row in page.indicators if row.editable for v in row.variables if v.mode == "input" and v.key == "b"
    ]


class _Writer(threading.Thread):
    """A district entering values, posting messages and attaching files through the services."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.user = login_as("spm07")
        self.round_id = current_round_id()
        self.variables = _input_variable_ids(self.user)
        self.indicator = indicator_id("11.3")
        self.stop = threading.Event()
        self.acknowledged = 0
        self.errors: list[BaseException] = []

    def run(self) -> None:
        i = 0
        try:
            while not self.stop.is_set():
                i += 1
                outcome = entry.enter_value(
                    self.user, self.round_id, self.variables[i % len(self.variables)], str(100 + i)
                )
                assert outcome.ok, outcome
                if i % 5 == 0:
                    threads.post_message(self.user, self.user.district_id, self.indicator, None, f"ข้อความที่ {i}")
                if i % 7 == 0:
                    data = PDF + f"หลักฐาน {i}".encode() * 50
                    staged = evidence.new_staging_path()
                    staged.write_bytes(data)
                    evidence.attach_evidence(
                        self.user, self.indicator, None, f"ไฟล์ {i}", f"f{i}.pdf", staged, len(data),
                        hashlib.sha256(data).hexdigest(),
                    )  # fmt: skip
                self.acknowledged += 1
        except BaseException as error:  # noqa: BLE001
            self.errors.append(error)


def _counts() -> dict[str, int]:
    with session_scope() as session:
        return {
            "audit_log": session.execute(select(func.count()).select_from(AuditLog)).scalar_one(),
            "message": session.execute(select(func.count()).select_from(Message)).scalar_one(),
            "evidence_file": session.execute(select(func.count()).select_from(EvidenceFile)).scalar_one(),
        }


def _fresh_target(kind: str, tmp_path: Path, request) -> tuple[Path, str | None]:
    target = tmp_path / "restored"
    if kind == "sqlite":
        return target, None
    import psycopg

    name = f"krs_r_{uuid.uuid4().hex[:8]}"
    admin = _postgres_admin_url()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        get_engine().dispose()
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    request.addfinalizer(drop)
    return target, f"{POSTGRES_URL.rsplit('/', 1)[0]}/{name}"


def test_a_backup_taken_during_writes_restores_into_a_fresh_directory_exactly(krs_db, tmp_path, request):
    before = _counts()
    writer = _Writer()
    writer.start()
    while writer.acknowledged < 15 and writer.is_alive():
        threading.Event().wait(0.05)
    dest = tmp_path / "backup"
    report = backup(dest)  # while the writer goes on
    mid_acknowledged = writer.acknowledged
    while writer.acknowledged < mid_acknowledged + 10 and writer.is_alive():
        threading.Event().wait(0.05)
    writer.stop.set()
    writer.join(30)
    assert not writer.errors, writer.errors
    after = _counts()
    manifest = read_manifest(dest)
    tables = manifest["tables"]
    # the copy is a moment between the first and the last write, not the start or the end
    assert before["audit_log"] < tables["audit_log"]["rows"] < after["audit_log"]
    assert tables["evidence_file"]["rows"] > before["evidence_file"]
    assert report.files == tables["evidence_file"]["rows"] == len(manifest["evidence"])

    target_dir, target_url = _fresh_target(krs_db, tmp_path, request)
    _use_database(target_dir, target_url)
    os.environ["KRS_DATA_DIR"] = str(target_dir)
    restored = restore(dest)
    assert restored.audit_rows == tables["audit_log"]["rows"] > 0

    with get_engine().connect() as connection:
        assert table_summary(connection) == tables  # every table: row count and value checksum
    with session_scope() as session:
        files = session.execute(select(EvidenceFile.stored_name, EvidenceFile.sha256)).all()
        entered = session.execute(
            select(Value.variable_id, Value.value).where(
                Value.entered_by == writer.user.id, Value.round_id == writer.round_id
            )
        ).all()
        audited = session.execute(
            select(AuditLog.entity_id, AuditLog.after)
            .where(AuditLog.action == "enter_value", AuditLog.user_id == writer.user.id)
            .order_by(AuditLog.seq)
        ).all()
    last_audited = {variable: json.loads(after)["value"] for variable, after in audited}
    assert entered and dict(entered) == last_audited  # each value with its audit row, same value
    for stored_name, sha in files:  # every file the restored rows name, byte for byte as uploaded
        path = get_settings().evidence_dir / stored_name[:2] / stored_name
        assert file_sha256(path) == sha == manifest["evidence"][f"{stored_name[:2]}/{stored_name}"]["sha256"]
    assert krs(["audit", "verify"]) == 0


def test_restore_refuses_a_data_directory_that_is_not_empty(krs_db, tmp_path, capsys):
    dest = tmp_path / "backup"
    assert krs(["backup", str(dest)]) == 0
    assert "สำรองข้อมูลแล้ว" in capsys.readouterr().out
    live = get_settings().data_dir  # the live one: holds krs.db
    before = sorted(p.name for p in live.iterdir())
    assert krs(["restore", str(dest)]) == 1
    assert "กู้คืนได้เฉพาะโฟลเดอร์ข้อมูลที่ว่างเท่านั้น" in capsys.readouterr().err
    assert sorted(p.name for p in live.iterdir()) == before
    with pytest.raises(BackupError, match="มีข้อมูลอยู่แล้ว"):
        backup(dest)  # nor a backup over another one


def test_restore_refuses_a_backup_whose_files_were_altered(krs_db, tmp_path, request):
    user = login_as("spm07")
    staged = evidence.new_staging_path()
    staged.write_bytes(PDF)
    evidence.attach_evidence(
        user, indicator_id("11.3"), None, "สรุป", "a.pdf", staged, len(PDF), hashlib.sha256(PDF).hexdigest()
    )
    dest = tmp_path / "backup"
    backup(dest)
    (relative,) = read_manifest(dest)["evidence"]
    (dest / "evidence" / relative).write_bytes(PDF + b"changed")
    target_dir, target_url = _fresh_target(krs_db, tmp_path, request)
    _use_database(target_dir, target_url)
    with pytest.raises(BackupError, match="ถูกแก้ไข"):
        restore(dest)
    assert not target_dir.exists() or not any(target_dir.iterdir())


def test_seed_reset_brings_the_demo_back_to_its_starting_state_only_in_demo_mode(krs_db, monkeypatch, capsys):
    from krs_app.settings import reset_settings_cache

    with get_engine().connect() as connection:
        clean = table_summary(connection)
    user = login_as("spm07")
    entry.enter_value(user, current_round_id(), _input_variable_ids(user)[0], "123")
    threads.post_message(user, user.district_id, indicator_id("11.3"), None, "ข้อความก่อนล้าง")
    staged = evidence.new_staging_path()
    staged.write_bytes(PDF)
    evidence.attach_evidence(
        user, indicator_id("11.3"), None, "สรุป", "a.pdf", staged, len(PDF), hashlib.sha256(PDF).hexdigest()
    )
    with get_engine().connect() as connection:
        changed = table_summary(connection)

    monkeypatch.delenv("KRS_DEMO", raising=False)
    reset_settings_cache()
    assert krs(["seed", "--demo", "--reset"]) == 1
    assert "เฉพาะในโหมดสาธิต" in capsys.readouterr().err
    with get_engine().connect() as connection:
        assert table_summary(connection) == changed  # refused: nothing removed

    monkeypatch.setenv("KRS_DEMO", "1")
    reset_settings_cache()
    assert krs(["seed", "--demo", "--reset"]) == 0
    assert "ล้างข้อมูลสาธิตกลับเป็นสถานะเริ่มต้นแล้ว" in capsys.readouterr().out
    with get_engine().connect() as connection:
        after = table_summary(connection)
    for name in ("value", "message", "evidence_file", "result", "user_account", "district"):
        assert after[name]["rows"] == clean[name]["rows"], name
    assert not any(p.is_file() for p in get_settings().evidence_dir.rglob("*"))
    login_as("spm07")  # the demo accounts work again
    assert krs(["audit", "verify"]) == 0
