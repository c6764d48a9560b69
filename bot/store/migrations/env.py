"""Alembic environment: migrate the project's own tables only, never Rasa's."""

from __future__ import annotations

from typing import Any, Optional

from alembic import context
from sqlalchemy.engine import Connection

from bot.store.database import VERSION_TABLE, make_engine
from bot.store.location import database_url
from bot.store.models import Base

config = context.config
target_metadata = Base.metadata


def include_name(name: Optional[str], type_: Any, parent_names: Any) -> bool:
    """Leave Rasa's tables (events) out of autogenerate's comparison."""
    return type_ != "table" or name in target_metadata.tables


def run_migrations(connection: Connection) -> None:
    """Run the migrations over an open connection."""
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        version_table=VERSION_TABLE,
        include_name=include_name,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("offline (--sql) migrations are not supported; run them against the database")
given = config.attributes.get("connection")
if given is not None:
    run_migrations(given)
else:
    engine = make_engine(config.get_main_option("sqlalchemy.url") or database_url())
    with engine.begin() as connection:
        run_migrations(connection)
    engine.dispose()
