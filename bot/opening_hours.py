"""Whether a help line is open at a moment, and when it opens next.

Hours are given per weekday in local time as "HH:MM-HH:MM" intervals; an end
before the start runs past midnight, "24:00" is the end of the day, "24/7"
means always and a missing value means unknown. On the country's public
holidays (from the `holidays` library) a line may keep other hours: then
`holiday_hours` lists that day's intervals (an empty list: closed all day). Times are compared as instants, so
the clock changes of daylight-saving time are handled by the time zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from functools import cached_property, lru_cache
from typing import Iterable, Iterator, Optional, Union
from zoneinfo import ZoneInfo

import holidays

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MINUTES_PER_DAY = 24 * 60
LOOK_AHEAD_DAYS = 21  # enough for a week's schedule after a run of holidays

Hours = Union[None, str, dict]


@dataclass(frozen=True)
class OpeningStatus:
    """`kind` is "open", "closed", "always", "unknown" or "online"; `opens_at` is set when closed."""

    kind: str
    opens_at: Optional[datetime] = None


@dataclass(frozen=True)
class Schedule:
    """A line's weekly hours, its time zone and its hours on public holidays."""

    hours: Hours
    timezone: str
    holiday_country: Optional[str] = None  # ISO code of the country whose holidays apply
    holiday_hours: Optional[tuple[str, ...]] = None  # None: a holiday is like any other day

    def status(self, moment: datetime) -> OpeningStatus:
        """Return whether the line is open at `moment` (an aware datetime)."""
        if self.hours is None:
            return OpeningStatus("unknown")
        if self.hours == "24/7":
            return OpeningStatus("always")
        if not isinstance(self.hours, dict):
            raise ValueError(f"unsupported hours: {self.hours!r}")
        if not any(self._weekly.values()):
            return OpeningStatus("unknown")
        instant = moment.astimezone(timezone.utc)
        for start, end in self._intervals_around(moment):
            if start <= instant < end:
                return OpeningStatus("open")
            if start > instant:
                return OpeningStatus("closed", start.astimezone(ZoneInfo(self.timezone)))
        raise ValueError("no opening found in the coming weeks")

    @cached_property
    def _weekly(self) -> dict[str, list[tuple[int, int]]]:
        """Return the weekly hours as intervals per weekday, parsed once."""
        return day_intervals(self.hours) if isinstance(self.hours, dict) else {}

    @cached_property
    def _on_holidays(self) -> Optional[list[tuple[int, int]]]:
        """Return the intervals of a public holiday, parsed once; None when holidays are like other days."""
        return _intervals(self.holiday_hours) if self.holiday_hours is not None else None

    def _intervals_around(self, moment: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Yield open intervals in UTC, in order, from the day before `moment` onwards."""
        zone = ZoneInfo(self.timezone)
        today = moment.astimezone(zone).date()
        for offset in range(-1, LOOK_AHEAD_DAYS):
            day = today + timedelta(days=offset)
            on_holidays = self._on_holidays is not None and self._is_holiday(day)
            intervals = (
                self._on_holidays
                if self._on_holidays is not None and on_holidays
                else self._weekly[DAYS[day.weekday()]]
            )
            for start, end in intervals:
                yield _instant(day, start, zone), _instant(day, end, zone)

    def _is_holiday(self, day: date) -> bool:
        """Return whether `day` is a public holiday in the line's country."""
        return self.holiday_country is not None and day in public_holidays(self.holiday_country, day.year)


@lru_cache(maxsize=16)
def public_holidays(country: str, year: int) -> holidays.HolidayBase:
    """Return the public holidays of a country in a year."""
    return holidays.country_holidays(country, years=year)


def _minutes(clock: str) -> int:
    """Turn "HH:MM" into minutes after midnight ("24:00" is 1440)."""
    hours, minutes = clock.split(":")
    value = int(hours) * 60 + int(minutes)
    if not 0 <= value <= MINUTES_PER_DAY or int(minutes) >= 60:
        raise ValueError(f"not a time of day: {clock!r}")
    return value


def day_intervals(hours: dict) -> dict[str, list[tuple[int, int]]]:
    """Return, per weekday, open intervals in minutes after that day's midnight (an end may pass 24:00)."""
    unknown_days = set(hours) - set(DAYS)
    if unknown_days:
        raise ValueError(f"unknown day names: {sorted(unknown_days)}")
    return {day: _intervals(hours.get(day) or []) for day in DAYS}


def _intervals(texts: Iterable[str]) -> list[tuple[int, int]]:
    """Parse "HH:MM-HH:MM" intervals into sorted minutes after midnight (an end may pass 24:00)."""
    intervals = []
    for interval in texts:
        start_text, end_text = interval.split("-")
        start, end = _minutes(start_text), _minutes(end_text)
        intervals.append((start, end if end > start else end + MINUTES_PER_DAY))
    return sorted(intervals)


def _instant(day: date, minutes: int, zone: ZoneInfo) -> datetime:
    """Return the UTC instant of the local wall-clock time `minutes` after the start of `day`."""
    days, minute_of_day = divmod(minutes, MINUTES_PER_DAY)
    wall = datetime.combine(day + timedelta(days=days), time(minute_of_day // 60, minute_of_day % 60))
    return wall.replace(tzinfo=zone).astimezone(timezone.utc)


def opening_status(hours: Hours, moment: datetime, timezone_name: str) -> OpeningStatus:
    """Return whether weekly hours (no holiday rules) are open at `moment` (an aware datetime)."""
    return Schedule(hours, timezone_name).status(moment)
