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


@pytest.mark.parametrize(
    "response, text",
    [
        ("utter_followup_police", "moet ik de politie bellen?"),
        ("utter_followup_confront", "moet ik de ouders inlichten?"),
        ("utter_followup_parents", "moet ik eerst haar ouders bellen?"),
    ],
)
def test_a_parent_or_teacher_worried_about_a_child_gets_steps_not_a_question_back(response, text):
    general = reply(response, [text])
    worried_adult = reply(response, [text], route="ask_prevention", speaker="professional")
    assert worried_adult != general
    assert "Vertel me waar het over gaat" not in worried_adult and "je ouders" not in worried_adult
    assert "Helpwanted" in worried_adult and "112" in worried_adult


@pytest.mark.parametrize("route", ["concern_other", "child_at_risk"])
def test_someone_close_asking_whom_to_tell_hears_of_veilig_thuis_not_of_their_own_parents(route):
    text = reply("utter_followup_parents", ["moet ik het aan zijn ouders vertellen?"], route=route, speaker="other")
    assert "Veilig Thuis" in text and "je ouders" not in text


def test_a_mother_asking_whether_to_report_her_son_gets_time_and_advice_not_the_police_desk():
    general = reply("utter_followup_report_police", ["moet ik hem aangeven?"])
    mother = reply("utter_followup_report_police", ["moet ik hem aangeven?"], route="concern_other", speaker="other")
    assert general.startswith("Aangifte doe je bij de politie")
    assert mother.startswith("Dat hoeft niet meteen") and "Stop it Now!" in mother and "Veilig Thuis" in mother


def test_the_route_variation_follows_the_language():
    text = reply("utter_followup_police", ["will the police find out?"], route="self_concern", speaker="self")
    assert text.startswith("Stop it Now! is not the police")


def test_without_a_route_the_general_answer_is_given():
    assert reply("utter_followup_police", ["komt de politie erachter?"]).startswith("Deze chat is anoniem")


def said(*turns):
    """Return the generator's reply text for `turns` of (text, page language or None), newest last."""
    import asyncio

    from rasa.shared.core.events import UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    from bot.nlg import LanguageAwareNLG
    from tests.conftest import project_domain

    def reply(response, extra_events=()):
        events = [UserUttered(text, metadata={"language": page} if page else None) for text, page in turns] + list(extra_events)
        tracker = DialogueStateTracker.from_events("page", events, slots=project_domain().slots)
        return asyncio.run(LanguageAwareNLG(domain=project_domain()).generate(response, tracker, "rest"))["text"]

    return reply


def test_the_english_page_greets_in_english():
    assert said(("/greet", "en"))("utter_greet").startswith("Hi, welcome")
    assert said(("/greet", "nl"))("utter_greet").startswith("Hoi, welkom")
    assert said(("/greet", None))("utter_greet").startswith("Hoi, welkom")  # no page language: Dutch, as before


def test_the_page_language_holds_until_the_person_writes_another():
    assert said(("/greet", "en"), ("ok", "en"))("utter_privacy").startswith("You stay anonymous")  # "ok" shows no language
    assert said(("/greet", "en"), ("is het anoniem?", "en"))("utter_privacy").startswith("Je blijft anoniem")
    assert said(("/greet", "nl"), ("is it anonymous?", "nl"))("utter_privacy").startswith("You stay anonymous")
    assert said(("is het anoniem?", "en"), ("👍", "en"))("utter_privacy").startswith("Je blijft anoniem")  # the newest clear message


def test_only_dutch_or_english_page_languages_count():
    from bot.language import page_language

    assert page_language([{"language": "fr"}, None, "en", {"language": "en"}]) == "en"
    assert page_language([{}, {"language": 1}]) is None


def test_a_second_greeting_is_short_and_a_new_session_is_welcomed_again():
    from rasa.shared.core.events import ActionExecuted, SessionStarted

    reply = said(("/greet", "nl"), ("heyy", "nl"))
    welcome = reply("utter_greet")
    again = reply("utter_greet", [ActionExecuted("utter_greet")])
    assert welcome.startswith("Hoi, welkom") and again.startswith("Hoi! Vertel gerust")
    assert len(again.split()) <= 15 < len(welcome.split()) and "welkom" not in again
    assert said(("hi", None))("utter_greet", [ActionExecuted("utter_greet")]).startswith("Hi! Tell me in your own words")
    assert reply("utter_greet", [ActionExecuted("utter_greet"), SessionStarted()]).startswith("Hoi, welkom")
