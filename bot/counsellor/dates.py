"""Dates typed into the dashboard's filters: day first as in Dutch (07-12-2026, 7/12/2026), or ISO (2026-12-07)."""

from __future__ import annotations

import re
from datetime import date
from typing import Mapping, Optional

from bot.counsellor.i18n import _

DAY_FIRST = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
RANGE = ("date_from", "date_to")


def parse_day(text: str) -> Optional[date]:
    """Return the date a person typed (day, month, year; or ISO as in the dashboard's own links), None if it is none."""
    text = text.strip()
    match = DAY_FIRST.match(text)
    try:
        if match:
            day, month, year = (int(part) for part in match.groups())
            return date(year, month, day)
        return date.fromisoformat(text) if ISO.match(text) else None
    except ValueError:
        return None


def shown_day(iso: str) -> str:
    """Return an ISO date as the filters show it (07-12-2026), '' for none."""
    return date.fromisoformat(iso).strftime("%d-%m-%Y") if iso else ""


def read_range(query: Mapping[str, str]) -> tuple[dict[str, str], list[str]]:
    """Return the from and to dates as ISO strings ('' when empty or wrong) and what was wrong with them."""
    days: dict[str, str] = {}
    errors: list[str] = []
    for name, what in zip(RANGE, (_("from"), _("to")), strict=True):
        value = query.get(name, "").strip()
        day = parse_day(value) if value else None
        days[name] = day.isoformat() if day else ""
        if value and day is None:
            errors.append(
                _("The date “{value}” ({what}) is not a date; write it as day-month-year, e.g. 31-12-2026.").format(
                    value=value[:20], what=what
                )
            )
    if days["date_from"] and days["date_to"] and days["date_from"] > days["date_to"]:
        errors.append(_("The “from” date is after the “to” date."))
    return days, errors
