"""Replace personal data in text by typed placeholders such as [TELEFOON].

Candidates are found with patterns and confirmed with the library made for
each kind of identifier: phonenumbers for phone numbers, python-stdnum for BSN
(11-proef) and IBAN, the ipaddress module for IP addresses, datetime for dates.
Names, schools and street names have no checksum: a capitalised word counts as
one when spaCy's Dutch and English lookup tables (spacy-lookups-data) do not
know it as a word, or when a cue ("ik ben", "mijn broer", "meneer") comes
before it and the tables do not know it as an adjective, adverb, function word
or inflected verb. Help lines (seeds/helplines.yml), countries and languages
(Babel) and the names of installed software are never taken for personal data.
When spans overlap, the longest wins.
"""

from __future__ import annotations

import gzip
import importlib.metadata
import importlib.util
import ipaddress
import json
import re
import runpy
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Literal, Optional

import phonenumbers
import spacy_lookups_data
from babel import Locale
from babel.dates import get_month_names
from stdnum import iban
from stdnum.nl import bsn

from bot.constants import LANGUAGES, URL
from bot.knowledge import helplines

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
    "school": "[SCHOOL]",
    "date": "[DATUM]",
    "account": "[ACCOUNT]",
}
# Kinds recognised by their shape and the word lists alone: a help line's or a country's name is never one of them.
GUESSED_KINDS = frozenset({"name", "school", "address"})
# A single word of letters, "_" and "-" (intent names, slot values, rule ids) is kept as it is.
PLAIN_WORD = re.compile(r"[A-Za-z_-]*")

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
IBAN_CANDIDATE = re.compile(r"\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){2,7}(?:\s?[A-Z0-9]{1,3})?\b", re.IGNORECASE)
NINE_DIGITS = re.compile(r"(?<![\d+-])\d{3}[ .]?\d{2}[ .]?\d{2}[ .]?\d{2}(?![\d-])|(?<![\d+-])\d{9}(?![\d-])")
BSN_CONTEXT = re.compile(r"\b(?:bsn|burgerservicenummer|sofi-?nummer|citizen service number)\b", re.IGNORECASE)
IPV4 = re.compile(r"(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(?![\d.])")
IPV6 = re.compile(r"(?<![\w:])(?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{0,4}(?![\w:])", re.IGNORECASE)
POSTCODE = re.compile(r"\b[1-9]\d{3}\s?(?!SA|SD|SS)[A-Z]{2}\b", re.IGNORECASE)
POSTCODE_WORDS = {
    "en",
    "de",
    "is",
    "in",
    "op",
    "of",
    "te",
    "ik",
    "je",
    "we",
    "ze",
    "al",
    "om",
    "nu",
    "na",
    "la",
    "to",
    "at",
    "on",
    "an",
    "as",
    "by",
    "if",
    "it",
    "no",
    "or",
    "so",
    "up",
    "us",
    "am",
    "be",
    "do",
    "go",
    "he",
    "me",
    "my",
    "jr",
    "km",
    "kg",
    "cm",
    "mm",
    "ml",
    "uu",
}

# The RDW's sidecodes of Dutch licence plates: X a letter, 9 a digit. Written with or without dashes.
SIDECODES = (
    "XX-99-99",
    "99-99-XX",
    "99-XX-99",
    "XX-99-XX",
    "XX-XX-99",
    "99-XX-XX",
    "99-XXX-9",
    "9-XXX-99",
    "XX-999-X",
    "X-999-XX",
    "XXX-99-X",
    "X-99-XXX",
    "9-XX-999",
    "999-XX-9",
)


def _sidecode_pattern(sidecode: str, separator: str) -> str:
    """Turn a sidecode such as XX-99-99 into a pattern, with the given separator between its groups."""
    return separator.join("".join(r"[A-Z]" if c == "X" else r"\d" for c in group) for group in sidecode.split("-"))


PLATE = re.compile(
    r"(?<![\w@#./-])(?:"
    + "|".join(_sidecode_pattern(code, separator) for code in SIDECODES for separator in ("-", ""))
    + r")(?![\w@#/-]|\.\w)",
    re.IGNORECASE,
)

