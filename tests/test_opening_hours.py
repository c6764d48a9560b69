"""Opening hours: across midnight, weekends, the week's end, time zones, daylight saving and holidays."""

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.opening_hours import Schedule, day_intervals, opening_status

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
        day_intervals({"mon": ["25:00-26:00"]})
    with pytest.raises(ValueError):
        day_intervals({"monday": ["09:00-17:00"]})


def test_night_the_clocks_go_back_counts_the_extra_hour():
    # 25 October 2026: 03:00 summer time becomes 02:00 winter time; a line open 01:00-04:00
    # is open for four real hours, and the hour in between is open both times round
    hours = {"sun": ["01:00-04:00"]}
    first_pass = datetime(2026, 10, 25, 0, 30, tzinfo=timezone.utc)  # 02:30 summer time
    second_pass = datetime(2026, 10, 25, 1, 30, tzinfo=timezone.utc)  # 02:30 winter time
    assert opening_status(hours, first_pass, AMS).kind == "open"
    assert opening_status(hours, second_pass, AMS).kind == "open"
    assert opening_status(hours, datetime(2026, 10, 25, 3, 0, tzinfo=timezone.utc), AMS).kind == "closed"  # 04:00 winter


def test_opening_after_the_clocks_go_back_is_in_winter_time():
    status = opening_status(DAILY_11_21, ams(2026, 10, 24, 22, 0), AMS)
    assert status.opens_at == ams(2026, 10, 25, 11, 0)
    assert status.opens_at.utcoffset() == timedelta(hours=1)


WEEKDAYS_WITH_HOLIDAYS = Schedule(WEEKDAYS, AMS, "NL", ())  # closed on Dutch public holidays
SHORT_ON_HOLIDAYS = Schedule(WEEKDAYS, AMS, "NL", ("10:00-14:00",))


def test_closed_on_a_public_holiday():
    christmas = ams(2026, 12, 25, 10, 0)  # a Friday
    assert opening_status(WEEKDAYS, christmas, AMS).kind == "open"  # weekly hours alone
    status = WEEKDAYS_WITH_HOLIDAYS.status(christmas)
    assert status.kind == "closed"
    assert status.opens_at == ams(2026, 12, 28, 9, 0)  # Boxing Day is a Saturday, then Sunday, then Monday


def test_kings_day_and_easter_monday_follow_the_calendar():
    assert WEEKDAYS_WITH_HOLIDAYS.status(ams(2026, 4, 27, 12, 0)).kind == "closed"  # King's Day, a Monday
    assert WEEKDAYS_WITH_HOLIDAYS.status(ams(2026, 4, 6, 12, 0)).kind == "closed"  # Easter Monday
    assert WEEKDAYS_WITH_HOLIDAYS.status(ams(2026, 4, 28, 12, 0)).kind == "open"  # an ordinary Tuesday
    assert WEEKDAYS_WITH_HOLIDAYS.status(ams(2027, 4, 27, 12, 0)).kind == "closed"  # next year's calendar too


def test_other_hours_on_a_holiday():
    assert SHORT_ON_HOLIDAYS.status(ams(2026, 12, 25, 12, 0)).kind == "open"
    status = SHORT_ON_HOLIDAYS.status(ams(2026, 12, 25, 15, 0))
    assert status.kind == "closed" and status.opens_at == ams(2026, 12, 26, 10, 0)  # holiday hours on a Saturday holiday too
    status = SHORT_ON_HOLIDAYS.status(ams(2026, 12, 24, 18, 0))  # Christmas Eve evening
    assert status.opens_at == ams(2026, 12, 25, 10, 0)


def test_new_year_closure_crosses_the_year():
    status = WEEKDAYS_WITH_HOLIDAYS.status(ams(2026, 12, 31, 18, 0))
    assert status.opens_at == ams(2027, 1, 4, 9, 0)  # 1 January is a holiday, then the weekend


@pytest.mark.parametrize("hours", [DAILY_11_21, NIGHTS, WEEKDAYS, {"sun": ["22:00-03:00"], "wed": ["08:00-24:00"]}])
def test_every_quarter_hour_of_a_week_agrees_with_a_plain_reading_of_the_hours(hours):
    start = ams(2026, 11, 23, 0, 0)  # a Monday without holidays or clock changes
    for quarter in range(7 * 24 * 4):
        moment = start + timedelta(minutes=15 * quarter)
        status = opening_status(hours, moment, AMS)
        assert (status.kind == "open") == _open_by_reading(hours, moment), moment
        if status.kind == "closed":
            assert status.opens_at > moment
            assert _open_by_reading(hours, status.opens_at)
            assert not any(_open_by_reading(hours, moment + timedelta(minutes=m)) for m in range(0, int((status.opens_at - moment).total_seconds() // 60), 15))


def _open_by_reading(hours, moment):
    """Read the hours the way a person would: today's intervals, or yesterday's past midnight."""
    days = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    minute = moment.hour * 60 + moment.minute
    for day_back, shift in ((0, 0), (1, 24 * 60)):
        for interval in hours.get(days[(moment.weekday() - day_back) % 7]) or []:
            start_text, end_text = interval.split("-")
            start = int(start_text[:2]) * 60 + int(start_text[3:])
            end = int(end_text[:2]) * 60 + int(end_text[3:])
            end = end if end > start else end + 24 * 60
            if day_back == 0 and start <= minute < end or day_back == 1 and start <= minute + shift < end:
                return True
    return False
