"""Every reply is a reviewed template: both languages, no echo of user text, numbers named."""

import re
from pathlib import Path

import pytest
import yaml

from bot.domain import domain

DOMAIN = domain()
RESPONSES = DOMAIN["responses"]
ACTION_FILLED_SLOTS = {name for name in DOMAIN["slots"] if re.match(r"hl\d_|alt_|fact_|helpline$|retention_days$", name)}


def language_of(variation):
    """Return the language a variation is conditioned on, Dutch when unconditioned."""
    for condition in variation.get("condition") or []:
        if condition["name"] == "language":
            return condition["value"]
    return None


@pytest.mark.parametrize("name", sorted(RESPONSES))
def test_every_response_has_dutch_default_and_english(name):
    variations = RESPONSES[name]
    assert any(not v.get("condition") for v in variations), f"{name}: no unconditioned (Dutch) variation"
    assert any(language_of(v) == "en" for v in variations), f"{name}: no English variation"


@pytest.mark.parametrize("name", sorted(RESPONSES))
def test_conditional_variations_always_fix_the_language(name):
    # Rasa picks at random among all matching conditional variations, so a
    # condition without the language could put Dutch in an English chat.
    for variation in RESPONSES[name]:
        if variation.get("condition"):
            assert language_of(variation) in ("nl", "en"), f"{name}: {variation['condition']}"


@pytest.mark.parametrize("name", sorted(RESPONSES))
def test_templates_only_use_slots_filled_from_reviewed_data(name):
    for variation in RESPONSES[name]:
        for variable in re.findall(r"{(\w+)}", variation.get("text", "")):
            assert variable in ACTION_FILLED_SLOTS, f"{name} uses {{{variable}}}"


@pytest.mark.parametrize("name, number", [("utter_signpost_crisis", "113"), ("utter_signpost_danger_now", "112"), ("utter_signpost_child_victim", "0800-0432")])
def test_safety_templates_name_their_number(name, number):
    for variation in RESPONSES[name]:
        assert number in variation["text"], f"{name} ({language_of(variation) or 'nl'})"


def test_wording_avoids_kinderporno_except_the_meldpunt():
    for name, variations in RESPONSES.items():
        for variation in variations:
            text = variation.get("text", "").replace("Meldpunt Kinderporno", "")
            assert "kinderporno" not in text.lower(), name


GRAPHIC_TERMS = yaml.safe_load((Path(__file__).parent / "data" / "graphic_terms.yml").read_text(encoding="utf-8"))["terms"]


@pytest.mark.parametrize("name", sorted(RESPONSES))
def test_templates_contain_no_graphic_terms(name):
    for variation in RESPONSES[name]:
        text = variation.get("text", "").lower()
        assert not [term for term in GRAPHIC_TERMS if term in text], name


HELPLINES_TEXT = (Path(__file__).resolve().parent.parent / "seeds" / "helplines.yml").read_text(encoding="utf-8")
PHONE = re.compile(r"(?<![\d-])(?:0800[- ]?\d{3,4}(?: \d{2,3}){0,2}|0900-\d{4}|020-\d{3} \d{2} \d{2}|0808 \d{4} \d{3}|11[23]|1813|102|116 000)(?![\d-])")


@pytest.mark.parametrize("name", sorted(RESPONSES))
def test_every_number_in_a_template_is_a_number_of_seeds_helplines(name):
    # Templates repeat numbers so that they work without the action server; the
    # help line file stays the one source of each number.
    for variation in RESPONSES[name]:
        for number in PHONE.findall(variation.get("text", "")):
            assert f'"{number}"' in HELPLINES_TEXT or number in ("112", "113"), f"{name}: {number}"


