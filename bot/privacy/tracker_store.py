"""Rasa's SQL tracker store, with personal data removed from what people typed before it is written."""

from __future__ import annotations

from typing import Any, Iterator, List, Text

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker

from bot.privacy.redaction import redact_value

# Events that carry what a person typed (or what the pipeline extracted from it).
USER_EVENT_TYPES = {"user", "entities"}


def redact_event(data: dict[str, Any]) -> dict[str, Any]:
    """Return an event's dict with the person's text, parse data and metadata redacted."""
    if data.get("event") not in USER_EVENT_TYPES:
        return data
    return {key: redact_value(value) if key != "event" else value for key, value in data.items()}


def redacted(event: Event) -> Event:
    """Return the event itself, or a redacted copy when it carries what a person typed."""
    data = event.as_dict()
    return Event.from_parameters(redact_event(data)) if data.get("event") in USER_EVENT_TYPES else event


class RedactingSQLTrackerStore(SQLTrackerStore):
    """SQL tracker store (SQLite or PostgreSQL) that never stores or publishes raw personal data.

    Only the events not yet stored are redacted, as Rasa writes them; the live
    tracker of the conversation is left untouched.
    """

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator[Event]:
        """Return the events to store, redacted."""
        return (redacted(event) for event in super()._additional_events(session, tracker))

    async def _stream_new_events(self, event_broker: EventBroker, new_events: List[Event], sender_id: Text) -> None:
        """Publish new events to a configured event broker, redacted."""
        await super()._stream_new_events(event_broker, [redacted(event) for event in new_events], sender_id)
