"""Actions over a Tracker and a CollectingDispatcher."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.facts import ActionChooseFact
from actions.helplines import ActionChooseHelplines, ActionRefreshHelplineStatus

AMS = ZoneInfo("Europe/Amsterdam")


def slots_of(events):
    """Return the slots the events set, as a dict."""
    return {event["name"]: event["value"] for event in events if event["event"] == "slot"}


def run(action, tracker):
    """Run an action and return the dispatched messages and the slots it set."""
    dispatcher = CollectingDispatcher()
    events = action.run(dispatcher, tracker, {})
    return dispatcher.messages, slots_of(events)


def at(moment):
    """Return a clock that always says `moment`."""
    def clock():
        return moment
    return clock


@pytest.fixture
def evening():
    return datetime(2026, 11, 24, 22, 15, tzinfo=AMS)  # a Tuesday


def test_crisis_points_to_113_first_and_stop_it_now_second(tracker_for, evening, monkeypatch):
    monkeypatch.setattr(ActionChooseHelplines, "clock", staticmethod(at(evening)))
    messages, slots = run(ActionChooseHelplines(), tracker_for("crisis", "ik wil dood"))
    assert messages == []  # replies are domain templates, not action text
    assert slots["helpline"] == "zelfmoordpreventie_113"
    assert "113" in slots["hl1_contact"] and "0800-0113" in slots["hl1_contact"]
    assert slots["hl1_status"] == "always"
    assert slots["hl2_name"] == "Stop it Now!"


def test_closed_line_says_when_it_opens_in_dutch(tracker_for, evening, monkeypatch):
    monkeypatch.setattr(ActionChooseHelplines, "clock", staticmethod(at(evening)))
    _, slots = run(ActionChooseHelplines(), tracker_for("child_victim", "ik ben 13 en hij chanteert me"))
    assert slots["helpline"] == "kindertelefoon"
    assert slots["hl1_status"] == "closed"
    assert slots["hl1_opens"] == "morgen om 11:00"


def test_closed_line_says_when_it_opens_in_english(tracker_for, evening, monkeypatch):
    monkeypatch.setattr(ActionChooseHelplines, "clock", staticmethod(at(evening)))
    _, slots = run(ActionChooseHelplines(), tracker_for("child_victim", "i am 13 and someone is blackmailing me"))
    assert slots["hl1_opens"] == "tomorrow at 11:00"


def test_unknown_hours_are_reported_as_unknown(tracker_for, evening, monkeypatch):
    monkeypatch.setattr(ActionChooseHelplines, "clock", staticmethod(at(evening)))
    _, slots = run(ActionChooseHelplines(), tracker_for("self_concern", "ik kijk dingen die niet mogen"))
    assert slots["helpline"] == "stop_it_now"
    assert slots["hl1_status"] == "unknown"
    assert slots["hl1_free"] == "yes" and slots["hl1_anonymous"] == "yes"
    assert "hl2_name" not in slots


def test_web_form_only_line_is_online(tracker_for, evening, monkeypatch):
    monkeypatch.setattr(ActionChooseHelplines, "clock", staticmethod(at(evening)))
    _, slots = run(ActionChooseHelplines(), tracker_for("share_material", "waar meld ik een site"))
    assert slots["helpline"] == "meldpunt_kinderporno"
    assert slots["hl1_status"] == "online"


def test_intent_without_signpost_sets_nothing(tracker_for):
    _, slots = run(ActionChooseHelplines(), tracker_for("greet", "hoi"))
    assert slots == {}


def test_refresh_recomputes_status_for_the_line_given(tracker_for, monkeypatch):
    noon = datetime(2026, 11, 28, 12, 0, tzinfo=AMS)  # Saturday
    monkeypatch.setattr(ActionRefreshHelplineStatus, "clock", staticmethod(at(noon)))
    tracker = tracker_for("ask_open_now", "zijn ze nu open", slots={"helpline": "kindertelefoon"})
    _, slots = run(ActionRefreshHelplineStatus(), tracker)
    assert slots["hl1_status"] == "open"


def test_refresh_without_a_line_sets_nothing(tracker_for):
    _, slots = run(ActionRefreshHelplineStatus(), tracker_for("ask_open_now", "open?", slots={"helpline": "none"}))
    assert slots == {}


def test_fact_answer_cites_title_and_date_in_dutch(tracker_for):
    _, slots = run(ActionChooseFact(), tracker_for("faq_price", "wat kost zo'n show"))
    assert "25" in slots["fact_text"]
    assert slots["fact_source"].endswith(("april 2024", "juni 2018"))
    assert "“" in slots["fact_source"]


def test_fact_answer_in_english_follows_the_person(tracker_for):
    _, slots = run(ActionChooseFact(), tracker_for("faq_rescue", "how many kids were rescued"))
    assert "IJM" in slots["fact_text"] or "International Justice Mission" in slots["fact_text"]
    assert "date not given" in slots["fact_source"]  # the IJM article carries no date


def test_language_follows_an_earlier_message_when_the_latest_is_unclear(tracker_for):
    tracker = tracker_for("faq_covid", "covid?", earlier_texts=("what happened during the pandemic",))
    _, slots = run(ActionChooseFact(), tracker)
    assert slots["fact_source"].endswith("April 2024")


def test_privacy_reply_gets_the_configured_retention_period(tracker_for):
    from actions.privacy import ActionPrivacyFacts
    from bot.settings import settings

    _, slots = run(ActionPrivacyFacts(), tracker_for("ask_privacy", "wat slaan jullie op"))
    assert slots == {"retention_days": str(settings()["privacy"]["retention_days"])}


@pytest.mark.parametrize(
    "intent, route, first_line, second_line",
    [
        ("ask_human", "crisis", "zelfmoordpreventie_113", "Stop it Now!"),  # a person after the 113 reply: 113
        ("ask_human", None, "stop_it_now", None),  # a person without a route: Stop it Now
        ("child_at_risk", "crisis", "veilig_thuis", "Stop it Now!"),  # a new route takes its own lines
    ],
)
def test_the_lines_follow_the_route_where_the_intent_keeps_it(
    tracker_for, evening, monkeypatch, intent, route, first_line, second_line
):
    monkeypatch.setattr(ActionChooseHelplines, "clock", staticmethod(at(evening)))
    _, slots = run(ActionChooseHelplines(), tracker_for(intent, "en nu?", {"route": route} if route else {}))
    assert slots["helpline"] == first_line
    assert slots.get("hl2_name") == second_line


def unclear(text, ranking, slots):
    """Return a tracker whose latest message fell to the fallback with `ranking`."""
    from rasa_sdk import Tracker

    latest = {"intent": {"name": "nlu_fallback", "confidence": 0.3}, "intent_ranking": ranking, "text": text, "entities": []}
    return Tracker("test-sender", slots, latest, [{"event": "user", "text": text, "parse_data": latest}], False, None, {}, "action_listen")


def test_an_unclear_follow_up_after_a_signpost_gets_its_likeliest_answer():
    from actions.unclear import ActionResolveUnclear

    ranking = [{"name": "nlu_fallback", "confidence": 0.3}, {"name": "ask_police", "confidence": 0.27},
               {"name": "ask_anonymous", "confidence": 0.25}]
    messages, slots = run(ActionResolveUnclear(), unclear("komt hij erachter?", ranking, {"routed": True}))
    assert messages[0]["response"] == "utter_followup_police"
    assert slots["followup_resolved"] is True


def test_an_unsure_ok_after_a_signpost_is_taken_as_the_acknowledgement_it_most_likely_is():
    from actions.unclear import ActionResolveUnclear

    ranking = [{"name": "nlu_fallback", "confidence": 0.3}, {"name": "ack", "confidence": 0.27}, {"name": "goodbye", "confidence": 0.08}]
    messages, slots = run(ActionResolveUnclear(), unclear("ok", ranking, {"routed": True}))
    assert messages[0]["response"] == "utter_ack" and slots["followup_resolved"] is True


@pytest.mark.parametrize(
    "slots, ranking",
    [
        ({"routed": True}, [{"name": "goodbye", "confidence": 0.27}]),  # never guessed: no goodbye to an unclear message
        ({"routed": True}, [{"name": "greet", "confidence": 0.4}]),  # nor the whole welcome again
        ({"routed": False}, [{"name": "ask_police", "confidence": 0.27}]),  # no route yet: the clarifying question
        ({"routed": True}, [{"name": "faq_police", "confidence": 0.27}]),  # a factual question: the fact search
        ({"routed": True}, [{"name": "ask_police", "confidence": 0.05}]),  # too unsure
    ],
)
def test_an_unclear_message_is_left_to_the_fact_search_otherwise(slots, ranking):
    from actions.unclear import ActionResolveUnclear

    messages, events = run(ActionResolveUnclear(), unclear("hmm", ranking, slots))
    assert messages == [] and events["followup_resolved"] is False


def test_the_cards_name_their_lines_for_the_widget(tracker_for, evening, monkeypatch):
    monkeypatch.setattr(ActionChooseHelplines, "clock", staticmethod(at(evening)))
    _, slots = run(ActionChooseHelplines(), tracker_for("child_victim", "ik ben 14 en hij dreigt mijn fotos te delen"))
    assert (slots["hl1_id"], slots["hl2_id"]) == ("kindertelefoon", "helpwanted")


def test_without_words_that_show_a_language_the_page_language_counts():
    from rasa_sdk import Tracker

    from actions.conversation import language_of

    def tracker(*events):
        return Tracker("page", {}, {}, list(events), False, None, {}, "action_listen")

    english_page = {"event": "user", "text": "/greet", "metadata": {"language": "en"}}
    assert language_of(tracker(english_page)) == "en"
    assert language_of(tracker(english_page, {"event": "user", "text": "ok", "metadata": {"language": "en"}})) == "en"
    assert language_of(tracker(english_page, {"event": "user", "text": "ik wil stoppen", "metadata": {"language": "en"}})) == "nl"
    assert language_of(tracker({"event": "user", "text": "/greet", "metadata": {"language": "de"}})) == "nl"
