"""Rank the fact cards for a question and decide: an answer, "the articles don't say", or nothing."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from functools import lru_cache
from typing import Collection, Optional, Sequence

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from bot.constants import fold_text
from bot.fact_search.aspects import QuestionWords, numbers, question_words
from bot.fact_search.bm25 import BM25
from bot.fact_search.classifier import SENTENCE_END, CardClassifier
from bot.fact_search.terms import Analyzer, Lemmatizer, Word, synonyms
from bot.knowledge import FactCard, fact_cards
from bot.settings import settings


@dataclass(frozen=True)
class Hit:
    """A card, how well it matches the question (0 to 1), and how many of the question's words it shares."""

    card_id: str
    score: float
    shared_words: int


@dataclass(frozen=True)
class Answer:
    """A card that answers, or (said=False) that the articles don't say, with the closest card when it scores well."""

    card_id: Optional[str]
    said: bool
    figure: Optional[dict[str, str]] = None  # the card's figure that answers a how-many question, per language


@dataclass(frozen=True)
class Reading:
    """A question as the search reads it: its content words, what it asks for and every card's score."""

    question: str
    words: list[Word]
    asked: Optional[str]  # "age", "figure" or "time" for how old / how many / when; None for other questions
    scores: np.ndarray


@dataclass(frozen=True)
class Rules:
    """How cards are scored and when the search may answer (settings.yml knowledge.search; docs/fact-search.md)."""

    weights: dict[str, float]  # of the classifier, BM25 and character n-grams in the score
    threshold: float  # lowest score that is an answer
    closest_from: float  # lowest score at which a declined question is shown the closest card
    on_topic: float  # lowest score at which a question counts as about the articles ("they don't say")
    intent_on_topic: float  # the same for a question the classifier took as factual (scored before the bonuses)
    min_shared_words: int  # content words the question must share with the card
    max_missing_share: float  # share of the question's content words (of two or more) the card may lack
    intent_bonus: float  # added to the cards of a confident factual intent
    own_card_bonus: float  # added besides to the intent's own card (the first), which its general questions want
    regularisation: float  # the classifier's C
    checks: frozenset[str]  # the objections (FactSearch.objections) that stop a card from answering


