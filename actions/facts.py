"""The actions that pick the fact card answering a factual question."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import language_of, latest_intent
from bot.fact_search import fact_search
from bot.knowledge import FactCard, answers, citation, fact_cards, sensitive_card_routes


def _fact_slots(card: Optional[FactCard], tracker: Tracker) -> List[EventType]:
    """Return the slot events that put the card (or no card) into the reply."""
    if card is None:
        return [SlotSet("fact_found", False), SlotSet("fact_text", None), SlotSet("fact_source", None)]
    language = language_of(tracker)
    return [
        SlotSet("fact_found", True),
        SlotSet("fact_text", card.text[language]),
        SlotSet("fact_source", citation(card, language)),
    ]


def allowed(card_id: Optional[str], tracker: Tracker) -> Optional[FactCard]:
    """Return the card, unless it is sensitive and the conversation's route withholds such cards."""
    card = fact_cards().get(card_id or "")
    if card is not None and card.sensitive and tracker.get_slot("route") in sensitive_card_routes():
        return None
    return card


def _question(tracker: Tracker) -> str:
    """Return the text of the latest user message."""
    return tracker.latest_message.get("text") or ""


class ActionChooseFact(Action):
    """Fill the fact slots for a factual intent: its own card, or one that clearly answers the question better."""

    def name(self) -> Text:
        """Return the action's name in the domain."""
        return "action_choose_fact"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        """Set the card's text in the conversation's language and its citation."""
        card_ids = answers().get(latest_intent(tracker) or "")
        if not card_ids:
            return _fact_slots(None, tracker)
        chosen = fact_search().card_for_intent(_question(tracker), card_ids[0])
        candidates = (allowed(card_id, tracker) for card_id in [chosen, *card_ids])
        return _fact_slots(next((card for card in candidates if card), None), tracker)


class ActionSearchFacts(Action):
    """Answer a message no intent fits from the fact cards, or say honestly that there is no answer."""

    def name(self) -> Text:
        """Return the action's name in the domain."""
        return "action_search_facts"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        """Set the best card above the threshold, or mark that none was found."""
        hit = fact_search().answer(_question(tracker))
        return _fact_slots(allowed(hit.card_id if hit else None, tracker), tracker)


fact_search()  # build the index when the action server starts, not on the first question
