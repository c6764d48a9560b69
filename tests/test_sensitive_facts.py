"""No fact card helps or describes: prices and how shows were bought stay out of seeking and children's conversations."""

import re
from pathlib import Path

import pytest
import yaml
from rasa_sdk.executor import CollectingDispatcher

from actions.facts import ActionChooseFact, ActionSearchFacts
from bot.knowledge import fact_cards, sensitive_card_routes

RULES = Path(__file__).resolve().parent.parent / "data" / "rules" / "facts.yml"
# What a payer can ask for or how a show is arranged: never in any card.
WORKINGS = re.compile(
    r"opdrachten|aanwijzingen (geven|over)|instructions|give orders|wat ze wilden zien|what they wanted to see|bestelden"
    r"|op bestelling|ordered the abuse|spraken .{0,20}af|agreed on what|how (to|they) (buy|book|arrange)",
    re.I,
)
PRICE = re.compile(r"\d+\s*(euro|dollar)|€|\$", re.I)
SEEK_LIKE = [
    "hoeveel moet ik betalen voor een show",
    "how much do i pay them",
    "wat kost het om live mee te kijken",
    "how do buyers order this",
    "hoe bestel je zoiets",
]


def run(action, tracker):
    """Run an action and return the slots it set."""
    events = action.run(CollectingDispatcher(), tracker, {})
    return {event["name"]: event["value"] for event in events if event["event"] == "slot"}


def test_no_card_says_what_payers_can_ask_for_or_how_shows_are_arranged():
    offending = [card.id for card in fact_cards().values() for text in card.text.values() if WORKINGS.search(text)]
    assert not offending


def test_every_card_with_a_price_is_marked_sensitive():
    unmarked = [card.id for card in fact_cards().values() if PRICE.search(card.text["nl"]) and not card.sensitive]
    assert not unmarked


def test_sensitive_cards_are_withheld_after_seeking_and_a_childs_disclosure():
    assert {"seek_material", "child_victim"} <= sensitive_card_routes()


@pytest.mark.parametrize("route", ["seek_material", "child_victim"])
def test_price_questions_get_the_refusal_in_seeking_and_child_conversations(route):
    rules = yaml.safe_load(RULES.read_text(encoding="utf-8"))["rules"]
    conditioned = [
        rule for rule in rules
        if {"route": route} in [c for step in rule.get("condition", []) for c in step.get("slot_was_set", [])]
    ]
    steps = [(step.get("intent"), step.get("action")) for rule in conditioned for step in rule["steps"]]
    assert ("faq_price", None) in steps and (None, "utter_no_show_details") in steps


@pytest.mark.parametrize("route", ["seek_material", "child_victim"])
@pytest.mark.parametrize("question", SEEK_LIKE)
def test_searching_never_gives_a_sensitive_card_in_those_routes(tracker_for, route, question):
    for action, intent in ((ActionSearchFacts(), "nlu_fallback"), (ActionChooseFact(), "faq_what_is")):
        slots = run(action, tracker_for(intent, question, {"route": route}))
        shown = [card for card in fact_cards().values() if slots.get("fact_text") in card.text.values()]
        assert not any(card.sensitive for card in shown), (question, shown)


def test_the_same_question_may_get_a_sensitive_card_in_a_factual_conversation(tracker_for):
    slots = run(ActionChooseFact(), tracker_for("faq_price", "wat kost een show"))
    assert "25" in slots["fact_text"]
