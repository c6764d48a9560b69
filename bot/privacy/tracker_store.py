"""Rasa's SQL tracker store, with personal data removed from what people typed before it is written."""

from __future__ import annotations

import copy
from typing import Any

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


def redacted_copy(tracker: DialogueStateTracker) -> DialogueStateTracker:
    """Return a tracker with the same events, each user event redacted."""
    events = [Event.from_parameters(redact_event(event.as_dict())) for event in tracker.events]
    slots = [copy.deepcopy(slot) for slot in tracker.slots.values()]
    return DialogueStateTracker.from_events(tracker.sender_id, events, slots=slots)


class RedactingSQLTrackerStore(SQLTrackerStore):
    """SQL tracker store (SQLite or PostgreSQL) that never stores raw personal data."""

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Store the conversation's new events, redacted."""
        await super().save(redacted_copy(tracker))
