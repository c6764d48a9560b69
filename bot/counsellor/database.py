"""The dashboard's database: engine, ORM sessions and Alembic migrations."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Optional

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.privacy.store_url import tracker_store_url

HERE = Path(__file__).resolve().parent
VERSION_TABLE = "counsellor_alembic_version"  # not Alembic's default name: the database is shared with Rasa


def database_url(endpoints_file: Optional[str] = None) -> str:
    """Return the URL of the tracker store's database, which holds the dashboard's tables too."""
    return tracker_store_url(endpoints_file)


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite waits for Rasa's writes instead of failing at once."""
    connect_args = {"timeout": 15} if url.startswith("sqlite") else {}
    return sa.create_engine(url, future=True, connect_args=connect_args)


def alembic_config(connection: Optional[Connection] = None) -> Config:
    """Return the Alembic configuration of the package's migrations, to run over `connection`."""
    config = Config(str(HERE / "alembic.ini"))
    config.attributes["connection"] = connection
    return config


def upgrade(url: Optional[str] = None, revision: str = "head") -> None:
    """Apply the migrations up to `revision` (default: the tracker store's database, to the newest)."""
    engine = make_engine(url or database_url())
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection=connection), revision)
    engine.dispose()


def downgrade(url: str, revision: str) -> None:
    """Undo the migrations down to `revision` ("base" removes every table of the dashboard)."""
    engine = make_engine(url)
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection=connection), revision)
    engine.dispose()


class Database:
    """The engine, made on first use, and short ORM sessions over it."""

    def __init__(self, url: Optional[str] = None, endpoints_file: Optional[str] = None) -> None:
        self._url, self._endpoints_file = url, endpoints_file
        self._engine: Optional[Engine] = None
        self._sessions: Optional[sessionmaker] = None

    @property
    def engine(self) -> Engine:
        """Return the engine, creating it on first use."""
        if self._engine is None:
            self._engine = make_engine(self._url or database_url(self._endpoints_file))
            self._sessions = sessionmaker(self._engine, future=True, expire_on_commit=False)
        return self._engine

    @contextmanager
    def session(self) -> Iterator[Session]:
        """Yield an ORM session that commits at the end of the block, or rolls back on error."""
        self.engine
        assert self._sessions is not None
        with self._sessions() as session, session.begin():
            yield session

    def dispose(self) -> None:
        """Close the engine's connections."""
        if self._engine is not None:
            self._engine.dispose()