# The hardest values a slot can hold for the check: a Dutch line name in an English reply.
SAMPLE_SLOTS = {
    "nl": {"hl1_name": "Stop it Now!", "hl2_name": "Stop it Now!", "hl1_contact": "☎ 0800-266 64 36 · chat · stopitnow.nl",
           "hl2_contact": "☎ 0800-266 64 36 · chat · stopitnow.nl", "hl1_opens": "morgen om 11:00", "hl2_opens": "morgen om 11:00"},
    "en": {"hl1_name": "De Kindertelefoon", "hl2_name": "De Kindertelefoon", "hl1_contact": "☎ 0800-0432 · chat · kindertelefoon.nl",
           "hl2_contact": "☎ 0800-0432 · chat · kindertelefoon.nl", "hl1_opens": "tomorrow at 11:00", "hl2_opens": "tomorrow at 11:00"},
}


@pytest.mark.parametrize("name", sorted(RESPONSES))
def test_every_variation_reads_as_its_own_language(name, reply_language):
    # "De Kindertelefoon is open now." reads as Dutch to a reader counting words:
    # English variations need enough English around Dutch names, and the reverse.
    # A message is its text with its buttons, as the widget shows it.
    for variation in RESPONSES[name]:
        language = language_of(variation) or "nl"
        text = re.sub(r"{(\w+)}", lambda m, slots=SAMPLE_SLOTS[language]: slots.get(m.group(1), ""), variation.get("text", ""))
        message = " ".join([text, *(button["title"] for button in variation.get("buttons") or [])])
        assert reply_language(message) in (language, "?"), f"{name} ({language}): {message[:60]}"


def messages_of(variation):
    """Return the messages a variation becomes on the REST channel: a text without buttons is split at blank lines."""
    text = variation.get("text", "")
    return [text] if variation.get("buttons") else [part for part in text.strip().split("\n\n") if part]


FIRST_MESSAGE_WORDS = 40  # what a phone shows without scrolling, above the help line card


@pytest.mark.parametrize("name", sorted(name for name in RESPONSES if name.startswith("utter_signpost_")))
def test_a_signposts_first_message_is_short(name):
    for variation in RESPONSES[name]:
        first = messages_of(variation)[0]
        words = len(first.split())
        assert words <= FIRST_MESSAGE_WORDS, f"{name} ({language_of(variation) or 'nl'}): {words} words: {first[:60]}"


@pytest.mark.parametrize("name", sorted(RESPONSES))
def test_every_message_of_a_variation_reads_as_its_own_language(name, reply_language):
    # A blank line makes a second message, which the graders check on its own.
    for variation in RESPONSES[name]:
        language = language_of(variation) or "nl"
        for message in messages_of(variation):
            text = re.sub(r"{(\w+)}", lambda m, slots=SAMPLE_SLOTS[language]: slots.get(m.group(1), ""), message)
            assert reply_language(text) in (language, "?"), f"{name} ({language}): {text[:60]}"


@pytest.mark.parametrize("name", ["utter_helpline_1", "utter_helpline_2"])
def test_every_help_line_card_carries_its_card_for_the_widget(name):
    prefix = "hl" + name[-1]
    for variation in RESPONSES[name]:
        conditions = {c["name"]: c["value"] for c in variation.get("condition") or []}
        card = variation["custom"]["helpline_card"]
        assert card["line"] == f"{{{prefix}_id}}"
        assert card["language"] == conditions.get("language", "nl")
        assert card["status"] == conditions.get(f"{prefix}_status", "unknown")
        assert card["status_text"].strip() and len(card["status_text"]) <= 60
        assert set(re.findall(r"{(\w+)}", json_of(card))) <= ACTION_FILLED_SLOTS


def json_of(value):
    """Return a value as JSON text, to find its placeholders."""
    import json

    return json.dumps(value, ensure_ascii=False)


def test_the_privacy_reply_names_the_widgets_clear_button():
    labels = yaml.safe_load((Path(__file__).resolve().parent.parent / "bot" / "web" / "widget_text.yml").read_text(encoding="utf-8"))
    for variation in RESPONSES["utter_privacy"]:
        language = language_of(variation) or "nl"
        assert f'"{labels[language]["clear"]}"' in variation["text"], language
