"""The web tier over a scratch SQLite tracker store, without Rasa: for tests of its own endpoints."""

from __future__ import annotations

import copy
from pathlib import Path

import httpx
import sqlalchemy as sa
from starlette.testclient import TestClient

from bot.settings import settings
from bot.store.database import Database, upgrade
from bot.store.events import EVENTS
from bot.web.app import create_app


def no_rasa(request: httpx.Request) -> httpx.Response:
    """Stand in for Rasa: these endpoints must not need it."""
    raise AssertionError(f"the web tier called Rasa: {request.url}")


def scratch_tracker_url(folder: Path) -> str:
    """Return a scratch SQLite tracker store with Rasa's events table and the dashboard's tables."""
    url = f"sqlite:///{folder / 'tracker.db'}"
    engine = sa.create_engine(url)
    EVENTS.metadata.create_all(engine)
    engine.dispose()
    upgrade(url)
    return url


def client_without_rasa(url: str, **web_overrides) -> TestClient:
    """Return a test client of the web tier over the store, with some web settings overridden."""
    config = copy.deepcopy(settings())
    config["web"].update(web_overrides)
    return TestClient(create_app(config, rasa_transport=httpx.MockTransport(no_rasa), database=Database(url)))


def new_conversation(client: TestClient) -> str:
    """Start a conversation and return its signed id."""
    response = client.post("/api/conversations")
    assert response.status_code == 201
    return response.json()["conversation_id"]
