"""Alembic environment: runs on the engine handed over by slkit.migrations.upgrade()."""

from alembic import context
from sqlalchemy import create_engine

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
        context.run_migrations()
    connection.commit()
