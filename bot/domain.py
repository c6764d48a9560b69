"""The assistant's domain, read once from the topic files in domain/ (as Rasa merges them)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.constants import ROUTE_SLOT
from bot.settings import PROJECT_ROOT

DOMAIN_DIR = PROJECT_ROOT / "domain"
LIST_KEYS = ("intents", "actions", "entities")
MAP_KEYS = ("slots", "responses", "forms")


def load_domain(directory: Path = DOMAIN_DIR) -> dict[str, Any]:
    """Return the merged domain of every YAML file in `directory`; a key defined twice is an error."""
    merged: dict[str, Any] = {key: [] for key in LIST_KEYS} | {key: {} for key in MAP_KEYS}
    for path in sorted(directory.glob("*.yml")):
        part = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for key in LIST_KEYS:
            merged[key] += part.get(key) or []
        for key in MAP_KEYS:
            twice = set(merged[key]) & set(part.get(key) or {})
            if twice:
                raise ValueError(f"{path.name}: {key} defined in two files: {sorted(twice)}")
            merged[key].update(part.get(key) or {})
        if "session_config" in part:
            merged["session_config"] = part["session_config"]
    return merged


@lru_cache(maxsize=1)
def domain() -> dict[str, Any]:
    """Return the project's domain, loaded once."""
    return load_domain()


def intents() -> tuple[str, ...]:
    """Return the domain's intents in file order."""
    return tuple(domain()["intents"])


def routes() -> tuple[str, ...]:
    """Return the routes a conversation can take: the values of the route slot, in file order."""
    return tuple(domain()["slots"][ROUTE_SLOT]["values"])


def button_payloads() -> frozenset[str]:
    """Return every button payload in the domain's responses."""
    return frozenset(
        button["payload"]
        for variations in domain()["responses"].values()
        for variation in variations
        for button in variation.get("buttons") or []
    )
