"""The response generator answers in the person's language and within the conversation's route."""

import pytest

from bot.nlg import most_specific
from tests.support.rendering import render_reply


def reply(response, texts, **slots):
    """Return the text the generator gives for `response` after the user `texts` with `slots` set."""
    return render_reply(response, texts, slots)


def test_the_most_specific_variation_wins_and_the_first_among_equals():
    general, first, second = {"condition": [1]}, {"condition": [1, 2], "text": "a"}, {"condition": [1, 3], "text": "b"}
    assert most_specific([general, first, second]) is first
    assert most_specific([]) is None


def test_paying_means_the_blackmailer_for_a_child_and_the_help_for_a_partner():
    assert reply("utter_followup_pay", ["moet ik betalen?"], route="child_victim", speaker="child").startswith("Nee, betaal niet")
    partner = reply("utter_followup_pay", ["moet ik betalen?"], route="concern_other", speaker="other")
    assert "gratis" in partner and "euro" not in partner


@pytest.mark.parametrize(
    "route, speaker, expected",
    [("crisis", "self", "113"), ("child_victim", "child", "Kindertelefoon"), ("self_concern", "self", "stopitnow.nl")],
)
def test_scared_to_call_offers_the_chat_of_the_routes_line(route, speaker, expected):
    text = reply("utter_followup_scared", ["ik durf niet te bellen"], route=route, speaker=speaker)
    assert expected in text and "chat" in text


def test_the_route_variation_follows_the_language():
    text = reply("utter_followup_police", ["will the police find out?"], route="self_concern", speaker="self")
    assert text.startswith("Stop it Now! is not the police")


def test_without_a_route_the_general_answer_is_given():
    assert reply("utter_followup_police", ["komt de politie erachter?"]).startswith("Deze chat is anoniem")
