"""The action that puts the configured retention period into the privacy reply."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.store.retention import retention_days


class ActionPrivacyFacts(Action):
    """Fill `retention_days` from settings.yml, the same value `python -m bot purge` uses."""

    def name(self) -> Text:
        """Return the action's name in the domain."""
        return "action_privacy_facts"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        """Set the retention period in days."""
        return [SlotSet("retention_days", str(retention_days()))]