STREET = re.compile(
    r"\b[A-Za-zÀ-ÿ'.-]*(?:straat|laan|weg|plein|gracht|singel|kade|dijk|hof|steeg|dreef|pad|park|markt|baan|veld"
    r"|street|road|avenue|lane|drive)\s+\d{1,5}(?:\s?[a-zA-Z]\b)?(?:[-\s]?(?:hs|bis|huis|i{1,3}|\d{1,3})\b)?",
    re.IGNORECASE,
)
STREET_EN = re.compile(
    r"\b\d{1,5}[A-Za-z]?\s+(?:[A-Z][a-z]+(?:\s[A-Z][a-z]+)?\s(?:St|Rd|Ave|Ln|Dr)\b"
    r"|(?i:[a-z]+(?:\s[a-z]+)?\s(?:street|road|avenue|lane|drive|crescent|terrace|boulevard|square)\b))"
)
# A house number: digits, maybe a letter or a number after a dash, not a count of years, euros or times.
HOUSE_NUMBER = (
    r"\d{1,4}(?:\s?[a-zA-Z]\b|-\d{1,3}\b)?(?!\d|[,.:/-]\d|\s*(?:%|(?i:jaar|jaren|jr|maand|maanden|week|weken|dag|dagen"
    r"|uur|min|minuten|keer|euro|eur|procent|cm|kg|km|years?|yrs?|yo|months?|weeks?|days?|hours?|minutes?|times?|x)\b))"
)
WORD = r"[^\W\d_]+(?:['’-][^\W\d_]+)*"
TOKEN = re.compile(r"\w+")
NAMED_STREET = re.compile(rf"(?<![\w-])(?P<street>[A-ZÀ-Þ][a-zß-ÿ]+)\s+{HOUSE_NUMBER}")
ADDRESS_CUE = re.compile(
    r"(?i:\b(?:ik\s+woon|woon\s+ik|woont|wonen|woonde|woonadres|adres\s+is|adres\s*:|i\s+live|lives|living"
    r"|address\s+is|address\s*:))\s+(?:(?i:op|aan|in|at|on|de|het|the|'t)\s+)*"
    rf"(?P<address>(?:{WORD}\s+){{0,3}}?(?P<last>{WORD})\s+{HOUSE_NUMBER})"
)

# "Im", "Ive", "Dont", "Whats": a contraction typed without its apostrophe.
CONTRACTION = re.compile(r"(?P<stem>[a-z]+?)(?:nt|ve|m|re|ll|d|s)")
# Words that join the parts of a name ("Sanne de Vries") and of a street's name ("Laan van Meerdervoort").
PARTICLE = r"(?:van|de|der|den|ter|ten|te|'t|el|al|bin|ibn|da|di|du|le|la|von|vd)"
STREET_PARTICLE = rf"(?:{PARTICLE}|het|op|aan|in|over|bij)"
NAME_WORD = re.compile(r"[A-ZÀ-Þ][a-zß-ÿ]+(?:['’-][A-Za-zÀ-ÿ]+)*")
CAPITALISED = re.compile(r"(?<![\w@#./'’-])[A-ZÀ-Þ][a-zß-ÿ]+(?:['’-][A-Za-zÀ-ÿ]+)*(?![\w@#/])")
FIRST_PART = re.compile(rf"(?P<particles>(?:{PARTICLE}\s+)*)(?P<word>{WORD})", re.IGNORECASE)
NEXT_PART = re.compile(rf"\s+(?P<particles>(?:{PARTICLE}\s+)*)(?P<word>{WORD})", re.IGNORECASE)
PREVIOUS_PART = re.compile(rf"(?P<word>{WORD})\s+(?:{PARTICLE}\s+)*$", re.IGNORECASE)
PREVIOUS_STREET_PART = re.compile(rf"(?P<word>{WORD})\s+(?:{STREET_PARTICLE}\s+)*$", re.IGNORECASE)
SENTENCE_MARKS = frozenset(".!?:;…\"“”‘'([*•>-\n")
# "Filipijnse" is made from "Filipijns", "Nederlander" from "Nederland"; shorter stems ("ga", "juli") are too loose.
MIN_STEM = 5
# Words before a capitalised word that make it a place or a platform ("in Cebu", "op Snapchat"), not a person.
PLACE_CONTEXT = re.compile(r"(?i:\b(?:in|uit|op|te|via|on|at|near)\s+(?:(?:de|het|the|'t)\s+)?)$")

