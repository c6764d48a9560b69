"""The fact cards cover every sentence of every source article, in our own words.

Each article-based card in seeds/facts.yml lists under `covers` the sentence numbers
(from tests/support/article_text.py) whose content it states. A sentence that carries no fact
may instead be listed, with a reason, under the article's `uncovered` in seeds/catalogue.yml.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot.settings import project_path, settings
from tests.support.article_text import article_sentences, is_heading

COPY_LIMIT = 9  # a run of this many consecutive article words in a card counts as copying


def _knowledge(key: str) -> dict:
    """Read a knowledge file (facts, catalogue) as plain YAML, extra fields included."""
    return yaml.safe_load(project_path(settings()["knowledge"][key]).read_text(encoding="utf-8"))


def _article_cards() -> list[dict]:
    return [card for card in _knowledge("facts")["cards"] if card.get("article")]


def _uncovered() -> dict[str, dict[int, str]]:
    """Return, per article id, the sentence numbers listed as carrying no fact."""
    return {entry["id"]: entry.get("uncovered") or {} for entry in _knowledge("catalogue")["articles"]}


def _covered() -> dict[str, set[int]]:
    """Return, per article id, the sentence numbers some card covers."""
    covered: dict[str, set[int]] = {}
    for card in _article_cards():
        covered.setdefault(card["article"], set()).update(card.get("covers") or [])
    return covered


def _words(text: str) -> list[str]:
    """Lowercase words, punctuation stripped."""
    return re.findall(r"\w+", text.lower())


def _runs(words: list[str], length: int = COPY_LIMIT) -> set[tuple[str, ...]]:
    return {tuple(words[i:i + length]) for i in range(len(words) - length + 1)}


def _sentences(shared_seeds: Path) -> dict[str, list[str]]:
    return {path.stem: article_sentences(path) for path in sorted(shared_seeds.glob("*.txt"))}


def test_every_sentence_of_every_article_is_covered(shared_seeds):
    covered, uncovered = _covered(), _uncovered()
    gaps = []
    for article, sentences in _sentences(shared_seeds).items():
        accounted = covered.get(article, set()) | {int(number) for number in uncovered.get(article, {})}
        gaps += [
            f"{article} #{number}: {sentence}"
            for number, sentence in enumerate(sentences)
            if not is_heading(sentence) and number not in accounted
        ]
    assert not gaps, "sentences no card covers (add to a card's covers or the catalogue's uncovered):\n" + "\n".join(gaps)


def test_every_article_card_covers_existing_sentences(shared_seeds):
    sentences = _sentences(shared_seeds)
    problems = []
    for card in _article_cards():
        covers = card.get("covers")
        if not covers:
            problems.append(f"{card['id']}: no covers")
            continue
        if card["article"] not in sentences:
            problems.append(f"{card['id']}: article {card['article']} not in {shared_seeds}")
            continue
        count = len(sentences[card["article"]])
        bad = [number for number in covers if not isinstance(number, int) or not 0 <= number < count]
        if bad:
            problems.append(f"{card['id']}: covers {bad}, but {card['article']} has sentences 0-{count - 1}")
        if len(set(covers)) != len(covers):
            problems.append(f"{card['id']}: covers lists a number twice")
    assert not problems, "\n".join(problems)


def test_uncovered_sentences_exist_have_a_reason_and_no_card(shared_seeds):
    sentences, covered = _sentences(shared_seeds), _covered()
    problems = []
    for article, listed in _uncovered().items():
        for number, reason in listed.items():
            where = f"{article} #{number}"
            if not isinstance(number, int) or not 0 <= number < len(sentences.get(article, [])):
                problems.append(f"{where}: no such sentence")
            elif is_heading(sentences[article][number]):
                problems.append(f"{where}: a heading needs no entry")
            elif number in covered.get(article, set()):
                problems.append(f"{where}: listed as uncovered, but a card covers it")
            if not str(reason or "").strip():
                problems.append(f"{where}: no reason given")
    assert not problems, "\n".join(problems)


def test_cards_without_an_article_cover_nothing():
    stray = [card["id"] for card in _knowledge("facts")["cards"] if not card.get("article") and card.get("covers")]
    assert not stray, f"cards with covers but no article: {stray}"


def test_cards_do_not_copy_articles(shared_seeds):
    article_runs: set[tuple[str, ...]] = set()
    for path in shared_seeds.glob("*.txt"):
        article_runs |= _runs(_words(path.read_text(encoding="utf-8")))
    copies = []
    for card in _knowledge("facts")["cards"]:
        for text in [card["nl"], *card.get("questions", {}).get("nl", [])]:
            copies += [f"{card['id']}: \"{' '.join(run)}\"" for run in sorted(_runs(_words(text)) & article_runs)]
    assert not copies, f"runs of {COPY_LIMIT}+ words copied from an article:\n" + "\n".join(copies)


ARTICLE_STAND_IN = "De buurman zag gisteravond een grote rode auto langzaam door de smalle straat rijden."


@pytest.mark.parametrize(
    "text, copied",
    [
        ("Hij zag gisteravond een grote rode auto langzaam door de smalle straat rijden, zei hij.", True),
        ("Een rode auto reed gisteren traag door de straat.", False),
    ],
)
def test_the_copy_check_catches_a_copied_run(text, copied):
    assert bool(_runs(_words(text)) & _runs(_words(ARTICLE_STAND_IN))) is copied
