"""Open now, opens at, and what is open instead: actions and replies with a fixed clock."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.helplines import ActionChooseHelplines, ActionOfferOpenInstead, ActionRefreshHelplineStatus
from bot.knowledge import helplines

AMS = ZoneInfo("Europe/Amsterdam")
SAID = {"nl": "ik weet niet wat ik moet doen", "en": "i don't know what to do"}
OPEN_WORDS = ("Nu open", "Open now", "is nu open", "is open right now")


def at(*args):
    """Return an Amsterdam wall-clock moment."""
    return datetime(*args, tzinfo=AMS)


def choose(tracker_for, monkeypatch, moment, intent, language="nl", slots=None):
    """Run action_choose_helplines at `moment` and return the slots it set."""
    monkeypatch.setattr(ActionChooseHelplines, "clock", staticmethod(lambda: moment))
    tracker = tracker_for(intent, SAID[language], slots=slots)
    events = ActionChooseHelplines().run(CollectingDispatcher(), tracker, {})
    return {event["name"]: event["value"] for event in events}


def offered(tracker_for, slots):
    """Return the responses action_offer_open_instead sends with these slots."""
    dispatcher = CollectingDispatcher()
    ActionOfferOpenInstead().run(dispatcher, tracker_for("self_concern", "", slots=slots), {})
    return [message["response"] for message in dispatcher.messages]


def replies(render, slots, language, route):
    """Return the first card and the open-instead reply, as the person reads them."""
    filled = {**slots, "route": route, "routed": True}
    return render("utter_helpline_1", [SAID[language]], filled), render("utter_open_instead", [SAID[language]], filled)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_child_at_night_hears_when_de_kindertelefoon_opens_and_what_to_do_until_then(tracker_for, monkeypatch, render, language):
    slots = choose(tracker_for, monkeypatch, at(2026, 11, 24, 22, 15), "child_victim", language)
    assert slots["hl1_status"] == "closed"
    assert offered(tracker_for, slots) == ["utter_open_instead"]
    card, instead = replies(render, slots, language, "child_victim")
    assert ("morgen om 11:00" if language == "nl" else "tomorrow at 11:00") in card
    assert "112" in instead and "113" in instead
    assert ("volwassene die je vertrouwt" if language == "nl" else "adult you trust") in instead


def test_child_in_the_afternoon_gets_no_closed_message(tracker_for, monkeypatch):
    slots = choose(tracker_for, monkeypatch, at(2026, 11, 24, 15, 0), "child_victim")
    assert slots["hl1_status"] == "open"
    assert offered(tracker_for, slots) == []


@pytest.mark.parametrize(("language", "module"), [("nl", "stoppen-is-mogelijk.eu/zelfhulp"), ("en", "stopitnow.org.uk/self-help")])
def test_unknown_hours_are_said_and_the_self_help_module_in_the_language_is_offered(tracker_for, monkeypatch, render, language, module):
    slots = choose(tracker_for, monkeypatch, at(2026, 11, 29, 2, 0), "self_concern", language)  # Sunday 2 a.m.
    assert slots["hl1_status"] == "unknown" and slots["alt_kind"] == "self_help"
    card, instead = replies(render, slots, language, "self_concern")
    assert not any(word in card for word in OPEN_WORDS)
    assert ("weet ik niet zeker" if language == "nl" else "don't know their opening hours") in card
    assert module in instead and "112" in instead
    assert "113" not in instead and "zelfdoding" not in instead and "suicide" not in instead  # not raised unprompted


def test_tip_line_closed_late_evening_offers_its_form_and_the_next_opening(tracker_for, monkeypatch, render):
    slots = choose(tracker_for, monkeypatch, at(2026, 11, 24, 22, 30), "report_person")  # Tuesday
    assert slots["helpline"] == "meld_misdaad_anoniem" and slots["hl1_status"] == "closed"
    assert slots["alt_kind"] == "form" and slots["alt_contact"] == "meldmisdaadanoniem.nl"
    card, instead = replies(render, slots, "nl", "report_person")
    assert "morgen om 08:00" in card
    assert "meldmisdaadanoniem.nl" in instead and "112" in instead


@pytest.mark.parametrize(
    ("moment", "status", "opens"),
    [
        (at(2026, 11, 28, 16, 0), "open", None),  # Saturday, weekend hours 09-17
        (at(2026, 11, 28, 18, 0), "closed", "morgen om 09:00"),  # Saturday evening: Sunday 09:00
        (at(2026, 11, 29, 18, 0), "closed", "morgen om 08:00"),  # Sunday evening: Monday 08:00
        (at(2026, 12, 24, 21, 0), "open", None),  # Christmas Eve is an ordinary Thursday
        (at(2026, 12, 25, 18, 0), "closed", "morgen om 09:00"),  # Christmas Day: holiday hours 09-17
        (at(2026, 4, 27, 20, 0), "closed", "morgen om 08:00"),  # King's Day, a Monday
        (at(2026, 4, 27, 7, 30), "closed", "om 09:00"),  # King's Day morning: holiday hours, not 08:00
        (at(2026, 3, 28, 23, 30), "closed", "morgen om 09:00"),  # the night the clocks go forward
        (at(2026, 10, 25, 2, 30), "closed", "om 09:00"),  # the night the clocks go back
    ],
)
def test_tip_line_hours_across_weekends_holidays_and_clock_changes(tracker_for, monkeypatch, moment, status, opens):
    slots = choose(tracker_for, monkeypatch, moment, "report_person")
    assert slots["hl1_status"] == status
    assert slots["hl1_opens"] == opens


def test_opening_time_after_a_clock_change_is_local_wall_time():
    line = helplines()["meld_misdaad_anoniem"]
    opens_at = line.status(at(2026, 3, 28, 23, 30)).opens_at
    assert opens_at == at(2026, 3, 29, 9, 0) and opens_at.utcoffset() == timedelta(hours=2)


def test_parent_gets_a_line_that_is_certainly_open_when_hours_are_unknown(tracker_for, monkeypatch, render):
    slots = choose(tracker_for, monkeypatch, at(2026, 11, 24, 23, 0), "ask_prevention")
    assert slots["helpline"] == "helpwanted" and slots["hl1_status"] == "unknown"
    assert slots["alt_kind"] == "line" and slots["alt_name"] == "Veilig Thuis"
    _, instead = replies(render, slots, "en", "ask_prevention")
    assert "0800-2000" in instead and "Certainly reachable now" in instead


def test_lines_that_are_always_there_need_no_alternative(tracker_for, monkeypatch):
    for intent in ("crisis", "danger_now", "past_abuse", "child_at_risk"):
        slots = choose(tracker_for, monkeypatch, at(2026, 11, 24, 3, 0), intent)
        assert slots["hl1_status"] == "always", intent
        assert slots["alt_kind"] == "none" and offered(tracker_for, slots) == []


def test_what_is_open_instead_follows_the_route(tracker_for, monkeypatch, render):
    monkeypatch.setattr(ActionRefreshHelplineStatus, "clock", staticmethod(lambda: at(2026, 11, 24, 23, 30)))
    tracker = tracker_for("ask_open_instead", "they're closed, what now", slots={"helpline": "stop_it_now", "route": "self_concern"})
    slots = {event["name"]: event["value"] for event in ActionRefreshHelplineStatus().run(CollectingDispatcher(), tracker, {})}
    assert slots["alt_kind"] == "self_help" and slots["alt_name"] == "Stop It Now! UK self-help"


def test_a_line_with_unknown_hours_is_never_called_open():
    unknown = [line for line in helplines().values() if line.kind == "line" and line.schedule.hours is None and (line.phones or line.chat)]
    assert {"stop_it_now", "helpwanted", "politie_0900"} <= {line.id for line in unknown}
    start = at(2026, 12, 21, 0, 0)  # Christmas week
    for hour in range(7 * 24):
        moment = start + timedelta(hours=hour)
        for line in unknown:
            assert line.status(moment).kind == "unknown" and not line.reachable(moment), (line.id, moment)


def test_every_known_schedule_opens_again_within_the_week():
    start = at(2026, 12, 21, 0, 0)
    for line in helplines().values():
        for hour in range(7 * 24):
            status = line.status(start + timedelta(hours=hour))
            if status.kind == "closed":
                assert timedelta(0) < status.opens_at - (start + timedelta(hours=hour)) <= timedelta(days=7), line.id


def test_nothing_is_added_when_a_line_that_is_always_there_was_just_shown(tracker_for, monkeypatch):
    slots = choose(tracker_for, monkeypatch, at(2026, 11, 24, 23, 0), "concern_other")
    assert slots["hl1_status"] == "unknown" and slots["hl2_name"] == "Veilig Thuis" and slots["hl2_status"] == "always"
    assert offered(tracker_for, slots) == []


def test_asked_what_is_open_instead_a_partner_gets_veilig_thuis(tracker_for, monkeypatch, render):
    monkeypatch.setattr(ActionRefreshHelplineStatus, "clock", staticmethod(lambda: at(2026, 11, 24, 23, 30)))
    tracker = tracker_for("ask_open_instead", "ze zijn dicht, wat nu", slots={"helpline": "stop_it_now", "route": "concern_other"})
    slots = {event["name"]: event["value"] for event in ActionRefreshHelplineStatus().run(CollectingDispatcher(), tracker, {})}
    assert slots["alt_kind"] == "line" and slots["alt_name"] == "Veilig Thuis"
    _, instead = replies(render, slots, "nl", "concern_other")
    assert "0800-2000" in instead
