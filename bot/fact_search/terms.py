"""Words of a question or card as search terms: lemmas, joined separable verbs, compound parts and synonyms."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

import spacy
import yaml

from bot.constants import LANGUAGES, fold_text
from bot.settings import project_path, settings

# Particles of Dutch separable verbs ("bijsturen": "nog bij te sturen").
SEPARABLE_PARTICLES = frozenset("aan af bij door in mee na om onder op over terug toe uit voor weg".split())
# What may join the parts of a Dutch compound: "kinder-misbruik", "kind-s-ontvoering", "webcam-misbruik".
LINKING_LETTERS = ("", "s", "e", "en", "er")
MIN_PART = 4  # shortest part of a compound that counts as a word of its own
SYNONYM_PREFIX = "≈"  # marks a synonym group's term, so it never equals a word


@dataclass(frozen=True)
class Word:
    """One content word of a text: its folded surface form and every search term it stands for."""

    surface: str
    terms: frozenset[str]


class Lemmatizer:
    """Content words with the saved blank nl/en pipelines (both, as the language may be either)."""

    def __init__(self) -> None:
        directory = project_path(settings()["spacy"]["directory"])
        self.pipelines = [spacy.load(directory / language) for language in LANGUAGES]
        self.stop_words = {fold_text(word) for nlp in self.pipelines for word in nlp.Defaults.stop_words}

    def words(self, text: str) -> dict[str, set[str]]:
        """Return each content word (folded) with its forms: the word and its nl and en lemmas.

        A Dutch separable verb split by "te" ("bij te sturen", "op te sporen") also counts as
        the joined verb ("bijsturen", "opsporen"), the form cards mostly use.
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
        return found


class CompoundSplitter:
    """Split Dutch compounds into two known words ("webcammisbruik": "webcam", "misbruik")."""

    def __init__(self, vocabulary: Iterable[str]) -> None:
        self.vocabulary = frozenset(word for word in vocabulary if len(word) >= MIN_PART and word.isalpha())

    def parts(self, word: str) -> tuple[str, ...]:
        """Return the two parts with the longest head that are both known words, or nothing."""
        if word in self.vocabulary or len(word) < 2 * MIN_PART:
            return ()
        for cut in range(len(word) - MIN_PART, MIN_PART - 1, -1):
            head, tail = word[:cut], word[cut:]
            if tail not in self.vocabulary:
                continue
            for link in LINKING_LETTERS:
                if head.endswith(link) and head[: len(head) - len(link)] in self.vocabulary:
                    return head[: len(head) - len(link)], tail
        return ()


class Synonyms:
    """Groups of words that mean the same in the articles' domain (seeds/synonyms.yml), in both languages."""

    def __init__(self, groups: list[list[str]]) -> None:
        self.group_of: dict[str, str] = {}
        for group in groups:
            name = SYNONYM_PREFIX + fold_text(group[0])
            for word in group:
                self.group_of.setdefault(fold_text(word), name)

    def of(self, forms: Iterable[str]) -> set[str]:
        """Return the group terms of any of the forms."""
        return {self.group_of[form] for form in forms if form in self.group_of}


class Analyzer:
    """Turn text into content words and their search terms, the same way for questions and cards."""

    def __init__(self, lemmatizer: Lemmatizer, synonyms: Synonyms) -> None:
        self.lemmatizer, self.synonyms = lemmatizer, synonyms
        self.splitter = CompoundSplitter(())

    def learn_vocabulary(self, texts: Iterable[str]) -> None:
        """Take the words of the cards as the known words that compounds are split into."""
        vocabulary = {form for text in texts for forms in self.lemmatizer.words(text).values() for form in forms}
        self.splitter = CompoundSplitter(vocabulary | set(self.synonyms.group_of))

    def words(self, text: str) -> list[Word]:
        """Return each content word of the text with its terms (forms, compound parts, synonym groups)."""
        result = []
        for surface, forms in self.lemmatizer.words(text).items():
            terms = set(forms)
            for form in forms:
                terms.update(self.splitter.parts(form))
            terms |= self.synonyms.of(terms)
            result.append(Word(surface, frozenset(terms)))
        return result

    def terms(self, text: str) -> list[str]:
        """Return every term of every content word, for indexing and scoring."""
        return [term for word in self.words(text) for term in sorted(word.terms)]


@lru_cache(maxsize=1)
def synonyms() -> Synonyms:
    """Return the synonym groups named in settings.yml (knowledge.synonyms)."""
    path = project_path(settings()["knowledge"]["synonyms"])
    return Synonyms(yaml.safe_load(path.read_text(encoding="utf-8"))["groups"])