# Cues before a name, by the language whose word lists judge the word after them.
STRONG_NAME_CUE = re.compile(
    r"(?i:\b(?:ik\s+heet|mijn\s+naam\s+is|m'?n\s+naam\s+is|noem\s+me|my\s+name\s+is|my\s+name's|i\s+am\s+called"
    r"|i'?m\s+called)\s+)"
)
STRONG_NAME = re.compile(r"(?P<name>[A-Za-zÀ-ÿ'-]{2,})")
NOT_A_NAME = frozenset({"niet", "not", "anoniem", "anonymous", "een", "a", "the", "de", "het"})
RELATIONS = {
    "nl": r"broer(?:tje)?|zus(?:je)?|zuster|vader|moeder|pa|ma|papa|mama|oom|tante|neef(?:je)?|nicht(?:je)?"
    r"|vriend(?:je)?|vriendin(?:netje)?|buurman|buurvrouw|buurjongen|buurmeisje|collega|stiefvader|stiefmoeder"
    r"|stiefbroer|stiefzus|stiefpa|stiefma|man|vrouw|opa|oma|zoon(?:tje)?|dochter(?:tje)?|baas|leraar|lerares"
    r"|trainer|coach|ex|partner|vriendje|klasgenoot|klasgenote",
    "en": r"brother|sister|father|mother|dad|mum|mom|uncle|aunt|auntie|cousin|nephew|niece|friend|boyfriend"
    r"|girlfriend|neighbou?r|colleague|stepfather|stepdad|stepmother|stepmom|stepbrother|stepsister|husband|wife"
    r"|grandpa|grandma|grandfather|grandmother|son|daughter|boss|teacher|coach|ex|partner|classmate",
}
TITLES = {
    "nl": r"meneer|mijnheer|mnr|dhr|de\s+heer|mevrouw|mevr|mw|juf|juffrouw|meester|dokter",
    "en": r"mr|mrs|ms|mx|dr|sir|madam",
}
TITLE = re.compile(rf"(?i:{TITLES['nl']}|{TITLES['en']})\.?|Miss")
NAME_CUES = {
    "nl": re.compile(
        r"(?i:\b(?:(?:ik|k)\s*ben|ik\s+bn|dit\s+is|hier\s+is|heet|heette|genaamd"
        rf"|(?:mijn|m'n|mn|me|onze|ons|zijn|z'n|haar|d'r|je|jouw)\s+(?:{RELATIONS['nl']})|(?:{TITLES['nl']})\.?))\s*,?\s+"
    ),
    "en": re.compile(
        r"(?i:\b(?:i\s*['’]?\s*m|i\s+am|this\s+is|here\s+is|here['’]s|it['’]?s\s+me|named|called"
        rf"|(?:my|our|his|her|your|their)\s+(?:{RELATIONS['en']})|(?:{TITLES['en']})\.?))\s*,?\s+|\bMiss\s+"
    ),
}

SCHOOL_TYPES = (
    r"basisschool|middelbare\s+school|primary\s+school|secondary\s+school|high\s+school|grammar\s+school"
    r"|elementary\s+school|middle\s+school|scholengemeenschap|montessorischool|daltonschool|jenaplanschool"
    r"|vrije\s+school|kindcentrum|school|lyceum|gymnasium|college|atheneum|academie|academy|hogeschool"
    r"|universiteit|university|mavo|havo|vwo|vmbo|obs|cbs|rkbs|pcbs|sbo|ikc"
)
SCHOOL_AFTER_TYPE = re.compile(
    rf"(?i:\b(?:{SCHOOL_TYPES}))\s+(?:(?i:de|het|'t|the|st\.?|sint|saint)\s+)?"
    rf"(?P<name>{NAME_WORD.pattern}(?:\s+{NAME_WORD.pattern})*)"
)
SCHOOL_LOWER = re.compile(
    r"\b(?:basisschool|montessorischool|daltonschool|jenaplanschool|obs|cbs|rkbs|pcbs|ikc)\s+"
    rf"(?:(?:de|het|'t)\s+)?(?P<name>{WORD})",
    re.IGNORECASE,
)
SCHOOL_BEFORE_TYPE = re.compile(
    r"(?P<article>\b(?:[Hh]et|[Dd]e|[Tt]he|'t)\s+)?"
    rf"(?P<name>(?:(?:St\.?|Sint|Saint)\s+)?{NAME_WORD.pattern}(?:\s+{NAME_WORD.pattern}){{0,2}})"
    rf"\s+(?P<type>(?i:{SCHOOL_TYPES}))\b(?:\s+{NAME_WORD.pattern}){{0,2}}"
)
SCHOOL_COMPOUND = re.compile(r"\b[A-ZÀ-Þ][a-zß-ÿ]{2,}(?:school|college|lyceum)\b")

