"""A session's room screen: the key in the link the projector opens. It shows only what the
session's participants see anyway (the join view, team results under the same rules) and
controls nothing, so it is kept as is: the console can show its link again after a reload.

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sessions") as batch:
        batch.add_column(sa.Column("screen_key", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sessions") as batch:
        batch.drop_column("screen_key")
