"""Whether a help line is open at a moment, and when it opens next.

Hours are given per weekday in local time as "HH:MM-HH:MM" intervals; an end
before the start runs past midnight, "24:00" is the end of the day, "24/7"
means always and a missing value means unknown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Optional, Union
from zoneinfo import ZoneInfo

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MINUTES_PER_DAY = 24 * 60
MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY

Hours = Union[None, str, dict]


@dataclass(frozen=True)
class OpeningStatus:
    """`kind` is "open", "closed", "always" or "unknown"; `opens_at` is set when closed."""

    kind: str
    opens_at: Optional[datetime] = None


def _minutes(clock: str) -> int:
    """Turn "HH:MM" into minutes after midnight ("24:00" is 1440)."""
    hours, minutes = clock.split(":")
    value = int(hours) * 60 + int(minutes)
    if not 0 <= value <= MINUTES_PER_DAY or int(minutes) >= 60:
        raise ValueError(f"not a time of day: {clock!r}")
    return value


def week_intervals(hours: dict) -> list[tuple[int, int]]:
    """Return open intervals as minutes since Monday 00:00, split at the week's end."""
    intervals = []
    for day_index, day in enumerate(DAYS):
        for interval in hours.get(day) or []:
            start_text, end_text = interval.split("-")
            start, end = _minutes(start_text), _minutes(end_text)
            if end <= start:
                end += MINUTES_PER_DAY
            offset = day_index * MINUTES_PER_DAY
            start, end = offset + start, offset + end
            if end > MINUTES_PER_WEEK:
                intervals.append((start, MINUTES_PER_WEEK))
                intervals.append((0, end - MINUTES_PER_WEEK))
            else:
                intervals.append((start, end))
    unknown_days = set(hours) - set(DAYS)
    if unknown_days:
        raise ValueError(f"unknown day names: {sorted(unknown_days)}")
    return sorted(intervals)


def opening_status(hours: Hours, moment: datetime, timezone: str) -> OpeningStatus:
    """Return whether the hours are open at `moment` (an aware datetime)."""
    if hours is None:
        return OpeningStatus("unknown")
    if hours == "24/7":
        return OpeningStatus("always")
    if not isinstance(hours, dict):
        raise ValueError(f"unsupported hours: {hours!r}")
    intervals = week_intervals(hours)
    if not intervals:
        return OpeningStatus("unknown")
    local = moment.astimezone(ZoneInfo(timezone))
    now = local.weekday() * MINUTES_PER_DAY + local.hour * 60 + local.minute
    if any(start <= now < end for start, end in intervals):
        return OpeningStatus("open")
    next_start = min((start if start > now else start + MINUTES_PER_WEEK) for start, _ in intervals)
    return OpeningStatus("closed", _wall_time(local, now, next_start))


def _wall_time(local: datetime, now: int, target: int) -> datetime:
    """Return the local wall-clock datetime `target - now` minutes of the week ahead."""
    days_ahead, minute_of_day = divmod(target - now + local.hour * 60 + local.minute, MINUTES_PER_DAY)
    day = (local + timedelta(days=days_ahead)).date()
    naive = datetime(day.year, day.month, day.day, minute_of_day // 60, minute_of_day % 60)
    return naive.replace(tzinfo=local.tzinfo)
