"""Counsellor and admin accounts: argon2id password hashes, creation and verification."""

from __future__ import annotations

import re
import secrets
from functools import lru_cache
from typing import Optional

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session

from bot.store.models import ROLES, Account, utcnow

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
HASHER = PasswordHasher()  # argon2id with argon2-cffi's (RFC 9106 low-memory) parameters


class AccountError(ValueError):
    """An account cannot be created or changed as asked."""


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """Return a hash to verify against for unknown users, so that they take as long as known ones."""
    return HASHER.hash(secrets.token_urlsafe(16))


def generate_password() -> str:
    """Return a random password of 24 URL-safe characters."""
    return secrets.token_urlsafe(18)


def check_password(password: str, min_length: int) -> None:
    """Refuse a password that is too short."""
    if len(password) < min_length:
        raise AccountError(f"the password must have at least {min_length} characters")


def find(db: Session, username: str) -> Optional[Account]:
    """Return the account with this username, if any."""
    return db.execute(sa.select(Account).where(Account.username == username)).scalar_one_or_none()


def create(db: Session, username: str, role: str, password: str, min_length: int) -> Account:
    """Create an account with an argon2id hash of the password."""
    if not USERNAME.match(username):
        raise AccountError("a username has 2-64 characters: lower-case letters, digits, '.', '_' or '-'")
    if role not in ROLES:
        raise AccountError(f"the role is one of {', '.join(ROLES)}")
    check_password(password, min_length)
    if find(db, username) is not None:
        raise AccountError(f"an account named {username} exists already")
    account = Account(username=username, role=role, password_hash=HASHER.hash(password), active=True)
    db.add(account)
    db.flush()
    return account


def set_password(db: Session, account: Account, password: str, min_length: int) -> None:
    """Replace the password and end the account's sessions."""
    check_password(password, min_length)
    account.password_hash = HASHER.hash(password)
    account.password_changed_at = utcnow()
    account.sessions.clear()


def set_active(account: Account, active: bool) -> None:
    """Enable or disable an account; disabling ends its sessions."""
    account.active = active
    if not active:
        account.sessions.clear()


def authenticate(db: Session, username: str, password: str) -> Optional[Account]:
    """Return the active account when the password is right; unknown names cost a verification too."""
    account = find(db, username)
    try:
        HASHER.verify(account.password_hash if account else _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return None
    if account is None or not account.active:
        return None
    if HASHER.check_needs_rehash(account.password_hash):
        account.password_hash = HASHER.hash(password)
    return account
