"""Match safety patterns against tokens, tolerant of typos, spacing and case.

A pattern file (see patterns.yml) lists, per category, rules made of phrase
groups: a rule fires when every group has a phrase in the message (within a
window of tokens) and no `unless` phrase occurs. A phrase is a sequence of
terms; a term is a word (matched on the token's text or lemma within an edit
distance that grows with the word's length), a prefix (`word*`), or a
placeholder: `{minor}` for an age from 6 to 17 (digits or words), `{adult}` for
18 to 99 and `{url}` for a link; a trailing `?` makes a term optional ("eind
aan te? maken") and `...` stands for up to two words of any kind.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Optional, Sequence

import yaml
from rapidfuzz.distance import DamerauLevenshtein

PATTERNS_FILE = Path(__file__).with_name("patterns.yml")
MINOR_AGE = re.compile(r"^(?:[6-9]|1[0-7])(?:yo|y|j|jr|jaar|years?)?$")
ADULT_AGE = re.compile(r"^(?:1[89]|[2-9]\d)(?:yo|y|j|jr|jaar|years?)?$")
MINOR_WORDS = {
    "zes", "zeven", "acht", "negen", "tien", "elf", "twaalf", "dertien", "veertien", "vijftien", "zestien", "zeventien",
    "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
}
URL_LIKE = re.compile(
    r"(?:https?://|hxxps?://|www\.|\w\.(?:com|nl|be|org|net|io|ru|to|me|ly|link|xyz|example)\b|\w(?:\[\.\]|\(\.\)|\[dot\]|\(dot\))\w)",
    re.I,
)
REPEATED = re.compile(r"(.)\1{2,}")
DOUBLED = re.compile(r"(.)\1+")


def normalise(text: str) -> str:
    """Lower-case, strip accents and squeeze letters repeated three times or more to two."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return REPEATED.sub(r"\1\1", plain)


POSSESSIVE = re.compile(r"(?<=\w)['’]s$")


def _forms(text: str, lemma: str) -> tuple[str, ...]:
    """Return the forms a token may match: text, lemma, "sister" for "sister's", "die" for "dieeee"."""
    forms = [normalise(text), normalise(lemma or text)]
    if POSSESSIVE.search(text):
        forms.append(POSSESSIVE.sub("", normalise(text)))
    if REPEATED.search(text.lower()):
        forms.append(DOUBLED.sub(r"\1", normalise(text)))
    return tuple(dict.fromkeys(forms))


def allowed_edits(word: str) -> int:
    """Return how many typos a word of this length may carry and still match."""
    if len(word) <= 5:
        return 0
    return 1 if len(word) <= 8 else 2


@dataclass(frozen=True)
class Token:
    """The parts of a token the patterns look at."""

    text: str
    forms: tuple[str, ...]
    like_url: bool = False

    @classmethod
    def create(cls, text: str, lemma: str = "", like_url: bool = False) -> "Token":
        """Build a token with its normalised forms."""
        return cls(normalise(text), _forms(text, lemma), like_url or bool(URL_LIKE.search(text)))


@dataclass(frozen=True)
class Term:
    """One token position of a phrase."""

    value: str
    kind: str  # "word", "prefix", "minor", "adult", "url" or "any"
    optional: bool = False

    @classmethod
    def parse(cls, raw: str) -> "Term":
        """Read a term from the pattern syntax; a trailing "?" makes it optional."""
        if raw.endswith("?") and len(raw) > 1:
            term = cls.parse(raw[:-1])
            return cls(term.value, term.kind, optional=True)
        if raw == "{minor}":
            return cls("", "minor")
        if raw == "{adult}":
            return cls("", "adult")
        if raw == "{url}":
            return cls("", "url")
        if raw.endswith("*"):
            return cls(normalise(raw[:-1]), "prefix")
        return cls(normalise(raw), "word")

    def matches(self, form: str, token_is_url: bool = False) -> bool:
        """Tell whether a token form (text or lemma) satisfies this term."""
        if self.kind == "url":
            return token_is_url
        if self.kind == "any":
            return True
        if self.kind == "minor":
            return bool(MINOR_AGE.match(form)) or form in MINOR_WORDS
        if self.kind == "adult":
            return bool(ADULT_AGE.match(form))
        if self.kind == "prefix":
            head = form[: len(self.value)]
            return len(form) >= len(self.value) and _close(head, self.value)
        return _close(form, self.value)


def _close(form: str, word: str) -> bool:
    """Tell whether `form` is `word` up to the typos its length allows."""
    if form == word:
        return True
    edits = allowed_edits(word)
    return edits > 0 and DamerauLevenshtein.distance(form, word, score_cutoff=edits) <= edits


Phrase = tuple[Term, ...]


GAP = (Term("", "any", optional=True), Term("", "any", optional=True))


def parse_phrase(raw: str) -> Phrase:
    """Split a phrase into terms on whitespace; "..." becomes up to two words of any kind."""
    terms: list[Term] = []
    for part in raw.split():
        terms.extend(GAP if part == "..." else (Term.parse(part),))
    return tuple(terms)


