"""What counsellors add to a conversation: notes, tags, review status, corrections; and its deletion."""

from __future__ import annotations

import re
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bot.counsellor.i18n import _
from bot.privacy.redaction import redact
from bot.store.deletion import delete_conversations
from bot.store.models import Correction, Note, Review, Tag
from bot.store.transcripts import Turn

TAG = re.compile(r"^[\w-]{1,40}$")


class ReviewError(ValueError):
    """A note, tag or correction that cannot be saved as given."""


def add_note(db: Session, sender_id: str, author: str, text: str, max_chars: int) -> Note:
    """Add a note to a conversation, with personal data replaced by placeholders as in the transcripts."""
    text = text.strip()
    if not text:
        raise ReviewError(_("The note is empty."))
    if len(text) > max_chars:
        raise ReviewError(_("A note has at most {count} characters.").format(count=max_chars))
    note = Note(conversation_id=sender_id, author=author, text=redact(text))
    db.add(note)
    return note


def add_tag(db: Session, sender_id: str, author: str, tag: str) -> None:
    """Add a tag (letters, digits, '_' or '-') to a conversation, once."""
    tag = tag.strip().lower()
    if not TAG.match(tag):
        raise ReviewError(_("A tag is one word of up to 40 letters, digits, '_' or '-'."))
    if tag not in tags_of(db, sender_id):
        db.add(Tag(conversation_id=sender_id, tag=tag, author=author))


def remove_tag(db: Session, sender_id: str, tag: str) -> None:
    """Remove a tag from a conversation."""
    db.execute(sa.delete(Tag).where(Tag.conversation_id == sender_id, Tag.tag == tag))


def tags_of(db: Session, sender_id: str) -> list[str]:
    """Return a conversation's tags, sorted."""
    return list(db.execute(sa.select(Tag.tag).where(Tag.conversation_id == sender_id).order_by(Tag.tag)).scalars())


def notes_of(db: Session, sender_id: str) -> list[Note]:
    """Return a conversation's notes, oldest first."""
    return list(
        db.execute(
            sa.select(Note).where(Note.conversation_id == sender_id).order_by(Note.created_at, Note.id)
        ).scalars()
    )


def review_of(db: Session, sender_id: str) -> Optional[Review]:
    """Return the conversation's review mark, if it was reviewed."""
    return db.execute(sa.select(Review).where(Review.conversation_id == sender_id)).scalar_one_or_none()


def set_reviewed(db: Session, sender_id: str, reviewer: str, reviewed: bool) -> None:
    """Mark a conversation as reviewed, or as not reviewed."""
    existing = review_of(db, sender_id)
    if reviewed and existing is None:
        db.add(Review(conversation_id=sender_id, reviewer=reviewer))
    elif not reviewed and existing is not None:
        db.delete(existing)


def reviewed_ids(db: Session) -> set[str]:
    """Return the ids of every reviewed conversation."""
    return set(db.execute(sa.select(Review.conversation_id)).scalars())


def tags_by_conversation(db: Session) -> dict[str, list[str]]:
    """Return every conversation's tags."""
    found: dict[str, list[str]] = {}
    for conversation_id, tag in db.execute(sa.select(Tag.conversation_id, Tag.tag).order_by(Tag.tag)):
        found.setdefault(conversation_id, []).append(tag)
    return found


def mark_misunderstood(
    db: Session, sender_id: str, turn: Turn, intent: str, intents: set[str], author: str
) -> Correction:
    """Record that the bot misunderstood a typed message and which intent was right (replacing an earlier mark)."""
    if turn.speaker != "user" or turn.is_button:
        raise ReviewError(_("Only typed messages can be corrected."))
    if intent not in intents:
        raise ReviewError(_("Pick one of the bot's intents."))
    correction = db.execute(sa.select(Correction).where(Correction.event_id == turn.event_id)).scalar_one_or_none()
    if correction is None:
        correction = Correction(conversation_id=sender_id, event_id=turn.event_id, text=turn.text)
        db.add(correction)
    correction.predicted_intent, correction.intent, correction.author = turn.intent, intent, author
    return correction


def unmark(db: Session, sender_id: str, event_id: int) -> None:
    """Remove a correction."""
    db.execute(sa.delete(Correction).where(Correction.conversation_id == sender_id, Correction.event_id == event_id))


def corrections_of(db: Session, sender_id: str) -> dict[int, Correction]:
    """Return a conversation's corrections by event id."""
    rows = db.execute(sa.select(Correction).where(Correction.conversation_id == sender_id)).scalars()
    return {row.event_id: row for row in rows}


def all_corrections(db: Session) -> list[Correction]:
    """Return every correction, by intent and then oldest first."""
    return list(
        db.execute(sa.select(Correction).order_by(Correction.intent, Correction.created_at, Correction.id)).scalars()
    )


def delete_conversation(db: Session, sender_id: str) -> int:
    """Delete a conversation: its events in the tracker store and everything counsellors added; return the events deleted."""
    return delete_conversations(db.connection(), [sender_id])
