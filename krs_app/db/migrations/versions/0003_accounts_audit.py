"""accounts and audit: password flags, last login, office active flags, the audit hash chain

Revision ID: 0003_accounts_audit
Revises: 0002_catalogue_per_year
Create Date: 2026-12-01

Existing audit rows are sealed into the chain here, in id order (krs_app.domain.audit_chain).
"""

from alembic import op
import sqlalchemy as sa

from krs_app.domain.audit_chain import GENESIS_HASH, HASHED_FIELDS, seal

revision = "0003_accounts_audit"
down_revision = "0002_catalogue_per_year"  # after the per-year catalogue (linear history)
branch_labels = None
depends_on = None

BATCH = 2000


def upgrade() -> None:
    # Columns are added in place on SQLite too (recreating user_account would trip the
    # foreign keys that point at it).
    with op.batch_alter_table("user_account", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("must_change_password", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("last_login_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("password_changed_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("district", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()))
    with op.batch_alter_table("bureau", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()))
    with op.batch_alter_table("audit_log", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("seq", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("prev_hash", sa.String(), nullable=True))
        batch_op.add_column(sa.Column("row_hash", sa.String(), nullable=True))
        batch_op.create_index(batch_op.f("ix_audit_log_seq"), ["seq"], unique=True)
    head = op.create_table(
        "audit_chain_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("row_hash", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )

    connection = op.get_bind()
    # Typed as the model types them: the hash reads times as datetimes (SQLite keeps text).
    types = {"at": sa.DateTime(), "action": sa.String(), "entity": sa.String(), "before": sa.Text(), "after": sa.Text()}
    audit = sa.table(
        "audit_log",
        *(sa.column(name, types.get(name, sa.Integer())) for name in HASHED_FIELDS),
        sa.column("prev_hash", sa.String()),
        sa.column("row_hash", sa.String()),
    )
    seq, prev_hash = 0, GENESIS_HASH
    last_id = 0
    while True:
        rows = [
            dict(row._mapping)
            for row in connection.execute(
                sa.select(*(audit.c[name] for name in HASHED_FIELDS))
                .where(audit.c.id > last_id)
                .order_by(audit.c.id)
                .limit(BATCH)
            )
        ]
        if not rows:
            break
        updates, seq, prev_hash = seal(rows, seq, prev_hash)
        connection.execute(
            audit.update().where(audit.c.id == sa.bindparam("b_id")).values(
                seq=sa.bindparam("b_seq"), prev_hash=sa.bindparam("b_prev"), row_hash=sa.bindparam("b_hash")
            ),
            [{"b_id": u["id"], "b_seq": u["seq"], "b_prev": u["prev_hash"], "b_hash": u["row_hash"]} for u in updates],
        )
        last_id = rows[-1]["id"]
    op.bulk_insert(head, [{"id": 1, "seq": seq, "row_hash": prev_hash}])


def downgrade() -> None:
    # SQLite drops these columns in place (3.35+), for the same reason.
    op.drop_table("audit_chain_head")
    with op.batch_alter_table("audit_log", schema=None, recreate="never") as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_seq"))
        batch_op.drop_column("row_hash")
        batch_op.drop_column("prev_hash")
        batch_op.drop_column("seq")
    with op.batch_alter_table("bureau", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("active")
    with op.batch_alter_table("district", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("active")
    with op.batch_alter_table("user_account", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("password_changed_at")
        batch_op.drop_column("last_login_at")
        batch_op.drop_column("must_change_password")
