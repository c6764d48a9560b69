"""Help line cards the bot sent, read from Rasa's events, with the conversation's route at that moment."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Optional, Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.constants import ROUTE_SLOT
from bot.store.events import EVENTS, events_table_exists

CARD_KEY = "helpline_card"  # the bot's card payload (domain/signposts.yml), as bot/web/cards.py reads it


@dataclass(frozen=True)
class CardShown:
    """One help line card in a conversation: when, which line, and the route the conversation had then."""

    sender_id: str
    timestamp: float
    line: str
    route: Optional[str]


def card_line(data: dict[str, Any]) -> Optional[str]:
    """Return the help line id of a bot event's card payload, or None when the reply has no card."""
    custom = (data.get("data") or {}).get("custom")
    card = custom.get(CARD_KEY) if isinstance(custom, dict) else None
    line = card.get("line") if isinstance(card, dict) else None
    return line if isinstance(line, str) and line else None


def cards_shown(connection: Connection, since: float = 0.0, senders: Optional[Sequence[str]] = None) -> list[CardShown]:
    """Return the cards sent from `since` (a Unix time) on, in the given conversations or all, in order."""
    if not events_table_exists(connection):
        return []
    route_set = (EVENTS.c.type_name == "slot") & (EVENTS.c.action_name == ROUTE_SLOT)
    card = (
        (EVENTS.c.type_name == "bot")
        & (EVENTS.c.timestamp >= since)
        & EVENTS.c.data.contains(CARD_KEY, autoescape=True)
    )
    query = sa.select(EVENTS.c.sender_id, EVENTS.c.type_name, EVENTS.c.timestamp, EVENTS.c.data).where(route_set | card)
    if senders is not None:
        query = query.where(EVENTS.c.sender_id.in_(list(senders)))
    shown: list[CardShown] = []
    routes: dict[str, Optional[str]] = {}
    for row in connection.execute(query.order_by(EVENTS.c.sender_id, EVENTS.c.id)):
        data = json.loads(row.data)
        if row.type_name == "slot":
            value = data.get("value")
            routes[row.sender_id] = str(value) if value else None
            continue
        line = card_line(data)
        if line:
            shown.append(CardShown(row.sender_id, float(row.timestamp or 0), line, routes.get(row.sender_id)))
    return shown
