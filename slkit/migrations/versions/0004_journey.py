"""One participant, several browsers; where each person is in each module.

`participant_tokens` holds one resume token (hashed) per browser that continues as the
participant: the one that joined, and each device that continued with the personal code.
`progress` keeps the step a person is on and whether they reached a module's end, so a
reload, another device and the session's home page all agree.

Revision ID: 0004
Revises: 0003
"""
import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    tokens = op.create_table(
        "participant_tokens",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("participant_id", sa.Integer, sa.ForeignKey("participants.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "progress",
        sa.Column("participant_id", sa.Integer, sa.ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("module", sa.String(64), primary_key=True),
        sa.Column("step", sa.Integer, nullable=False),
        sa.Column("steps", sa.Integer, nullable=False),
        sa.Column("done", sa.Boolean, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    # The browser that joined keeps working: its token moves into the new table.
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id, token_hash FROM participants")).all()
    if rows:
        now = dt.datetime.now(dt.timezone.utc)
        op.bulk_insert(tokens, [dict(token_hash=r.token_hash, participant_id=r.id, created_at=now) for r in rows])


def downgrade() -> None:
    op.drop_table("progress")
    op.drop_table("participant_tokens")
