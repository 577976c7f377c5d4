"""not applicable (ไม่ประเมินตัวชี้วัดนี้): a flag on a result, with its reason, who and when

Revision ID: 0005_not_applicable
Revises: 0004_submission
"""

from alembic import op
import sqlalchemy as sa


revision = "0005_not_applicable"
down_revision = "0004_submission"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("result", schema=None) as batch_op:
        batch_op.add_column(sa.Column("not_applicable", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("not_applicable_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("not_applicable_by", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("not_applicable_at", sa.DateTime(), nullable=True))
        batch_op.create_foreign_key(
            "fk_result_not_applicable_by_user_account", "user_account", ["not_applicable_by"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("result", schema=None) as batch_op:
        batch_op.drop_constraint("fk_result_not_applicable_by_user_account", type_="foreignkey")
        batch_op.drop_column("not_applicable_at")
        batch_op.drop_column("not_applicable_by")
        batch_op.drop_column("not_applicable_reason")
        batch_op.drop_column("not_applicable")
