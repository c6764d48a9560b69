"""Measure the fact-card search on the held-out questions and choose its threshold and missing-word share."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any, Optional

import yaml

from bot.fact_search import Answer, FactSearch, Reading, fact_search
from bot.knowledge import fact_cards
from bot.settings import project_path, settings

THRESHOLDS = [step / 100 for step in range(5, 60)]
MISSING_SHARES = [0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 1.0]  # idf-weighted shares of the question


@dataclass(frozen=True)
class Asked:
    """One held-out question, the cards that answer it (none: unanswerable) and its kind."""

    text: str
    language: str
    kind: str
    right_cards: frozenset[str]


@dataclass(frozen=True)
class Measured:
    """What the search said to each question of one split."""

    results: list[tuple[Asked, Optional[Answer]]]

    def _share(self, kind_of: str, good: Any, kind: Optional[str] = None) -> float:
        """Return the share of questions of one group (answerable or not; one kind or all) for which good() holds."""
        chosen = [
            (asked, answer)
            for asked, answer in self.results
            if (bool(asked.right_cards) == (kind_of == "answerable")) and kind in (None, asked.kind)
        ]
        return sum(good(asked, answer) for asked, answer in chosen) / max(1, len(chosen))

    def count(self, answerable: bool, kind: Optional[str] = None) -> int:
        """Return how many questions a group holds."""
        return sum(bool(a.right_cards) == answerable and kind in (None, a.kind) for a, _ in self.results)

    def answered_right(self, kind: Optional[str] = None) -> float:
        """Share of answerable questions (of one kind) answered with a right card."""
        return self._share("answerable", lambda a, r: r is not None and r.said and r.card_id in a.right_cards, kind)

    def declined(self, kind: Optional[str] = None) -> float:
        """Share of unanswerable questions (general, on_topic, or all) that get no card as an answer."""
        return self._share("unanswerable", lambda a, r: r is None or not r.said, kind)

    def general_without_card(self) -> float:
        """Share of general (off-topic) questions that get no card at all, not even the closest."""
        return self._share("unanswerable", lambda a, r: r is None or r.card_id is None, "general")

    def balanced(self) -> float:
        """Mean of answered-right and on-topic declined: the figure the thresholds are chosen on."""
        return (self.answered_right() + self.declined("on_topic")) / 2


@lru_cache(maxsize=1)
def held_out_questions() -> dict[str, Any]:
    """Read the held-out question set named in settings.yml."""
    path = project_path(settings()["evaluation"]["knowledge_questions"])
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def acceptable_cards(article: str, sentences: list[int]) -> frozenset[str]:
    """Return the cards that cover any of the given sentences of the article."""
    return frozenset(
        card.id for card in fact_cards().values() if card.article == article and set(card.covers) & set(sentences)
    )


def questions(split: str) -> list[Asked]:
    """Return the held-out questions of one split ("dev" or "test")."""
    data = held_out_questions()
    answerable = [
        Asked(q["q"], q["lang"], q.get("kind", "detail"), acceptable_cards(q["article"], q["sentences"]))
        for q in data["answerable"]
        if q["split"] == split
    ]
    unanswerable = [
        Asked(q["q"], q["lang"], q["kind"], frozenset()) for q in data["unanswerable"] if q["split"] == split
    ]
    return answerable + unanswerable


def measure(split: str, search: Optional[FactSearch] = None, readings: Optional[dict[str, Reading]] = None) -> Measured:
    """Run the search over one split of the held-out questions (reusing readings of the same search's index)."""
    search = search or fact_search()
    readings = readings or {}
    return Measured(
        [(asked, search.decide(readings.get(asked.text) or search.read(asked.text))) for asked in questions(split)]
    )


def choose_rules(split: str = "dev", search: Optional[FactSearch] = None) -> tuple[float, float]:
    """Return the threshold and missing-word share with the best balanced score on the split (the smaller on ties)."""
    search = search or fact_search()
    readings = {asked.text: search.read(asked.text) for asked in questions(split)}
    scored = []
    for share in MISSING_SHARES:
        for threshold in THRESHOLDS:
            trial = search.with_rules(replace(search.rules, threshold=threshold, max_missing_share=share))
            scored.append((round(measure(split, trial, readings).balanced(), 6), -share, -threshold))
    _, share, threshold = max(scored)
    return -threshold, -share


def describe(name: str, measured: Measured) -> str:
    """Return the figures of one split as lines of text."""
    kinds = Counter(asked.kind for asked, _ in measured.results if asked.right_cards)
    lines = [
        f"{name}: answered right {measured.answered_right():.3f} of {measured.count(True)} answerable; "
        f"declined {measured.declined('on_topic'):.3f} of {measured.count(False, 'on_topic')} on-topic unanswerable, "
        f"{measured.declined('general'):.3f} of {measured.count(False, 'general')} general "
        f"({measured.general_without_card():.3f} without any card)"
    ]
    lines += [f"  {kind}: {measured.answered_right(kind):.3f} of {count}" for kind, count in sorted(kinds.items())]
    return "\n".join(lines)


def report() -> tuple[float, float]:
    """Print the rules dev chooses and the figures of both splits under the configured rules."""
    chosen = choose_rules("dev")
    rules = fact_search().rules
    print(
        f"chosen on dev: threshold {chosen[0]:.2f}, max missing share {chosen[1]:.2f} "
        f"(configured: {rules.threshold:.2f}, {rules.max_missing_share:.2f})"
    )
    print(describe("dev", measure("dev")))
    print(describe("test", measure("test")))
    return chosen
