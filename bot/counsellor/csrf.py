"""CSRF tokens: one per session (synchronizer token), and a double-submit token for the login form."""

from __future__ import annotations

import hmac
import secrets
from typing import Optional

FIELD = "csrf"


def new_token() -> str:
    """Return a random token."""
    return secrets.token_urlsafe(32)


def valid(expected: Optional[str], submitted: Optional[str]) -> bool:
    """Tell whether a submitted token matches the expected one (constant time)."""
    return bool(expected) and bool(submitted) and hmac.compare_digest(str(expected), str(submitted))
