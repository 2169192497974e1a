"""Alembic environment: runs on the engine handed over by slkit.migrations.upgrade()."""

from alembic import context
from sqlalchemy import create_engine, text

from slkit.paths import database_url
import slkit.board  # noqa: F401 - its tables join the metadata
from slkit.store import metadata

config = context.config
engine = config.attributes.get("engine") or create_engine(database_url())

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            # Several workers starting at once: one migrates, the others wait here and then
            # find the schema current (Alembic reads the version after the lock is held).
            connection.execute(text("SELECT pg_advisory_xact_lock(hashtext('slkit schema migration'))"))
        context.run_migrations()
    connection.commit()
