"""What the actions need to know about the conversation so far."""

from __future__ import annotations

from typing import Optional

from rasa_sdk import Tracker

from bot.language import conversation_language, page_language


def language_of(tracker: Tracker) -> str:
    """Return the language of the conversation, from its newest clear user message; else the page's language."""
    said = [event for event in reversed(tracker.events) if event.get("event") == "user"]
    return conversation_language(
        (event.get("text") for event in said), page_language(event.get("metadata") for event in said)
    )


def latest_intent(tracker: Tracker) -> Optional[str]:
    """Return the name of the intent of the latest user message."""
    return (tracker.latest_message.get("intent") or {}).get("name")
