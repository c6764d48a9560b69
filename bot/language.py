"""Tell Dutch from English, per message and per conversation."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Optional

import yaml
from spacy.lang.en.stop_words import STOP_WORDS as ENGLISH_STOP_WORDS
from spacy.lang.nl.stop_words import STOP_WORDS as DUTCH_STOP_WORDS

from bot.constants import DEFAULT_LANGUAGE

MARKERS_FILE = Path(__file__).with_name("language_markers.yml")
WORD = re.compile(r"[a-zà-ÿ']+")


@lru_cache(maxsize=1)
def _vocabularies() -> dict[str, frozenset[str]]:
    """Return the words that count for each language (ambiguous ones removed)."""
    markers = yaml.safe_load(MARKERS_FILE.read_text(encoding="utf-8"))
    dutch = set(DUTCH_STOP_WORDS) | set(markers["nl"])
    english = set(ENGLISH_STOP_WORDS) | set(markers["en"])
    shared = (dutch & english) | set(markers["ambiguous"])
    return {"nl": frozenset(dutch - shared), "en": frozenset(english - shared)}


def detect_language(text: str) -> Optional[str]:
    """Return "nl" or "en" when the message leans one way, else None."""
    words = WORD.findall(text.lower())
    vocabularies = _vocabularies()
    dutch = sum(word in vocabularies["nl"] for word in words)
    english = sum(word in vocabularies["en"] for word in words)
    if dutch == english:
        return None
    return "nl" if dutch > english else "en"


def conversation_language(texts_newest_first: Iterable[Optional[str]]) -> str:
    """Return the language of the newest message that has one, Dutch by default."""
    for text in texts_newest_first:
        if text and not text.startswith("/"):
            language = detect_language(text)
            if language:
                return language
    return DEFAULT_LANGUAGE
