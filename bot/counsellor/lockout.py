"""Failed logins counted per username and per client address, with a temporary lock-out."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Optional

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bot.store.models import LoginFailure, utcnow

USER_LOCKED, CLIENT_LOCKED = 423, 429


@dataclass(frozen=True)
class LoginGuard:
    """Lock a username after `max_per_user` failures, a client address after `max_per_client`."""

    key: bytes
    max_per_user: int
    max_per_client: int
    window: timedelta
    lockout: timedelta

    @classmethod
    def from_settings(cls, login: dict[str, Any], key: bytes) -> "LoginGuard":
        """Build the guard from settings.yml's `counsellor.login`."""
        return cls(
            key,
            login["max_failures_per_user"],
            login["max_failures_per_client"],
            timedelta(minutes=login["failure_window_minutes"]),
            timedelta(minutes=login["lockout_minutes"]),
        )

    def _keys(self, username: str, client: str) -> tuple[str, str]:
        """Return keyed hashes: neither typed names nor addresses are stored."""

        def digest(kind: str, value: str) -> str:
            return kind + ":" + hmac.new(self.key, value.encode(), hashlib.sha256).hexdigest()

        return digest("user", username.strip().lower()), digest("client", client)

    def _locked(self, db: Session, key: str, limit: int, now: datetime) -> bool:
        """Tell whether `key` reached `limit` failures in the window and its last one is within the lock-out."""
        times = (
            db.execute(
                sa.select(LoginFailure.failed_at)
                .where(LoginFailure.key == key, LoginFailure.failed_at > now - self.window)
                .order_by(LoginFailure.failed_at.desc())
                .limit(limit)
            )
            .scalars()
            .all()
        )
        return len(times) >= limit and now < times[0] + self.lockout

    def status(self, db: Session, username: str, client: str, now: Optional[datetime] = None) -> Optional[int]:
        """Return 423 when the username is locked, 429 when the client address is, else None."""
        now = now or utcnow()
        user_key, client_key = self._keys(username, client)
        if self._locked(db, client_key, self.max_per_client, now):
            return CLIENT_LOCKED
        if self._locked(db, user_key, self.max_per_user, now):
            return USER_LOCKED
        return None

    def record_failure(self, db: Session, username: str, client: str, now: Optional[datetime] = None) -> None:
        """Count a failed login for the username and the client address; forget failures past their use."""
        now = now or utcnow()
        db.execute(sa.delete(LoginFailure).where(LoginFailure.failed_at <= now - max(self.window, self.lockout)))
        db.add_all(LoginFailure(key=key, failed_at=now) for key in self._keys(username, client))

    def clear_user(self, db: Session, username: str) -> None:
        """Forget a username's failures after it logged in."""
        db.execute(sa.delete(LoginFailure).where(LoginFailure.key == self._keys(username, "")[0]))
