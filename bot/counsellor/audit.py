"""The audit log: who did what to which conversation or account, and when; never message text."""

from __future__ import annotations

from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Session

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
        "password_set",
        "denied_admin_page",
        "denied_form",
    }
)
COMMAND_LINE = "(command line)"
UNKNOWN = "(unknown)"


def record(db: Session, actor: Optional[Account], action: str, target: Optional[str] = None) -> None:
    """Add an entry; `actor` None is the command line (or an unknown name at login)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    username = actor.username if actor else (UNKNOWN if action == "login_failed" else COMMAND_LINE)
    db.add(AuditEntry(account_id=actor.id if actor else None, username=username, action=action, target=target))


def entries(db: Session, page: int, size: int) -> tuple[list[AuditEntry], int]:
    """Return one page of entries, newest first, and the number of entries."""
    total = db.execute(sa.select(sa.func.count()).select_from(AuditEntry)).scalar_one()
    rows = (
        db.execute(
            sa.select(AuditEntry)
            .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
            .offset((page - 1) * size)
            .limit(size)
        )
        .scalars()
        .all()
    )
    return list(rows), total
