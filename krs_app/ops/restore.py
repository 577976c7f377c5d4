"""`krs restore SRC`: a backup made by `krs backup` into an EMPTY data directory, then proven.

Refuses a data directory that holds anything (and, on PostgreSQL, a database that has tables):
a restore never mixes with or overwrites live data. Before anything is written, every file of
the backup is checked against the manifest's SHA-256; after, each table's row count and value
checksum, every evidence file's hash and the audit chain are checked on the restored copy."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, inspect

from krs_app.ops.backup import BackupError, _sqlite_path, libpq_url_and_env, read_manifest
from krs_app.ops.durable import copy_durably
from krs_app.ops.tables import file_sha256, table_summary
from krs_app.settings import configured_data_dir, configured_database_url


@dataclass(frozen=True)
class RestoreReport:
    data_dir: Path
    database: str
    tables: int
    rows: int
    files: int
    audit_rows: int


def _check_backup_files(src: Path, manifest: dict) -> None:
    database_file = src / manifest["database_file"]
    if not database_file.is_file() or file_sha256(database_file) != manifest["database_sha256"]:
        raise BackupError(f"ไฟล์ฐานข้อมูลในสำรอง {database_file} หายหรือถูกแก้ไข (SHA-256 ไม่ตรงกับ manifest)")
    for relative, expected in manifest["evidence"].items():
        path = src / "evidence" / relative
        if not path.is_file() or file_sha256(path) != expected["sha256"]:
            raise BackupError(f"ไฟล์หลักฐาน {relative} ในสำรองหายหรือถูกแก้ไข (SHA-256 ไม่ตรงกับ manifest)")


def _check_empty_target(data_dir: Path, url: str, kind: str) -> None:
    if data_dir.exists() and any(data_dir.iterdir()):
        raise BackupError(
            f"กู้คืนได้เฉพาะโฟลเดอร์ข้อมูลที่ว่างเท่านั้น: {data_dir} มีข้อมูลอยู่แล้ว "
            "(restore needs an EMPTY data directory; set KRS_DATA_DIR to a new folder)"
        )
    target_kind = "sqlite" if url.startswith("sqlite") else "postgresql"
    if target_kind != kind:
        raise BackupError(f"สำรองนี้เป็นของ {kind} แต่ KRS_DATABASE_URL ชี้ไปที่ {target_kind}")
    if kind == "postgresql":
        engine = create_engine(url)
        try:
            tables = inspect(engine).get_table_names()
        finally:
            engine.dispose()
        if tables:
            raise BackupError(
                "ฐานข้อมูล PostgreSQL ปลายทางมีตารางอยู่แล้ว: กู้คืนได้เฉพาะฐานข้อมูลว่าง "
                f"(the target database has {len(tables)} tables)"
            )


def _restore_database(src: Path, manifest: dict, data_dir: Path, url: str) -> None:
    if manifest["database"] == "sqlite":
        target = _sqlite_path(url)
        if target.exists():
            raise BackupError(f"มีไฟล์ฐานข้อมูล {target} อยู่แล้ว: กู้คืนได้เฉพาะที่ว่าง")
        copy_durably(src / manifest["database_file"], target)
        return
    if shutil.which("pg_restore") is None:
        raise BackupError("ไม่พบโปรแกรม pg_restore บนเครื่องนี้ (install postgresql-client)")
    libpq_url, env = libpq_url_and_env(url)
    done = subprocess.run(
        [
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            "-d",
            libpq_url,
            str(src / manifest["database_file"]),
        ],
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise BackupError(f"pg_restore ไม่สำเร็จ: {done.stderr.strip()}")


def _verify(manifest: dict, data_dir: Path, url: str) -> int:
    """Compare the restored copy with the manifest; returns the audit rows checked."""
    from krs_app.db.engine import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            restored = table_summary(connection)
    finally:
        engine.dispose()
    for name, expected in manifest["tables"].items():
        got = restored.get(name)
        if got != expected:
            raise BackupError(f"ตาราง {name} หลังกู้คืนไม่ตรงกับสำรอง: {got} แทน {expected}")
    evidence_dir = data_dir / "evidence"
    for relative, expected in manifest["evidence"].items():
        if file_sha256(evidence_dir / relative) != expected["sha256"]:
            raise BackupError(f"ไฟล์หลักฐาน {relative} หลังกู้คืนไม่ตรงกับสำรอง")
    from krs_app.services.audit_log import verify_chain

    check = verify_chain()
    if not check.ok:
        raise BackupError(f"บันทึกการใช้งานหลังกู้คืนขาดห่วงโซ่ที่แถว id {check.broken.row_id}: {check.broken.reason}")
    return check.checked


def restore(src: Path) -> RestoreReport:
    src = src.resolve()
    manifest = read_manifest(src)
    data_dir = configured_data_dir()
    url = configured_database_url(data_dir)
    _check_empty_target(data_dir, url, manifest["database"])
    _check_backup_files(src, manifest)
    data_dir.mkdir(parents=True, exist_ok=True)
    _restore_database(src, manifest, data_dir, url)
    evidence_dir = data_dir / "evidence"
    for relative in manifest["evidence"]:
        target = evidence_dir / relative
        copy_durably(src / "evidence" / relative, target)
    from krs_app.db.engine import reset_engine_cache
    from krs_app.settings import reset_settings_cache

    reset_settings_cache()
    reset_engine_cache()
    audit_rows = _verify(manifest, data_dir, url)
    return RestoreReport(
        data_dir=data_dir,
        database=manifest["database"],
        tables=len(manifest["tables"]),
        rows=sum(int(t["rows"]) for t in manifest["tables"].values()),
        files=len(manifest["evidence"]),
        audit_rows=audit_rows,
    )
