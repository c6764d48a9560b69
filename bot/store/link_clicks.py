"""The funnel's link clicks: recorded once per conversation, line and kind; read for the dashboard; purged."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.store.models import LinkClick, utcnow

CLICKS = LinkClick.__table__


def record_click(
    connection: Connection, conversation_id: str, helpline: str, kind: str, route: Optional[str] = None
) -> bool:
    """Store the first opening of a line's link of this kind in a conversation; tell whether it was new."""
    seen = sa.select(CLICKS.c.id).where(
        CLICKS.c.conversation_id == conversation_id, CLICKS.c.helpline == helpline, CLICKS.c.kind == kind
    )
    if connection.execute(seen).first():
        return False
    try:
        with connection.begin_nested():
            connection.execute(
                CLICKS.insert().values(
                    conversation_id=conversation_id, helpline=helpline, kind=kind, route=route, clicked_at=utcnow()
                )
            )
    except sa.exc.IntegrityError:  # the same click reported twice at once
        return False
    return True


def clicks_since(connection: Connection, since: datetime) -> list[sa.engine.Row]:
    """Return the clicks from `since` (UTC, as stored) on, oldest first."""
    query = sa.select(CLICKS).where(CLICKS.c.clicked_at >= since).order_by(CLICKS.c.clicked_at)
    return list(connection.execute(query))


def delete_clicks_before(connection: Connection, cutoff: datetime) -> int:
    """Delete the clicks older than `cutoff` (UTC), also those whose conversation is gone already; return how many."""
    if not sa.inspect(connection).has_table(CLICKS.name):
        return 0
    return int(connection.execute(CLICKS.delete().where(CLICKS.c.clicked_at < cutoff)).rowcount)
