"""Migration 0003 on a database made by the previous version: existing audit rows are sealed
into the chain, accounts and offices keep their values and get the new flags."""

from __future__ import annotations

from datetime import datetime

from alembic import command
from sqlalchemy import text

from krs_app.db.engine import make_engine
from krs_app.db.migrate import alembic_config
from krs_app.domain.audit_chain import HASHED_FIELDS, check_chain

PREVIOUS = "0001_initial"


def test_existing_audit_rows_are_sealed_and_accounts_keep_their_values(empty_url):
    engine = make_engine(empty_url)
    try:
        command.upgrade(alembic_config(engine), PREVIOUS)
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO user_account (username, password_hash, display_name, role, failed_logins, active, created_at)"
                    " VALUES ('kpi', 'h', 'ผู้ดูแล', 'kpi_office', 0, true, :at)"
                ),
                {"at": datetime(2026, 1, 1)},
            )
            for i in range(120):
                connection.execute(
                    text(
                        "INSERT INTO audit_log (at, user_id, action, entity, before, after)"
                        " VALUES (:at, 1, 'login', 'user', NULL, :after)"
                    ),
                    {"at": datetime(2026, 1, 1, 8, i // 60, i % 60, 250000), "after": f'{{"n": {i}}}'},
                )
        command.upgrade(alembic_config(engine), "head")
        with engine.connect() as connection:
            rows = [
                dict(r._mapping)
                for r in connection.execute(
                    text(f"SELECT {', '.join(HASHED_FIELDS)}, prev_hash, row_hash FROM audit_log ORDER BY seq")
                )
            ]
            head = connection.execute(text("SELECT seq, row_hash FROM audit_chain_head WHERE id = 1")).one()
            user = connection.execute(
                text("SELECT username, must_change_password, last_login_at FROM user_account")
            ).one()
        for row in rows:  # SQLite hands text back for times read without the model
            if isinstance(row["at"], str):
                row["at"] = datetime.fromisoformat(row["at"])
        check = check_chain(rows, head.seq, head.row_hash)
        assert check.ok and check.checked == 120 and head.seq == 120
        assert user.username == "kpi" and not user.must_change_password and user.last_login_at is None
        command.downgrade(alembic_config(engine), PREVIOUS)
        command.upgrade(alembic_config(engine), "head")
    finally:
        engine.dispose()
