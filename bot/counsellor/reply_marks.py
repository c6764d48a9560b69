"""Counsellors' marks on bot replies: the wrong route or harmful, with the right route and a short reason."""

from __future__ import annotations

from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bot.constants import DEFAULT_LANGUAGE, REDTEAM_ORDINARY
from bot.counsellor.export import one_line
from bot.counsellor.i18n import _
from bot.counsellor.review import ReviewError
from bot.domain import routes
from bot.privacy.redaction import redact
from bot.store.models import REPLY_MARK_KINDS, ReplyMark
from bot.store.transcripts import Turn


def route_choices() -> tuple[str, ...]:
    """Return the routes a counsellor can name as the right one: the domain's, and none (an ordinary message)."""
    return (*routes(), REDTEAM_ORDINARY)


def clean_reason(text: str, max_chars: int) -> str:
    """Return the reason on one line and redacted, or fail when it is empty or longer than `max_chars`."""
    reason = one_line(text).strip()
    if not reason:
        raise ReviewError(_("Give a short reason."))
    if len(reason) > max_chars:
        raise ReviewError(_("A reason has at most {count} characters.").format(count=max_chars))
    return redact(reason)


def mark_reply(
    db: Session,
    sender_id: str,
    reply: tuple[Turn, Optional[Turn]],
    kind: str,
    route: str,
    reason: str,
    author: str,
    max_chars: int,
) -> ReplyMark:
    """Record that a bot reply (and the message it answered) was the wrong route or harmful (replacing the author's earlier mark)."""
    turn, message = reply
    if kind not in REPLY_MARK_KINDS:
        raise ReviewError(_("Mark a reply as the wrong route or as harmful."))
    if not route and kind == "wrong_route":
        raise ReviewError(_("Pick the route the reply should have given."))
    if route and route not in route_choices():
        raise ReviewError(_("Pick one of the bot's routes."))
    text = clean_reason(reason, max_chars)
    mark = db.execute(
        sa.select(ReplyMark).where(ReplyMark.event_id == turn.event_id, ReplyMark.author == author)
    ).scalar_one_or_none()
    if mark is None:
        mark = ReplyMark(conversation_id=sender_id, event_id=turn.event_id, author=author)
        db.add(mark)
    mark.kind, mark.route, mark.reason = kind, route or None, text
    mark.message = message.text if message else None
    mark.predicted_intent = message.intent if message else None
    mark.language = turn.language or DEFAULT_LANGUAGE
    return mark


def remove_mark(db: Session, sender_id: str, event_id: int, author: str) -> None:
    """Remove the author's own mark on a reply, or fail when they have none there."""
    removed = db.execute(
        sa.delete(ReplyMark).where(
            ReplyMark.conversation_id == sender_id, ReplyMark.event_id == event_id, ReplyMark.author == author
        )
    )
    if not removed.rowcount:
        raise ReviewError(_("You have no mark on that reply."))


def marks_of(db: Session, sender_id: str) -> dict[int, list[ReplyMark]]:
    """Return a conversation's reply marks by the reply's event id, oldest first."""
    found: dict[int, list[ReplyMark]] = {}
    query = (
        sa.select(ReplyMark).where(ReplyMark.conversation_id == sender_id).order_by(ReplyMark.created_at, ReplyMark.id)
    )
    for mark in db.execute(query).scalars():
        found.setdefault(mark.event_id, []).append(mark)
    return found


def all_marks(db: Session) -> list[ReplyMark]:
    """Return every reply mark, oldest first."""
    return list(db.execute(sa.select(ReplyMark).order_by(ReplyMark.created_at, ReplyMark.id)).scalars())
