"""The actions that pick the fact card answering a factual question."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import language_of, latest_intent
from bot.fact_search import Answer, fact_search
from bot.knowledge import FactCard, answers, citation, fact_cards, sensitive_card_routes

NOT_UNDERSTOOD = "utter_fallback"  # a factual intent whose question no card comes near: the fallback's main routes


def _fact_slots(answer: Optional[Answer], tracker: Tracker) -> List[EventType]:
    """Return the slot events that put the answer (a card, "the articles don't say", or nothing) into the reply."""
    if answer is None:
        return [SlotSet(name, None) for name in ("fact_text", "fact_source", "fact_reply", "fact_figure")] + [
            SlotSet("fact_found", False)
        ]
    language = language_of(tracker)
    card = allowed(answer.card_id, tracker)
    figure = answer.figure[language] if answer.figure and card else None
    if not answer.said:
        reply = "not_said_closest" if card else "not_said"
    else:
        reply = "figure" if figure else "answer" if card else "not_said"
    return [
        SlotSet("fact_found", True),
        SlotSet("fact_text", card.text[language] if card else None),
        SlotSet("fact_source", citation(card, language) if card else None),
        SlotSet("fact_reply", reply),
        SlotSet("fact_figure", figure),
    ]


def withheld(tracker: Tracker) -> frozenset[str]:
    """Return the cards not given in this conversation: the sensitive ones, when its route withholds them."""
    if tracker.get_slot("route") not in sensitive_card_routes():
        return frozenset()
    return frozenset(card.id for card in fact_cards().values() if card.sensitive)


def allowed(card_id: Optional[str], tracker: Tracker) -> Optional[FactCard]:
    """Return the card, unless the conversation withholds it."""
    return None if card_id in withheld(tracker) else fact_cards().get(card_id or "")


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
        answer = fact_search().answer(_question(tracker), card_ids, withheld(tracker))
        if answer is None:  # not about the articles after all ("what's the tallest building?"): not understood
            return _fact_slots(None, tracker) + [FollowupAction(NOT_UNDERSTOOD)]
        return _fact_slots(answer, tracker)


class ActionSearchFacts(Action):
    """Answer a message no intent fits from the fact cards, or say honestly that there is no answer."""

    def name(self) -> Text:
        """Return the action's name in the domain."""
        return "action_search_facts"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        """Set the best card above the threshold, or mark that none was found."""
        return _fact_slots(fact_search().answer(_question(tracker), (), withheld(tracker)), tracker)


fact_search()  # build the index when the action server starts, not on the first question
