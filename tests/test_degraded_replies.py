"""With the action server down, every reply is still whole and in the person's language: never "None"."""

import asyncio
import re

import pytest
from rasa.shared.core.events import SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.domain import domain
from bot.nlg import LanguageAwareNLG
from bot.settings import settings

RESPONSES = sorted(domain()["responses"])
ROUTES = [None, "crisis", "danger_now", "child_victim", "seek_material", "self_concern", "concern_other", "child_at_risk",
          "report_person", "report_material", "past_abuse", "ask_prevention"]
SPEAKER = {"crisis": "self", "danger_now": "witness", "child_victim": "child", "seek_material": "self", "self_concern": "self",
           "concern_other": "other", "child_at_risk": "other", "report_person": "witness", "report_material": "witness",
           "past_abuse": "self", "ask_prevention": "professional"}
SAID = {"nl": "is het anoniem en wat nu", "en": "is it anonymous and what now"}
LEFT_OUT = set(settings()["dialogue"]["when_values_are_missing"]["left_out"])
BROKEN = re.compile(r"\bNone\b|\{\w+\}|\bnull\b")


@pytest.fixture(scope="module")
def generate(rasa_domain):
    """Return generate(response, language, route) with every action-filled slot empty, as when the action server is down."""
    nlg = LanguageAwareNLG(domain=rasa_domain)

    def run(response, language, route):
        events = [UserUttered(SAID[language])]
        if route:
            events += [SlotSet("route", route), SlotSet("routed", True), SlotSet("speaker", SPEAKER[route])]
        tracker = DialogueStateTracker.from_events("down", events, slots=rasa_domain.slots)
        return asyncio.run(nlg.generate(response, tracker, "rest"))

    return run


@pytest.mark.parametrize("response", RESPONSES)
def test_no_reply_shows_an_empty_value_when_the_actions_could_not_run(generate, reply_language, response):
    for route in ROUTES:
        for language in ("nl", "en"):
            message = generate(response, language, route)
            if message is None:
                assert response in LEFT_OUT, f"{response} ({route}, {language}) sends nothing"
                continue
            text = message["text"]
            assert text.strip() and not BROKEN.search(text), f"{response} ({route}, {language}): {text}"
            assert reply_language(text) in (language, "?"), f"{response} ({route}, {language}): {text}"


@pytest.mark.parametrize("route, number", [("crisis", "113"), ("danger_now", "112"), ("child_victim", "0800-0432"), ("self_concern", "0800-266 64 36")])
@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_fact_answer_without_its_card_names_the_routes_line(generate, route, number, language):
    text = generate("utter_fact", language, route)["text"]
    assert number in text


def test_the_cards_are_left_out_but_the_safety_signposts_name_their_numbers(generate):
    assert generate("utter_helpline_1", "nl", "crisis") is None
    assert "113" in generate("utter_signpost_crisis", "nl", "crisis")["text"]
    assert "112" in generate("utter_signpost_danger_now", "en", "danger_now")["text"]
    assert "0800-0432" in generate("utter_signpost_child_victim", "en", "child_victim")["text"]


def test_privacy_without_its_figure_still_answers(generate):
    text = generate("utter_privacy", "en", None)["text"]
    assert "anonymous" in text and "fixed period" in text
