"""The conversation list: filters from the query string, most urgent first (triage) or newest first, in pages."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Mapping, Optional, Sequence
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from bot.constants import LANGUAGES, NEVER_MISSED_INTENTS, SAFETY_INTENTS
from bot.counsellor.dates import read_range
from bot.counsellor.i18n import _, ngettext
from bot.counsellor.markers import MARKER_NAMES
from bot.counsellor.overview import local_date
from bot.store.transcripts import Summary

FLAG_CHOICES = (*SAFETY_INTENTS, "any", "none")
MARKER_CHOICES = (*MARKER_NAMES, "any", "none")
NEWEST = "newest"  # the order besides the default, triage
URGENT, POSSIBLE_MISROUTE, OTHER = "urgent", "misroute", "other"  # the triage groups, in their order
GROUPS = (URGENT, POSSIBLE_MISROUTE, OTHER)


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
    marker: str = ""
    order: str = ""

    @classmethod
    def parse(cls, query: Mapping[str, str]) -> "Filters":
        """Read the filters from a query string, dropping values that are not valid."""

        def pick(name: str, allowed: Sequence[str]) -> str:
            value = query.get(name, "")
            return value if value in allowed else ""

        def count(name: str) -> str:
            value = query.get(name, "").strip()
            return value if value.isdigit() and len(value) <= 6 else ""

        return cls(
            **read_range(query)[0],
            language=pick("language", LANGUAGES),
            min_messages=count("min_messages"),
            max_messages=count("max_messages"),
            flag=pick("flag", FLAG_CHOICES),
            helpline=query.get("helpline", "")[:255],
            route=query.get("route", "")[:64],
            fallbacks=pick("fallbacks", ("with", "without")),
            status=pick("status", ("reviewed", "unreviewed")),
            tag=query.get("tag", "").strip().lower()[:40],
            marker=pick("marker", MARKER_CHOICES),
            order=pick("order", (NEWEST,)),
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
                self.has_marker(summary),
            )
        )

    def has_marker(self, summary: Summary) -> bool:
        """Tell whether a conversation passes the marker filter."""
        return (
            not self.marker
            or (self.marker == "any" and bool(summary.markers))
            or (self.marker == "none" and not summary.markers)
            or self.marker in summary.markers
        )


def group(summary: Summary) -> str:
    """Return the conversation's triage group: danger, crisis or a child disclosing; a possible misroute; the rest."""
    if summary.flags & set(NEVER_MISSED_INTENTS):
        return URGENT
    return POSSIBLE_MISROUTE if summary.markers else OTHER


def triage_key(summary: Summary, reviewed: bool) -> tuple[bool, int, float]:
    """Sort key of the triage order: unreviewed first, then by group, then newest first."""
    return reviewed, GROUPS.index(group(summary)), -summary.started


@dataclass
class Page:
    """One page of conversations."""

    rows: list[Summary]
    number: int
    pages: int
    total: int
    marker_counts: dict[str, int]  # per marker (and "any"), among the conversations the other filters leave


def select(
    summaries: Sequence[Summary],
    filters: Filters,
    reviewed: set[str],
    tags: Mapping[str, Sequence[str]],
    zone: ZoneInfo,
    page: int,
    size: int,
) -> Page:
    """Filter and order the conversations, count them per marker, and return page `page` (counted from 1)."""
    others = replace(filters, marker="")
    candidates = [s for s in summaries if others.matches(s, s.sender_id in reviewed, tags.get(s.sender_id, ()), zone)]
    counts = {name: sum(name in s.markers for s in candidates) for name in MARKER_NAMES}
    counts["any"] = sum(bool(s.markers) for s in candidates)
    chosen = [s for s in candidates if filters.has_marker(s)]
    if filters.order == NEWEST:
        chosen.sort(key=lambda s: s.started, reverse=True)
    else:
        chosen.sort(key=lambda s: triage_key(s, s.sender_id in reviewed))
    pages = max(1, -(-len(chosen) // size))
    number = min(max(1, page), pages)
    return Page(chosen[(number - 1) * size : number * size], number, pages, len(chosen), counts)


def snippet(text: str, words: int, max_chars: int) -> str:
    """Return the first `words` words of a message, at most `max_chars` characters, with an ellipsis when cut."""
    every = text.split()
    short = " ".join(every[:words])
    if len(short) > max_chars:
        short = short[:max_chars].rstrip()
    return short + ("…" if short != " ".join(every) else "")


def ago(moment: float, now: float) -> str:
    """Say how long ago a Unix time was, roughly ("5 min geleden", "3 uur geleden", "2 dagen geleden")."""
    minutes = max(0, int(now - moment) // 60)
    if minutes < 1:
        return _("just now")
    if minutes < 60:
        return _("{count} min ago").format(count=minutes)
    if minutes < 48 * 60:
        return _("{count} h ago").format(count=minutes // 60)
    days = minutes // (24 * 60)
    return ngettext("{count} day ago", "{count} days ago", days).format(count=days)


def page_number(value: Optional[str]) -> int:
    """Read a page number from the query string (1 when missing or invalid)."""
    return int(value) if value and value.isdigit() and len(value) <= 6 else 1
