"""`krs backup DEST`: a consistent copy of a running KRS, and the manifest that proves it.

What a backup directory holds:
- `krs.db` (SQLite, copied with SQLite's online backup API while the app keeps writing) or
  `krs.dump` (PostgreSQL, `pg_dump -Fc` of one exported snapshot);
- `evidence/<xx>/<name>.bin`: every evidence file the copied database knows, and no other;
- `manifest.json`: the database kind and Alembic revision, each table's row count and a
  checksum of its values, the audit chain's head, and the SHA-256 of every file above.

Consistency: the counts and checksums are read from the very copy that is stored (the SQLite
copy after the backup API finished; on PostgreSQL the same exported snapshot pg_dump reads).
Evidence files are copied after the database: a file's row commits only once the file is in
place and files are never deleted, so every row of the copy finds its file.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from krs_app.db.engine import sync_every_commit
from krs_app.ops.durable import copy_durably, move_durably
from krs_app.ops.tables import evidence_names, file_sha256, sqlite_file_engine, table_summary

MANIFEST = "manifest.json"
SQLITE_FILE = "krs.db"
PG_DUMP_FILE = "krs.dump"
FORMAT = 1


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is for the operator (Thai first)."""


@dataclass(frozen=True)
class BackupReport:
    dest: Path
    database: str
    tables: int
    rows: int
    files: int


def libpq_url_and_env(url: str) -> tuple[str, dict[str, str]]:
    """A SQLAlchemy PostgreSQL URL as pg_dump/pg_restore take it; the password goes in PGPASSWORD."""
    parsed = make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    plain = parsed.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _check_dest(dest: Path) -> None:
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise BackupError(f"ที่เก็บสำรอง {dest} มีข้อมูลอยู่แล้ว: ระบุโฟลเดอร์ใหม่หรือโฟลเดอร์ว่าง (backup destination is not empty)")
    dest.mkdir(parents=True, exist_ok=True)


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("ฐานข้อมูล SQLite ต้องเป็นไฟล์ (the SQLite database must be a file)")
    return Path(database)


def _backup_sqlite(url: str, dest: Path) -> dict:
    """SQLite's online backup API: a page-consistent copy while writers go on."""
    copy = dest / SQLITE_FILE
    source = sqlite3.connect(_sqlite_path(url), timeout=30)
    target = sqlite3.connect(copy)
    try:
        # the copy's commits, and the source's checkpoint when it is the last connection to close
        for connection in (source, target):
            sync_every_commit(connection)
        source.backup(target, pages=-1)
        target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
    finally:
        target.close()
        source.close()
    engine = sqlite_file_engine(copy)
    try:
        with engine.connect() as connection:
            summary = table_summary(connection)
            names = evidence_names(connection)
            revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    finally:
        engine.dispose()
    return {"database": "sqlite", "database_file": SQLITE_FILE, "tables": summary, "names": names, "rev": revision}


def _backup_postgres(engine, url: str, dest: Path) -> dict:
    """pg_dump of an exported snapshot; the counts read in the same snapshot."""
    if shutil.which("pg_dump") is None:
        raise BackupError("ไม่พบโปรแกรม pg_dump บนเครื่องนี้ (install postgresql-client)")
    target = dest / PG_DUMP_FILE
    libpq_url, env = libpq_url_and_env(url)
    with engine.connect().execution_options(isolation_level="REPEATABLE READ") as connection, connection.begin():
        snapshot = connection.execute(text("SELECT pg_export_snapshot()")).scalar()
        done = subprocess.run(
            [
                "pg_dump",
                "-Fc",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot}",
                "-f",
                str(target),
                libpq_url,
            ],
            env=env,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise BackupError(f"pg_dump ไม่สำเร็จ: {done.stderr.strip()}")
        summary = table_summary(connection)
        names = evidence_names(connection)
        revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return {"database": "postgresql", "database_file": PG_DUMP_FILE, "tables": summary, "names": names, "rev": revision}


def evidence_relative_path(stored_name: str) -> str:
    """Where the app keeps a stored file under the evidence folder (services.evidence._final_path)."""
    return f"{stored_name[:2]}/{stored_name}"


def backup(dest: Path) -> BackupReport:
    """Copy the configured database and evidence files into the empty folder `dest`."""
    from krs_app.db.engine import get_engine
    from krs_app.settings import get_settings

    settings = get_settings()
    dest = dest.resolve()
    _check_dest(dest)
    if settings.is_sqlite:
        copied = _backup_sqlite(settings.database_url, dest)
    else:
        copied = _backup_postgres(get_engine(), settings.database_url, dest)
    files: dict[str, dict[str, object]] = {}
    missing: list[str] = []
    for name in copied["names"]:
        relative = evidence_relative_path(name)
        source = settings.evidence_dir / relative
        if not source.is_file():
            missing.append(relative)
            continue
        target = dest / "evidence" / relative
        copy_durably(source, target)
        files[relative] = {"size": target.stat().st_size, "sha256": file_sha256(target)}
    database_file = dest / copied["database_file"]
    manifest = {
        "format": FORMAT,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": copied["database"],
        "alembic_revision": copied["rev"],
        "database_file": copied["database_file"],
        "database_sha256": file_sha256(database_file),
        "tables": copied["tables"],
        "evidence": files,
        "evidence_missing_at_backup": missing,
    }
    partial = dest / (MANIFEST + ".partial")  # written last: a backup with its manifest is whole
    partial.write_text(json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True))
    move_durably(partial, dest / MANIFEST)
    return BackupReport(
        dest=dest,
        database=copied["database"],
        tables=len(copied["tables"]),
        rows=sum(int(t["rows"]) for t in copied["tables"].values()),
        files=len(files),
    )


def read_manifest(src: Path) -> dict:
    path = src / MANIFEST
    if not path.is_file():
        raise BackupError(f"ไม่พบ {MANIFEST} ใน {src}: ไม่ใช่โฟลเดอร์สำรองของ krs backup")
    manifest = json.loads(path.read_text())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"รูปแบบสำรอง {manifest.get('format')} ไม่รองรับ (expected {FORMAT})")
    return manifest
