"""Rasa's events table, declared once for the project's own reads and deletions."""

from __future__ import annotations

from typing import Iterable

import sqlalchemy as sa
from sqlalchemy.engine import Connection

# The shape of Rasa's SQLTrackerStore.SQLEvent table (tests/test_store.py checks it against Rasa's own),
# declared here so that the web tier and the dashboard do not load Rasa to read it.
EVENTS = sa.Table(
    "events",
    sa.MetaData(),
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.String(255), nullable=False, index=True),
    sa.Column("type_name", sa.String(255), nullable=False),
    sa.Column("timestamp", sa.Float),
    sa.Column("intent_name", sa.String(255)),
    sa.Column("action_name", sa.String(255)),
    sa.Column("data", sa.Text),
)


def events_table_exists(connection: Connection) -> bool:
    """Tell whether Rasa has created its events table yet."""
    return sa.inspect(connection).has_table(EVENTS.name)


def idle_senders(connection: Connection, cutoff: float) -> list[str]:
    """Return the conversations whose newest event is older than `cutoff` (a Unix time)."""
    if not events_table_exists(connection):
        return []
    query = sa.select(EVENTS.c.sender_id).group_by(EVENTS.c.sender_id).having(sa.func.max(EVENTS.c.timestamp) < cutoff)
    return [row[0] for row in connection.execute(query)]


def delete_events(connection: Connection, sender_ids: Iterable[str]) -> int:
    """Delete the conversations' events; return how many rows went."""
    if not events_table_exists(connection):
        return 0
    return int(connection.execute(EVENTS.delete().where(EVENTS.c.sender_id.in_(list(sender_ids)))).rowcount)
