"""Match safety patterns against tokens, tolerant of typos, spacing and case.

A pattern file (see patterns.yml) lists, per category, rules made of phrase
groups: a rule fires when every group has a phrase in the message (within a
window of tokens) and no `unless` phrase occurs. A phrase is a sequence of
terms; a term is a word (matched on the token's text or lemma within an edit
distance that grows with the word's length), a prefix (`word*`), or a
placeholder: `{minor}` for an age from 6 to 17 (digits or words), `{adult}` for
18 to 99 and `{url}` for a link; a leading `=` asks for the word exactly, without
typos ("=gillen", which one typo would turn into "willen"); a trailing `?` makes
a term optional ("eind aan te? maken") and `...` stands for up to two words of
any kind.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator, Optional, Sequence

import yaml
from anyascii import anyascii
from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from bot.constants import URL, fold_text

PATTERNS_FILE = Path(__file__).with_name("patterns.yml")
MINOR_AGE = re.compile(r"^(?:[6-9]|1[0-7])(?:yo|y|j|jr|jaar|years?)?$")
ADULT_AGE = re.compile(r"^(?:1[89]|[2-9]\d)(?:yo|y|j|jr|jaar|years?)?$")
MINOR_WORDS = {
    "zes",
    "zeven",
    "acht",
    "negen",
    "tien",
    "elf",
    "twaalf",
    "dertien",
    "veertien",
    "vijftien",
    "zestien",
    "zeventien",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
}
REPEATED = re.compile(r"(.)\1{2,}")
DOUBLED = re.compile(r"(.)\1+")


CONFUSABLE_SCRIPTS = ("CYRILLIC", "GREEK")  # letters that look Latin ("dооd" with Cyrillic o's)


def fold_confusables(text: str) -> str:
    """Return text with fullwidth and mathematical letters (NFKC) and Cyrillic or Greek letters written in Latin."""
    composed = unicodedata.normalize("NFKC", text)
    return "".join(
        anyascii(char) if unicodedata.name(char, "").startswith(CONFUSABLE_SCRIPTS) else char for char in composed
    )


def normalise(text: str) -> str:
    """Fold look-alike letters, lower-case, strip accents and squeeze letters repeated three times or more to two."""
    return REPEATED.sub(r"\1\1", fold_text(fold_confusables(text)))


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
        return cls(normalise(text), _forms(text, lemma), like_url or bool(URL.search(text)))


@dataclass(frozen=True)
class Term:
    """One token position of a phrase."""

    value: str
    kind: str  # "word", "exact", "prefix", "minor", "adult", "url" or "any"
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
        if raw.startswith("=") and len(raw) > 1:
            return cls(normalise(raw[1:]), "exact")
        return cls(normalise(raw), "word")

    def matches(self, form: str, token_is_url: bool = False) -> bool:
        """Tell whether a token form (text or lemma) satisfies this term."""
        if self.kind == "url":
            return token_is_url
        if self.kind == "minor":
            return bool(MINOR_AGE.match(form)) or form in MINOR_WORDS
        if self.kind == "adult":
            return bool(ADULT_AGE.match(form))
        if self.kind == "prefix":
            head = form[: len(self.value)]
            return len(form) >= len(self.value) and _close(head, self.value)
        if self.kind == "exact":
            return form == self.value
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


class TermIndex:
    """Find every term a token form satisfies: a dict for exact words, one
    C-level fuzzy search for typos, and a short scan of the prefixes."""

    def __init__(self, terms: Iterable[Term]) -> None:
        terms = set(terms)
        self.exact: dict[str, list[Term]] = defaultdict(list)
        for term in terms:
            if term.kind in ("word", "exact"):
                self.exact[term.value].append(term)
        self.fuzzy = [term for term in terms if term.kind == "word" and allowed_edits(term.value) > 0]
        self.fuzzy_values = [term.value for term in self.fuzzy]
        self.prefixes = [term for term in terms if term.kind == "prefix"]
        self.special = [term for term in terms if term.kind in ("minor", "adult", "url")]
        self.terms_for = lru_cache(maxsize=100_000)(self._terms_for)

    def _terms_for(self, form: str, is_url: bool) -> frozenset[Term]:
        """Return the terms (not "any") that this form satisfies."""
        found = set(self.exact.get(form, ()))
        if len(form) >= 5:
            for _, distance, index in process.extract_iter(
                form, self.fuzzy_values, scorer=DamerauLevenshtein.distance, score_cutoff=2
            ):
                if distance <= allowed_edits(self.fuzzy_values[index]):
                    found.add(self.fuzzy[index])
        found.update(term for term in self.prefixes if term.matches(form))
        found.update(term for term in self.special if term.matches(form, is_url))
        return frozenset(found)


def _phrase_end(phrase: Phrase, start: int, hits: Sequence[frozenset], joined: Sequence[frozenset]) -> Optional[int]:
    """Return the end index when `phrase` matches from `start`, else None.

    `hits[i]` holds the terms token i satisfies; `joined[i]` those that tokens
    i and i+1 written together satisfy ("zelf moord").
    """
    if not phrase:
        return start
    term, rest = phrase[0], phrase[1:]
    if term.optional:
        skipped = _phrase_end(rest, start, hits, joined)
        if skipped is not None:
            return skipped
    if start >= len(hits):
        return None
    if term.kind == "any" or term in hits[start]:
        end = _phrase_end(rest, start + 1, hits, joined)
        if end is not None:
            return end
    if term in joined[start]:
        return _phrase_end(rest, start + 2, hits, joined)
    return None


def _within_window(positions: Sequence[Sequence[int]], window: int) -> bool:
    """Tell whether one position can be picked from each list with all of them within `window`."""
    sorted_lists = [sorted(group) for group in positions]
    for start in sorted(p for group in sorted_lists for p in group):
        if all(
            bisect.bisect_left(group, start) < len(group) and group[bisect.bisect_left(group, start)] <= start + window
            for group in sorted_lists
        ):
            return True
    return False


Key = tuple[str, object]


@dataclass(frozen=True)
class Rule:
    """Phrase groups that must all occur (within `window` tokens), unless vetoed."""

    name: str
    groups: tuple[tuple[Phrase, ...], ...]
    unless: tuple[Phrase, ...]
    window: int

    def phrases(self) -> Iterator[tuple[Phrase, Key]]:
        """Yield every phrase of the rule with the key its positions are kept under."""
        for index, group in enumerate(self.groups):
            for phrase in group:
                yield phrase, (self.name, index)
        for phrase in self.unless:
            yield phrase, (self.name, "unless")

    def fires(self, positions: dict[Key, list[int]]) -> bool:
        """Tell whether the rule applies, given where each of its phrases matched."""
        if positions.get((self.name, "unless")):
            return False
        found = [positions.get((self.name, index), []) for index in range(len(self.groups))]
        return all(found) and _within_window(found, self.window)


@dataclass(frozen=True)
class Category:
    """A safety category: the intent it sets and the rules that recognise it."""

    name: str
    intent: str
    rules: tuple[Rule, ...]
    yields_to: frozenset[str] = frozenset()  # classifier intents that stand against this category
    yield_confidence: float = 0.0  # ... when the classifier is at least this sure


@dataclass(frozen=True)
class CounterEvidence:
    """Phrases that make a classifier guess of `intents` stand down when no category applies."""

    name: str
    intents: frozenset[str]
    rules: tuple[Rule, ...]


@dataclass(frozen=True)
class Verdict:
    """The category that applies to a message and the rule that found it."""

    category: str
    intent: str
    rule: str


class SafetyMatcher:
    """Find the highest-priority safety category in a tokenised message."""

    def __init__(
        self,
        categories: Sequence[Category],
        never_downgrade: Sequence[str] = (),
        counter_evidence: Sequence[CounterEvidence] = (),
    ) -> None:
        self.categories = tuple(categories)
        self.counter_evidence = tuple(counter_evidence)
        self.unsupported_guesses = frozenset().union(*(counter.intents for counter in self.counter_evidence))
        self.by_name = {category.name: category for category in self.categories}
        self.never_downgrade = frozenset(never_downgrade)
        groups: tuple[Category | CounterEvidence, ...] = (*self.categories, *self.counter_evidence)
        rules = [rule for group in groups for rule in group.rules]
        entries = [entry for rule in rules for entry in rule.phrases()]
        self.index = TermIndex(term for phrase, _ in entries for term in phrase)
        self.by_first: dict[Term, list[tuple[Phrase, Key]]] = defaultdict(list)
        self.floating: list[tuple[Phrase, Key]] = []
        for phrase, key in entries:
            first = phrase[0]
            (self.floating if first.optional or first.kind == "any" else self.by_first[first]).append((phrase, key))

    @classmethod
    def from_patterns(cls, patterns: dict) -> "SafetyMatcher":
        """Build a matcher from the parsed pattern file."""
        default_window = int(patterns.get("window", 12))

        def rules_of(name: str, spec: dict) -> tuple[Rule, ...]:
            return tuple(
                Rule(
                    name=f"{name}/{index}",
                    groups=tuple(tuple(parse_phrase(p) for p in group) for group in _groups(rule)),
                    unless=tuple(parse_phrase(p) for p in rule.get("unless", [])),
                    window=int(rule.get("window", default_window)),
                )
                for index, rule in enumerate(spec["rules"])
            )

        categories = []
        for name in patterns["priority"]:
            spec = patterns["categories"][name]
            categories.append(
                Category(
                    name,
                    spec["intent"],
                    rules_of(name, spec),
                    yields_to=frozenset(spec.get("yields_to") or ()),
                    yield_confidence=float(spec.get("yield_confidence", 0.0)),
                )
            )
        counters = [
            CounterEvidence(
                f"counter_evidence/{index}", frozenset(spec["intents"]), rules_of(f"counter_evidence/{index}", spec)
            )
            for index, spec in enumerate(patterns.get("counter_evidence") or [])
        ]
        return cls(categories, patterns.get("never_downgrade", ()), counters)

    def positions(self, tokens: Sequence[Token]) -> dict[Key, list[int]]:
        """Return, per rule group, the token positions where one of its phrases starts."""
        hits = [
            frozenset().union(*(self.index.terms_for(form, token.like_url) for form in token.forms)) for token in tokens
        ]
        joined = [
            frozenset(t for t in self.index.terms_for(a.text + b.text, False) if t.kind in ("word", "prefix"))
            for a, b in zip(tokens, tokens[1:], strict=False)
        ] + [frozenset()]
        found: dict[Key, list[int]] = defaultdict(list)
        for start in range(len(tokens)):
            candidates = {id(p): (p, k) for term in hits[start] | joined[start] for p, k in self.by_first.get(term, ())}
            for phrase, key in [*candidates.values(), *self.floating]:
                if (not found[key] or found[key][-1] != start) and _phrase_end(phrase, start, hits, joined) is not None:
                    found[key].append(start)
        return found

    def verdicts(self, tokens: Sequence[Token]) -> list[Verdict]:
        """Return every category that applies, highest priority first."""
        positions = self.positions(tokens)
        found = []
        for category in self.categories:
            rule = next((r for r in category.rules if r.fires(positions)), None)
            if rule:
                found.append(Verdict(category.name, category.intent, rule.name))
        return found

    def verdict(self, tokens: Sequence[Token]) -> Optional[Verdict]:
        """Return the highest-priority category that applies, if any."""
        verdicts = self.verdicts(tokens)
        return verdicts[0] if verdicts else None

    def overrules(self, verdict: Verdict, predicted: Optional[str], confidence: float = 0.0) -> bool:
        """Tell whether a verdict replaces the classifier's intent.

        It does unless the classifier's intent is the same, more urgent, an
        urgent one (`never_downgrade`) that is at least as urgent, or one the
        category yields to (`yields_to`, given `yield_confidence`): a mother who
        found pictures keeps her route, not the one for people who send them.
        """
        if verdict.intent == predicted:
            return False
        category = self.by_name[verdict.category]
        if predicted in category.yields_to and confidence >= category.yield_confidence:
            return False
        more_urgent = self.priority_of(verdict.intent) < self.priority_of(predicted)
        return more_urgent or predicted not in self.never_downgrade

    def stands_down(self, tokens: Sequence[Token], predicted: Optional[str]) -> Optional[str]:
        """Return the counter-evidence rule that makes the classifier's guess stand down, if any.

        For a message to which no safety category applies (the caller checks),
        and only for the intents listed under `counter_evidence`.
        """
        counters = [counter for counter in self.counter_evidence if predicted in counter.intents]
        if not counters:
            return None
        positions = self.positions(tokens)
        rule = next((r for counter in counters for r in counter.rules if r.fires(positions)), None)
        return rule.name if rule else None

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