DAY = r"(?:0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th|ste|de|e)?"
YEAR = r"(?:19|20)\d{2}"
NUMERIC_DATE = re.compile(
    r"(?<![\d/.-])(?:(?P<day>\d{1,2})(?P<sep>[-/.])(?P<month>\d{1,2})(?P=sep)(?P<year>(?:19|20)\d{2})"
    r"|(?P<iso_year>(?:19|20)\d{2})-(?P<iso_month>\d{1,2})-(?P<iso_day>\d{1,2}))(?![\d/-]|\.\d)"
)
BIRTH_CUE = (
    r"(?i:\b(?:geboren|geb\.|born|geboortedatum|date\s+of\s+birth|dob|birthday|verjaardag|jarig)"
    r"\s*(?:is|:|op|on|at)?\s*(?:de\s+|the\s+)?)"
)


def _month_pattern() -> str:
    """Match a Dutch or English month, written out, abbreviated or slightly misspelt (Babel's month names)."""
    widths: tuple[Literal["wide", "abbreviated"], ...] = ("wide", "abbreviated")
    contexts: tuple[Literal["format", "stand-alone"], ...] = ("format", "stand-alone")
    names = {
        name.lower().rstrip(".")
        for code in LANGUAGES
        for width in widths
        for context in contexts
        for name in get_month_names(width, context, code).values()
    }
    return rf"(?:{'|'.join(sorted({name[:3] for name in names}))})[a-z]{{0,7}}\.?"


MONTH = _month_pattern()
WRITTEN_DATE = re.compile(rf"\b{DAY}\s+(?:of\s+)?{MONTH}\s*,?\s+{YEAR}\b|\b{MONTH}\s+{DAY},?\s+{YEAR}\b", re.IGNORECASE)
BIRTH_DATE = re.compile(
    rf"{BIRTH_CUE}(?P<date>{DAY}\s+(?:of\s+)?{MONTH}(?:\s*,?\s+(?:{YEAR}|'\d{{2}}))?|{MONTH}\s+{DAY}(?:,?\s+{YEAR})?"
    r"|(?P<day>\d{1,2})[-/.](?P<month>\d{1,2})(?:[-/.](?:\d{4}|\d{2}))?)(?![\w/-])",
    re.IGNORECASE,
)

