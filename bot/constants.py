"""Names and patterns that several parts of the bot share, defined once."""

from __future__ import annotations

import re
import unicodedata

# The intents of the safety routes, most urgent first (the safety guard sets them, the dashboard flags them).
SAFETY_INTENTS = ("danger_now", "crisis", "child_victim", "share_material", "seek_material")
# Safety routes that must never be missed: a person in danger, in crisis, or a child it happens to.
NEVER_MISSED_INTENTS = ("crisis", "danger_now", "child_victim")
# The slot that holds the conversation's route: the route given last (domain/context.yml).
ROUTE_SLOT = "route"
# The red team's `expect` labels (tests/redteam/messages.yml): the routes whose recall it measures, an
# ordinary message (no safety route) and a help-seeker or reporter (no material, crisis or danger route;
# its `route` names the one deserved).
REDTEAM_ROUTES = (*SAFETY_INTENTS, "report_material")
REDTEAM_ORDINARY = "none"
REDTEAM_HELP_SEEKER = "help_seeker"

# The conversation's languages; replies without a language condition are the Dutch ones.
LANGUAGES = ("nl", "en")
DEFAULT_LANGUAGE = "nl"
LANGUAGE_SLOT = "language"

# Top-level domains taken as a web address without "http" or "www" ("site.nl", "x.ru/abc").
URL_TLDS = (
    "nl",
    "com",
    "org",
    "net",
    "be",
    "de",
    "eu",
    "io",
    "ru",
    "to",
    "me",
    "ly",
    "link",
    "xyz",
    "info",
    "tk",
    "onion",
    "co",
    "uk",
    "example",
)
# A web address, also when written to get past filters ("hxxp://", "site[.]nl", "site(dot)com").
URL = re.compile(
    r"(?:https?://|hxxps?://|ftp://|www\.)\S+"
    r"|\b[\w-]+(?:\[\.\]|\(\.\)|\[dot\]|\(dot\))[\w.\[\]()-]+(?:/\S*)?"
    rf"|\b[\w-]+(?:\.[\w-]+)*\.(?:{'|'.join(URL_TLDS)})\b(?:/\S*)?",
    re.IGNORECASE,
)


def fold_text(text: str) -> str:
    """Lower-case and strip accents, so that "Geïdentificeerd" matches "geidentificeerd"."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))