class FactSearch:
    """Rank fact cards for a question; answer only when the rules allow."""

    def __init__(self, cards: dict[str, FactCard], analyzer: Analyzer, rules: Rules, words: QuestionWords) -> None:
        self.cards = list(cards.values())
        self.card_ids = list(cards)
        self.analyzer, self.rules, self.question_words = analyzer, rules, words
        texts = [self._card_text(card) for card in self.cards]
        analyzer.learn_vocabulary(texts)
        self.bm25 = BM25([analyzer.terms(text) for text in texts])
        self.char_ngrams = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, preprocessor=fold_text
        )
        self.card_vectors = self.char_ngrams.fit_transform(texts)
        self.classifier = CardClassifier(self.cards, analyzer, rules.regularisation)
        self.stated = [self._stated(card) for card in self.cards]
        self.figure_terms = [
            [set(self.analyzer.terms(" ".join(figure.values()))) for figure in card.figures] for card in self.cards
        ]

    def with_rules(self, rules: Rules) -> "FactSearch":
        """Return the same index deciding by other rules (the classifier keeps its training)."""
        clone = copy.copy(self)
        clone.rules = rules
        return clone

    def _stated(self, card: FactCard) -> dict[str, list[set[str]]]:
        """Return, per aspect (age, life stage, figure, time), the search terms of each of the card's sentences that states one."""
        sentences = [sentence for text in card.text.values() for sentence in SENTENCE_END.split(text)]
        return {
            aspect: [set(self.analyzer.terms(s)) for s in sentences if self.question_words.states(aspect, s)]
            for aspect in ("age", "life_stage", "figure", "time")
        }

    def _states_about(self, index: int, aspect: str, words: list[Word]) -> bool:
        """Tell whether one of the card's sentences that states the aspect shares a term with the question."""
        terms = {term for word in words for term in word.terms}
        return any(terms & sentence for sentence in self.stated[index][aspect])

    def _answers(self, question: str, index: int, asked: str, words: list[Word]) -> bool:
        """Tell whether the card states what the question asks for (a life stage only for children's ages)."""
        if asked == "age" and self.question_words.about_children(question):
            return self._states_about(index, "age", words) or self._states_about(index, "life_stage", words)
        return self._states_about(index, asked, words)

    @staticmethod
    def _card_text(card: FactCard) -> str:
        """Return everything a card says and the questions it answers, in both languages."""
        questions = [question for language in card.questions.values() for question in language]
        figures = [text for figure in card.figures for text in figure.values()]
        return "\n".join([card.text["nl"], card.text["en"], *figures, *questions])

    def _scores(self, question: str, words: list[Word]) -> np.ndarray:
        """Return every card's combined score for the question."""
        terms = [term for word in words for term in word.terms]
        weights = self.rules.weights
        lexical = np.asarray(self.bm25.scores(terms))
        characters = (self.card_vectors @ self.char_ngrams.transform([question]).T).toarray().ravel()
        learned = self.classifier.scores(question, terms)
        return weights["classifier"] * learned + weights["bm25"] * lexical + weights["char_ngrams"] * characters

    def rank(self, question: str, limit: Optional[int] = 3) -> list[Hit]:
        """Return the best `limit` cards (all when None) for the question, best first."""
        words = self.analyzer.words(question)
        scores = self._scores(question, words)
        order = np.argsort(-scores, kind="stable")[:limit]
        return [Hit(self.card_ids[i], round(float(scores[i]), 4), self._shared(words, int(i))) for i in order]

    def _in_card(self, word: Word, card: int) -> bool:
        """Tell whether any of the word's terms occurs in the card."""
        counts = self.bm25.counts[card]
        return any(term in counts for term in word.terms)

    def _shared(self, words: list[Word], card: int) -> int:
        """Count the question's content words that occur in the card."""
        return sum(self._in_card(word, card) for word in words)

    def _weight(self, word: Word) -> float:
        """Return how telling a word is: the highest idf of its terms (a word no card has counts as the rarest)."""
        return max((self.bm25.idf.get(term, self.bm25.highest_idf) for term in word.terms), default=0.0)

    def _missing_share(self, words: list[Word], card: int) -> float:
        """Return the idf-weighted share of the question's content words the card lacks (0 for one word)."""
        if len(words) < 2:
            return 0.0
        weights = [self._weight(word) for word in words]
        total = sum(weights)
        missing = sum(weight for word, weight in zip(words, weights, strict=True) if not self._in_card(word, card))
        return missing / total if total else 0.0

    def read(self, question: str) -> Reading:
        """Return the question's content words, what it asks for and every card's score, which no rule changes."""
        words = self.analyzer.words(question)
        return Reading(question, words, self.question_words.asks_for(question), self._scores(question, words))

    def answer(
        self, question: str, intent_cards: Sequence[str] = (), withheld: Collection[str] = ()
    ) -> Optional[Answer]:
        """Return the card that answers, "the articles don't say" (maybe with the closest card), or None."""
        return self.decide(self.read(question), intent_cards, withheld)

    def decide(
        self, reading: Reading, intent_cards: Sequence[str] = (), withheld: Collection[str] = ()
    ) -> Optional[Answer]:
        """Return what the rules make of a read question (see answer).

        None means the question is not about the articles at all (even when the classifier took it as
        factual: "what's the tallest building in the world"), or shares too few words with any card. Cards of a
        confident factual intent get a bonus, and such a question is about the articles whatever its score.
        Withheld cards are never chosen.
        """
        scores = reading.scores.copy()
        if intent_cards and scores.max() < self.rules.intent_on_topic:  # the classifier's guess, but no card is near
            return None
        for card_id in intent_cards:
            scores[self.card_ids.index(card_id)] += self.rules.intent_bonus
        if intent_cards and reading.asked is None:  # a general question, not how many
            scores[self.card_ids.index(intent_cards[0])] += self.rules.own_card_bonus
        for card_id in withheld:
            scores[self.card_ids.index(card_id)] = -np.inf
        best = int(np.argmax(scores))
        score, card = float(scores[best]), self.cards[best]
        if not intent_cards and score < self.rules.on_topic:
            return None
        objections = set(self.objections(reading, best, score, bool(intent_cards))) & self.rules.checks
        if "few_shared_words" in objections:  # the question and the card hardly meet: not understood
            return None
        if not objections:
            return self._answer(best, reading)
        # about the articles, without the detail asked for: the closest card is shown when it comes close
        # (always for a confident factual intent, whose own cards are the ones it is about)
        close = "below_threshold" not in objections and (bool(intent_cards) or score >= self.rules.closest_from)
        return Answer(card.id if close else None, said=False)

    def _answer(self, index: int, reading: Reading) -> Answer:
        """Return the card as the answer, with its figure when the question asks how many, how old or when."""
        figure = self._figure(index, reading.words) if reading.asked else None
        return Answer(self.card_ids[index], said=True, figure=figure)

    def objections(self, reading: Reading, index: int, score: float, intent: bool) -> list[str]:
        """Return why a card may not answer the question (the names of settings.yml knowledge.search.checks)."""
        card = self.cards[index]
        text = f"{card.text['nl']} {card.text['en']}"
        question, words, asked = reading.question, reading.words, reading.asked
        found = {
            "below_threshold": not intent and score < self.rules.threshold,
            "few_shared_words": not intent and self._shared(words, index) < self._shared_needed(question, words),
            "words_not_in_card": self._missing_share(words, index) > self.rules.max_missing_share,
            "number_not_in_card": not numbers(question) <= numbers(text),
            "figure_not_stated": asked is not None and not self._answers(question, index, asked, words),
        }
        return [name for name, holds in found.items() if holds]

    def _shared_needed(self, question: str, words: list[Word]) -> int:
        """Return how many content words a card must share: fewer for an open question of fewer words."""
        if self.question_words.is_open_question(question):
            return min(self.rules.min_shared_words, len(words))
        return self.rules.min_shared_words

    def _figure(self, index: int, words: list[Word]) -> Optional[dict[str, str]]:
        """Return the card's figure that shares the most terms with the question (the first on a tie)."""
        card = self.cards[index]
        if not card.figures:
            return None
        terms = {term for word in words for term in word.terms}
        overlap = [len(terms & figure) for figure in self.figure_terms[index]]
        return card.figures[overlap.index(max(overlap))]


@lru_cache(maxsize=1)
def fact_search() -> FactSearch:
    """Return the search over every fact card, configured by settings.yml (knowledge.search)."""
    config = settings()["knowledge"]["search"]
    rules = Rules(
        weights=config["weights"],
        threshold=float(config["threshold"]),
        closest_from=float(config["closest_from"]),
        on_topic=float(config["on_topic"]),
        intent_on_topic=float(config["intent_on_topic"]),
        min_shared_words=int(config["min_shared_words"]),
        max_missing_share=float(config["max_missing_share"]),
        intent_bonus=float(config["intent_bonus"]),
        own_card_bonus=float(config["own_card_bonus"]),
        regularisation=float(config["regularisation"]),
        checks=frozenset(config["checks"]),
    )
    return FactSearch(fact_cards(), Analyzer(Lemmatizer(), synonyms()), rules, question_words())