AT_HANDLE = re.compile(r"(?<![\w.@/])@[A-Za-z0-9_](?:[\w.]{0,29}\w)?")
DISCORD_TAG = re.compile(r"(?<![\w#])[\w.]{2,32}#\d{4}(?!\d)")
# Platforms whose name is followed by a user name ("insta: x"); their names are never a person's.
PLATFORMS = (
    r"insta(?:gram)?|ig|snap(?:chat)?|sc|tik\s?tok|discord|telegram|tg|kik|twitter|threads|fb|facebook|messenger"
    r"|whatsapp|skype|roblox|minecraft|fortnite|steam|psn|xbox|twitch|youtube|reddit|wickr|omegle|yubo|tinder|grindr"
    r"|onlyfans|pinterest|tumblr|gamertag|gebruikersnaam|username|user\s?name|accountnaam|nickname"
)
PLATFORM = re.compile(PLATFORMS, re.IGNORECASE)
PLATFORM_HANDLE = re.compile(
    rf"(?i:\b(?:{PLATFORMS}))(?:\s*(?P<separator>[:=]|->)\s*|\s+(?P<is>(?i:is))\s+|\s+)(?P<at>@)?"
    r"(?P<handle>[A-Za-z0-9_][\w.]{0,29}(?<!\.))"
)
HANDLE_SHAPED = re.compile(r"(?=.*[^\W\d_])(?=.*[\d_.]).{3,}")
MESSENGER_LINK = re.compile(
    r"(?<![\w.-])(?:https?://)?(?:www\.)?(?:discord(?:app)?\.(?:gg|com/invite|com/users)|t\.me|telegram\.(?:me|dog)"
    r"|chat\.whatsapp\.com|wa\.me|api\.whatsapp\.com/send|snapchat\.com/add|instagram\.com|instagr\.am|tiktok\.com"
    r"|facebook\.com|fb\.com|m\.me|kik\.me|signal\.me|signal\.group|twitter\.com|x\.com|reddit\.com/u(?:ser)?)/\S+",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Span:
    """A stretch of text holding personal data of one kind."""

    start: int
    end: int
    kind: str


@dataclass(frozen=True)
class Lexicon:
    """A language's word forms, its function words, the forms that are never a name, and its suffix rules."""

    words: frozenset[str]
    function_words: frozenset[str]
    not_names: frozenset[str]
    suffix_rules: tuple[tuple[str, str], ...]  # (suffix, replacement) that turn an inflected form into its lemma


def _lookup_table(name: str) -> dict[str, Any]:
    """Read one of spacy-lookups-data's tables, such as nl_lemma_lookup."""
    path = Path(spacy_lookups_data.__file__).parent / "data" / f"{name}.json.gz"
    return json.loads(gzip.decompress(path.read_bytes()))


def _stop_words(language: str) -> frozenset[str]:
    """Return spaCy's stop words for a language, read from its file without importing all of spaCy."""
    spec = importlib.util.find_spec("spacy")
    assert spec is not None and spec.origin is not None, "spaCy is a dependency"
    return frozenset(runpy.run_path(str(Path(spec.origin).parent / "lang" / language / "stop_words.py"))["STOP_WORDS"])


@lru_cache(maxsize=None)
def lexicon(language: str) -> Lexicon:
    """Build a language's lexicon from its lemma tables and stop words (read once, on first use)."""
    lookup: dict[str, str] = _lookup_table(f"{language}_lemma_lookup")
    index: dict[str, list[str]] = _lookup_table(f"{language}_lemma_index")
    exceptions: dict[str, dict[str, list[str]]] = _lookup_table(f"{language}_lemma_exc")
    rules: dict[str, list[list[str]]] = _lookup_table(f"{language}_lemma_rules")
    stop = _stop_words(language)
    nouns, verbs = set(index.get("noun", ())), set(index.get("verb", ()))
    closed = {lemma for pos, lemmas in index.items() if pos not in ("noun", "verb") for lemma in lemmas}
    closed |= {form for pos, table in exceptions.items() if pos not in ("noun", "verb") for form in table}
    inflected = {
        form
        for form, lemma in lookup.items()
        if form != lemma and form not in nouns and (lemma in verbs or lemma in closed)
    }
    inflected |= {form for form in exceptions.get("verb", {}) if form not in nouns}
    words = set(lookup) | set(lookup.values()) | nouns | verbs | closed | stop
    words |= {lemma for table in exceptions.values() for lemmas in table.values() for lemma in lemmas}
    suffix_rules = tuple(
        sorted({(suffix, lemma) for pos, pairs in rules.items() if pos != "punct" for suffix, lemma in pairs if suffix})
    )
    return Lexicon(frozenset(words), stop, frozenset(closed | inflected | stop), suffix_rules)


def _is_word(word: str) -> bool:
    """Tell whether a word (any case) is a Dutch or English word, or an English contraction missing its apostrophe."""
    lowered = word.lower()
    if any(lowered in lexicon(language).words for language in LANGUAGES):
        return True
    contraction = CONTRACTION.fullmatch(lowered)
    return contraction is not None and contraction.group("stem") in lexicon("en").function_words


def _inflects_a_word(word: str) -> bool:
    """Tell whether a word is an inflected form of a known word by the tables' suffix rules ("fotos", "gamet")."""
    for language in LANGUAGES:
        known = lexicon(language)
        for suffix, lemma in known.suffix_rules:
            if word.endswith(suffix) and word[: -len(suffix)] + lemma in known.words:
                return True
    return False


def _function_word(word: str) -> bool:
    """Tell whether a word is a Dutch or English function word ("mijn", "welke", "the")."""
    lowered = word.lower()
    return any(lowered in lexicon(language).function_words for language in LANGUAGES)


def _never_a_name(word: str, language: Optional[str] = None) -> bool:
    """Tell whether a word is an adjective, adverb, function word or inflected verb (in one language or either)."""
    lowered = word.lower()
    return any(lowered in lexicon(code).not_names for code in ((language,) if language else LANGUAGES))


@lru_cache(maxsize=1)
def help_line_numbers() -> frozenset[str]:
    """Return the digits of every help line number, as shown, international and national."""
    numbers: set[str] = set()
    for display, tel in (phone for line in helplines().values() for phone in line.phones.items()):
        numbers |= {re.sub(r"\D", "", display), re.sub(r"\D", "", tel)}
        if tel.startswith("+"):
            numbers.add("0" + phonenumbers.national_significant_number(phonenumbers.parse(tel)))
    return frozenset(numbers)


@lru_cache(maxsize=1)
def protected_names() -> dict[str, re.Pattern]:
    """Map the first word of each help line's, organisation's and country's name to a pattern matching those names."""
    names: set[str] = set()
    for line in helplines().values():
        for field in (line.name, line.organisation):
            names |= {part.strip(" !.,") for part in re.split(r"[()/]| - ", field) if len(part.strip(" !.,")) > 1}
    names |= {name for code in LANGUAGES for name in Locale(code).territories.values()}
    by_first_word: dict[str, list[str]] = {}
    for name in sorted(names, key=len, reverse=True):
        first_word = TOKEN.match(name)
        if first_word is None:
            continue
        by_first_word.setdefault(first_word.group().lower(), []).append(r"\s+".join(map(re.escape, name.split())))
    return {first: re.compile(rf"(?:{'|'.join(group)})(?!\w)", re.IGNORECASE) for first, group in by_first_word.items()}


def _protected_spans(text: str) -> list[tuple[int, int]]:
    """Return where the text names a help line, an organisation or a country."""
    spans = []
    for token in TOKEN.finditer(text):
        pattern = protected_names().get(token.group().lower())
        if pattern and (match := pattern.match(text, token.start())):
            spans.append(match.span())
    return spans


@lru_cache(maxsize=1)
def known_words() -> frozenset[str]:
    """Return one-word names that are not people: countries, languages and the software the bot runs on."""
    places = {
        name
        for code in LANGUAGES
        for table in (Locale(code).territories, Locale(code).languages)
        for name in table.values()
        if " " not in name
    }
    software = {distribution.metadata["Name"] for distribution in importlib.metadata.distributions()}
    return frozenset(word.lower() for word in places | software)


def _is_known(word: str) -> bool:
    """Tell whether a word is a country, a language or made from one ("Filipijnse", "Nederlander"), software or a platform."""
    lowered = word.lower()
    stems = [stem for stem in (lowered[:-1], lowered[:-2]) if len(stem) >= MIN_STEM]
    return any(form in known_words() for form in (lowered, *stems)) or bool(PLATFORM.fullmatch(word))


def _sentence_start(text: str, index: int) -> bool:
    """Tell whether a word at this index starts the text or a sentence."""
    before = text[:index].rstrip()
    return not before or before[-1] in SENTENCE_MARKS


def _capital_name(word: str, language: Optional[str] = None) -> bool:
    """Tell whether a capitalised word after a cue can be a name: not an adjective, verb form or function word."""
    return bool(NAME_WORD.fullmatch(word)) and not _never_a_name(word, language) and not _is_known(word)


def _unknown_word(word: str) -> bool:
    """Tell whether a word is in no dictionary, not even as an inflected form ("kevin", "lisavdb")."""
    return not _is_word(word) and not _inflects_a_word(word.lower())


def _unknown_lower_word(word: str) -> bool:
    """Tell whether a lower-case word of three letters or more is in no dictionary ("kevin", "sanne")."""
    return word.islower() and len(word) >= 3 and _unknown_word(word)


def _name_end(text: str, end: int) -> int:
    """Extend a name over the parts that follow it: "Sanne" + " de Vries", "Lisa" + " Jansen"."""
    while match := NEXT_PART.match(text, end):
        word = match.group("word")
        if _capital_name(word) or (match.group("particles") and word.islower() and not _never_a_name(word)):
            end = match.end()
        else:
            break
    return end


def _name_start(text: str, start: int) -> int:
    """Extend a surname over the given name before it: "Jansen" -> "Lisa Jansen"."""
    match = PREVIOUS_PART.search(text, 0, start)
    if match and _capital_name(match.group("word")) and not TITLE.fullmatch(match.group("word")):
        return match.start()
    return start


def _regex_spans(
    pattern: re.Pattern, kind: str, accept: Callable[[str], bool] = lambda _: True
) -> Callable[[str], Iterator[Span]]:
    """Build a detector from a pattern and a validator for its matches."""

    def detect(text: str) -> Iterator[Span]:
        for match in pattern.finditer(text):
            if accept(match.group()):
                yield Span(match.start(), match.end(), kind)

    return detect


def _phones(text: str) -> Iterator[Span]:
    """Find Dutch and international phone numbers that phonenumbers deems possible, except help lines'."""
    for match in phonenumbers.PhoneNumberMatcher(text, "NL", leniency=phonenumbers.Leniency.POSSIBLE):
        digits = re.sub(r"\D", "", match.raw_string)
        if len(digits) >= 8 and digits not in help_line_numbers():  # short service numbers such as 112 are not personal
            yield Span(match.start, match.end, "phone")


def _bsns(text: str) -> Iterator[Span]:
    """Find nine-digit numbers that pass the 11-proef, or any near the word BSN, except help lines' numbers."""
    has_context = bool(BSN_CONTEXT.search(text))
    for match in NINE_DIGITS.finditer(text):
        number = re.sub(r"\D", "", match.group())
        if (bsn.is_valid(number) or has_context) and number not in help_line_numbers():
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


def _valid_date(year: str, month: str, day: str) -> bool:
    """Tell whether the numbers make a calendar date, day first or month first."""
    try:
        date(int(year), int(month), int(day))
    except ValueError:
        try:
            date(int(year), int(day), int(month))
        except ValueError:
            return False
    return True


def _numeric_dates(text: str) -> Iterator[Span]:
    """Find dates such as 11-04-2008, 11/04/2008 and 2008-04-11 that are real calendar dates."""
    for match in NUMERIC_DATE.finditer(text):
        parts = (
            match.group("year", "month", "day")
            if match.group("year")
            else match.group("iso_year", "iso_month", "iso_day")
        )
        if _valid_date(*parts):
            yield Span(match.start(), match.end(), "date")


def _birth_dates(text: str) -> Iterator[Span]:
    """Find a date after "geboren op", "born on", "my birthday is", with or without the year."""
    for match in BIRTH_DATE.finditer(text):
        if not match.group("day") or _valid_date("2000", match.group("month"), match.group("day")):  # a leap year
            yield Span(match.start("date"), match.end("date"), "date")


def _platform_handles(text: str) -> Iterator[Span]:
    """Find a user name after a platform's name: "insta: sanne.vries08", "my snap is xyz", "tiktok @x"."""
    for match in PLATFORM_HANDLE.finditer(text):
        handle = match.group("handle")
        if match.group("separator") or match.group("at"):
            accepted = not _never_a_name(handle)
        else:
            accepted = bool(HANDLE_SHAPED.fullmatch(handle)) or (bool(match.group("is")) and _unknown_word(handle))
        if accepted:
            yield Span(match.start("at") if match.group("at") else match.start("handle"), match.end(), "account")


def _street_start(text: str, start: int) -> int:
    """Extend a street name over the capitalised words before it: "Meerdervoort" -> "Laan van Meerdervoort"."""
    while (
        (match := PREVIOUS_STREET_PART.search(text, 0, start))
        and NAME_WORD.fullmatch(match.group("word"))
        and not _never_a_name(match.group("word"))
    ):
        start = match.start()
    return start


def _named_streets(text: str) -> Iterator[Span]:
    """Find a house number after a capitalised word in no dictionary inside a sentence: "Damrak 30"."""
    for match in NAMED_STREET.finditer(text):
        street = match.group("street")
        if not _is_word(street) and not _is_known(street) and not _sentence_start(text, match.start()):
            yield Span(_street_start(text, match.start()), match.end(), "address")


def _cued_addresses(text: str) -> Iterator[Span]:
    """Find a street and house number after "ik woon op", "mijn adres is", "I live at", in any case."""
    for match in ADDRESS_CUE.finditer(text):
        if not _never_a_name(match.group("last")):
            yield Span(match.start("address"), match.end("address"), "address")


def _schools_after_type(text: str) -> Iterator[Span]:
    """Find a school's name after its kind: "basisschool De Regenboog", "obs de regenboog"."""
    for pattern in (SCHOOL_AFTER_TYPE, SCHOOL_LOWER):
        for match in pattern.finditer(text):
            first = match.group("name").split()[0]
            if not _never_a_name(first) and not _is_known(first):
                yield Span(match.start(), match.end(), "school")


def _schools_before_type(text: str) -> Iterator[Span]:
    """Find a school's name before its kind: "het Stedelijk Gymnasium", "Montessori College Oost", "St Mary's School"."""
    for match in SCHOOL_BEFORE_TYPE.finditer(text):
        name, kind = match.group("name"), match.group("type")
        if _function_word(name.split()[0]) or re.fullmatch(SCHOOL_TYPES, f"{name} {kind}", re.IGNORECASE):
            continue
        if (
            not match.group("article")
            and kind.islower()
            and " " not in name
            and _sentence_start(text, match.start("name"))
        ):
            continue  # "Middelbare school is zwaar": a word that starts the sentence is capitalised anyway
        yield Span(match.start("name"), match.end(), "school")


def _school_compounds(text: str) -> Iterator[Span]:
    """Find one-word school names such as "de Regenboogschool" that are in no dictionary."""
    for match in SCHOOL_COMPOUND.finditer(text):
        if not _is_word(match.group()) and not re.fullmatch(SCHOOL_TYPES, match.group(), re.IGNORECASE):
            yield Span(match.start(), match.end(), "school")


def _strong_names(text: str) -> Iterator[Span]:
    """Find names introduced by "ik heet", "mijn naam is", "my name is" and the like, in any case."""
    for cue in STRONG_NAME_CUE.finditer(text):
        match = STRONG_NAME.match(text, cue.end())
        if match and match.group("name").lower() not in NOT_A_NAME:
            yield Span(match.start(), _name_end(text, match.end()), "name")


def _cued_names(text: str) -> Iterator[Span]:
    """Find a name after "ik ben", "I'm", "this is", "mijn broer", "my uncle", "meneer", "juf", "Mr" and the like."""
    for language, cue in NAME_CUES.items():
        for match in cue.finditer(text):
            part = FIRST_PART.match(text, match.end())
            if part and (
                _capital_name(part.group("word"), language)
                or not part.group("particles")
                and _unknown_lower_word(part.group("word"))
            ):
                yield Span(part.start(), _name_end(text, part.end()), "name")


def _free_names(text: str) -> Iterator[Span]:
    """Find capitalised words inside a sentence that no dictionary knows and no place context explains."""
    for match in CAPITALISED.finditer(text):
        word = match.group()
        if (
            _is_word(word)
            or _is_known(word)
            or _sentence_start(text, match.start())
            or PLACE_CONTEXT.search(text, 0, match.start())
        ):
            continue
        yield Span(_name_start(text, match.start()), _name_end(text, match.end()), "name")


DETECTORS: tuple[Callable[[str], Iterable[Span]], ...] = (
    _regex_spans(EMAIL, "email"),
    _regex_spans(MESSENGER_LINK, "account"),
    _regex_spans(URL, "url"),
    _regex_spans(IBAN_CANDIDATE, "iban", lambda c: iban.is_valid(c)),
    _regex_spans(IPV4, "ip", _ip),
    _regex_spans(IPV6, "ip", _ip),
    _bsns,
    _numeric_dates,
    _regex_spans(WRITTEN_DATE, "date"),
    _birth_dates,
    _phones,
    _regex_spans(POSTCODE, "postcode", _postcode),  # before plates: 1012AB is a postcode more often than a 1970 plate
    _regex_spans(PLATE, "plate"),
    _regex_spans(STREET, "address"),
    _regex_spans(STREET_EN, "address"),
    _named_streets,
    _cued_addresses,
    _schools_after_type,
    _schools_before_type,
    _school_compounds,
    _regex_spans(AT_HANDLE, "account"),
    _regex_spans(DISCORD_TAG, "account"),
    _platform_handles,
    _strong_names,
    _cued_names,
    _free_names,
)


def _protected(span: Span, name: tuple[int, int]) -> bool:
    """Tell whether a span is part of a help line's or country's name: inside it, or a guessed kind touching it."""
    start, end = name
    if span.kind in GUESSED_KINDS:
        return span.start < end and span.end > start
    return start <= span.start and span.end <= end


def _unprotected(text: str, candidates: list[tuple[int, Span]]) -> list[tuple[int, Span]]:
    """Drop the spans that are (part of) the name of a help line, an organisation or a country."""
    protected = _protected_spans(text) if candidates else []
    return [(index, span) for index, span in candidates if not any(_protected(span, name) for name in protected)]


def find_personal_data(text: str) -> list[Span]:
    """Return non-overlapping spans of personal data; on overlap the longest, then the first detector, wins."""
    candidates = _unprotected(text, [(index, span) for index, detect in enumerate(DETECTORS) for span in detect(text)])
    chosen: list[Span] = []
    for _, span in sorted(candidates, key=lambda item: (-(item[1].end - item[1].start), item[0])):
        if all(span.end <= other.start or span.start >= other.end for other in chosen):
            chosen.append(span)
    return sorted(chosen, key=lambda s: s.start)


@lru_cache(maxsize=256)
def redact(text: str) -> str:
    """Return the text with every piece of personal data replaced by its placeholder.

    Cached: an event carries the same text in several places (text, parse data, metadata).
    """
    if PLAIN_WORD.fullmatch(text):
        return text
    pieces, position = [], 0
    for span in find_personal_data(text):
        pieces.append(text[position : span.start])
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
