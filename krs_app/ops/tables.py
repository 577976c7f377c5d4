"""What a backup promises about the database: each table's row count and a checksum of its values.

The same function reads the live snapshot a backup was taken from and the restored database,
so the two can be compared table by table."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from sqlalchemy import MetaData, Table, create_engine, select
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

import krs_app.db.models  # noqa: F401  (registers every table on SQLModel.metadata)

ALEMBIC_TABLE = "alembic_version"


def app_tables() -> list[Table]:
    """Every table of the app, parents before children (the order rows can be inserted in)."""
    return list(SQLModel.metadata.sorted_tables)


def _alembic_table() -> Table:
    from sqlalchemy import Column, String

    return Table(ALEMBIC_TABLE, MetaData(), Column("version_num", String(32), primary_key=True))


def _canonical(value: object) -> object:
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return repr(value)
    return str(value)


def table_summary(connection: Connection) -> dict[str, dict[str, object]]:
    """{table: {"rows": n, "checksum": sha256 over every row, in primary-key order}}."""
    summary: dict[str, dict[str, object]] = {}
    for table in [*app_tables(), _alembic_table()]:
        order = list(table.primary_key.columns) or list(table.columns)
        digest = hashlib.sha256()
        rows = 0
        result = connection.execute(select(*table.columns).order_by(*order)).yield_per(5000)
        for row in result:
            digest.update(json.dumps([_canonical(v) for v in row], ensure_ascii=False).encode())
            digest.update(b"\n")
            rows += 1
        summary[table.name] = {"rows": rows, "checksum": digest.hexdigest()}
    return summary


def evidence_names(connection: Connection) -> list[str]:
    """The stored names of every evidence file the database knows (withdrawn ones included)."""
    from krs_app.db.models import EvidenceFile

    return list(connection.execute(select(EvidenceFile.stored_name).order_by(EvidenceFile.id)).scalars())


def sqlite_file_engine(path: Path):
    """A plain engine on a SQLite file (no WAL switch: a backup copy is read, not served)."""
    return create_engine(f"sqlite:///{path}")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
