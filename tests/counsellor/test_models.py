"""The dashboard's tables: Alembic migrations match the models, on SQLite (and PostgreSQL when given)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from rasa.core.tracker_store import SQLTrackerStore
from sqlalchemy.exc import IntegrityError

from bot.counsellor import accounts
from bot.counsellor.sessions import SessionPolicy
from bot.store.database import VERSION_TABLE, Database, downgrade, upgrade
from bot.store.events import EVENTS
from bot.store.models import Account, Base, Session, Tag
from tests.support.counsellor import PASSWORD

TABLES = set(Base.metadata.tables)


def differences(url: str) -> list:
    """Return what autogenerate would change to bring the database to the models."""
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            "compare_type": True, "include_name": lambda name, kind, parents: kind != "table" or name in TABLES,
        })
        found = compare_metadata(context, Base.metadata)
    engine.dispose()
    return found


def table_names(url: str) -> set[str]:
    engine = sa.create_engine(url)
    names = set(sa.inspect(engine).get_table_names())
    engine.dispose()
    return names


def check_migrations(url: str) -> None:
    """Upgrade creates exactly the models' tables, autogenerate finds nothing to do, downgrade removes them."""
    upgrade(url)
    assert TABLES <= table_names(url)
    assert differences(url) == []
    downgrade(url, "base")
    assert table_names(url) & TABLES == set()
    upgrade(url)
    assert differences(url) == []


def test_migrations_on_a_fresh_sqlite_file(tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    check_migrations(url)
    assert table_names(url) == TABLES | {VERSION_TABLE}


def test_migrations_leave_rasas_events_alone(url):
    assert EVENTS.name in table_names(url)
    assert differences(url) == []  # the events table is not reported as unknown to the models
    downgrade(url, "base")
    assert EVENTS.name in table_names(url)


def test_migrations_on_postgresql(postgres_url):
    check_migrations(postgres_url)


def test_the_events_table_matches_rasas_own():
    rasa = SQLTrackerStore.SQLEvent.__table__
    ours = {column.name: (type(column.type), column.nullable, column.primary_key) for column in EVENTS.columns}
    theirs = {column.name: (type(column.type), column.nullable, column.primary_key) for column in rasa.columns}
    assert ours == theirs and EVENTS.name == rasa.name


def test_account_rows_hold_argon2id_hashes_and_unique_names(database):
    with database.session() as db:
        account = accounts.create(db, "nina", "counsellor", PASSWORD, 12)
        assert account.password_hash.startswith("$argon2id$") and PASSWORD not in account.password_hash
    with pytest.raises(accounts.AccountError):
        with database.session() as db:
            accounts.create(db, "nina", "admin", PASSWORD, 12)


def test_deleting_an_account_deletes_its_sessions(database):
    policy = SessionPolicy(timedelta(minutes=15), timedelta(hours=8))
    with database.session() as db:
        account = accounts.create(db, "olaf", "counsellor", PASSWORD, 12)
        policy.start(db, account)
    with database.session() as db:
        db.delete(db.execute(sa.select(Account)).scalar_one())
    with database.session() as db:
        assert db.execute(sa.select(sa.func.count()).select_from(Session)).scalar_one() == 0


def test_a_tag_is_unique_per_conversation(database):
    with pytest.raises(IntegrityError):
        with database.session() as db:
            db.add_all([Tag(conversation_id="c", tag="x", author="a"), Tag(conversation_id="c", tag="x", author="b")])


def test_database_reads_the_url_from_an_endpoints_file(endpoints, database_file):
    db = Database(endpoints_file=str(endpoints))
    assert db.engine.url.database == str(database_file)
    db.dispose()
