"""Delete conversations older than the retention period from the tracker store."""

from __future__ import annotations

import time
from typing import Optional

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore

from bot.counsellor.review import forget
from bot.privacy.store_url import tracker_store_url
from bot.settings import settings

__all__ = ["purge", "retention_days", "tracker_store_url"]

SECONDS_PER_DAY = 24 * 60 * 60


def retention_days() -> int:
    """Return the configured retention period in days."""
    return int(settings()["privacy"]["retention_days"])


def purge(days: Optional[int] = None, url: Optional[str] = None, now: Optional[float] = None) -> int:
    """Delete every conversation whose newest event is older than `days`; return how many."""
    cutoff = (now if now is not None else time.time()) - (days if days is not None else retention_days()) * SECONDS_PER_DAY
    engine = sa.create_engine(url or tracker_store_url())
    events = SQLTrackerStore.SQLEvent.__table__
    if not sa.inspect(engine).has_table(events.name):
        return 0
    with engine.begin() as connection:
        expired = (
            sa.select(events.c.sender_id)
            .group_by(events.c.sender_id)
            .having(sa.func.max(events.c.timestamp) < cutoff)
        )
        senders = [row[0] for row in connection.execute(expired)]
        if senders:
            connection.execute(events.delete().where(events.c.sender_id.in_(senders)))
            forget(connection, senders)  # and what counsellors added to them
    engine.dispose()
    return len(senders)
