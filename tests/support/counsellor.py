"""Conversations made as Rasa makes them, and the dashboard's login steps, for the dashboard tests."""

from __future__ import annotations

import asyncio
import re
from typing import Any

from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from starlette.testclient import TestClient

from bot.privacy.tracker_store import RedactingSQLTrackerStore

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


def csrf_token(html: str) -> str:
    """Return the CSRF token in a page's forms."""
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def log_in(client: TestClient, username: str, password: str = PASSWORD) -> Any:
    """Log in through the form; return the response to the POST."""
    token = csrf_token(client.get("/counsellor/login").text)
    return client.post("/counsellor/login", data={"csrf": token, "username": username, "password": password}, follow_redirects=False)
