"""Possible-misroute markers: signs in a conversation's stored events that the bot may have got it wrong."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Optional, Sequence

import yaml

from bot.constants import fold_text
from bot.store.transcripts import FALLBACK_ACTION, SIGNPOST_PREFIX, is_button

MARKERS_FILE = Path(__file__).with_name("markers.yml")
CLARIFY_ACTION = "utter_clarify"  # "Sorry, I got that wrong. What is it about?"
FACT_CARD_ACTIONS = ("utter_fact", "utter_search_result")
CORRECTION_INTENT = "correct_route"
APOSTROPHES = re.compile(r"['’`]")
WORD = re.compile(r"[a-z0-9]+")

Event = Mapping[str, Any]  # one stored event, as in Rasa's events table (its JSON data)


def words_of(text: str) -> tuple[str, ...]:
    """Return a message's words, folded for case and accents, apostrophes dropped."""
    return tuple(WORD.findall(APOSTROPHES.sub("", fold_text(text))))


@dataclass(frozen=True)
class Vocabulary:
    """What markers.yml says: the words of a correction and when a message counts as repeated."""

    whole_messages: frozenset[tuple[str, ...]]
    phrases: tuple[str, ...]
    repeat_min_words: int
    repeat_similarity: float

    def is_correction(self, words: tuple[str, ...]) -> bool:
        """Tell whether a typed message says the bot got it wrong."""
        padded = f" {' '.join(words)} "
        return words in self.whole_messages or any(f" {phrase} " in padded for phrase in self.phrases)

    def is_repeat(self, before: tuple[str, ...], after: tuple[str, ...]) -> bool:
        """Tell whether two typed messages say (nearly) the same."""
        if min(len(before), len(after)) < self.repeat_min_words:
            return False
        first, second = set(before), set(after)
        return len(first & second) / len(first | second) >= self.repeat_similarity


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    """Read markers.yml once."""
    data = yaml.safe_load(MARKERS_FILE.read_text(encoding="utf-8"))
    corrections, repeats = data["corrections"], data["repeats"]
    return Vocabulary(
        whole_messages=frozenset(words_of(text) for text in corrections["whole_message"]),
        phrases=tuple(" ".join(words_of(text)) for text in corrections["phrases"]),
        repeat_min_words=int(repeats["min_words"]),
        repeat_similarity=float(repeats["similarity"]),
    )


@dataclass
class Turn:
    """A person's message and what the bot did before their next one (actions run, replies sent)."""

    message: Optional[Event] = None  # None for what comes before the first message
    actions: list[str] = field(default_factory=list)
    replies: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """Return the message as stored (redacted)."""
        return str((self.message or {}).get("text") or "")

    @property
    def typed(self) -> bool:
        """Tell whether the person typed the message (rather than pressed a button)."""
        return self.message is not None and bool(self.text) and not is_button(self.text)

    @cached_property
    def words(self) -> tuple[str, ...]:
        """Return the message's folded words (see `words_of`)."""
        return words_of(self.text)

    @property
    def parse(self) -> Mapping[str, Any]:
        """Return the message's parse data."""
        return (self.message or {}).get("parse_data") or {}


def turns_of(events: Iterable[Event]) -> list[Turn]:
    """Split a conversation's events at each message of the person."""
    turns = [Turn()]
    for event in events:
        kind = event.get("event")
        if kind == "user":
            turns.append(Turn(event))
        elif kind == "action" and event.get("name"):
            turns[-1].actions.append(str(event["name"]))
        elif kind == "bot" and event.get("text"):
            turns[-1].replies.append(str(event["text"]))
    return turns


def guard_overruled(turns: Sequence[Turn], words: Vocabulary) -> bool:
    """The safety guard replaced the classifier's intent."""
    return any((turn.parse.get("safety") or {}).get("acted") for turn in turns)


def fallback_or_clarify(turns: Sequence[Turn], words: Vocabulary) -> bool:
    """The bot gave its fallback reply or asked what the conversation is about."""
    return any(action in (FALLBACK_ACTION, CLARIFY_ACTION) for turn in turns for action in turn.actions)


def corrected(turns: Sequence[Turn], words: Vocabulary) -> bool:
    """The person said the bot got it wrong ("nee", "dat bedoel ik niet"), in words or as the classifier saw it."""
    return any(
        turn.typed
        and ((turn.parse.get("intent") or {}).get("name") == CORRECTION_INTENT or words.is_correction(turn.words))
        for turn in turns
    )


def same_reply_twice(turns: Sequence[Turn], words: Vocabulary) -> bool:
    """The bot answered two messages in a row with the same reply."""
    return any(before.replies and before.replies == after.replies for before, after in pairwise(turns))


def person_repeated(turns: Sequence[Turn], words: Vocabulary) -> bool:
    """The person typed (nearly) the same message twice in a row (button presses in between do not count)."""
    typed = [turn.words for turn in turns if turn.typed]
    return any(words.is_repeat(before, after) for before, after in pairwise(typed))


def fact_after_signpost(turns: Sequence[Turn], words: Vocabulary) -> bool:
    """The person's next message after a signpost got a fact card."""
    return any(
        any(action.startswith(SIGNPOST_PREFIX) for action in before.actions)
        and any(action in FACT_CARD_ACTIONS for action in after.actions)
        for before, after in pairwise(turns)
    )


@dataclass(frozen=True)
class Marker:
    """A named check (its label for people is in labels.yml)."""

    name: str
    check: Callable[[Sequence[Turn], Vocabulary], bool]


MARKERS = (
    Marker("guard_overruled", guard_overruled),
    Marker("fallback", fallback_or_clarify),
    Marker("corrected", corrected),
    Marker("same_reply", same_reply_twice),
    Marker("repeated", person_repeated),
    Marker("fact_after_signpost", fact_after_signpost),
)
MARKER_NAMES = tuple(marker.name for marker in MARKERS)


def find_markers(events: Iterable[Event]) -> frozenset[str]:
    """Return the names of the markers a conversation's stored events show."""
    turns = turns_of(events)
    words = vocabulary()
    return frozenset(marker.name for marker in MARKERS if marker.check(turns, words))