def _phrase_at(phrase: Phrase, tokens: Sequence[Token], start: int) -> Optional[int]:
    """Return the end index when `phrase` matches from `start`, else None.

    A word term may also match two adjacent tokens written apart ("zelf moord").
    """
    if not phrase:
        return start
    term, rest = phrase[0], phrase[1:]
    if term.optional:
        skipped = _phrase_at(rest, tokens, start)
        if skipped is not None:
            return skipped
    if start >= len(tokens):
        return None
    token = tokens[start]
    if any(term.matches(form, token.like_url) for form in token.forms):
        end = _phrase_at(rest, tokens, start + 1)
        if end is not None:
            return end
    if term.kind in ("word", "prefix") and start + 1 < len(tokens):
        joined = token.text + tokens[start + 1].text
        if term.matches(joined):
            return _phrase_at(rest, tokens, start + 2)
    return None


def phrase_positions(phrases: Iterable[Phrase], tokens: Sequence[Token]) -> list[int]:
    """Return the start indices where any of the phrases matches."""
    return [
        start
        for start in range(len(tokens))
        if any(_phrase_at(phrase, tokens, start) is not None for phrase in phrases)
    ]


@dataclass(frozen=True)
class Rule:
    """Phrase groups that must all occur (within `window` tokens), unless vetoed."""

    name: str
    groups: tuple[tuple[Phrase, ...], ...]
    unless: tuple[Phrase, ...]
    window: int

    def fires(self, tokens: Sequence[Token]) -> bool:
        """Tell whether the rule applies to the tokens."""
        if self.unless and phrase_positions(self.unless, tokens):
            return False
        positions = [phrase_positions(group, tokens) for group in self.groups]
        if not all(positions):
            return False
        return any(max(combo) - min(combo) <= self.window for combo in itertools.product(*positions))


@dataclass(frozen=True)
class Category:
    """A safety category: the intent it sets and the rules that recognise it."""

    name: str
    intent: str
    rules: tuple[Rule, ...]


@dataclass(frozen=True)
class Verdict:
    """The category that applies to a message and the rule that found it."""

    category: str
    intent: str
    rule: str


class SafetyMatcher:
    """Find the highest-priority safety category in a tokenised message."""

    def __init__(self, categories: Sequence[Category], never_downgrade: Sequence[str] = ()) -> None:
        self.categories = tuple(categories)
        self.never_downgrade = frozenset(never_downgrade)

    @classmethod
    def from_patterns(cls, patterns: dict) -> "SafetyMatcher":
        """Build a matcher from the parsed pattern file."""
        default_window = int(patterns.get("window", 12))
        categories = []
        for name in patterns["priority"]:
            spec = patterns["categories"][name]
            rules = tuple(
                Rule(
                    name=f"{name}/{index}",
                    groups=tuple(tuple(parse_phrase(p) for p in group) for group in _groups(rule)),
                    unless=tuple(parse_phrase(p) for p in rule.get("unless", [])),
                    window=int(rule.get("window", default_window)),
                )
                for index, rule in enumerate(spec["rules"])
            )
            categories.append(Category(name, spec["intent"], rules))
        return cls(categories, patterns.get("never_downgrade", ()))

    def verdicts(self, tokens: Sequence[Token]) -> list[Verdict]:
        """Return every category that applies, highest priority first."""
        found = []
        for category in self.categories:
            rule = next((r for r in category.rules if r.fires(tokens)), None)
            if rule:
                found.append(Verdict(category.name, category.intent, rule.name))
        return found

    def verdict(self, tokens: Sequence[Token]) -> Optional[Verdict]:
        """Return the highest-priority category that applies, if any."""
        verdicts = self.verdicts(tokens)
        return verdicts[0] if verdicts else None

    def overrules(self, verdict: Verdict, predicted: Optional[str]) -> bool:
        """Tell whether a verdict replaces the classifier's intent.

        It does unless the classifier's intent is the same, more urgent, or an
        urgent one (`never_downgrade`) that is at least as urgent.
        """
        if verdict.intent == predicted:
            return False
        more_urgent = self.priority_of(verdict.intent) < self.priority_of(predicted)
        return more_urgent or predicted not in self.never_downgrade

    def priority_of(self, intent: Optional[str]) -> int:
        """Return the rank of an intent (lower is more urgent; others rank last)."""
        intents = [category.intent for category in self.categories]
        return intents.index(intent) if intent in intents else len(intents)


def _groups(rule: dict) -> list[list[str]]:
    """Return a rule's phrase groups: `any` is one group, `all` several."""
    if "any" in rule:
        return [rule["any"]]
    return rule["all"]


@lru_cache(maxsize=4)
def load_matcher(path: Path = PATTERNS_FILE) -> SafetyMatcher:
    """Load and compile a pattern file once."""
    return SafetyMatcher.from_patterns(yaml.safe_load(path.read_text(encoding="utf-8")))
