"""The redacting SQL tracker store stores every event exactly once, whether or not it read the conversation first."""

from __future__ import annotations

import asyncio
import json

import sqlalchemy as sa
from rasa.core.tracker_store import FailSafeTrackerStore, SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.privacy.tracker_store import RedactingSQLTrackerStore


def stored_texts(path) -> list[str]:
    """Return (type: text) of every stored event, in order."""
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT type_name, data FROM events ORDER BY id")).all()
    engine.dispose()
    return [f"{row.type_name}:{json.loads(row.data).get('text') or json.loads(row.data).get('name') or ''}" for row in rows]


def turn(tracker: DialogueStateTracker, text: str) -> None:
    """Add a user message and the bot's reply, as the processor does."""
    tracker.update(UserUttered(text, {"name": "greet", "confidence": 1.0}))
    tracker.update(ActionExecuted("utter_greet"))
    tracker.update(BotUttered(f"reply to {text}"))
    tracker.update(ActionExecuted("action_listen"))


def new_session_turn(store, sender: str, text: str) -> None:
    """Read a conversation, start a new session in it, add a turn and save, as the processor does."""
    tracker = asyncio.run(store.retrieve(sender))
    tracker.update(ActionExecuted("action_session_start"))
    tracker.update(SessionStarted())
    tracker.update(ActionExecuted("action_listen"))
    turn(tracker, text)
    asyncio.run(store.save(tracker))


def test_read_then_save_stores_only_the_new_events(tmp_path):
    path = tmp_path / "tracker.db"
    store = RedactingSQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(path))
    tracker = asyncio.run(store.get_or_create_tracker("s1"))
    for text in ("een", "twee", "drie"):
        tracker = asyncio.run(store.retrieve("s1"))
        turn(tracker, text)
        asyncio.run(store.save(tracker))
    assert [t for t in stored_texts(path) if t.startswith("user:")] == ["user:een", "user:twee", "user:drie"]
    assert len(stored_texts(path)) == 1 + 3 * 4  # action_listen at creation, four events per turn


def test_save_without_a_read_still_counts_what_is_stored(tmp_path):
    path = tmp_path / "tracker.db"
    store = RedactingSQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(path))
    tracker = DialogueStateTracker("s2", [])
    turn(tracker, "een")
    asyncio.run(store.save(tracker))
    turn(tracker, "twee")
    asyncio.run(store.save(tracker))  # no read in between: Rasa's own count query
    assert [t for t in stored_texts(path) if t.startswith("user:")] == ["user:een", "user:twee"]


def test_a_new_session_after_the_read_is_stored_once(tmp_path):
    path = tmp_path / "tracker.db"
    store = RedactingSQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(path))
    tracker = asyncio.run(store.get_or_create_tracker("s3"))
    turn(tracker, "een")
    asyncio.run(store.save(tracker))
    new_session_turn(store, "s3", "twee")
    texts = stored_texts(path)
    assert [t for t in texts if t.startswith("user:")] == ["user:een", "user:twee"]
    assert texts.count("session_started:") == 1
    latest = asyncio.run(store.retrieve("s3"))
    assert [e.text for e in latest.events if isinstance(e, UserUttered)] == ["twee"]


def untimed(event) -> dict:
    """Return an event's dict without its timestamp (the two stores write at different moments)."""
    return {key: value for key, value in event.as_dict().items() if key != "timestamp"}


def test_reads_and_rows_are_the_same_as_rasas_own_store(tmp_path):
    path = tmp_path / "tracker.db"
    ours = RedactingSQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(path))
    rasas = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(tmp_path / "rasa.db"))
    for store in (ours, rasas):
        for sender in ("s4", "other"):
            tracker = asyncio.run(store.get_or_create_tracker(sender))
            turn(tracker, f"een {sender}")
            asyncio.run(store.save(tracker))
        new_session_turn(store, "s4", "twee")

    def columns(db) -> list[tuple]:
        engine = sa.create_engine(f"sqlite:///{db}")
        with engine.connect() as connection:
            rows = connection.execute(sa.text("SELECT id, sender_id, type_name, intent_name, action_name FROM events ORDER BY id")).all()
        engine.dispose()
        return [tuple(row) for row in rows]

    assert columns(path) == columns(tmp_path / "rasa.db")
    for sender in ("s4", "other"):
        mine, theirs = asyncio.run(ours.retrieve(sender)), asyncio.run(SQLTrackerStore._retrieve(rasas, sender, False))
        assert [untimed(e) for e in mine.events] == [untimed(e) for e in theirs.events]
    assert [e.text for e in asyncio.run(ours.retrieve("s4")).events if isinstance(e, UserUttered)] == ["twee"]
    assert asyncio.run(ours.retrieve("nobody")) is None


def test_messages_are_stored_once_without_count_queries(tmp_path):
    path = tmp_path / "tracker.db"
    store = RedactingSQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(path))
    statements: list[str] = []
    sa.event.listen(store.engine, "before_cursor_execute", lambda _c, _cur, statement, *_: statements.append(statement))
    wrapped = FailSafeTrackerStore(store)  # as Rasa's agent wraps the configured store
    for text in ("een", "twee"):
        tracker = asyncio.run(wrapped.get_or_create_tracker("s5"))  # the first time: read (nothing), create, store
        turn(tracker, text)
        asyncio.run(wrapped.save(tracker))  # as the processor does at the end of a message
    assert [t for t in stored_texts(path) if t.startswith("user:")] == ["user:een", "user:twee"]
    assert len(stored_texts(path)) == 1 + 2 * 4
    assert not [s for s in statements if "count(" in s.lower()]
