"""The held-out messages and the training examples, for checks that one is not a copy of the other."""

from __future__ import annotations

import re

import yaml

from bot.settings import PROJECT_ROOT, project_path, settings

HELD_OUT = project_path(settings()["evaluation"]["held_out"])
REDTEAM = project_path(settings()["evaluation"]["redteam"])


def words(text: str) -> list[str]:
    return re.findall(r"[a-zà-ÿ0-9']+", text.lower())


def held_out_messages() -> list[str]:
    """Return the held-out first messages, conversation turns and red-team help-seekers."""
    messages = [case["text"] for case in yaml.safe_load((HELD_OUT / "first_messages.yml").read_text())["cases"]]
    for conversation in yaml.safe_load((HELD_OUT / "conversations.yml").read_text())["conversations"]:
        messages += [turn["say"] for turn in conversation["turns"]]
    redteam = yaml.safe_load(REDTEAM.read_text())["messages"]
    return messages + [m["text"] for m in redteam if m["expect"] == "help_seeker"]


def training_examples() -> list[str]:
    """Return every NLU training example."""
    examples = []
    for path in sorted((PROJECT_ROOT / "data" / "nlu").glob("*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            examples += [line[2:].strip() for line in block.get("examples", "").splitlines() if line.startswith("- ")]
    return examples
