"""The conversation list: filters from the query string, newest first, in pages."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Mapping, Optional, Sequence
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from bot.constants import LANGUAGES, SAFETY_INTENTS
from bot.counsellor.overview import local_date
from bot.store.transcripts import Summary

FLAG_CHOICES = (*SAFETY_INTENTS, "any", "none")


@dataclass(frozen=True)
class Filters:
    """What the counsellor filters the list on; empty strings mean "any"."""

    date_from: str = ""
    date_to: str = ""
    language: str = ""
    min_messages: str = ""
    max_messages: str = ""
    flag: str = ""
    helpline: str = ""
    route: str = ""
    fallbacks: str = ""
    status: str = ""
    tag: str = ""

    @classmethod
    def parse(cls, query: Mapping[str, str]) -> "Filters":
        """Read the filters from a query string, dropping values that are not valid."""

        def pick(name: str, allowed: Sequence[str]) -> str:
            value = query.get(name, "")
            return value if value in allowed else ""

        def day(name: str) -> str:
            try:
                return date.fromisoformat(query.get(name, "")).isoformat()
            except ValueError:
                return ""

        def count(name: str) -> str:
            value = query.get(name, "").strip()
            return value if value.isdigit() and len(value) <= 6 else ""

        return cls(
            date_from=day("date_from"),
            date_to=day("date_to"),
            language=pick("language", LANGUAGES),
            min_messages=count("min_messages"),
            max_messages=count("max_messages"),
            flag=pick("flag", FLAG_CHOICES),
            helpline=query.get("helpline", "")[:255],
            route=query.get("route", "")[:64],
            fallbacks=pick("fallbacks", ("with", "without")),
            status=pick("status", ("reviewed", "unreviewed")),
            tag=query.get("tag", "").strip().lower()[:40],
        )

    def query_string(self, **extra: object) -> str:
        """Return the filters (and e.g. a page number) as a query string, leaving out empty ones."""
        values = {**asdict(self), **extra}
        return urlencode({name: value for name, value in values.items() if value not in ("", None)})

    def matches(self, summary: Summary, reviewed: bool, tags: Sequence[str], zone: ZoneInfo) -> bool:
        """Tell whether a conversation passes every filter."""
        day = local_date(summary.started, zone).isoformat()
        flagged = bool(summary.flags)
        return all(
            (
                not self.date_from or day >= self.date_from,
                not self.date_to or day <= self.date_to,
                not self.language or self.language in summary.languages,
                not self.min_messages or summary.messages >= int(self.min_messages),
                not self.max_messages or summary.messages <= int(self.max_messages),
                not self.flag
                or (self.flag == "any" and flagged)
                or (self.flag == "none" and not flagged)
                or self.flag in summary.flags,
                not self.helpline or self.helpline in summary.helplines,
                not self.route or self.route in summary.routes,
                not self.fallbacks or (summary.fallbacks > 0) == (self.fallbacks == "with"),
                not self.status or reviewed == (self.status == "reviewed"),
                not self.tag or self.tag in tags,
            )
        )


@dataclass
class Page:
    """One page of conversations."""

    rows: list[Summary]
    number: int
    pages: int
    total: int


def select(
    summaries: Sequence[Summary],
    filters: Filters,
    reviewed: set[str],
    tags: Mapping[str, Sequence[str]],
    zone: ZoneInfo,
    page: int,
    size: int,
) -> Page:
    """Filter the conversations, newest first, and return page `page` (counted from 1)."""
    chosen = [s for s in summaries if filters.matches(s, s.sender_id in reviewed, tags.get(s.sender_id, ()), zone)]
    chosen.sort(key=lambda s: s.started, reverse=True)
    pages = max(1, -(-len(chosen) // size))
    number = min(max(1, page), pages)
    return Page(chosen[(number - 1) * size : number * size], number, pages, len(chosen))


def page_number(value: Optional[str]) -> int:
    """Read a page number from the query string (1 when missing or invalid)."""
    return int(value) if value and value.isdigit() and len(value) <= 6 else 1
