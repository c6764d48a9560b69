"""The assistant's knowledge: articles, fact cards, help lines and signposts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any, Optional
from urllib.parse import urlparse

import yaml
from babel.dates import format_date, format_datetime

from bot.opening_hours import OpeningStatus, Schedule
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
    organisation: str
    phones: dict[str, str]  # as shown -> tel: number (E.164 or short number)
    web: Optional[str]
    chat: Optional[str]
    report_form: Optional[str]
    free: Optional[bool]
    anonymous: Any
    schedule: Schedule
    languages: tuple[str, ...] = ()
    kind: str = "line"  # "line", or "self_help" for an online self-help module (no staff, no hours)
    audience: tuple[tuple[str, str], ...] = ()  # (language, who the line is for), as in helplines.yml

    def audience_in(self, language: str) -> Optional[str]:
        """Return who the line is for, in `language`, if helplines.yml says."""
        return dict(self.audience).get(language)

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
        """Return the website as shown in replies: the host without "www.", plus the path of a self-help module."""
        if not self.web:
            return ""
        path = urlparse(self.web).path.rstrip("/") if self.kind == "self_help" else ""
        return _domain(self.web) + path

    def status(self, moment: datetime) -> OpeningStatus:
        """Return whether the line is open at `moment`; web-form-only lines are "online"."""
        if self.kind == "self_help":
            return OpeningStatus("self_help")
        if not self.phones and not self.chat and self.report_form:
            return OpeningStatus("online")
        return self.schedule.status(moment)

    def reachable(self, moment: datetime) -> bool:
        """Return whether a person can use the line at `moment` for certain (unknown hours are not)."""
        return self.status(moment).kind in {"open", "always", "online", "self_help"}


def _domain(url: str) -> str:
    """Return a URL's host without "www.", for display."""
    host = urlparse(url).netloc or url
    return host[4:] if host.startswith("www.") else host


@lru_cache(maxsize=1)
def helplines() -> dict[str, Helpline]:
    """Return the help lines and self-help modules by id."""
    data = _load("helplines")
    kinds = [(entry, "line") for entry in data["helplines"]] + [
        (entry, "self_help") for entry in data.get("self_help") or []
    ]
    return {
        entry["id"]: Helpline(
            id=entry["id"],
            name=entry["name"],
            organisation=entry["organisation"],
            phones={phone["display"]: phone["tel"] for phone in entry.get("phone") or []},
            web=entry.get("web"),
            chat=entry.get("chat"),
            report_form=entry.get("report_form"),
            free=entry.get("free"),
            anonymous=entry.get("anonymous"),
            schedule=_schedule(entry, data["timezone"]),
            languages=tuple(entry.get("languages") or ()),
            kind=kind,
            audience=tuple((entry.get("audience") or {}).items()),
        )
        for entry, kind in kinds
    }


SELF_HELP = "self_help"  # in signposts.yml: the self-help module in the conversation's language


def line_for(line_id: str, language: str) -> Helpline:
    """Return the help line with this id; `self_help` is the module in `language` (else the first one)."""
    if line_id != SELF_HELP:
        return helplines()[line_id]
    modules = [line for line in helplines().values() if line.kind == "self_help"]
    return next((line for line in modules if language in line.languages), modules[0])


def _schedule(entry: dict[str, Any], timezone: str) -> Schedule:
    """Return a line's schedule; `holiday_hours` (a list, maybe empty) applies on its country's public holidays."""
    holiday_hours = entry.get("holiday_hours")
    return Schedule(
        entry.get("hours"),
        timezone,
        entry.get("country") if holiday_hours is not None else None,
        tuple(holiday_hours) if holiday_hours is not None else None,
    )


@lru_cache(maxsize=1)
def signposts() -> dict[str, list[str]]:
    """Return, per situation (intent), the help line ids to show, first line first."""
    return _load("signposts")["situations"]


@lru_cache(maxsize=1)
def route_followers() -> frozenset[str]:
    """Return the situations that keep the lines of the conversation's route when it has one."""
    return frozenset(_load("signposts").get("follows_route") or [])


@lru_cache(maxsize=1)
def open_instead() -> dict[str, list[str]]:
    """Return, per situation, what to offer when its first line is closed or its hours are unknown."""
    return _load("signposts").get("open_instead") or {}


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
        entry["id"]: Article(entry["id"], entry["title"], entry.get("date")) for entry in _load("catalogue")["articles"]
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
    figures: tuple[dict[str, str], ...] = ()  # its figures as short answers per language, for how-many questions


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
            figures=tuple(card.get("figures") or ()),
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
        return format_date(datetime(parts[0], parts[1], parts[2]).date(), patterns["article_day"], locale=language)
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
