"""Actions that choose the help lines for a situation and tell whether they are open."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Callable, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import language_of, latest_intent
from bot.knowledge import Helpline, format_opening, helplines, route_followers, signposts

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """Return the current time, timezone-aware."""
    return datetime.now(timezone.utc)


def _yes_no_unknown(value: Any) -> str:
    """Map a true/false/"possible"/null fact onto the slot's categories."""
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return value if value == "possible" else "unknown"


def card_slots(prefix: str, line: Helpline, moment: datetime, language: str) -> List[EventType]:
    """Return the slot events that describe one help line card."""
    status = line.status(moment)
    opens = format_opening(moment, status.opens_at, language) if status.opens_at else None
    return [
        SlotSet(f"{prefix}_name", line.name),
        SlotSet(f"{prefix}_contact", line.contact()),
        SlotSet(f"{prefix}_status", status.kind),
        SlotSet(f"{prefix}_opens", opens),
    ]


class ActionChooseHelplines(Action):
    """Fill the help line card slots for the situation of the latest intent."""

    clock: Clock = staticmethod(utc_now)

    def name(self) -> Text:
        """Return the action's name in the domain."""
        return "action_choose_helplines"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        """Set slots for the first and, where there is one, the second help line."""
        ids = signposts().get(situation_of(tracker))
        if not ids:
            return []
        moment, language = self.clock(), language_of(tracker)
        first = helplines()[ids[0]]
        events = [
            SlotSet("helpline", first.id),
            SlotSet("hl1_free", _yes_no_unknown(first.free)),
            SlotSet("hl1_anonymous", _yes_no_unknown(first.anonymous)),
            *card_slots("hl1", first, moment, language),
        ]
        if len(ids) > 1:
            events += card_slots("hl2", helplines()[ids[1]], moment, language)
        return events


def situation_of(tracker: Tracker) -> str:
    """Return the situation whose lines to show: the latest intent, or the route for intents that follow it."""
    intent, route = latest_intent(tracker) or "", tracker.get_slot("route")
    return route if route and intent in route_followers() else intent


class ActionRefreshHelplineStatus(Action):
    """Recompute whether the help line given last is open, for "is it open now?"."""

    clock: Clock = staticmethod(utc_now)

    def name(self) -> Text:
        """Return the action's name in the domain."""
        return "action_refresh_helpline_status"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        """Update the first card's status slots, if a help line was given."""
        line = helplines().get(tracker.get_slot("helpline") or "")
        if line is None:
            return []
        return card_slots("hl1", line, self.clock(), language_of(tracker))
