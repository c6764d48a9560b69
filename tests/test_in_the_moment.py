"""The in-the-moment steps and the plan for next time read right for the person, in both languages."""

import re

import pytest

from bot.domain import domain

RESPONSES = domain()["responses"]
STEPS = ["utter_moment_start", "utter_moment_blocks", "utter_moment_next_hour", "utter_moment_contact", "utter_moment_more"]
SAID = {"nl": "ik weet het niet meer", "en": "i don't know any more"}
SPEAKERS = {"self": "self_concern", "child": "child_victim", "other": "concern_other", "witness": "report_material", None: None}
JUDGING = re.compile(r"\bpedo|\bviespeuk|\bziek\b|\bsick\b|\bmonster|\bpervert|\bschaam je|\bshame on", re.I)
THERAPY_CLAIMS = re.compile(r"genees|genezen|\bcure|therapie werkt|therapy works|gegarandeerd|guarantee|always works|werkt altijd", re.I)
ONE_SCREEN_WORDS = 60  # a phone screen of text next to the buttons


def variations(name):
    """Return the Dutch default and the English variation of a response."""
    by_language = {}
    for variation in RESPONSES[name]:
        languages = [c["value"] for c in variation.get("condition") or [] if c["name"] == "language"]
        if len(variation.get("condition") or []) <= 1:
            by_language[languages[0] if languages else "nl"] = variation
    return by_language


@pytest.mark.parametrize("name", STEPS)
@pytest.mark.parametrize("language", ["nl", "en"])
def test_each_step_fits_one_screen_and_can_be_left(name, language):
    variation = variations(name)[language]
    assert len(variation["text"].split()) <= ONE_SCREEN_WORDS, name
    payloads = [button["payload"] for button in variation.get("buttons") or []]
    if payloads:
        assert {"/ack", "/deny"} & set(payloads), f"{name}: no way to stop the steps"
        assert len(payloads) <= 3, f"{name}: more choices than fit a phone"


@pytest.mark.parametrize("name", STEPS + ["utter_next_time_plan"])
def test_no_judgement_and_no_therapy_claims(name):
    for variation in RESPONSES[name]:
        text = variation["text"] + " ".join(button["title"] for button in variation.get("buttons") or [])
        assert not JUDGING.search(text), name
        assert not THERAPY_CLAIMS.search(text), name


@pytest.mark.parametrize("language", ["nl", "en"])
def test_first_step_says_step_away_and_do_not_search_save_or_forward_and_names_the_line(render, language):
    text = render("utter_moment_start", [SAID[language]], {"route": "self_concern", "speaker": "self"})
    if language == "nl":
        assert "weg" in text and "Zoek niet" in text and "sla niets op" in text and "stuur niets door" in text
    else:
        assert "put your phone down" in text and "Don't search" in text and "save or forward" in text
    titles = [button["title"] for button in variations("utter_moment_start")[language]["buttons"]]
    assert any("Stop it Now!" in title for title in titles)


def test_the_steps_lead_to_each_other():
    order = {"utter_moment_start": "/moment_blocks", "utter_moment_blocks": "/moment_next_hour", "utter_moment_next_hour": "/moment_contact"}
    for name, next_payload in order.items():
        for variation in variations(name).values():
            assert next_payload in [button["payload"] for button in variation["buttons"]], name


@pytest.mark.parametrize("speaker", list(SPEAKERS))
@pytest.mark.parametrize("language", ["nl", "en"])
def test_plan_for_next_time_fits_the_person_and_is_not_kept(render, reply_language, speaker, language):
    slots = {"speaker": speaker, "route": SPEAKERS[speaker]} if speaker else {}
    text = render("utter_next_time_plan", [SAID[language]], slots)
    assert reply_language(text) == language
    expected = {
        "self": "0800-266 64 36", "child": "0800-0432", "other": "0800-2000", "witness": "Meldpunt Kinderporno", None: "0800-266 64 36",
    }[speaker]
    assert expected in text
    if speaker in ("self", None):
        assert ("ik bewaar het niet" if language == "nl" else "I don't keep it") in text
        assert text.count("\n") >= 4  # a numbered plan the person can copy


@pytest.mark.parametrize("language", ["nl", "en"])
def test_plan_in_a_crisis_names_113(render, language):
    text = render("utter_next_time_plan", [SAID[language]], {"route": "crisis", "speaker": "self"})
    assert "113" in text and "112" in text


@pytest.mark.parametrize("language", ["nl", "en"])
def test_skipping_as_someone_worried_about_themself_keeps_the_line_in_view(render, language):
    text = render("utter_ack", [SAID[language]], {"route": "self_concern", "speaker": "self"})
    assert "0800-266 64 36" in text


@pytest.mark.parametrize("language", ["nl", "en"])
def test_skipping_in_a_crisis_still_names_113(render, language):
    text = render("utter_ack", [SAID[language]], {"route": "crisis", "speaker": "self"})
    assert "113" in text
