"""Rasa's SQL tracker store, with personal data removed from what people typed before it is written."""

from __future__ import annotations

from typing import Any, Iterator, List, Text

import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker

from bot.privacy.redaction import redact_value

SQLITE_BUSY_SECONDS = 30


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


def redacted(event: Event) -> Event:
    """Return the event itself, or a redacted copy when it carries what a person typed."""
    data = event.as_dict()
    return Event.from_parameters(redact_event(data)) if data.get("event") in USER_EVENT_TYPES else event


class RedactingSQLTrackerStore(SQLTrackerStore):
    """SQL tracker store (SQLite or PostgreSQL) that never stores or publishes raw personal data.

    Only the events not yet stored are redacted, as Rasa writes them; the live
    tracker of the conversation is left untouched. On SQLite the database runs in
    WAL mode with a busy timeout, so that several Rasa servers can share the file.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Connect as Rasa does, then tune SQLite for several writing processes."""
        super().__init__(*args, **kwargs)
        if self.engine.dialect.name == "sqlite":
            self.engine.dispose()
            self.engine = sa.create_engine(self.engine.url, connect_args={"timeout": SQLITE_BUSY_SECONDS}, poolclass=sa.pool.QueuePool)
            sa.event.listen(self.engine, "connect", _tune_sqlite)
            self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator[Event]:
        """Return the events to store, redacted."""
        return (redacted(event) for event in super()._additional_events(session, tracker))

    async def _stream_new_events(self, event_broker: EventBroker, new_events: List[Event], sender_id: Text) -> None:
        """Publish new events to a configured event broker, redacted."""
        await super()._stream_new_events(event_broker, [redacted(event) for event in new_events], sender_id)
