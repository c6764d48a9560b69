"""Opening hours: across midnight, weekends, the week's end and time zones."""

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.opening_hours import opening_status, week_intervals

AMS = "Europe/Amsterdam"
DAILY_11_21 = {day: ["11:00-21:00"] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
NIGHTS = {"fri": ["20:00-02:00"], "sat": ["20:00-02:00"]}
WEEKDAYS = {day: ["09:00-17:00"] for day in ("mon", "tue", "wed", "thu", "fri")}


def ams(*args: int) -> datetime:
    """Return an Amsterdam wall-clock moment."""
    return datetime(*args, tzinfo=ZoneInfo(AMS))


def test_open_inside_daily_hours():
    assert opening_status(DAILY_11_21, ams(2026, 11, 23, 12, 0), AMS).kind == "open"


def test_closed_late_evening_opens_next_morning():
    status = opening_status(DAILY_11_21, ams(2026, 11, 23, 21, 0), AMS)
    assert status.kind == "closed"
    assert status.opens_at == ams(2026, 11, 24, 11, 0)


def test_interval_running_past_midnight_is_open_after_midnight():
    # Saturday 01:30 belongs to Friday's 20:00-02:00 interval
    assert opening_status(NIGHTS, ams(2026, 11, 28, 1, 30), AMS).kind == "open"
    assert opening_status(NIGHTS, ams(2026, 11, 28, 2, 0), AMS).kind == "closed"


def test_sunday_night_interval_wraps_into_monday():
    hours = {"sun": ["22:00-03:00"]}
    assert opening_status(hours, ams(2026, 11, 23, 2, 59), AMS).kind == "open"  # Monday
    status = opening_status(hours, ams(2026, 11, 23, 3, 0), AMS)
    assert status.kind == "closed" and status.opens_at == ams(2026, 11, 29, 22, 0)


def test_weekend_closed_until_monday():
    status = opening_status(WEEKDAYS, ams(2026, 11, 28, 10, 0), AMS)  # Saturday
    assert status.kind == "closed"
    assert status.opens_at == ams(2026, 11, 30, 9, 0)


def test_until_midnight_written_as_24_00():
    hours = {"mon": ["08:00-24:00"]}
    assert opening_status(hours, ams(2026, 11, 23, 23, 59), AMS).kind == "open"
    assert opening_status(hours, ams(2026, 11, 24, 0, 0), AMS).kind == "closed"


def test_moment_in_another_time_zone_is_converted():
    # 10:30 UTC is 11:30 in Amsterdam in winter: open; 10:30 in New York is 16:30 in Amsterdam
    assert opening_status(DAILY_11_21, datetime(2026, 11, 23, 10, 30, tzinfo=timezone.utc), AMS).kind == "open"
    new_york = datetime(2026, 11, 23, 15, 30, tzinfo=ZoneInfo("America/New_York"))  # 21:30 Amsterdam
    assert opening_status(DAILY_11_21, new_york, AMS).kind == "closed"


def test_summer_time_uses_local_wall_clock():
    # 09:30 UTC in July is 11:30 in Amsterdam (UTC+2)
    assert opening_status(DAILY_11_21, datetime(2026, 7, 6, 9, 30, tzinfo=timezone.utc), AMS).kind == "open"
    status = opening_status(DAILY_11_21, datetime(2026, 3, 28, 21, 30, tzinfo=timezone.utc), AMS)
    assert status.opens_at == ams(2026, 3, 29, 11, 0)  # the night the clocks go forward
    assert status.opens_at.utcoffset().total_seconds() == 2 * 3600


def test_unknown_and_always():
    assert opening_status(None, ams(2026, 11, 23, 12, 0), AMS).kind == "unknown"
    assert opening_status("24/7", ams(2026, 11, 23, 3, 0), AMS).kind == "always"


def test_bad_hours_are_rejected():
    with pytest.raises(ValueError):
        week_intervals({"mon": ["25:00-26:00"]})
    with pytest.raises(ValueError):
        week_intervals({"monday": ["09:00-17:00"]})
