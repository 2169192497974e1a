"""Alembic environment: runs on the engine handed over by slkit.migrations.upgrade()."""

from alembic import context
from sqlalchemy import create_engine, text

from slkit.paths import database_url
import slkit.board  # noqa: F401 - its tables join the metadata
import slkit.observers  # noqa: F401 - and the observers'
from slkit.store import metadata

config = context.config
engine = config.attributes.get("engine") or create_engine(database_url())

with engine.connect() as connection:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # SQLite changes a table by making it anew (batch mode): with foreign keys on, dropping
        # the old table would delete every row that points at it (ON DELETE CASCADE), so they are
        # off while migrating. Set on the driver's connection, outside any transaction (inside
        # one SQLite ignores it).
        connection.connection.dbapi_connection.execute("PRAGMA foreign_keys=OFF")
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
    if sqlite:
        connection.connection.dbapi_connection.execute("PRAGMA foreign_keys=ON")
