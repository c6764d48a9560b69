"""The assistant's knowledge: articles, fact cards, help lines and signposts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any, Optional
from urllib.parse import urlparse

import yaml
from babel.dates import format_date, format_datetime

from bot.opening_hours import OpeningStatus, opening_status
from bot.settings import PROJECT_ROOT, project_path, settings

LOCALE_FILE = PROJECT_ROOT / "bot" / "locale.yml"


def _load(key: str) -> Any:
    """Read one of the knowledge files named in the settings."""
    path = project_path(settings()["knowledge"][key])
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def locale_patterns() -> dict[str, dict[str, str]]:
    """Return the date and time patterns per language."""
    return yaml.safe_load(LOCALE_FILE.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Helpline:
    """One help line, as described in seeds/helplines.yml."""

    id: str
    name: str
    phones: dict[str, str]  # as shown -> tel: number (E.164 or short number)
    web: Optional[str]
    chat: Optional[str]
    report_form: Optional[str]
    hours: Any
    free: Optional[bool]
    anonymous: Any
    timezone: str

    def contact(self) -> str:
        """Return the language-neutral contact line: phones, chat, website."""
        parts = []
        if self.phones:
            parts.append("☎ " + " / ".join(self.phones))  # the keys: numbers as shown
        if self.chat:
            parts.append("chat")
        if self.web:
            parts.append(self.web_label())
        return " · ".join(parts)

    def web_label(self) -> str:
        """Return the website as shown in replies (host without "www.")."""
        return _domain(self.web) if self.web else ""

    def status(self, moment: datetime) -> OpeningStatus:
        """Return whether the line is open at `moment`; web-form-only lines are "online"."""
        if not self.phones and not self.chat and self.report_form:
            return OpeningStatus("online")
        return opening_status(self.hours, moment, self.timezone)


def _domain(url: str) -> str:
    """Return a URL's host without "www.", for display."""
    host = urlparse(url).netloc or url
    return host[4:] if host.startswith("www.") else host


@lru_cache(maxsize=1)
def helplines() -> dict[str, Helpline]:
    """Return the help lines by id."""
    data = _load("helplines")
    return {
        entry["id"]: Helpline(
            id=entry["id"],
            name=entry["name"],
            phones={phone["display"]: phone["tel"] for phone in entry.get("phone") or []},
            web=entry.get("web"),
            chat=entry.get("chat"),
            report_form=entry.get("report_form"),
            hours=entry.get("hours"),
            free=entry.get("free"),
            anonymous=entry.get("anonymous"),
            timezone=data["timezone"],
        )
        for entry in data["helplines"]
    }


@lru_cache(maxsize=1)
def signposts() -> dict[str, list[str]]:
    """Return, per situation (intent), the help line ids to show, first line first."""
    return _load("signposts")["situations"]


@lru_cache(maxsize=1)
def route_followers() -> frozenset[str]:
    """Return the situations that keep the lines of the conversation's route when it has one."""
    return frozenset(_load("signposts").get("follows_route") or [])


@dataclass(frozen=True)
class Article:
    """A source article in the catalogue."""

    id: str
    title: str
    date: Optional[str]


@lru_cache(maxsize=1)
def articles() -> dict[str, Article]:
    """Return the catalogue of source articles by id."""
    return {
        entry["id"]: Article(entry["id"], entry["title"], entry.get("date"))
        for entry in _load("catalogue")["articles"]
    }


@dataclass(frozen=True)
class FactCard:
    """A fact in the project's own words, with its source."""

    id: str
    text: dict[str, str]
    article: Optional[str]
    source: Optional[dict[str, str]]
    topic: str
    questions: dict[str, list[str]]
    covers: tuple[int, ...]  # sentence numbers of its article (tests/article_text.py)
    sensitive: bool = False  # states prices or how shows were bought


@lru_cache(maxsize=1)
def fact_cards() -> dict[str, FactCard]:
    """Return every fact card by id."""
    return {
        card["id"]: FactCard(
            id=card["id"],
            text={"nl": card["nl"], "en": card["en"]},
            article=card.get("article"),
            source=card.get("source"),
            topic=card["topic"],
            questions=card.get("questions") or {},
            covers=tuple(card.get("covers") or ()),
            sensitive=bool(card.get("sensitive")),
        )
        for card in _load("facts")["cards"]
    }


@lru_cache(maxsize=1)
def sensitive_card_routes() -> frozenset[str]:
    """Return the routes in which no sensitive card is given."""
    return frozenset(_load("facts").get("withhold_sensitive_after") or [])


@lru_cache(maxsize=1)
def answers() -> dict[str, list[str]]:
    """Return, per factual intent, the card ids that answer it, best first."""
    return _load("facts")["answers"]


def format_source_date(date: Optional[str], language: str) -> str:
    """Format "YYYY", "YYYY-MM" or "YYYY-MM-DD" for a citation in the given language."""
    patterns = locale_patterns()[language]
    if not date:
        return patterns["date_not_given"]
    parts = [int(part) for part in str(date).split("-")]
    if len(parts) == 1:
        return str(parts[0])
    if len(parts) == 3:
        return format_date(datetime(*parts).date(), patterns["article_day"], locale=language)
    return format_date(datetime(parts[0], parts[1], 1).date(), patterns["article_month"], locale=language)


def citation(card: FactCard, language: str) -> str:
    """Return "title, date" of the card's article or external source."""
    if card.article:
        article = articles()[card.article]
        return f"“{article.title}”, {format_source_date(article.date, language)}"
    assert card.source is not None
    return f"{card.source['name']}, {format_source_date(card.source.get('date'), language)}"


def format_opening(moment: datetime, opens_at: datetime, language: str) -> str:
    """Say when a closed line opens: today, tomorrow or on a weekday."""
    patterns = locale_patterns()[language]
    days = (opens_at.date() - moment.astimezone(opens_at.tzinfo).date()).days
    key = "opens_today" if days == 0 else "opens_tomorrow" if days == 1 else "opens_later"
    return format_datetime(opens_at, patterns[key], tzinfo=opens_at.tzinfo, locale=language)
