"""Figures for the funnel page: help line cards shown, links opened and the click-through rate, per line, day and route.

A card shown counts once per conversation, line and day; a click once per
conversation, line and kind of link (the table keeps only the first), and a
conversation that opened any link of a line once as "clicked through". The rate
is the conversations that clicked through over the conversations shown the card.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Callable, Hashable, Iterable, Optional, Sequence
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Connection

from bot.counsellor.overview import local_date
from bot.store.cards import CardShown, cards_shown
from bot.store.link_clicks import clicks_since
from bot.store.models import LINK_KINDS

NO_ROUTE = ""  # cards given outside a route (e.g. after a factual question)


def click_through_rate(clicked: int, shown: int) -> Optional[float]:
    """Return clicked / shown, or None when nothing was shown."""
    return clicked / shown if shown else None


@dataclass
class Figures:
    """Cards shown and links opened in one group (a line, a day, a route, or all)."""

    shown_in: set[tuple[str, str]] = field(default_factory=set)  # (conversation, line)
    clicked_in: set[tuple[str, str]] = field(default_factory=set)
    kinds: Counter[str] = field(default_factory=Counter)

    @property
    def shown(self) -> int:
        """Return the conversations shown a card (counted per line)."""
        return len(self.shown_in)

    @property
    def clicked(self) -> int:
        """Return the conversations that opened a link of a card (counted per line)."""
        return len(self.clicked_in)

    @property
    def clicks(self) -> int:
        """Return the links opened (the first of each kind per conversation and line)."""
        return sum(self.kinds.values())

    @property
    def rate(self) -> Optional[float]:
        """Return the click-through rate, None when no card was shown."""
        return click_through_rate(self.clicked, self.shown)

    def by_kind(self) -> list[tuple[str, int]]:
        """Return the links opened per kind, in the order phone, chat, website."""
        return [(kind, self.kinds[kind]) for kind in LINK_KINDS]


@dataclass(frozen=True)
class Click:
    """A stored link click, as the funnel reads it."""

    conversation_id: str
    helpline: str
    kind: str
    route: Optional[str]
    day: date


@dataclass
class Funnel:
    """The funnel over the last days."""

    first_day: date
    last_day: date
    total: Figures
    per_day: list[tuple[date, Figures]]
    per_line: list[tuple[str, Figures]]
    per_line_day: list[tuple[str, date, Figures]]
    per_route: list[tuple[str, Figures]]


def click_day(clicked_at: datetime, zone: ZoneInfo) -> date:
    """Return the local date of a stored (UTC, naive) click time."""
    return clicked_at.replace(tzinfo=timezone.utc).astimezone(zone).date()


def clicks_from(rows: Iterable[Any], zone: ZoneInfo) -> list[Click]:
    """Turn stored click rows into clicks with their local day."""
    return [Click(r.conversation_id, r.helpline, r.kind, r.route, click_day(r.clicked_at, zone)) for r in rows]


def _tally(
    cards: Sequence[tuple[date, CardShown]],
    clicks: Sequence[Click],
    group: Callable[[str, date, Optional[str]], Hashable],
) -> dict[Any, Figures]:
    """Count cards and clicks into the groups that `group(line, day, route)` names."""
    figures: dict[Any, Figures] = defaultdict(Figures)
    for day, card in cards:
        figures[group(card.line, day, card.route)].shown_in.add((card.sender_id, card.line))
    for click in clicks:
        found = figures[group(click.helpline, click.day, click.route)]
        found.clicked_in.add((click.conversation_id, click.helpline))
        found.kinds[click.kind] += 1
    return figures


def _most_shown(figures: dict[Any, Figures]) -> list[tuple[Any, Figures]]:
    """Order groups by cards shown, then clicks, then name."""
    return sorted(figures.items(), key=lambda item: (-item[1].shown, -item[1].clicked, str(item[0])))


def funnel(cards: Sequence[CardShown], clicks: Sequence[Click], today: date, days: int, zone: ZoneInfo) -> Funnel:
    """Count the cards shown and the links opened in the `days` days up to `today`."""
    first = today - timedelta(days=days - 1)
    dated = [(day, card) for card in cards if first <= (day := local_date(card.timestamp, zone)) <= today]
    chosen = [click for click in clicks if first <= click.day <= today]
    per_day = _tally(dated, chosen, lambda line, day, route: day)
    per_line_day = _tally(dated, chosen, lambda line, day, route: (line, day))
    return Funnel(
        first_day=first,
        last_day=today,
        total=_tally(dated, chosen, lambda line, day, route: None)[None],
        per_day=[(day, per_day.get(day, Figures())) for day in (first + timedelta(days=n) for n in range(days))],
        per_line=_most_shown(_tally(dated, chosen, lambda line, day, route: line)),
        per_line_day=[
            (line, day, found)
            for (line, day), found in sorted(
                per_line_day.items(), key=lambda item: (-item[0][1].toordinal(), item[0][0])
            )
        ],
        per_route=_most_shown(_tally(dated, chosen, lambda line, day, route: route or NO_ROUTE)),
    )


def read_funnel(connection: Connection, today: date, days: int, zone: ZoneInfo) -> Funnel:
    """Read the cards and clicks of the `days` days up to `today` (local dates) and count them."""
    since = datetime.combine(today - timedelta(days=days - 1), time.min, zone)
    cards = cards_shown(connection, since.timestamp())
    clicks = clicks_from(clicks_since(connection, since.astimezone(timezone.utc).replace(tzinfo=None)), zone)
    return funnel(cards, clicks, today, days, zone)
