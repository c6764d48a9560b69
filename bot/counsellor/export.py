"""Corrections (misunderstood messages and the right intent) as Rasa NLU training data in YAML."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path
from typing import AbstractSet, Iterable, Optional

import yaml

from bot.privacy.redaction import PLACEHOLDERS
from bot.store.models import Correction

PLACEHOLDER = re.compile("|".join(re.escape(p) for p in PLACEHOLDERS.values()))
# "[x](y)", "[x]{...}" and "[x][...]" are entity annotations in Rasa's format: keep a "]" from starting one.
ANNOTATION = re.compile(r"\](?=[({\[])")
HEADER = (
    "# Messages the bot misunderstood, with the intent a counsellor picked in the dashboard.\n"
    "# The texts are redacted ([TELEFOON] and so on stand for removed personal data).\n"
    "# Check them, then merge into data/nlu/ and retrain.\n"
)


def one_line(text: str) -> str:
    """Return the text on one line: runs of white space as one space, control and other unprintable characters left out."""
    return "".join(ch for ch in " ".join(text.split()) if ch.isprintable())


def message_text(text: str) -> Optional[str]:
    """Return a typed message on one line, or None for a button payload or when nothing but placeholders is left."""
    flat = one_line(text)
    if flat.startswith("/") or not re.search(r"\w", PLACEHOLDER.sub(" ", flat)):
        return None
    return flat


def example_text(text: str) -> Optional[str]:
    """Return the text as one training example, or None when nothing but placeholders is left."""
    flat = message_text(text)
    return ANNOTATION.sub("] ", flat) if flat else None


def training_texts(nlu_dir: Path) -> set[str]:
    """Return the examples already in the training data, case-folded."""
    found: set[str] = set()
    for path in sorted(nlu_dir.glob("**/*.yml")):
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu") or []:
            for line in str(block.get("examples") or "").splitlines():
                found.add(line.strip().removeprefix("- ").strip().casefold())
    return found


def to_nlu_yaml(corrections: Iterable[Correction], known: AbstractSet[str] = frozenset()) -> tuple[str, int]:
    """Return the corrections as Rasa NLU YAML (version 3.1) and how many examples it holds.

    Texts already in the training data, and texts that are only placeholders, are left out; when the
    same text was corrected twice, the newest choice counts.
    """
    newest: dict[str, tuple[str, str]] = {}
    for correction in sorted(corrections, key=lambda c: (c.created_at, c.id)):
        text = example_text(correction.text)
        if text and text.casefold() not in known:
            newest[text.casefold()] = (correction.intent, text)
    by_intent: dict[str, list[str]] = defaultdict(list)
    for intent, text in newest.values():
        by_intent[intent].append(text)
    lines = [HEADER + 'version: "3.1"', "nlu:" if by_intent else "nlu: []"]
    for intent in sorted(by_intent):
        lines += [f"- intent: {intent}", "  examples: |"] + [f"    - {text}" for text in by_intent[intent]]
    return "\n".join(lines) + "\n", sum(len(texts) for texts in by_intent.values())
