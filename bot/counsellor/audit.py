"""The audit log: who did what to which conversation or account, and when; never message text."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Mapping, Optional
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bot.counsellor.dates import read_range
from bot.counsellor.i18n import _
from bot.store.models import Account, AuditEntry

ACTIONS = frozenset(
    {
        "login",
        "login_failed",
        "logout",
        "view_list",
        "view_transcript",
        "view_overview",
        "view_funnel",
        "view_corrections",
        "view_accounts",
        "view_audit",
        "note_add",
        "tag_add",
        "tag_remove",
        "review",
        "unreview",
        "mark_misunderstood",
        "unmark_misunderstood",
        "mark_reply",
        "unmark_reply",
        "export",
        "export_redteam",
        "delete_conversation",
        "account_create",
        "account_disable",
        "account_enable",
        "account_delete",
        "account_language",
        "password_set",
        "denied_admin_page",
        "denied_form",
    }
)
# Actions whose target is a conversation's key; the log links those still there to their transcript.
CONVERSATION_ACTIONS = frozenset(
    {
        "view_transcript",
        "note_add",
        "tag_add",
        "tag_remove",
        "review",
        "unreview",
        "mark_misunderstood",
        "unmark_misunderstood",
        "mark_reply",
        "unmark_reply",
        "delete_conversation",
    }
)
LINKED_ACTIONS = CONVERSATION_ACTIONS - {"delete_conversation"}
COMMAND_LINE = "(command line)"
UNKNOWN = "(unknown)"


def record(db: Session, actor: Optional[Account], action: str, target: Optional[str] = None) -> None:
    """Add an entry; `actor` None is the command line (or an unknown name at login)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    username = actor.username if actor else (UNKNOWN if action == "login_failed" else COMMAND_LINE)
    db.add(AuditEntry(account_id=actor.id if actor else None, username=username, action=action, target=target))


@dataclass(frozen=True)
class AuditFilters:
    """What an admin filters the log on: who (a username), what (an action), from and to (local dates)."""

    who: str = ""
    action: str = ""
    date_from: str = ""
    date_to: str = ""

    @classmethod
    def parse(cls, query: Mapping[str, str]) -> tuple["AuditFilters", list[str]]:
        """Read the filters from a query string; return them and what was wrong (a filter that is wrong is dropped)."""
        errors: list[str] = []
        action = query.get("action", "").strip()
        if action and action not in ACTIONS:
            errors.append(_("There is no action “{action}” in the log.").format(action=action[:40]))
            action = ""
        days, wrong_days = read_range(query)
        return cls(who=query.get("who", "").strip()[:64], action=action, **days), errors + wrong_days

    def query_string(self, **extra: Any) -> str:
        """Return the filters (and e.g. a page number) as a query string, leaving out empty ones."""
        values = {**asdict(self), **extra}
        return urlencode({name: value for name, value in values.items() if value not in ("", None)})

    def conditions(self, zone: ZoneInfo) -> list[Any]:
        """Return the SQL conditions of the filters; the dates are whole days in `zone`."""

        def utc(day: date) -> datetime:
            return datetime.combine(day, time.min, zone).astimezone(timezone.utc).replace(tzinfo=None)

        found: list[Any] = []
        if self.who:
            found.append(AuditEntry.username == self.who)
        if self.action:
            found.append(AuditEntry.action == self.action)
        if self.date_from:
            found.append(AuditEntry.at >= utc(date.fromisoformat(self.date_from)))
        if self.date_to:
            found.append(AuditEntry.at < utc(date.fromisoformat(self.date_to) + timedelta(days=1)))
        return found


def entries(db: Session, page: int, size: int, filters: AuditFilters, zone: ZoneInfo) -> tuple[list[AuditEntry], int]:
    """Return one page of the entries that pass the filters, newest first, and the number of those entries."""
    where = filters.conditions(zone)
    total = db.execute(sa.select(sa.func.count()).select_from(AuditEntry).where(*where)).scalar_one()
    rows = (
        db.execute(
            sa.select(AuditEntry)
            .where(*where)
            .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
            .offset((page - 1) * size)
            .limit(size)
        )
        .scalars()
        .all()
    )
    return list(rows), total


def usernames(db: Session) -> list[str]:
    """Return every name in the log (accounts, also deleted ones, and the command line), sorted."""
    return list(db.execute(sa.select(AuditEntry.username).distinct().order_by(AuditEntry.username)).scalars())
