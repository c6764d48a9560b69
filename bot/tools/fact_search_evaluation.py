"""Measure the fact-card search on the held-out questions and choose its answer threshold."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

import yaml

from bot.fact_search import FactSearch, Hit, fact_search
from bot.knowledge import fact_cards
from bot.settings import project_path, settings


@dataclass(frozen=True)
class Measured:
    """Search results on one split: the best hit for each question."""

    answerable: list[tuple[Hit, frozenset[str]]]  # (best hit, acceptable card ids)
    unanswerable: list[tuple[Hit, str]]  # (best hit, kind: general or on_topic)
    min_shared_words: int

    def _answers(self, hit: Hit, threshold: float) -> bool:
        """Tell whether the search answers with this hit at the threshold."""
        return hit.score >= threshold and hit.shared_words >= self.min_shared_words

    def top1(self) -> float:
        """Share of answerable questions whose best card is an acceptable one (no threshold)."""
        return sum(hit.card_id in wanted for hit, wanted in self.answerable) / len(self.answerable)

    def answered_right(self, threshold: float) -> float:
        """Share of answerable questions answered, with an acceptable card, at the threshold."""
        right = sum(hit.card_id in wanted and self._answers(hit, threshold) for hit, wanted in self.answerable)
        return right / len(self.answerable)

    def declined(self, threshold: float, kind: Optional[str] = None) -> float:
        """Share of unanswerable questions (of one kind, or all) that get "I don't know"."""
        chosen = [hit for hit, k in self.unanswerable if kind in (None, k)]
        return sum(not self._answers(hit, threshold) for hit in chosen) / len(chosen)

    def balanced(self, threshold: float) -> float:
        """Mean of answered-right and declined: the figure the threshold is chosen on."""
        return (self.answered_right(threshold) + self.declined(threshold)) / 2


def held_out_questions() -> dict[str, Any]:
    """Read the held-out question set named in settings.yml."""
    path = project_path(settings()["evaluation"]["knowledge_questions"])
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def acceptable_cards(article: str, sentences: list[int]) -> frozenset[str]:
    """Return the cards that cover any of the given sentences of the article."""
    return frozenset(
        card.id for card in fact_cards().values() if card.article == article and set(card.covers) & set(sentences)
    )


def measure(split: str, search: Optional[FactSearch] = None) -> Measured:
    """Run the search over one split ("dev" or "test") of the held-out questions."""
    search = search or fact_search()
    questions = held_out_questions()
    return Measured(
        answerable=[
            (search.rank(q["q"], limit=1)[0], acceptable_cards(q["article"], q["sentences"]))
            for q in questions["answerable"]
            if q["split"] == split
        ],
        unanswerable=[
            (search.rank(q["q"], limit=1)[0], q["kind"]) for q in questions["unanswerable"] if q["split"] == split
        ],
        min_shared_words=search.rules.min_shared_words,
    )


def choose_threshold(measured: Measured) -> float:
    """Return the threshold (0.01 steps) with the best balanced score; the lower one on ties."""
    candidates = [step / 100 for step in range(1, 100)]
    return max(candidates, key=lambda threshold: (measured.balanced(threshold), -threshold))


def report() -> float:
    """Print the dev curve's best threshold and the test figures at the configured threshold."""
    dev, test = measure("dev"), measure("test")
    chosen = choose_threshold(dev)
    configured = fact_search().rules.threshold
    print(
        f"dev:  top-1 {dev.top1():.3f}; best threshold {chosen:.2f} "
        f"(answered right {dev.answered_right(chosen):.3f}, declined {dev.declined(chosen):.3f})"
    )
    print(
        f"test at the configured threshold {configured:.2f}: top-1 {test.top1():.3f}, "
        f"answered right {test.answered_right(configured):.3f}, declined general {test.declined(configured, 'general'):.3f}, "
        f"declined on-topic {test.declined(configured, 'on_topic'):.3f}"
    )
    return chosen
