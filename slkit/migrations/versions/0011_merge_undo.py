"""A SWOT merge can be undone: a vote moved to the item a duplicate was merged into remembers the
item it was given to (votes.moved_from), so undoing the merge gives it back.

Revision ID: 0011
Revises: 0010
"""
import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("votes") as batch:
        batch.add_column(sa.Column("moved_from", sa.Integer, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("votes") as batch:
        batch.drop_column("moved_from")
