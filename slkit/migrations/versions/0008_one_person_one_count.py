"""One person, one count; keys kept only as hashes; a slowdown for guessed personal codes.

- participants.counted: whether a person's answers count in team figures (a person who joined
  again from a browser that had left the session is not counted until the facilitator counts
  them in), and participants.rejoined_from: the person that browser left as.
- left_browsers: the marker a browser keeps after "Not you?" (its hash), naming who left.
- screen_keys: the room screen's keys as hashes (sessions.screen_key held them in plain text;
  those links keep working through their hash).
- code_failures: wrong personal codes per client address and per session, for the slowdown.

Revision ID: 0008
Revises: 0007
"""
import hashlib

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("participants") as batch:
        batch.add_column(sa.Column("counted", sa.Boolean, nullable=False, server_default=sa.true()))
        batch.add_column(sa.Column("rejoined_from", sa.Integer, nullable=True))
    op.create_table(
        "left_browsers",
        sa.Column("marker_hash", sa.String(64), primary_key=True),
        sa.Column("session_id", sa.Integer, sa.ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("participant_id", sa.Integer, sa.ForeignKey("participants.id", ondelete="CASCADE"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    screen_keys = op.create_table(
        "screen_keys",
        sa.Column("key_hash", sa.String(64), primary_key=True),
        sa.Column("session_id", sa.Integer, sa.ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False, index=True),
    )
    op.create_table(
        "code_failures",
        sa.Column("scope", sa.String(16), primary_key=True),
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("first_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_at", sa.DateTime(timezone=True), nullable=False),
    )
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id, screen_key FROM sessions WHERE screen_key IS NOT NULL AND screen_key <> ''")).all()
    if rows:
        op.bulk_insert(screen_keys, [{"key_hash": hashlib.sha256(key.encode()).hexdigest(), "session_id": sid} for sid, key in rows])
    with op.batch_alter_table("sessions") as batch:
        batch.drop_column("screen_key")


def downgrade() -> None:
    with op.batch_alter_table("sessions") as batch:
        batch.add_column(sa.Column("screen_key", sa.String(64), nullable=True))
    op.drop_table("code_failures")
    op.drop_table("screen_keys")
    op.drop_table("left_browsers")
    with op.batch_alter_table("participants") as batch:
        batch.drop_column("rejoined_from")
        batch.drop_column("counted")
