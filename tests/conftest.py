"""Shared fixtures: trackers for actions, and where the source articles are."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Optional

import pytest
from rasa_sdk import Tracker

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHARED_SEEDS = Path(os.environ.get("BOT_SHARED_SEEDS", PROJECT_ROOT.parent / "shared" / "seeds"))


def make_tracker(
    intent: str,
    text: str = "",
    slots: Optional[dict[str, Any]] = None,
    earlier_texts: tuple[str, ...] = (),
) -> Tracker:
    """Build a tracker whose latest user message has `intent` and `text`."""
    events = [{"event": "user", "text": earlier} for earlier in earlier_texts]
    latest = {"intent": {"name": intent, "confidence": 1.0}, "text": text, "entities": []}
    events.append({"event": "user", "text": text, "parse_data": latest})
    return Tracker("test-sender", slots or {}, latest, events, False, None, {}, "action_listen")


@pytest.fixture
def tracker_for():
    """Return the tracker factory."""
    return make_tracker


@pytest.fixture(scope="session")
def servers(tmp_path_factory):
    """Run the action server, Rasa and the web tier once for all end-to-end tests."""
    from bot.runner import running

    log = tmp_path_factory.mktemp("logs") / "servers.log"
    with log.open("w") as output, running(output) as urls:
        yield {**urls, "log": log}


@pytest.fixture(scope="session")
def shared_seeds() -> Path:
    """Return the folder of source articles (../shared/seeds), which must exist."""
    assert SHARED_SEEDS.is_dir(), f"source articles not found at {SHARED_SEEDS}"
    return SHARED_SEEDS
