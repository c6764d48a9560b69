"""Response generation that answers in the person's language and within the conversation's context.

Rasa picks among a response's variations with `condition` entries on slots.
This generator fills the `language` slot value for that choice from the
newest user message whose language is clear (else the page's language, which
the web tier passes as message metadata), so every channel and every action
gets replies in Dutch or English without extra round trips. It also fills
`welcomed`, so that a greeting after the welcome gets the short variation. Among the
matching conditional variations it takes the most specific one (the most
conditions; the first listed among equals) instead of a random one, so a
response can hold a general answer per language and, before it, answers for
particular routes or help lines. All replies still come from the reviewed
templates in domain/.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Dict, List, Optional, Text

from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.core.nlg.generator import ResponseVariationFilter
from rasa.shared.constants import RESPONSE_CONDITION
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, Restarted, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot.constants import LANGUAGE_SLOT
from bot.language import conversation_language, page_language
from bot.settings import settings

DEGRADED_SLOT = "degraded"  # set only here, to pick the stand-in variations
WELCOMED_SLOT = "welcomed"  # set only here: the welcome was given in this session, so a second greeting is short
WELCOME = "utter_greet"


class LanguageAwareNLG(TemplatedNaturalLanguageGenerator):
    """Templated NLG whose `language` condition follows the person's language."""

    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, domain: Optional[Domain] = None) -> None:
        super().__init__((domain or Domain.empty()).responses)

    async def generate(
        self,
        utter_action: str,
        tracker: DialogueStateTracker,
        output_channel: str,
        **kwargs: Any,
    ) -> Optional[dict[str, Any]]:
        """Fill the response for the language of the conversation."""
        filled_slots = tracker.current_slot_values()
        filled_slots[LANGUAGE_SLOT] = language_of(tracker)
        filled_slots[WELCOMED_SLOT] = welcomed(tracker)
        return self.generate_from_slots(utter_action, filled_slots, output_channel, **kwargs)

    def _random_response_for(
        self, utter_action: Text, output_channel: Text, filled_slots: Dict[Text, Any]
    ) -> Optional[Dict[Text, Any]]:
        """Return the most specific variation that fits the slots and has every value it shows.

        When an action could not fill a variation's values (the action server is
        down), a help line card or an extra is left out, and any other reply
        becomes the degraded reply that names the route's line: never "None".
        """
        if utter_action not in self.responses:
            return None
        suitable = ResponseVariationFilter(self.responses).responses_for_utter_action(
            utter_action, output_channel, filled_slots
        )
        whole = [variation for variation in suitable if not missing_values(variation, filled_slots)]
        if whole or not suitable:
            return most_specific(whole)
        degraded = degradation()
        if utter_action in degraded["left_out"] or filled_slots.get(DEGRADED_SLOT):
            return None
        return self._random_response_for(degraded["reply"], output_channel, {**filled_slots, DEGRADED_SLOT: True})


PLACEHOLDER = re.compile(r"\{(\w+)\}")


def missing_values(variation: Dict[Text, Any], filled_slots: Dict[Text, Any]) -> List[str]:
    """Return the slots a variation's text shows that have no value."""
    return [name for name in PLACEHOLDER.findall(variation.get("text") or "") if filled_slots.get(name) in (None, "")]


@lru_cache(maxsize=1)
def degradation() -> Dict[str, Any]:
    """Return which replies are left out, and which reply stands in, when values are missing (settings.yml)."""
    return settings()["dialogue"]["when_values_are_missing"]


def most_specific(variations: List[Dict[Text, Any]]) -> Optional[Dict[Text, Any]]:
    """Return the variation with the most conditions, the first listed among equals."""
    if not variations:
        return None
    return max(variations, key=lambda variation: len(variation.get(RESPONSE_CONDITION) or []))


def language_of(tracker: DialogueStateTracker) -> str:
    """Return the conversation's language from its user messages, newest first; else the page's language."""
    said = [event for event in reversed(tracker.events) if isinstance(event, UserUttered)]
    return conversation_language((event.text for event in said), page_language(event.metadata for event in said))


def welcomed(tracker: DialogueStateTracker) -> bool:
    """Tell whether the welcome was already given since the session started (or the conversation restarted)."""
    for event in reversed(tracker.events):
        if isinstance(event, (SessionStarted, Restarted)):
            return False
        if isinstance(event, ActionExecuted) and event.action_name == WELCOME:
            return True
    return False
