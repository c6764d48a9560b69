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
    for variable, section, key, kind in OVERRIDES:
        if os.environ.get(variable):
            loaded[section][key] = kind(os.environ[variable])
    return loaded


# Environment variables that override single settings: (variable, section, key, type).
OVERRIDES = (
    ("BOT_ENDPOINTS", "rasa", "endpoints", str),
    ("BOT_RASA_SERVERS", "rasa", "servers", int),
    ("BOT_RASA_ROUTING", "rasa", "routing", str),
    ("BOT_ACTION_SERVERS", "actions", "servers", int),
    ("BOT_SHARED_EVAL", "evaluation", "shared_eval", str),
    ("BOT_RASA_SPEEDUPS", "rasa", "speedups", lambda value: value.strip().lower() not in ("0", "false", "no", "off")),
)


def rasa_urls(rasa: dict[str, Any]) -> list[str]:
    """Return the base URLs of the Rasa servers, which listen on consecutive ports."""
    return [f"http://{rasa['host']}:{rasa['port'] + number}" for number in range(int(rasa["servers"]))]


def action_urls(actions: dict[str, Any]) -> list[str]:
    """Return the base URLs of the action servers, which listen on consecutive ports."""
    return [f"http://{actions['host']}:{actions['port'] + number}" for number in range(int(actions["servers"]))]


def project_path(relative: str | Path) -> Path:
    """Resolve a path from the settings against the project root."""
    path = Path(relative)
    return path if path.is_absolute() else PROJECT_ROOT / path
