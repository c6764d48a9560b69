"""Deleting conversations: on request, and once they are past the retention period."""

from __future__ import annotations

import time
from datetime import datetime, timezone
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.store.database import make_engine
from bot.store.events import delete_events, idle_senders
from bot.store.link_clicks import delete_clicks_before
from bot.store.location import database_url
from bot.store.models import CONVERSATION_TABLES
from bot.store.retention import SECONDS_PER_DAY, retention_days


def forget_additions(connection: Connection, sender_ids: list[str]) -> None:
    """Delete what the project's own tables hold about these conversations (where the tables exist)."""
    existing = set(sa.inspect(connection).get_table_names())
    for table in CONVERSATION_TABLES:
        if table.name in existing:
            connection.execute(table.delete().where(table.c.conversation_id.in_(sender_ids)))


def delete_conversations(connection: Connection, sender_ids: list[str]) -> int:
    """Delete conversations: their events and every row the project keeps about them; return the events deleted."""
    forget_additions(connection, sender_ids)
    return delete_events(connection, sender_ids)


def purge(days: Optional[int] = None, url: Optional[str] = None, now: Optional[float] = None) -> int:
    """Delete every conversation whose newest event is older than `days`, and older link clicks; return how many conversations."""
    cutoff = (now if now is not None else time.time()) - (
        days if days is not None else retention_days()
    ) * SECONDS_PER_DAY
    engine = make_engine(url or database_url())
    with engine.begin() as connection:
        senders = idle_senders(connection, cutoff)
        if senders:
            delete_conversations(connection, senders)
        delete_clicks_before(connection, datetime.fromtimestamp(cutoff, timezone.utc).replace(tzinfo=None))
    engine.dispose()
    return len(senders)
