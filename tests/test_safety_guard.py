"""The safety guard: patterns over spaCy tokens, and overruling the classifier."""

import pytest
import spacy
from rasa.nlu.constants import SPACY_DOCS
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.components.safety_guard import SafetyGuard
from bot.safety.matcher import Token, load_matcher, normalise
from bot.settings import project_path, settings


@pytest.fixture(scope="module")
def nlp():
    return spacy.load(project_path(settings()["spacy"]["directory"]) / "nl")


def verdict(nlp, text):
    """Return the intent the patterns give a text, or None."""
    found = load_matcher().verdict([Token.create(t.text, t.lemma_, t.like_url) for t in nlp(text)])
    return found.intent if found else None


@pytest.mark.parametrize(
    "text, category",
    [
        ("ik wil er een einde aan maken", "crisis"),
        ("ik denk aan zelfmoort", "crisis"),
        ("zelf moord gedachten", "crisis"),
        ("I wanna dieeee", "crisis"),
        ("er wordt nu een kind misbruikt op een stream", "danger_now"),
        ("my neighbour's kid is being hurt right now", "danger_now"),
        ("ik ben 14 en hij dreigt mijn naaktfotos te verspreiden", "child_victim"),
        ("im 12 and a guy online keeps asking for nudes", "child_victim"),
        ("what happens to the rescued girls? it happens to me too, my uncle films me", "child_victim"),
        ("mijn oom filmt mij", "child_victim"),
        ("bekijk dit www.voorbeeld.nl/clip", "share_material"),
        ("waar kan ik kinderporno kopen", "seek_material"),
        ("ik wil d\u043e\u043ed", "crisis"),  # Cyrillic o's
        ("ik wil \u03b6elfmoord plegen", "crisis"),  # a Greek zeta for the z
        ("\uff49\uff4b \uff57\uff49\uff4c \uff44\uff4f\uff4f\uff44", "crisis"),  # fullwidth letters
        ("\U0001d422\U0001d424 \U0001d430\U0001d422\U0001d425 \U0001d41d\U0001d428\U0001d428\U0001d41d", "crisis"),  # bold math letters
        ("i want to k\u0456ll myself", "crisis"),  # a Cyrillic i
        ("ik wil niet verder leven", "crisis"),
        ("ik wil niet langer leven", "crisis"),
        ("ik hoef niet meer te leven", "crisis"),
        ("i don't want to go on living", "crisis"),
        ("heb mijn pillen al klaargelegd voor straks", "crisis"),  # preparations, without a word about dying
        ("ive got my pills laid out on the table", "crisis"),
        ("vanavond is mijn laatste nacht", "crisis"),
        ("i already said goodbye to everyone", "crisis"),
    ],
)
def test_patterns_recognise(nlp, text, category):
    assert verdict(nlp, text) == category


@pytest.mark.parametrize(
    "text",
    [
        "hoeveel kost een show",
        "waar kan ik hulp vinden voor mijn zoon",
        "hoe lang kan je in de cel komen",
        "ik heb een vraag over het nieuws van 2024",
        "what is trace an object",
        "wat is het telefoonnummer van 113 zelfmoordpreventie",
        "wie filmt de kinderen bij die shows",
        "what happens to me if i report someone",
        "last night i watched something i regret",
        "ik heb mijn medicijnen vanavond al genomen",
    ],
)
def test_ordinary_messages_raise_no_alarm(nlp, text):
    assert verdict(nlp, text) is None


def test_danger_now_outranks_crisis(nlp):
    assert verdict(nlp, "ik wil dood maar er wordt nu een kind misbruikt") == "danger_now"


def test_normalise_strips_accents_and_repeats():
    assert normalise("ZÉLFMOOOORD") == "zelfmoord"


def message_with(nlp, text, intent, confidence):
    """Build a parsed message as the classifier would leave it."""
    message = Message({TEXT: text})
    message.set(SPACY_DOCS[TEXT], nlp(text))
    message.set(INTENT, {"name": intent, "confidence": confidence})
    message.set(INTENT_RANKING_KEY, [{"name": intent, "confidence": confidence}])
    return message


def test_guard_overrules_a_wrong_classifier_guess(nlp):
    message = message_with(nlp, "iedereen is beter af zonder mij", "faq_viewers", 0.81)
    SafetyGuard(load_matcher()).process([message])
    assert message.get(INTENT)["name"] == "crisis"
    assert message.get(INTENT_RANKING_KEY)[0]["name"] == "crisis"
    assert message.get("safety")["acted"] is True
    assert message.get("safety")["classifier_intent"] == "faq_viewers"


def test_guard_keeps_a_more_urgent_classifier_intent(nlp):
    message = message_with(nlp, "waar vind ik zulke filmpjes, ik wil dood", "danger_now", 0.7)
    SafetyGuard(load_matcher()).process([message])
    assert message.get(INTENT)["name"] == "danger_now"
    assert message.get("safety")["acted"] is False


def test_guard_leaves_ordinary_messages_alone(nlp):
    message = message_with(nlp, "wat kost een show", "faq_price", 0.93)
    SafetyGuard(load_matcher()).process([message])
    assert message.get(INTENT) == {"name": "faq_price", "confidence": 0.93}
    assert message.get("safety")["category"] is None


