"""Fixtures for the counsellor dashboard: a fresh SQLite tracker store with Rasa-made conversations, and clients."""

from __future__ import annotations

import copy
import os
import secrets
import shutil
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any, Iterator

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher
from rasa.shared.core.domain import Domain
from starlette.testclient import TestClient

from bot.counsellor import accounts
from bot.privacy.tracker_store import RedactingSQLTrackerStore
from bot.settings import PROJECT_ROOT, settings
from bot.store.database import Database, upgrade
from bot.store.models import Account
from bot.web.app import create_app
from tests.support.counsellor import CONVERSATIONS, PASSWORD, log_in, save


@pytest.fixture(scope="session")
def template_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build once: an SQLite tracker store with the fixture conversations and the dashboard's tables."""
    path = tmp_path_factory.mktemp("template") / "tracker.db"
    store = RedactingSQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(path))
    for sender, events in CONVERSATIONS.items():
        save(store, sender, events)
    store.engine.dispose()
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture
def database_file(template_database: Path, tmp_path: Path) -> Path:
    """Return a fresh copy of the test database for one test."""
    path = tmp_path / "tracker.db"
    shutil.copyfile(template_database, path)
    return path


@pytest.fixture(autouse=True)
def quick_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hash with argon2id at a low cost in tests (the real parameters are checked in test_auth.py)."""
    monkeypatch.setattr(accounts, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def url(database_file: Path) -> str:
    """Return the SQLAlchemy URL of the test database."""
    return f"sqlite:///{database_file}"


@pytest.fixture
def database(url: str) -> Iterator[Database]:
    """Return the dashboard's database object over the test database."""
    db = Database(url)
    yield db
    db.dispose()


@pytest.fixture
def endpoints(database_file: Path, tmp_path: Path) -> Path:
    """Return an endpoints file whose tracker store is the test database."""
    path = tmp_path / "endpoints.yml"
    path.write_text(f'tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: "{database_file}"\n', encoding="utf-8")
    return path


@pytest.fixture
def config(endpoints: Path) -> dict[str, Any]:
    """Return the settings with the tracker store replaced by the test database."""
    config = copy.deepcopy(settings())
    config["rasa"]["endpoints"] = str(endpoints)
    return config


@pytest.fixture
def make_account(database: Database):
    """Return a function that creates an account with the test password."""
    def make(username: str, role: str = "counsellor") -> None:
        with database.session() as db:
            accounts.create(db, username, role, PASSWORD, settings()["counsellor"]["min_password_length"])
    return make


@pytest.fixture
def client(config: dict[str, Any]) -> Iterator[TestClient]:
    """Return a client of the whole web tier over https (so that Secure cookies are sent)."""
    with TestClient(create_app(config), base_url="https://testserver") as test_client:
        yield test_client


@pytest.fixture
def counsellor(client: TestClient, make_account) -> TestClient:
    """Return the client, logged in as a counsellor."""
    make_account("carla")
    assert log_in(client, "carla").status_code == 303
    return client


@pytest.fixture
def admin(client: TestClient, make_account) -> TestClient:
    """Return the client, logged in as an admin."""
    make_account("ada", "admin")
    assert log_in(client, "ada").status_code == 303
    return client


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """Return the URL of a fresh PostgreSQL database (dropped afterwards); skip unless BOT_TEST_POSTGRES_URL is set."""
    base = os.environ.get("BOT_TEST_POSTGRES_URL")
    if not base:
        pytest.skip("set BOT_TEST_POSTGRES_URL to a PostgreSQL database to run")
    name = f"counsellor_{uuid.uuid4().hex[:8]}"
    server = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield str(sa.engine.make_url(base).set(database=name))
    finally:
        with server.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        server.dispose()


@pytest.fixture
def account() -> dict[str, str]:
    """Create a counsellor with the command line (generated password); remove it afterwards."""
    username = f"tester-{secrets.token_hex(3)}"
    made = subprocess.run([sys.executable, "-m", "bot", "counsellor", "add", username, "--role", "counsellor", "--generate-password"],
                          cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    yield {"username": username, "password": made.stdout.split("password: ")[1].strip()}
    database = Database()
    with database.session() as db:
        db.execute(sa.delete(Account).where(Account.username == username))
    database.dispose()
