"""Tell Dutch from English, per message and per conversation."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Optional

import yaml

from bot.constants import DEFAULT_LANGUAGE, LANGUAGES

METADATA_KEY = "language"  # the page language the web tier passes with each message (the widget's data-language)
MARKERS_FILE = Path(__file__).with_name("language_markers.yml")
WORD = re.compile(r"[a-zà-ÿ']+")


@lru_cache(maxsize=1)
def _vocabularies() -> dict[str, frozenset[str]]:
    """Return the words that count for each language (ambiguous ones removed)."""
    # Imported here: spaCy (and the TensorFlow it probes for) is not needed by the web tier, which only uses the names.
    from spacy.lang.en.stop_words import STOP_WORDS as ENGLISH_STOP_WORDS
    from spacy.lang.nl.stop_words import STOP_WORDS as DUTCH_STOP_WORDS

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


def conversation_language(texts_newest_first: Iterable[Optional[str]], hint: Optional[str] = None) -> str:
    """Return the language of the newest message that has one, else the page's `hint` ("nl"/"en"), else Dutch."""
    for text in texts_newest_first:
        if text and not text.startswith("/"):
            language = detect_language(text)
            if language:
                return language
    return hint if hint in LANGUAGES else DEFAULT_LANGUAGE


def page_language(metadata_newest_first: Iterable[Any]) -> Optional[str]:
    """Return the language the chat's page gave with the newest message that carries one (message metadata)."""
    for metadata in metadata_newest_first:
        language = metadata.get(METADATA_KEY) if isinstance(metadata, dict) else None
        if language in LANGUAGES:
            return language
    return None