@pytest.mark.parametrize(
    "text, intent",
    [
        ("my son is on his laptop right now watching that stuff, im so worried", None),
        ("ik heb nu de drang om weer streams met kinderen te zoeken, help me", None),
        ("hoe komt de politie kijkers op het spoor", None),
        ("ik vond op de laptop van mijn zoon foto's van kinderen", "report_material"),
        ("ik sta nu bij het spoor en wil er een eind aan maken", "crisis"),
        ("er is een stem in mijn hoofd die zegt dat ik er een eind aan moet maken", "crisis"),
        ("hij is er weer en komt nu naar boven", "danger_now"),
        ("how do i arrange a show like that", "seek_material"),
        ("hoe krijg ik dat filmpje van mij van internet", None),
    ],
)
def test_patterns_tell_apart_what_the_speaker_does(nlp, text, intent):
    assert verdict(nlp, text) == intent


def test_found_material_yields_to_a_help_seeking_classifier_intent(nlp):
    # A mother who found pictures keeps the route for worried relatives.
    message = message_with(nlp, "ik vond op de telefoon van mijn zoon foto's van jonge kinderen", "concern_other", 0.5)
    SafetyGuard(load_matcher()).process([message])
    assert message.get(INTENT)["name"] == "concern_other"
    assert message.get("safety")["category"] == "report_material" and not message.get("safety")["acted"]


def test_found_material_overrules_a_factual_guess(nlp):
    message = message_with(nlp, "ik kreeg een filmpje met een kind doorgestuurd, waar meld ik dat", "faq_trace", 0.6)
    SafetyGuard(load_matcher()).process([message])
    assert message.get(INTENT)["name"] == "report_material"


def test_an_exact_term_takes_no_typos(nlp):
    # "=gillen" (screaming): one typo away is "willen" (want), which must not count.
    assert verdict(nlp, "ik hoor nu een kind gillen bij de buren") == "danger_now"
    assert verdict(nlp, "ik ben 16 en een meisje belde me, nu willen ze geld") != "danger_now"


def test_a_material_guess_without_evidence_stands_down_for_a_help_seeker(nlp):
    # The classifier guesses seek_material; no material pattern fires and he says he wants it to stop.
    message = message_with(nlp, "ik kom steeds weer uit bij die filmpjes en ik wil dat het ophoudt", "seek_material", 0.6)
    message.set("intent_ranking", [{"name": "seek_material", "confidence": 0.6}, {"name": "share_material", "confidence": 0.2},
                                   {"name": "self_concern", "confidence": 0.15}])
    SafetyGuard(load_matcher()).process([message])
    assert message.get(INTENT)["name"] == "self_concern"
    assert message.get("safety")["rule"].startswith("counter_evidence")


def test_a_material_guess_with_pattern_evidence_stands(nlp):
    message = message_with(nlp, "heb je een link naar kinderporno? ik maak me zorgen dat ze offline gaan", "seek_material", 0.6)
    message.set("intent_ranking", [{"name": "seek_material", "confidence": 0.6}, {"name": "self_concern", "confidence": 0.3}])
    SafetyGuard(load_matcher()).process([message])
    assert message.get(INTENT)["name"] == "seek_material"


def test_a_danger_guess_about_children_far_away_stands_down(nlp):
    # "Danger now" needs a child in danger now, not a question about children abroad.
    message = message_with(nlp, "die kinderen daar in de filipijnen lopen toch gevaar, wordt er iets gedaan om ze te redden?", "danger_now", 0.7)
    message.set("intent_ranking", [{"name": "danger_now", "confidence": 0.7}, {"name": "faq_rescue", "confidence": 0.2}])
    SafetyGuard(load_matcher()).process([message])
    assert message.get(INTENT)["name"] == "faq_rescue"


def test_a_danger_pattern_always_stands(nlp):
    message = message_with(nlp, "er wordt nu een kind misbruikt hier in de straat, wordt er iets gedaan als ik bel?", "danger_now", 0.7)
    message.set("intent_ranking", [{"name": "danger_now", "confidence": 0.7}, {"name": "faq_police", "confidence": 0.2}])
    SafetyGuard(load_matcher()).process([message])
    assert message.get(INTENT)["name"] == "danger_now"


@pytest.mark.parametrize(
    "text, runner_up",
    [
        ("ik heb er spijt van, maar ik wil verder leven en het anders doen", "self_concern"),
        ("searched again tonight, is there someone to talk to now", "urge_now"),
        ("what i watch is wrecking things, i want a normal life", "self_concern"),
    ],
)
def test_a_crisis_guess_without_a_pattern_stands_down_for_life_affirming_words_or_a_relapse(nlp, text, runner_up):
    message = message_with(nlp, text, "crisis", 0.35)
    message.set("intent_ranking", [{"name": "crisis", "confidence": 0.35}, {"name": runner_up, "confidence": 0.3}])
    SafetyGuard(load_matcher()).process([message])
    assert message.get(INTENT)["name"] == runner_up


@pytest.mark.parametrize(
    "text",
    ["searched again tonight and now i want to kill myself", "ik heb weer gekeken en ik wil dood", "ik wil niet verder leven"],
)
def test_a_crisis_pattern_always_stands_whatever_else_is_said(nlp, text):
    message = message_with(nlp, text, "urge_now", 0.6)
    message.set("intent_ranking", [{"name": "urge_now", "confidence": 0.6}, {"name": "crisis", "confidence": 0.3}])
    SafetyGuard(load_matcher()).process([message])
    assert message.get(INTENT)["name"] == "crisis"
