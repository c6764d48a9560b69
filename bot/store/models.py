"""The project's own tables (SQLAlchemy, migrated by Alembic); Rasa's events table is not among them."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import declarative_base, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
Base: Any = declarative_base(metadata=sa.MetaData(naming_convention=NAMING))  # untyped in SQLAlchemy 1.4
ROLES = ("counsellor", "admin")
ACCOUNT_LANGUAGES = ("nl", "en")  # the dashboard's interface languages; Dutch unless the account asks for English
LINK_KINDS = ("phone", "chat", "website")  # the ways to reach a help line that the widget reports
REPLY_MARK_KINDS = ("wrong_route", "harmful")  # what a counsellor can say is wrong with a bot reply
CONVERSATION_ID = sa.String(255)  # Rasa's events.sender_id


def utcnow() -> datetime:
    """Return the current time in UTC, without time zone (as stored)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


class Account(Base):
    """A counsellor or an admin."""

    __tablename__ = "counsellor_accounts"
    id = sa.Column(sa.Integer, primary_key=True)
    username = sa.Column(sa.String(64), nullable=False, unique=True)
    role = sa.Column(sa.Enum(*ROLES, name="counsellor_role", native_enum=False, create_constraint=True), nullable=False)
    password_hash = sa.Column(sa.String(255), nullable=False)
    active = sa.Column(sa.Boolean, nullable=False, default=True)
    created_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    password_changed_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    language = sa.Column(
        sa.Enum(*ACCOUNT_LANGUAGES, name="counsellor_language", native_enum=False, create_constraint=True),
        nullable=False,
        default=ACCOUNT_LANGUAGES[0],
        server_default=ACCOUNT_LANGUAGES[0],
    )
    sessions = relationship("Session", back_populates="account", cascade="all, delete-orphan")

    @property
    def is_admin(self) -> bool:
        """Tell whether the account may manage accounts and read the audit log."""
        return self.role == "admin"


class Session(Base):
    """A logged-in browser: only the hash of its cookie token is stored."""

    __tablename__ = "counsellor_sessions"
    id = sa.Column(sa.Integer, primary_key=True)
    token_hash = sa.Column(sa.String(64), nullable=False, unique=True)
    csrf_token = sa.Column(sa.String(64), nullable=False)
    account_id = sa.Column(
        sa.Integer, sa.ForeignKey("counsellor_accounts.id", ondelete="CASCADE"), nullable=False, index=True
    )
    created_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    last_seen_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    account = relationship("Account", back_populates="sessions")


class LoginFailure(Base):
    """A failed login, counted per username and per (hashed) client address for the lock-out."""

    __tablename__ = "counsellor_login_failures"
    id = sa.Column(sa.Integer, primary_key=True)
    key = sa.Column(sa.String(128), nullable=False, index=True)
    failed_at = sa.Column(sa.DateTime, nullable=False, default=utcnow, index=True)


class Note(Base):
    """A counsellor's note on a conversation."""

    __tablename__ = "counsellor_notes"
    id = sa.Column(sa.Integer, primary_key=True)
    conversation_id = sa.Column(CONVERSATION_ID, nullable=False, index=True)
    author = sa.Column(sa.String(64), nullable=False)
    text = sa.Column(sa.Text, nullable=False)
    created_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)


class Tag(Base):
    """A short label on a conversation."""

    __tablename__ = "counsellor_tags"
    __table_args__ = (sa.UniqueConstraint("conversation_id", "tag", name="uq_counsellor_tags_conversation_tag"),)
    id = sa.Column(sa.Integer, primary_key=True)
    conversation_id = sa.Column(CONVERSATION_ID, nullable=False, index=True)
    tag = sa.Column(sa.String(40), nullable=False)
    author = sa.Column(sa.String(64), nullable=False)
    created_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)


class Review(Base):
    """A conversation marked as reviewed."""

    __tablename__ = "counsellor_reviews"
    id = sa.Column(sa.Integer, primary_key=True)
    conversation_id = sa.Column(CONVERSATION_ID, nullable=False, unique=True)
    reviewer = sa.Column(sa.String(64), nullable=False)
    reviewed_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)


