"""A supervised ranker of the fact cards, trained on each card's example questions and sentences."""

from __future__ import annotations

import re

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.svm import LinearSVC

from bot.constants import fold_text
from bot.fact_search.terms import Analyzer
from bot.knowledge import FactCard

SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def training_examples(card: FactCard) -> list[str]:
    """Return what a card answers: its example questions, its text and each of its sentences, both languages."""
    examples = [question for language in card.questions.values() for question in language]
    examples += [text for figure in card.figures for text in figure.values()]
    for text in card.text.values():
        examples += [text, *SENTENCE_END.split(text)]
    return examples


class CardClassifier:
    """A linear SVM over character n-grams and search terms; a card's margin, mapped to 0-1, is its score."""

    def __init__(self, cards: list[FactCard], analyzer: Analyzer, regularisation: float) -> None:
        self.analyzer = analyzer
        texts, labels = [], []
        for index, card in enumerate(cards):
            examples = training_examples(card)
            texts += examples
            labels += [index] * len(examples)
        self.characters = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, preprocessor=fold_text
        )
        self.terms = TfidfVectorizer(analyzer=str.split, sublinear_tf=True, token_pattern=None)
        features = hstack(
            [self.characters.fit_transform(texts), self.terms.fit_transform([self._terms(t) for t in texts])]
        )
        self.model = LinearSVC(C=regularisation).fit(features.tocsr(), labels)

    def _terms(self, text: str) -> str:
        """Return the text's search terms as one space-separated string."""
        return " ".join(self.analyzer.terms(text))

    def scores(self, question: str, terms: list[str]) -> np.ndarray:
        """Return each card's score (0-1; cards in training order) for the question and its terms: (margin + 1) / 2."""
        features: csr_matrix = hstack(
            [self.characters.transform([question]), self.terms.transform([" ".join(terms)])]
        ).tocsr()
        margins = np.asarray(self.model.decision_function(features)[0])
        return np.clip((margins + 1) / 2, 0, 1)
