"""Server-side login sessions: random cookie tokens (only their hash is stored), idle and absolute expiry."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Session as DbSession

from bot.store.models import Account, Session, utcnow

TOUCH_EVERY = timedelta(seconds=30)  # last_seen_at is written at most this often


def token_hash(token: str) -> str:
    """Return the stored form of a cookie token."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class SessionPolicy:
    """How long a session lasts: idle timeout and absolute lifetime."""

    idle: timedelta
    lifetime: timedelta

    def expired(self, session: Session, now: datetime) -> bool:
        """Tell whether the session was idle too long or is too old."""
        return now - session.last_seen_at > self.idle or now - session.created_at > self.lifetime

    def start(self, db: DbSession, account: Account, now: Optional[datetime] = None) -> str:
        """Create a session for the account (with a fresh CSRF token) and return its cookie token."""
        now = now or utcnow()
        db.execute(
            sa.delete(Session).where(
                (Session.last_seen_at < now - self.idle) | (Session.created_at < now - self.lifetime)
            )
        )
        token = secrets.token_urlsafe(32)
        db.add(
            Session(
                token_hash=token_hash(token),
                csrf_token=secrets.token_urlsafe(32),
                account=account,
                created_at=now,
                last_seen_at=now,
            )
        )
        db.flush()
        return token

    def load(self, db: DbSession, token: Optional[str], now: Optional[datetime] = None) -> Optional[Session]:
        """Return the live session of a cookie token and note the activity; end it when expired."""
        if not token:
            return None
        now = now or utcnow()
        session = db.execute(sa.select(Session).where(Session.token_hash == token_hash(token))).scalar_one_or_none()
        if session is None:
            return None
        if self.expired(session, now) or not session.account.active:
            db.delete(session)
            return None
        if now - session.last_seen_at >= TOUCH_EVERY:
            session.last_seen_at = now
        return session

    @staticmethod
    def end(db: DbSession, token: Optional[str]) -> None:
        """End the session of a cookie token, if there is one."""
        if token:
            db.execute(sa.delete(Session).where(Session.token_hash == token_hash(token)))
