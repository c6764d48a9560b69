"""The action that picks the fact card answering a factual question."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import language_of, latest_intent
from bot.knowledge import answers, citation, fact_cards


class ActionChooseFact(Action):
    """Fill the fact slots with the best card for the latest factual intent."""

    def name(self) -> Text:
        """Return the action's name in the domain."""
        return "action_choose_fact"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        """Set the card's text in the conversation's language and its citation."""
        card_ids = answers().get(latest_intent(tracker) or "")
        if not card_ids:
            return [SlotSet("fact_text", None), SlotSet("fact_source", None)]
        card = fact_cards()[card_ids[0]]
        language = language_of(tracker)
        return [SlotSet("fact_text", card.text[language]), SlotSet("fact_source", citation(card, language))]
