"""`krs seed --demo --reset`: the demo back to its clean starting state (for the next meeting).

Only in demo mode (KRS_DEMO=1): outside it the same command would wipe real offices' reports.
Every row of every table goes in one transaction (the schema and its Alembic revision stay),
the evidence files go, and the demo data is loaded again."""

from __future__ import annotations

import shutil
from dataclasses import dataclass

from sqlalchemy import text

from krs_app.ops.backup import BackupError
from krs_app.ops.tables import app_tables


@dataclass(frozen=True)
class ResetReport:
    rows_removed: int
    files_removed: int


def reset_demo() -> ResetReport:
    from krs_app.db.engine import get_engine, session_scope
    from krs_app.db.migrate import upgrade_to_head
    from krs_app.seed.demo import load_demo
    from krs_app.settings import get_settings

    settings = get_settings()
    if not settings.demo:
        raise BackupError(
            "ล้างข้อมูลกลับเป็นข้อมูลสาธิตได้เฉพาะในโหมดสาธิต (KRS_DEMO=1) เท่านั้น: ไม่ได้ลบข้อมูลใด (refusing: not in demo mode)"
        )
    upgrade_to_head()
    tables = list(reversed(app_tables()))  # children before parents
    removed = 0
    with session_scope() as session:
        for table in tables:
            removed += session.execute(table.delete()).rowcount or 0
        if get_engine().dialect.name == "postgresql":
            for table in tables:
                for column in table.primary_key.columns:
                    if column.autoincrement is True or (
                        column.autoincrement == "auto" and column.type.python_type is int
                    ):
                        session.execute(
                            text(
                                f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', '{column.name}'), 1, false)"
                            )
                        )
    files = 0
    evidence = settings.evidence_dir
    if evidence.exists():
        files = sum(1 for p in evidence.rglob("*") if p.is_file())
        shutil.rmtree(evidence)
    load_demo()
    return ResetReport(rows_removed=removed, files_removed=files)
