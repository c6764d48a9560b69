"""Alembic environment: migrate the dashboard's tables only, never Rasa's."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from bot.counsellor.database import VERSION_TABLE, database_url, make_engine
from bot.counsellor.models import Base

config = context.config
target_metadata = Base.metadata


def include_name(name: str, type_: str, parent_names: dict) -> bool:
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
