"""How long conversations are kept (settings.yml privacy.retention_days), without loading the database code."""

from __future__ import annotations

from bot.settings import settings

SECONDS_PER_DAY = 24 * 60 * 60


def retention_days() -> int:
    """Return the configured retention period in days."""
    return int(settings()["privacy"]["retention_days"])
