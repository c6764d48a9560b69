"""Trackers for actions and replies rendered by the bot's NLG, as the tests build them."""

from __future__ import annotations

import asyncio
from functools import lru_cache
from typing import Any, Optional

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa_sdk import Tracker

from bot.domain import DOMAIN_DIR
from bot.nlg import LanguageAwareNLG


def make_tracker(
    intent: str,
    text: str = "",
    slots: Optional[dict[str, Any]] = None,
    earlier_texts: tuple[str, ...] = (),
) -> Tracker:
    """Build a tracker whose latest user message has `intent` and `text`."""
    events = [{"event": "user", "text": earlier} for earlier in earlier_texts]
    latest = {"intent": {"name": intent, "confidence": 1.0}, "text": text, "entities": []}
    events.append({"event": "user", "text": text, "parse_data": latest})
    return Tracker("test-sender", slots or {}, latest, events, False, None, {}, "action_listen")


def render_reply(response: str, texts: list[str], slots: dict[str, Any]) -> str:
    """Return the text the bot's NLG gives for `response` after the user `texts`, with `slots` set."""
    domain = project_domain()
    events = [UserUttered(text) for text in texts] + [SlotSet(name, value) for name, value in slots.items()]
    tracker = DialogueStateTracker.from_events("nlg-test", events, slots=domain.slots)
    return asyncio.run(LanguageAwareNLG(domain=domain).generate(response, tracker, "rest"))["text"]


@lru_cache(maxsize=1)
def project_domain() -> Domain:
    """Return the project's domain (the files in domain/) as Rasa loads it, loaded once."""
    return Domain.load(str(DOMAIN_DIR))
