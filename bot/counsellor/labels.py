"""Readable names of intents, routes, help lines, flags, markers, severities and audit actions, from labels.yml."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

import yaml
from babel import Locale

from bot.counsellor import i18n
from bot.knowledge import helplines

LABELS_FILE = Path(__file__).with_name("labels.yml")
KINDS = ("intents", "routes", "helplines", "flags", "markers", "severities", "categories", "actions")


@lru_cache(maxsize=1)
def labels() -> dict[str, dict[str, dict[str, str]]]:
    """Read labels.yml once: kind -> name -> language -> label."""
    data: dict[str, Any] = yaml.safe_load(LABELS_FILE.read_text(encoding="utf-8"))
    return {kind: {str(name): dict(names) for name, names in (data.get(kind) or {}).items()} for kind in KINDS}


def label(kind: str, name: str) -> str:
    """Return the name of `name` in the current language; unknown names are shown readably as they are."""
    names = labels()[kind].get(name) or {}
    return names.get(i18n.current()) or names.get(i18n.DEFAULT) or name.replace("_", " ")


def labeller(kind: str) -> Callable[[str], str]:
    """Return the function that labels names of one kind (a template filter)."""
    return lambda name: label(kind, name)


@lru_cache(maxsize=1)
def helpline_ids() -> dict[str, str]:
    """Return each help line's id by its name in seeds/helplines.yml (conversations store the name)."""
    return {line.name: line_id for line_id, line in helplines().items()}


def helpline(name_or_id: str) -> str:
    """Return a help line's label, given its id or its name as stored in a conversation."""
    return label("helplines", helpline_ids().get(name_or_id, name_or_id))


def category(name: str) -> str:
    """Return the label of an overview category: a safety flag, or signposted, facts or other."""
    return label("flags" if name in labels()["flags"] else "categories", name)


def language_name(code: str) -> str:
    """Return a conversation language's name in the current language ("Engels" for en in the Dutch interface)."""
    return Locale.parse(i18n.current()).languages.get(code, code)
