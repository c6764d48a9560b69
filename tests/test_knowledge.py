"""The knowledge in seeds/: complete, consistent, and true to the articles."""

import re

import pytest
import yaml

from bot.knowledge import SELF_HELP, answers, articles, fact_cards, helplines, line_for, open_instead, signposts
from bot.opening_hours import day_intervals

FACT_INTENTS = [
    "faq_what_is", "faq_where", "faq_price", "faq_facilitators", "faq_viewers", "faq_victims",
    "faq_covid", "faq_police", "faq_illegal", "faq_penalty", "faq_rescue", "faq_trace",
]
DUTCH_NUMBER_WORDS = {
    "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6, "zeven": 7, "acht": 8, "negen": 9, "tien": 10,
    "elf": 11, "twaalf": 12, "dertien": 13, "veertien": 14, "vijftien": 15, "twintig": 20, "honderd": 100,
}
NUMBER = re.compile(r"\d+(?:[.,]\d{3})*")


def numbers_in(text: str) -> set[int]:
    """Return the numbers written in digits (thousand separators ignored)."""
    return {int(re.sub(r"[.,]", "", match)) for match in NUMBER.findall(text)}


def numbers_in_article(text: str) -> set[int]:
    """Return the article's numbers, in digits and as Dutch number words."""
    words = set(re.findall(r"[a-z]+", text.lower()))
    found = numbers_in(text) | {value for word, value in DUTCH_NUMBER_WORDS.items() if word in words}
    if "tweedaagse" in words:
        found.add(2)
    return found


def test_catalogue_matches_the_seed_files(shared_seeds):
    seed_ids = {path.stem for path in shared_seeds.glob("*.txt")}
    assert set(articles()) == seed_ids


@pytest.mark.parametrize("card_id", sorted(fact_cards()))
def test_every_figure_of_a_card_is_in_its_article(card_id, shared_seeds):
    card = fact_cards()[card_id]
    if card.article is None:
        assert card.source and card.source["name"], "a card without an article names its source"
        return
    article_numbers = numbers_in_article((shared_seeds / f"{card.article}.txt").read_text(encoding="utf-8"))
    for language, text in card.text.items():
        missing = numbers_in(text) - article_numbers
        assert not missing, f"{card_id} ({language}) has figures not in {card.article}: {sorted(missing)}"


def test_the_figure_check_catches_a_wrong_figure(shared_seeds):
    article = (shared_seeds / "000_6ac6de0f25628505.txt").read_text(encoding="utf-8")
    assert 25 in numbers_in_article(article)
    assert 35 not in numbers_in_article(article)
    assert 12 in numbers_in_article(article)  # written as "twaalf"


@pytest.mark.parametrize("intent", FACT_INTENTS)
def test_every_factual_intent_has_an_answer_from_an_article(intent):
    card_ids = answers()[intent]
    assert card_ids, intent
    assert fact_cards()[card_ids[0]].article, "the first answer cites an article"


def test_every_card_has_both_languages_and_a_known_article():
    for card in fact_cards().values():
        assert card.text["nl"].strip() and card.text["en"].strip(), card.id
        assert card.article is None or card.article in articles(), card.id


def test_signposts_name_known_help_lines():
    for situation, ids in signposts().items():
        assert ids, situation
        for line_id in ids:
            assert line_id == SELF_HELP or line_id in helplines(), f"{situation}: unknown help line {line_id}"


def test_open_instead_names_known_situations_and_lines():
    for situation, candidates in open_instead().items():
        assert situation in signposts(), situation
        for candidate in candidates:
            assert candidate in {SELF_HELP, "form"} or candidate in helplines(), f"{situation}: {candidate}"


def test_self_help_module_follows_the_conversation_language():
    assert line_for(SELF_HELP, "nl").id == "stoppen_is_mogelijk"
    assert line_for(SELF_HELP, "en").id == "stop_it_now_uk_self_help"
    assert all(line_for(SELF_HELP, language).kind == "self_help" for language in ("nl", "en"))


def test_help_line_hours_are_valid():
    for line in helplines().values():
        if isinstance(line.schedule.hours, dict):
            assert any(day_intervals(line.schedule.hours).values()), line.id
        else:
            assert line.schedule.hours in (None, "24/7"), line.id


def test_help_line_file_has_all_fields():
    from bot.settings import project_path, settings

    data = yaml.safe_load(project_path(settings()["knowledge"]["helplines"]).read_text(encoding="utf-8"))
    required = {"id", "name", "audience", "phone", "web", "chat", "hours", "free", "anonymous", "languages", "source", "checked"}
    for entry in data["helplines"] + data["self_help"]:
        assert required <= set(entry), f"{entry['id']} lacks {sorted(required - set(entry))}"


def test_fact_cards_contain_no_graphic_terms():
    from pathlib import Path

    terms = yaml.safe_load((Path(__file__).parent / "data" / "graphic_terms.yml").read_text(encoding="utf-8"))["terms"]
    for card in fact_cards().values():
        for text in card.text.values():
            assert not [term for term in terms if term in text.lower()], card.id
