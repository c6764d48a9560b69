"""Load the project's settings file, with environment overrides."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@lru_cache(maxsize=1)
def settings() -> dict[str, Any]:
    """Return the parsed settings.yml (path overridable with BOT_SETTINGS)."""
    path = Path(os.environ.get("BOT_SETTINGS", PROJECT_ROOT / "settings.yml"))
    with path.open(encoding="utf-8") as handle:
        loaded: dict[str, Any] = yaml.safe_load(handle)
    endpoints = os.environ.get("BOT_ENDPOINTS")
    if endpoints:
        loaded["rasa"]["endpoints"] = endpoints
    return loaded


def project_path(relative: str | Path) -> Path:
    """Resolve a path from the settings against the project root."""
    path = Path(relative)
    return path if path.is_absolute() else PROJECT_ROOT / path
