"""The action that answers an unclear message within the conversation's situation."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.followups import likely_followup


class ActionResolveUnclear(Action):
    """Send the likeliest follow-up's reply when the conversation has a route; otherwise leave it to the fact search."""

    def name(self) -> Text:
        """Return the action's name in the domain."""
        return "action_resolve_unclear"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        """Dispatch the follow-up's response template, and say whether one was found."""
        ranking = tracker.latest_message.get("intent_ranking") or []
        response = likely_followup(ranking, bool(tracker.get_slot("routed")))
        if response:
            dispatcher.utter_message(response=response)
        return [SlotSet("followup_resolved", response is not None)]
