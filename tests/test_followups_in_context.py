"""Every follow-up reply, in every route and both languages, fits the situation (rendered by the bot's NLG)."""

import re
from pathlib import Path

import pytest
import yaml

from tests.support.rendering import project_domain, render_reply

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = project_domain()
FOLLOW_UPS = sorted(
    {step["action"] for rule in yaml.safe_load((ROOT / "data/rules/followups.yml").read_text())["rules"]
     for step in rule["steps"] if step.get("action", "").startswith("utter_")}
    | {"utter_ack", "utter_deny", "utter_unsure", "utter_affirm", "utter_thanks", "utter_fallback", "utter_signpost_ask_human"}
)
ROUTE_SLOT = next(slot for slot in DOMAIN.slots if slot.name == "route")
SPEAKER_OF = {
    value: mapping["value"]
    for mapping in next(slot for slot in DOMAIN.slots if slot.name == "speaker").mappings
    for value in ([mapping["intent"]] if isinstance(mapping["intent"], str) else mapping["intent"])
}
ROUTES = [value for value in ROUTE_SLOT.values if value != "__other__"]
# A message in the person's language, so the generator picks it.
SAID = {"nl": "en wat nu dan?", "en": "and what now then?"}
SHOW_PRICE = re.compile(r"\d+\s*(euro|dollar)|€|\$", re.I)
REFUSAL = re.compile(r"daar help ik niet|i won.t help", re.I)
# The route's own line must be named when someone is scared, unsure or can't call.
LINE_OF = {
    "crisis": "113", "danger_now": "112", "child_victim": "ndertelefoon",
    "self_concern": "Stop it Now", "concern_other": "Stop it Now", "child_at_risk": "Veilig Thuis",
}
NAMES_THE_LINE = ("utter_followup_scared", "utter_followup_contact_way", "utter_unsure", "utter_signpost_ask_human")


def reply(response, language, route):
    """Return the text the bot gives for `response` in `route`, after a message in `language`."""
    return render_reply(response, [SAID[language]], {"route": route, "routed": True, "speaker": SPEAKER_OF[route]})


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("response", FOLLOW_UPS)
def test_follow_up_fits_the_route_and_language(response, route, language, reply_language):
    text = reply(response, language, route)
    assert "{" not in text and "None" not in text
    assert reply_language(text) in (language, "?"), text
    assert not SHOW_PRICE.search(text), text
    if route != "seek_material":
        assert not REFUSAL.search(text), text
    if response in NAMES_THE_LINE and route in LINE_OF:
        assert LINE_OF[route] in text, text


@pytest.mark.parametrize("language", ["nl", "en"])
def test_paying_is_never_answered_with_yes(language):
    for route in ROUTES:
        assert not re.match(r"(ja|yes)\b", reply("utter_followup_pay", language, route), re.I), route