class Correction(Base):
    """A user turn the bot misunderstood, with the intent a counsellor picked (exported as NLU data)."""

    __tablename__ = "counsellor_corrections"
    id = sa.Column(sa.Integer, primary_key=True)
    conversation_id = sa.Column(CONVERSATION_ID, nullable=False, index=True)
    event_id = sa.Column(sa.Integer, nullable=False, unique=True)  # Rasa's events.id of the user turn
    text = sa.Column(sa.Text, nullable=False)  # the redacted text, as stored by the tracker store
    predicted_intent = sa.Column(sa.String(255))
    intent = sa.Column(sa.String(255), nullable=False)
    author = sa.Column(sa.String(64), nullable=False)
    created_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)


class ReplyMark(Base):
    """A bot reply a counsellor marked as the wrong route or harmful, with the right route and why (red-team cases)."""

    __tablename__ = "counsellor_reply_marks"
    __table_args__ = (
        sa.UniqueConstraint("event_id", "author", name="uq_counsellor_reply_marks_reply_author"),
        sa.CheckConstraint("kind != 'wrong_route' OR route IS NOT NULL", name="route_of_wrong_route"),
    )
    id = sa.Column(sa.Integer, primary_key=True)
    conversation_id = sa.Column(CONVERSATION_ID, nullable=False, index=True)
    event_id = sa.Column(sa.Integer, nullable=False)  # Rasa's events.id of the bot reply
    kind = sa.Column(
        sa.Enum(*REPLY_MARK_KINDS, name="counsellor_reply_mark_kind", native_enum=False, create_constraint=True),
        nullable=False,
    )
    route = sa.Column(sa.String(64))  # the right route (a route slot value, or the red team's "none")
    reason = sa.Column(sa.Text, nullable=False)  # redacted
    message = sa.Column(sa.Text)  # the person's message the reply answered, redacted as stored; None: it answered none
    predicted_intent = sa.Column(sa.String(255))  # what the bot took that message for
    language = sa.Column(sa.String(8), nullable=False)  # the reply's language
    author = sa.Column(sa.String(64), nullable=False)
    created_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)


class AuditEntry(Base):
    """Who did what, to which conversation or account, and when; never message text."""

    __tablename__ = "counsellor_audit_log"
    id = sa.Column(sa.Integer, primary_key=True)
    at = sa.Column(sa.DateTime, nullable=False, default=utcnow, index=True)
    account_id = sa.Column(sa.Integer)  # no foreign key: the log outlives deleted accounts
    username = sa.Column(sa.String(64), nullable=False)
    action = sa.Column(sa.String(40), nullable=False, index=True)
    target = sa.Column(sa.String(255))


class LinkClick(Base):
    """A help line's phone, chat or website link opened from a card in the widget: first time per conversation."""

    __tablename__ = "counsellor_link_clicks"
    __table_args__ = (
        sa.UniqueConstraint("conversation_id", "helpline", "kind", name="uq_counsellor_link_clicks_conversation_line"),
    )
    id = sa.Column(sa.Integer, primary_key=True)
    conversation_id = sa.Column(CONVERSATION_ID, nullable=False, index=True)
    helpline = sa.Column(sa.String(64), nullable=False)  # an id in seeds/helplines.yml
    kind = sa.Column(
        sa.Enum(*LINK_KINDS, name="counsellor_link_kind", native_enum=False, create_constraint=True), nullable=False
    )
    route = sa.Column(sa.String(64))  # the conversation's route when the line's card was last shown, if it had one
    clicked_at = sa.Column(sa.DateTime, nullable=False, default=utcnow, index=True)


# Every table that keeps rows about a conversation: deleted with it (bot/store/deletion.py).
CONVERSATION_TABLES = tuple(table for table in Base.metadata.sorted_tables if "conversation_id" in table.c)
