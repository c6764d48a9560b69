"""Shared fixtures: trackers for actions, and where the source articles are."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional

import pytest
from rasa_sdk import Tracker

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DOMAIN_DIR = PROJECT_ROOT / "domain"
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
    """Run the action server, Rasa and the web tier once for all end-to-end tests.

    The browser tests open more chats a minute from one address than people do, so the servers get a copy of
    the settings whose per-client limits are roomier; everything else is as configured.
    """
    import copy

    import yaml

    from bot.runner import running
    from bot.settings import settings

    config = copy.deepcopy(settings())
    for limit in ("per_client", "new_conversations_per_client"):
        config["web"]["rate_limit"][limit]["messages"] = 10_000
    roomy = tmp_path_factory.mktemp("settings") / "settings.yml"
    roomy.write_text(yaml.safe_dump(config), encoding="utf-8")
    log = tmp_path_factory.mktemp("logs") / "servers.log"
    before = os.environ.get("BOT_SETTINGS")
    os.environ["BOT_SETTINGS"] = str(roomy)  # read by the servers' processes; this one keeps its settings
    try:
        with log.open("w") as output, running(output) as urls:
            yield {**urls, "log": log}
    finally:
        if before is None:
            os.environ.pop("BOT_SETTINGS", None)
        else:
            os.environ["BOT_SETTINGS"] = before


@pytest.fixture(scope="session")
def reply_language():
    """Return the graders' language check (../shared/eval/grade.py): "nl", "en" or "?" for a text."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("grade", SHARED_SEEDS.parent / "eval" / "grade.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.reply_language


def render_reply(response: str, texts: list[str], slots: dict[str, Any]) -> str:
    """Return the text the bot's NLG gives for `response` after the user `texts`, with `slots` set."""
    import asyncio

    from rasa.shared.core.events import SlotSet, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    from bot.nlg import LanguageAwareNLG

    domain = project_domain()
    events = [UserUttered(text) for text in texts] + [SlotSet(name, value) for name, value in slots.items()]
    tracker = DialogueStateTracker.from_events("nlg-test", events, slots=domain.slots)
    return asyncio.run(LanguageAwareNLG(domain=domain).generate(response, tracker, "rest"))["text"]


@pytest.fixture(scope="session")
def render():
    """Return the NLG renderer: render(response, texts, slots) -> text."""
    return render_reply


@pytest.fixture(scope="session")
def rasa_domain():
    """Return the project's domain as Rasa loads it."""
    return project_domain()


@lru_cache(maxsize=1)
def project_domain():
    """Return the project's domain (the files in domain/), loaded once."""
    from rasa.shared.core.domain import Domain

    return Domain.load(str(DOMAIN_DIR))


@pytest.fixture(scope="session")
def shared_seeds() -> Path:
    """Return the folder of source articles (../shared/seeds), which must exist."""
    assert SHARED_SEEDS.is_dir(), f"source articles not found at {SHARED_SEEDS}"
    return SHARED_SEEDS
