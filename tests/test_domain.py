"""Every reply is a reviewed template: both languages, no echo of user text, numbers named."""

import re
from pathlib import Path

import pytest
import yaml

DOMAIN = yaml.safe_load((Path(__file__).resolve().parent.parent / "domain.yml").read_text(encoding="utf-8"))
RESPONSES = DOMAIN["responses"]
ACTION_FILLED_SLOTS = {name for name in DOMAIN["slots"] if re.match(r"hl\d_|fact_|helpline$|retention_days$", name)}


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
