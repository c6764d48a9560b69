"""Replace personal data in text by typed placeholders such as [TELEFOON].

Candidates are found with patterns and confirmed with the library made for
each kind of identifier: phonenumbers for phone numbers, python-stdnum for BSN
(11-proef) and IBAN, the ipaddress module for IP addresses. When spans
overlap, the longest wins.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable, Iterable, Iterator

import phonenumbers
from stdnum import iban
from stdnum.nl import bsn

PLACEHOLDERS = {
    "phone": "[TELEFOON]",
    "email": "[EMAIL]",
    "url": "[URL]",
    "bsn": "[BSN]",
    "iban": "[IBAN]",
    "postcode": "[POSTCODE]",
    "ip": "[IP]",
    "plate": "[KENTEKEN]",
    "address": "[ADRES]",
    "name": "[NAAM]",
}

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
URL = re.compile(
    r"(?:https?://|hxxps?://|ftp://|www\.)\S+"
    r"|\b[\w-]+(?:\[\.\]|\(\.\)|\[dot\]|\(dot\))[\w.\[\]()-]+(?:/\S*)?"
    r"|\b[\w-]+(?:\.[\w-]+)*\.(?:nl|com|org|net|be|de|eu|io|ru|to|me|ly|link|xyz|info|tk|onion|co|uk|example)\b(?:/\S*)?",
    re.IGNORECASE,
)
IBAN_CANDIDATE = re.compile(r"\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){2,7}(?:\s?[A-Z0-9]{1,3})?\b", re.IGNORECASE)
NINE_DIGITS = re.compile(r"(?<![\d-])\d{3}[ .]?\d{2}[ .]?\d{2}[ .]?\d{2}(?![\d-])|(?<![\d-])\d{9}(?![\d-])")
BSN_CONTEXT = re.compile(r"\b(?:bsn|burgerservicenummer|sofi-?nummer|citizen service number)\b", re.IGNORECASE)
IPV4 = re.compile(r"(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(?![\d.])")
IPV6 = re.compile(r"(?<![\w:])(?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{0,4}(?![\w:])", re.IGNORECASE)
POSTCODE = re.compile(r"\b[1-9]\d{3}\s?(?!SA|SD|SS)[A-Z]{2}\b", re.IGNORECASE)
POSTCODE_WORDS = {"en", "de", "is", "in", "op", "of", "te", "ik", "je", "we", "ze", "al", "om", "nu", "na", "la",
                  "to", "at", "on", "an", "as", "by", "if", "it", "no", "or", "so", "up", "us", "am", "be", "do",
                  "go", "he", "me", "my", "jr", "km", "kg", "cm", "mm", "ml", "uu"}
PLATE = re.compile(
    r"\b(?:[A-Z]{2}-\d{2}-\d{2}|\d{2}-\d{2}-[A-Z]{2}|\d{2}-[A-Z]{2}-\d{2}|[A-Z]{2}-\d{2}-[A-Z]{2}|[A-Z]{2}-[A-Z]{2}-\d{2}"
    r"|\d{2}-[A-Z]{2}-[A-Z]{2}|\d{2}-[A-Z]{3}-\d|\d-[A-Z]{3}-\d{2}|[A-Z]{2}-\d{3}-[A-Z]|[A-Z]-\d{3}-[A-Z]{2}"
    r"|[A-Z]{3}-\d{2}-[A-Z]|[A-Z]-\d{2}-[A-Z]{3}|\d-[A-Z]{2}-\d{3}|\d{3}-[A-Z]{2}-\d)\b",
    re.IGNORECASE,
)
STREET = re.compile(
    r"\b[A-Za-zÀ-ÿ'.-]*(?:straat|laan|weg|plein|gracht|singel|kade|dijk|hof|steeg|dreef|pad|park|markt|baan|veld"
    r"|street|road|avenue|lane|drive)\s+\d{1,5}\s?[a-zA-Z]?\b(?:[-\s]?(?:hs|bis|huis|i{1,3}|\d{1,3}))?",
    re.IGNORECASE,
)
STREET_EN = re.compile(r"\b\d{1,5}\s+[A-Z][a-z]+(?:\s[A-Z][a-z]+)?\s(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Dr)\b")
NAME = re.compile(
    r"(?i:\b(?:ik\s+heet|mijn\s+naam\s+is|m'?n\s+naam\s+is|noem\s+me|my\s+name\s+is|my\s+name's|i\s+am\s+called"
    r"|i'?m\s+called)\s+)"
    r"(?P<name>[A-Za-zÀ-ÿ'-]{2,}(?:\s+(?:(?:van|de|der|den|ter|ten|el|al)\s+)*[A-Z][a-zà-ÿ'-]+)*)"
)


@dataclass(frozen=True)
class Span:
    """A stretch of text holding personal data of one kind."""

    start: int
    end: int
    kind: str


def _regex_spans(pattern: re.Pattern, kind: str, accept: Callable[[str], bool] = lambda _: True) -> Callable[[str], Iterator[Span]]:
    """Build a detector from a pattern and a validator for its matches."""
    def detect(text: str) -> Iterator[Span]:
        for match in pattern.finditer(text):
            if accept(match.group()):
                yield Span(match.start(), match.end(), kind)
    return detect


def _phones(text: str) -> Iterator[Span]:
    """Find Dutch and international phone numbers that phonenumbers deems possible."""
    for match in phonenumbers.PhoneNumberMatcher(text, "NL", leniency=phonenumbers.Leniency.POSSIBLE):
        digits = re.sub(r"\D", "", match.raw_string)
        if len(digits) >= 8:  # short service numbers such as 112 and 113 are not personal
            yield Span(match.start, match.end, "phone")


def _bsns(text: str) -> Iterator[Span]:
    """Find nine-digit numbers that pass the 11-proef, or any near the word BSN."""
    has_context = bool(BSN_CONTEXT.search(text))
    for match in NINE_DIGITS.finditer(text):
        number = re.sub(r"\D", "", match.group())
        if bsn.is_valid(number) or has_context:
            yield Span(match.start(), match.end(), "bsn")


def _ip(candidate: str) -> bool:
    """Tell whether a candidate is a real IP address."""
    try:
        ipaddress.ip_address(candidate)
    except ValueError:
        return False
    return True


def _postcode(candidate: str) -> bool:
    """Accept a postcode unless its letters are a common word ("2024 en")."""
    letters = candidate[-2:]
    return not (letters.lower() in POSTCODE_WORDS and not letters.isupper())


def _names(text: str) -> Iterator[Span]:
    """Find names introduced by "ik heet", "mijn naam is", "my name is" and the like."""
    for match in NAME.finditer(text):
        name = match.group("name")
        if name.lower() in {"niet", "not", "anoniem", "anonymous", "een", "a", "the", "de", "het"}:
            continue
        yield Span(match.start("name"), match.end("name"), "name")


DETECTORS: tuple[Callable[[str], Iterable[Span]], ...] = (
    _regex_spans(EMAIL, "email"),
    _regex_spans(URL, "url"),
    _regex_spans(IBAN_CANDIDATE, "iban", lambda c: iban.is_valid(c)),
    _regex_spans(IPV4, "ip", _ip),
    _regex_spans(IPV6, "ip", _ip),
    _bsns,
    _phones,
    _regex_spans(PLATE, "plate"),
    _regex_spans(POSTCODE, "postcode", _postcode),
    _regex_spans(STREET, "address"),
    _regex_spans(STREET_EN, "address"),
    _names,
)


def find_personal_data(text: str) -> list[Span]:
    """Return non-overlapping spans of personal data; on overlap the longest, then the first detector, wins."""
    candidates = [(index, span) for index, detect in enumerate(DETECTORS) for span in detect(text)]
    chosen: list[Span] = []
    for _, span in sorted(candidates, key=lambda item: (-(item[1].end - item[1].start), item[0])):
        if all(span.end <= other.start or span.start >= other.end for other in chosen):
            chosen.append(span)
    return sorted(chosen, key=lambda s: s.start)


# A word of letters, "_" and "-" only (intent names, slot values, rule ids): no detector can match it.
PLAIN_WORD = re.compile(r"[A-Za-z_-]*")


@lru_cache(maxsize=256)
def redact(text: str) -> str:
    """Return the text with every piece of personal data replaced by its placeholder.

    Cached: an event carries the same text in several places (text, parse data, metadata).
    """
    if PLAIN_WORD.fullmatch(text):
        return text
    pieces, position = [], 0
    for span in find_personal_data(text):
        pieces.append(text[position:span.start])
        pieces.append(PLACEHOLDERS[span.kind])
        position = span.end
    pieces.append(text[position:])
    return "".join(pieces)


# Keys whose values the system makes (ids, names, times), never what a person typed.
SYSTEM_KEYS = frozenset({"event", "timestamp", "message_id", "model_id", "assistant_id", "input_channel"})


def redact_value(value: Any) -> Any:
    """Redact every string inside nested dicts and lists, except under the system's own keys."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: item if key in SYSTEM_KEYS else redact_value(item) for key, item in value.items()}
    if isinstance(value, list):
        return [redact_value(item) for item in value]
    return value
