"""Figures for the overview page: conversations per day and category, signposts, help lines, fallback rate."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Sequence
from zoneinfo import ZoneInfo

from bot.store.transcripts import Summary


def local_date(timestamp: float, zone: ZoneInfo) -> date:
    """Return the date of a Unix timestamp in the given time zone."""
    return datetime.fromtimestamp(timestamp, zone).date()


@dataclass
class Overview:
    """The overview's figures over the last days."""

    first_day: date
    last_day: date
    conversations: int
    messages: int
    fallbacks: int
    per_day: list[tuple[date, int]]
    fallback_rate_per_day: list[tuple[date, float]]
    categories: list[tuple[str, int]]
    signposts: list[tuple[str, int]]
    helplines: list[tuple[str, int]]

    @property
    def fallback_rate(self) -> float:
        """Return the share of messages the bot did not understand."""
        return self.fallbacks / self.messages if self.messages else 0.0


def overview(summaries: Sequence[Summary], today: date, days: int, zone: ZoneInfo) -> Overview:
    """Count the conversations that started in the `days` days up to `today`."""
    first = today - timedelta(days=days - 1)
    chosen = [s for s in summaries if first <= local_date(s.started, zone) <= today]
    per_day: Counter[date] = Counter()
    messages: Counter[date] = Counter()
    fallbacks: Counter[date] = Counter()
    for summary in chosen:
        day = local_date(summary.started, zone)
        per_day[day] += 1
        messages[day] += summary.messages
        fallbacks[day] += summary.fallbacks
    all_days = [first + timedelta(days=n) for n in range(days)]
    return Overview(
        first_day=first,
        last_day=today,
        conversations=len(chosen),
        messages=sum(messages.values()),
        fallbacks=sum(fallbacks.values()),
        per_day=[(day, per_day[day]) for day in all_days],
        fallback_rate_per_day=[(day, fallbacks[day] / messages[day] if messages[day] else 0.0) for day in all_days],
        categories=Counter(s.category for s in chosen).most_common(),
        signposts=Counter(name for s in chosen for name in s.signposts).most_common(),
        helplines=Counter(name for s in chosen for name in s.helplines).most_common(),
    )
