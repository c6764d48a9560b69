"""Fixtures for the counsellor dashboard: a fresh SQLite tracker store with Rasa-made conversations, and clients."""

from __future__ import annotations

import asyncio
import copy
import os
import re
import shutil
import uuid
from pathlib import Path
from typing import Any, Iterator

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from starlette.testclient import TestClient

from bot.counsellor import accounts
from bot.counsellor.database import Database, upgrade
from bot.privacy.tracker_store import RedactingSQLTrackerStore
from bot.settings import settings
from bot.web.app import create_app

PASSWORD = "correct horse battery staple"
DAY = 24 * 60 * 60
NOW = 1_795_000_000.0  # 2026-11-18, a fixed moment for the fixture conversations
EN = {"condition": [{"type": "slot", "name": "language", "value": "en"}]}


def user(text: str, intent: str, confidence: float, at: float, safety: dict[str, Any] | None = None) -> UserUttered:
    """Return a user message as the NLU pipeline (with the safety guard) leaves it."""
    parse = {"intent": {"name": intent, "confidence": confidence}, "entities": [], "text": text,
             "safety": safety or {"category": None, "rule": None, "acted": False, "classifier_intent": intent}}
    return UserUttered(text, intent=parse["intent"], parse_data=parse, timestamp=at)


def start(at: float) -> list[Event]:
    """Return the events that open a Rasa session."""
    return [ActionExecuted("action_session_start", timestamp=at), SessionStarted(timestamp=at), ActionExecuted("action_listen", timestamp=at)]


CONVERSATIONS: dict[str, list[Event]] = {
    # Dutch, the safety guard overrules the classifier, two help lines; a phone number to be redacted.
    "crisis-nl": start(NOW) + [
        user("/greet", "greet", 1.0, NOW + 1),
        BotUttered("Hoi, welkom.", metadata={"utter_action": "utter_greet"}, timestamp=NOW + 1),
        user("ik wil er niet meer zijn, bel me op 06 12345678", "crisis", 1.0, NOW + 10,
             {"category": "crisis", "rule": "crisis.own", "acted": True, "classifier_intent": "self_concern"}),
        ActionExecuted("utter_signpost_crisis", timestamp=NOW + 11),
        BotUttered("Bel 113 of 0800-0113.", metadata={"utter_action": "utter_signpost_crisis"}, timestamp=NOW + 11),
        ActionExecuted("action_choose_helplines", timestamp=NOW + 12),
        SlotSet("hl1_name", "113 Zelfmoordpreventie", timestamp=NOW + 12),
        SlotSet("hl2_name", "Stop it Now!", timestamp=NOW + 12),
    ],
    # English, one message the bot did not understand.
    "fallback-en": start(NOW - DAY) + [
        user("my cousin keeps watching weird streams", "nlu_fallback", 0.31, NOW - DAY + 5),
        ActionExecuted("utter_fallback", timestamp=NOW - DAY + 6),
        BotUttered("I don't quite understand.", data={"buttons": [{"title": "Worried about someone", "payload": "/concern_other"}]},
                   metadata={"utter_action": "utter_fallback", **EN}, timestamp=NOW - DAY + 6),
        user("what does a show cost", "faq_price", 0.92, NOW - DAY + 20),
        BotUttered("About 15 to 25 euro.", metadata={"utter_action": "utter_fact", **EN}, timestamp=NOW - DAY + 21),
    ],
    # Dutch, a request for material, three days earlier; a message that is only a redacted link.
    "material-nl": start(NOW - 3 * DAY) + [
        user("waar kan ik zoiets kopen", "seek_material", 0.88, NOW - 3 * DAY + 5),
        ActionExecuted("utter_signpost_seek_material", timestamp=NOW - 3 * DAY + 6),
        BotUttered("Dat is strafbaar.", metadata={"utter_action": "utter_signpost_seek_material"}, timestamp=NOW - 3 * DAY + 6),
        SlotSet("hl1_name", "Stop it Now!", timestamp=NOW - 3 * DAY + 7),
        user("https://example.com/x", "share_material", 1.0, NOW - 3 * DAY + 30,
             {"category": "share_material", "rule": "share.link", "acted": False, "classifier_intent": "share_material"}),
    ],
}


def save(store: RedactingSQLTrackerStore, sender: str, events: list[Event]) -> None:
    """Store a conversation through Rasa's (redacting) SQL tracker store."""
    asyncio.run(store.save(DialogueStateTracker.from_events(sender, events)))


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


def csrf_token(html: str) -> str:
    """Return the CSRF token in a page's forms."""
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def log_in(client: TestClient, username: str, password: str = PASSWORD) -> Any:
    """Log in through the form; return the response to the POST."""
    token = csrf_token(client.get("/counsellor/login").text)
    return client.post("/counsellor/login", data={"csrf": token, "username": username, "password": password}, follow_redirects=False)


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
