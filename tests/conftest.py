"""Fixtures every test folder can use: trackers for actions, the NLG, the running servers, the source articles."""

from __future__ import annotations

import copy
import importlib.util
import os
from pathlib import Path

import pytest
import yaml

from bot.settings import project_path, settings
from tests.support.rendering import make_tracker, project_domain, render_reply


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
    from bot.runner import running

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
def shared_eval() -> Path:
    """Return the graders' folder (settings.yml evaluation.shared_eval, ../shared/eval), which must exist."""
    folder = project_path(settings()["evaluation"]["shared_eval"])
    assert folder.is_dir(), f"the graders' folder was not found at {folder} (BOT_SHARED_EVAL)"
    return folder


@pytest.fixture(scope="session")
def shared_seeds(shared_eval: Path) -> Path:
    """Return the folder of source articles beside the graders (../shared/seeds), which must exist."""
    folder = shared_eval.parent / "seeds"
    assert folder.is_dir(), f"source articles not found at {folder}"
    return folder


@pytest.fixture(scope="session")
def reply_language(shared_eval: Path):
    """Return the graders' language check (../shared/eval/grade.py): "nl", "en" or "?" for a text."""
    spec = importlib.util.spec_from_file_location("grade", shared_eval / "grade.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.reply_language


@pytest.fixture(scope="session")
def render():
    """Return the NLG renderer: render(response, texts, slots) -> text."""
    return render_reply


@pytest.fixture(scope="session")
def rasa_domain():
    """Return the project's domain as Rasa loads it."""
    return project_domain()
