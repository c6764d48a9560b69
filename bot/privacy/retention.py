"""Delete conversations older than the retention period from the tracker store."""

from __future__ import annotations

import time
from typing import Optional

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.core.utils import AvailableEndpoints

from bot.counsellor.review import forget
from bot.settings import project_path, settings

SECONDS_PER_DAY = 24 * 60 * 60


def retention_days() -> int:
    """Return the configured retention period in days."""
    return int(settings()["privacy"]["retention_days"])


def tracker_store_url(endpoints_file: Optional[str] = None) -> str:
    """Return the SQLAlchemy URL of the SQL tracker store in the endpoints file."""
    path = project_path(endpoints_file or settings()["rasa"]["endpoints"])
    store = AvailableEndpoints.read_endpoints(str(path)).tracker_store
    if store is None:
        raise ValueError(f"{path} configures no tracker store")
    options = store.kwargs
    db = options.get("db", "rasa.db")
    if options.get("dialect", "sqlite") == "sqlite":
        db = str(project_path(db))
    return str(SQLTrackerStore.get_db_url(
        options.get("dialect", "sqlite"), store.url, options.get("port"), db,
        options.get("username"), options.get("password"), options.get("login_db"), options.get("query"),
    ))


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
