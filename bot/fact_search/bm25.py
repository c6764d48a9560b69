"""Okapi BM25 over term lists, scaled to 0-1 by the best score the query could reach."""

from __future__ import annotations

import math
from collections import Counter
from typing import Iterable


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
        self.highest_idf = max(self.idf.values(), default=0.0)  # what a term no document holds weighs

    def scores(self, query: Iterable[str]) -> list[float]:
        """Return each document's score for the query, divided by the best score the query could reach.

        Query terms that no card contains count in that ceiling with the highest idf, so a
        question about things the cards never mention ("hoofdstad van Peru") scores low.
        """
        terms = set(query)
        known = [term for term in terms if term in self.idf]
        unknown_weight = self.highest_idf * (len(terms) - len(known))
        ceiling = (sum(self.idf[term] for term in known) + unknown_weight) * (self.k1 + 1)
        if not ceiling:
            return [0.0] * len(self.counts)
        results = []
        for counts, length in zip(self.counts, self.lengths, strict=False):
            norm = self.k1 * (1 - self.b + self.b * length / self.average_length)
            score = sum(self.idf[t] * counts[t] * (self.k1 + 1) / (counts[t] + norm) for t in known if t in counts)
            results.append(score / ceiling)
        return results
