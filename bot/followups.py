"""Which reply answers each follow-up question, read from the follow-up rules."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Optional

import yaml

from bot.settings import project_path, settings


@lru_cache(maxsize=1)
def unclear_followup_confidence() -> float:
    """Return how sure the classifier must be to take an unclear message as a follow-up (settings.yml)."""
    return float(settings()["dialogue"]["unclear_followup_confidence"])


@lru_cache(maxsize=1)
def followup_responses() -> dict[str, str]:
    """Return, per follow-up or turn intent, the one response its rule sends (longer rules and never-guessed intents left out)."""
    dialogue = settings()["dialogue"]
    never = set(dialogue["never_guessed"])
    answers: dict[str, str] = {}
    for path in dialogue["followup_rules"]:
        for rule in yaml.safe_load(project_path(path).read_text(encoding="utf-8"))["rules"]:
            steps = rule["steps"]
            if len(steps) == 2 and "intent" in steps[0] and str(steps[1].get("action", "")).startswith("utter_"):
                if steps[0]["intent"] not in never:
                    answers.setdefault(steps[0]["intent"], steps[1]["action"])
    return answers


def likely_followup(ranking: list[dict[str, Any]], routed: bool) -> Optional[str]:
    """Return the response for an unclear message's likeliest follow-up intent, in a conversation with a route."""
    if not routed:
        return None
    candidates = [entry for entry in ranking if entry.get("name") != "nlu_fallback"]
    if not candidates:
        return None
    best = candidates[0]
    if float(best.get("confidence") or 0.0) < unclear_followup_confidence():
        return None
    return followup_responses().get(best.get("name") or "")
