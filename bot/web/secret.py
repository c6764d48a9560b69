"""The web tier's key for conversation ids: from the environment, else made once and kept in var/."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from bot.settings import project_path


def web_secret(variable: str, kept_in: str | Path) -> bytes:
    """Return the key from `variable`, or from the file `kept_in` (created with owner-only access on first use)."""
    given = os.environ.get(variable, "")
    if given:
        return given.encode()
    path = project_path(kept_in)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text(encoding="ascii").strip().encode()
