"""Search over the fact cards: BM25 over spaCy lemmas plus character n-grams, Dutch and English."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Optional

import spacy
from sklearn.feature_extraction.text import TfidfVectorizer

from bot.constants import LANGUAGES, fold_text
from bot.knowledge import FactCard, fact_cards
from bot.settings import project_path, settings

# Particles of Dutch separable verbs ("bijsturen": "nog bij te sturen").
SEPARABLE_PARTICLES = frozenset("aan af bij door in mee na om onder op over terug toe uit voor weg".split())


@dataclass(frozen=True)
class Hit:
    """A card, how well it matches the question (0 to 1), and how many of the question's words it shares."""

    card_id: str
    score: float
    shared_words: int


@dataclass(frozen=True)
class Rules:
    """When the search may answer (settings.yml knowledge.search; docs/fact-search.md)."""

    weights: dict[str, float]  # of BM25 and character n-grams in the score
    threshold: float  # lowest score that is an answer
    min_shared_words: int  # content words the question must share with the card
    intent_card_margin: float  # how much better than a factual intent's own card another card must score


class Lemmatizer:
    """Turn text into content lemmas with the saved blank nl/en pipelines (both, as the language may be either)."""

    def __init__(self) -> None:
        directory = project_path(settings()["spacy"]["directory"])
        self.pipelines = [spacy.load(directory / language) for language in LANGUAGES]
        self.stop_words = {fold_text(word) for nlp in self.pipelines for word in nlp.Defaults.stop_words}

    def words(self, text: str) -> list[frozenset[str]]:
        """Return each content word as the set of its folded forms (the word and its nl and en lemmas).

        A Dutch separable verb split by "te" ("bij te sturen", "op te sporen") also counts as
        the joined verb ("bijsturen", "opsporen"), the form the cards mostly use.
        """
        found: dict[str, set[str]] = {}
        for nlp in self.pipelines:
            tokens = [token for token in nlp(text) if not (token.is_punct or token.is_space)]
            for index, token in enumerate(tokens):
                forms = {fold_text(token.text), fold_text(token.lemma_ or token.text)}
                if (
                    index >= 2
                    and fold_text(tokens[index - 1].text) == "te"
                    and fold_text(tokens[index - 2].text) in SEPARABLE_PARTICLES
                ):
                    forms.add(fold_text(tokens[index - 2].text + token.text))
                forms = {form for form in forms if len(form) > 1 and form not in self.stop_words}
                if forms:
                    found.setdefault(fold_text(token.text), set()).update(forms)
        return [frozenset(forms) for forms in found.values()]

    def terms(self, text: str) -> list[str]:
        """Return every form of every content word, for indexing and scoring."""
        return [form for forms in self.words(text) for form in forms]


class BM25:
    """Okapi BM25 over term lists, scores scaled to 0-1 by the query's best possible score."""

    def __init__(self, documents: list[list[str]], k1: float = 1.2, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self.counts = [Counter(document) for document in documents]
        self.lengths = [len(document) for document in documents]
        self.average_length = sum(self.lengths) / max(1, len(documents))
        frequency = Counter(term for counts in self.counts for term in counts)
        total = len(documents)
        self.idf = {term: math.log(1 + (total - n + 0.5) / (n + 0.5)) for term, n in frequency.items()}

    def scores(self, query: Iterable[str]) -> list[float]:
        """Return each document's score for the query, divided by the best score the query could reach.

        Query terms that no card contains count in that ceiling with the highest idf, so a
        question about things the cards never mention ("hoofdstad van Peru") scores low.
        """
        terms = set(query)
        known = [term for term in terms if term in self.idf]
        unknown_weight = max(self.idf.values(), default=0.0) * (len(terms) - len(known))
        ceiling = (sum(self.idf[term] for term in known) + unknown_weight) * (self.k1 + 1)
        if not ceiling:
            return [0.0] * len(self.counts)
        results = []
        for counts, length in zip(self.counts, self.lengths, strict=False):
            norm = self.k1 * (1 - self.b + self.b * length / self.average_length)
            score = sum(self.idf[t] * counts[t] * (self.k1 + 1) / (counts[t] + norm) for t in known if t in counts)
            results.append(score / ceiling)
        return results


class FactSearch:
    """Rank fact cards for a question; answer only when the rules allow."""

    def __init__(self, cards: dict[str, FactCard], lemmatizer: Lemmatizer, rules: Rules) -> None:
        self.card_ids = list(cards)
        self.lemmatizer, self.rules = lemmatizer, rules
        texts = [self._card_text(card) for card in cards.values()]
        self.bm25 = BM25([lemmatizer.terms(text) for text in texts])
        self.char_ngrams = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, preprocessor=fold_text
        )
        self.card_vectors = self.char_ngrams.fit_transform(texts)

    @staticmethod
    def _card_text(card: FactCard) -> str:
        """Return everything a card says and the questions it answers, in both languages."""
        questions = [question for language in card.questions.values() for question in language]
        return "\n".join([card.text["nl"], card.text["en"], *questions])

    def rank(self, question: str, limit: Optional[int] = 3) -> list[Hit]:
        """Return the best `limit` cards (all when None) for the question, best first."""
        words = self.lemmatizer.words(question)
        lexical = self.bm25.scores(form for forms in words for form in forms)
        similarity = (self.card_vectors @ self.char_ngrams.transform([question]).T).toarray().ravel()
        weights = self.rules.weights
        combined = [
            weights["bm25"] * word + weights["char_ngrams"] * float(chars)
            for word, chars in zip(lexical, similarity, strict=False)
        ]
        order = sorted(range(len(combined)), key=combined.__getitem__, reverse=True)[:limit]
        return [Hit(self.card_ids[i], round(combined[i], 4), self._shared(words, i)) for i in order]

    def _shared(self, words: list[frozenset[str]], card: int) -> int:
        """Count the question's content words that occur in the card."""
        counts = self.bm25.counts[card]
        return sum(any(form in counts for form in forms) for forms in words)

    def is_answer(self, hit: Hit) -> bool:
        """Tell whether a hit is good enough to give as an answer."""
        return hit.score >= self.rules.threshold and hit.shared_words >= self.rules.min_shared_words

    def answer(self, question: str) -> Optional[Hit]:
        """Return the best card if the rules allow it, else None ("I don't know")."""
        hits = self.rank(question, limit=1)
        return hits[0] if hits and self.is_answer(hits[0]) else None

    def card_for_intent(self, question: str, intent_card: str) -> str:
        """Return the card for a factual intent: its own card, unless another clearly answers the question better."""
        hits = self.rank(question, limit=None)
        best = hits[0]
        own = next(hit for hit in hits if hit.card_id == intent_card)
        if self.is_answer(best) and best.score - own.score >= self.rules.intent_card_margin:
            return best.card_id
        return intent_card


@lru_cache(maxsize=1)
def fact_search() -> FactSearch:
    """Return the search over every fact card, configured by settings.yml (knowledge.search)."""
    config = settings()["knowledge"]["search"]
    rules = Rules(
        weights=config["weights"],
        threshold=float(config["threshold"]),
        min_shared_words=int(config["min_shared_words"]),
        intent_card_margin=float(config["intent_card_margin"]),
    )
    return FactSearch(fact_cards(), Lemmatizer(), rules)
