"""Actions that choose the help lines for a situation and tell whether they are open."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Callable, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import language_of, latest_intent
from bot.knowledge import Helpline, format_opening, helplines, line_for, open_instead, route_followers, signposts

OPEN_FORM = "form"  # in open_instead: the closed line's own web form
NEEDS_ALTERNATIVE = {"closed", "unknown"}

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
        SlotSet(f"{prefix}_id", line.id),
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
        situation = situation_of(tracker)
        ids = signposts().get(situation)
        if not ids:
            return []
        moment, language = self.clock(), language_of(tracker)
        lines = [line_for(line_id, language) for line_id in ids]
        first = lines[0]
        events = [
            SlotSet("helpline", first.id),
            SlotSet("hl1_free", _yes_no_unknown(first.free)),
            SlotSet("hl1_anonymous", _yes_no_unknown(first.anonymous)),
            *card_slots("hl1", first, moment, language),
        ]
        if len(lines) > 1:
            events += card_slots("hl2", lines[1], moment, language)
        return events + alternative_slots(situation, first, [line.id for line in lines], moment, language)


def alternative_slots(
    situation: str, first: Helpline, shown: List[str], moment: datetime, language: str
) -> List[EventType]:
    """Return the slots of what to offer when the first line is closed or its hours are unknown."""
    kind, line = _alternative(situation, first, shown, moment, language)
    return [
        SlotSet("alt_kind", kind),
        SlotSet("alt_name", line.name if line else None),
        SlotSet("alt_contact", _alternative_contact(kind, line)),
    ]


def _alternative(
    situation: str, first: Helpline, shown: List[str], moment: datetime, language: str
) -> tuple[str, Optional[Helpline]]:
    """Return the kind and line of the situation's first usable alternative not shown already, or ("none", None)."""
    if first.status(moment).kind not in NEEDS_ALTERNATIVE:
        return "none", None
    for candidate in open_instead().get(situation) or []:
        if candidate == OPEN_FORM:
            if first.report_form:
                return OPEN_FORM, first
            continue
        line = line_for(candidate, language)
        if line.id not in shown and line.reachable(moment):
            return ("self_help" if line.kind == "self_help" else "line"), line
    return "none", None


def _alternative_contact(kind: str, line: Optional[Helpline]) -> Optional[str]:
    """Return how to reach the alternative: the website of a form or module, else the contact line."""
    if line is None:
        return None
    return line.web_label() if kind in {OPEN_FORM, "self_help"} else line.contact()


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
        moment, language, situation = self.clock(), language_of(tracker), tracker.get_slot("route") or ""
        return card_slots("hl1", line, moment, language) + alternative_slots(
            situation, line, [line.id], moment, language
        )


class ActionOfferOpenInstead(Action):
    """After the cards: when the first line is closed or its hours are unknown, say what can be done now."""

    def name(self) -> Text:
        """Return the action's name in the domain."""
        return "action_offer_open_instead"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        """Send the open-instead reply (a domain template) only when it applies.

        It is left out when it would add nothing: no alternative to offer and the
        second card is already a line that is there day and night.
        """
        if tracker.get_slot("hl1_status") not in NEEDS_ALTERNATIVE:
            return []
        if tracker.get_slot("alt_kind") in (None, "none") and tracker.get_slot("hl2_status") == "always":
            return []
        dispatcher.utter_message(response="utter_open_instead")
        return []
