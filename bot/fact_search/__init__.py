"""Answers from the fact cards: ranking (classifier, BM25, character n-grams) and the decision to answer."""

from bot.fact_search.search import Answer, FactSearch, Hit, Reading, Rules, fact_search

__all__ = ["Answer", "FactSearch", "Hit", "Reading", "Rules", "fact_search"]
