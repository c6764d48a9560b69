"""Retention: conversations past the period are deleted, recent ones stay."""

import asyncio
import subprocess
import sys
import time

import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.privacy.tracker_store import RedactingSQLTrackerStore
from bot.settings import PROJECT_ROOT
from bot.store.deletion import purge

DAY = 24 * 60 * 60


def store_conversation(store, sender, timestamp):
    """Save a one-message conversation with the given timestamp."""
    tracker = DialogueStateTracker.from_events(sender, [UserUttered("hallo", {"name": "greet"}, timestamp=timestamp)])
    asyncio.run(store.save(tracker))


def senders(url):
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        found = {row[0] for row in connection.execute(sa.text("SELECT DISTINCT sender_id FROM events"))}
    engine.dispose()
    return found


def test_purge_deletes_only_conversations_past_the_period(tmp_path):
    db = tmp_path / "tracker.db"
    store = RedactingSQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(db))
    now = time.time()
    store_conversation(store, "old", now - 31 * DAY)
    store_conversation(store, "recent", now - 2 * DAY)
    url = f"sqlite:///{db}"
    assert purge(days=30, url=url, now=now) == 1
    assert senders(url) == {"recent"}
    assert purge(days=30, url=url, now=now) == 0  # safe to run again, as from cron


def test_purge_on_an_empty_database_does_nothing(tmp_path):
    assert purge(days=30, url=f"sqlite:///{tmp_path / 'none.db'}") == 0


def test_purge_command_runs(tmp_path):
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(f'tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: "{tmp_path / "t.db"}"\n')
    result = subprocess.run([sys.executable, "-m", "bot", "purge", "--days", "30", "--endpoints", str(endpoints)],
                            cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "deleted 0 conversation(s)" in result.stdout
