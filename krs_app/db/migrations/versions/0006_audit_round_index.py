"""audit log by round: an index on audit_log.round_id (the report's status timeline, the sent
reminders and the deadline extensions read the audit log of one round)

Revision ID: 0006_audit_round_index
Revises: 0005_not_applicable
"""

from alembic import op


revision = "0006_audit_round_index"
down_revision = "0005_not_applicable"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # In place on SQLite too: a plain CREATE INDEX, never a copy of the (large) audit table.
    with op.batch_alter_table("audit_log", schema=None, recreate="never") as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_round_id"), ["round_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None, recreate="never") as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_round_id"))
