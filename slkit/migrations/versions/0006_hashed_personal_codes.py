"""Personal codes stored as hashes, like every other secret: a copy of the store no longer hands
out the codes with which anyone could continue as someone else. Existing codes keep working
(each is replaced by its hash); a code is shown to its person when they join, or anew on
their page ("a new personal code").

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from slkit.sessions import hash_personal_code

    with op.batch_alter_table("participants") as batch:
        batch.alter_column("personal_code", type_=sa.String(64), existing_type=sa.String(12), existing_nullable=False)
    conn = op.get_bind()
    rows = conn.execute(sa.text(
        "SELECT p.id, p.personal_code, s.code FROM participants p JOIN sessions s ON s.id = p.session_id")).all()
    for pid, personal, code in rows:
        if len(personal) <= 12:  # not hashed yet
            conn.execute(sa.text("UPDATE participants SET personal_code = :h WHERE id = :id"),
                         {"h": hash_personal_code(code, personal), "id": pid})


def downgrade() -> None:
    raise NotImplementedError("Personal codes cannot be recovered from their hashes.")
