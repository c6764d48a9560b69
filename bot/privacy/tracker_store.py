"""Rasa's SQL tracker store, with personal data removed from what people typed before it is written."""

from __future__ import annotations

import itertools
import json
from collections import OrderedDict
from typing import Any, Iterator, List, Optional, Text

import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

from bot.privacy.redaction import redact_value

SQLITE_BUSY_SECONDS = 30
REMEMBERED_CONVERSATIONS = 10_000  # stored-event counts kept between a read and the save that follows


def _tune_sqlite(connection: Any, _record: Any) -> None:
    """Use write-ahead logging (readers do not block the writer) with safe, fewer syncs."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


# Events that carry what a person typed (or what the pipeline extracted from it).
USER_EVENT_TYPES = {"user", "entities"}


def redact_event(data: dict[str, Any]) -> dict[str, Any]:
    """Return an event's dict with the person's text, parse data and metadata redacted."""
    if data.get("event") not in USER_EVENT_TYPES:
        return data
    return redact_value(data)


def latest_session_query(events: sa.Table) -> sa.sql.Select:
    """Return the statement reading a conversation's events since its latest session start, as Rasa does."""
    sender = sa.bindparam("sender_id")
    session_start = (
        sa.select(sa.func.max(events.c.timestamp))
        .where(events.c.sender_id == sender, events.c.type_name == SessionStarted.type_name)
        .scalar_subquery()
    )
    return (
        sa.select(events.c.data)
        .where(events.c.sender_id == sender, sa.or_(events.c.timestamp >= session_start, session_start.is_(None)))
        .order_by(events.c.id)
    )


def event_row(sender_id: str, event: Event) -> dict[str, Any]:
    """Return the row Rasa stores for an event, redacted."""
    data = redact_event(event.as_dict())
    return {
        "sender_id": sender_id,
        "type_name": event.type_name,
        "timestamp": data.get("timestamp"),
        "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
        "action_name": data.get("name"),
        "data": json.dumps(data),
    }


def redacted(event: Event) -> Event:
    """Return the event itself, or a redacted copy when it carries what a person typed."""
    data = event.as_dict()
    return Event.from_parameters(redact_event(data)) if data.get("event") in USER_EVENT_TYPES else event


class RedactingSQLTrackerStore(SQLTrackerStore):
    """SQL tracker store (SQLite or PostgreSQL) that never stores or publishes raw personal data.

    Only the events not yet stored are redacted, as Rasa writes them; the live
    tracker of the conversation is left untouched. On SQLite the database runs in
    WAL mode with a busy timeout, so that several Rasa servers can share the file.

    Rasa counts a conversation's stored events with a query before each save. The
    store remembers that number from the read at the start of the message instead,
    and updates it with each save (the conversation lock keeps other writers out
    until the message is done; every message starts with a read, which replaces
    the number). It queries only when it has not read the conversation.

    Reads and writes use statements built once (SQLAlchemy Core) rather than
    Rasa's ORM queries built per message; the rows written and the events read
    back are the same as Rasa's.
    """

    engine: sa.engine.Engine

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Connect as Rasa does, then tune SQLite for several writing processes."""
        super().__init__(*args, **kwargs)
        rasa_engine: sa.engine.Engine = self.engine
        if rasa_engine.dialect.name == "sqlite":
            rasa_engine.dispose()
            self.engine = sa.create_engine(
                rasa_engine.url, connect_args={"timeout": SQLITE_BUSY_SECONDS}, poolclass=sa.pool.QueuePool
            )
            sa.event.listen(self.engine, "connect", _tune_sqlite)
            self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        self._stored_counts: OrderedDict[str, int] = OrderedDict()
        self._events_table: sa.Table = self.SQLEvent.__table__
        self._latest_session = latest_session_query(self._events_table)

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        """Read the latest session as Rasa does, and remember how many of its events are stored."""
        with self.session_scope() as session:
            rows = session.execute(self._latest_session, {"sender_id": sender_id}).scalars().all()
        tracker = (
            DialogueStateTracker.from_dict(sender_id, [json.loads(row) for row in rows], self.domain.slots)
            if rows and self.domain
            else None
        )
        self._remember_stored(sender_id, len(tracker.events) if tracker else 0)
        return tracker

    def _remember_stored(self, sender_id: Text, count: int) -> None:
        """Remember how many events of a conversation are stored."""
        self._stored_counts[sender_id] = count
        self._stored_counts.move_to_end(sender_id)
        while len(self._stored_counts) > REMEMBERED_CONVERSATIONS:
            self._stored_counts.popitem(last=False)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Store the events not yet stored, redacted, with one statement."""
        await self.stream_events(tracker)
        known = tracker.sender_id in self._stored_counts
        with self.session_scope() as session:
            rows = [event_row(tracker.sender_id, event) for event in self._additional_events(session, tracker)]
            if rows:
                session.execute(self._events_table.insert(), rows)
            session.commit()
        if known:  # a save that follows a read keeps the count for the saves after it (each message reads first)
            self._remember_stored(tracker.sender_id, len(tracker.events))

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator[Event]:
        """Return the events not yet stored (not yet redacted)."""
        stored = self._stored_counts.pop(tracker.sender_id, None)
        if stored is None:
            return super()._additional_events(session, tracker)
        return itertools.islice(tracker.events, stored, None)

    async def _stream_new_events(self, event_broker: EventBroker, new_events: List[Event], sender_id: Text) -> None:
        """Publish new events to a configured event broker, redacted."""
        await super()._stream_new_events(event_broker, [redacted(event) for event in new_events], sender_id)
