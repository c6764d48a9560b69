"""A Rasa server whose action server is down still gives whole replies in the person's language (no "None")."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import httpx
import pytest
import yaml

from bot.settings import PROJECT_ROOT, project_path, settings

pytestmark = [pytest.mark.servers, pytest.mark.model]

BROKEN = re.compile(r"\bNone\b|\{\w+\}")
CONVERSATIONS = [
    ("nl", ["ik wil niet meer leven", "is het anoniem?", "ben je een mens?"], ["113"]),
    ("en", ["i want to kill myself", "is it free?"], ["113"]),
    ("nl", ["er wordt nu een kind misbruikt bij de buren", "zijn ze nu open?"], ["112"]),
    ("en", ["im 13 and a man online wants nudes from me", "will my parents find out?", "are they open now?"], ["0800-0432"]),
    ("nl", ["ik kijk steeds vaker naar filmpjes met minderjarigen en wil stoppen", "is het gratis", "wat kost een show"], ["Stop it Now"]),
    ("en", ["i have the urge to search again right now", "/moment_contact", "what now"], ["Stop it Now"]),
    ("nl", ["wat is webcammisbruik", "hoe oud zijn de kinderen"], []),
    ("en", ["what do these shows cost", "how many were arrested in the philippines last year"], []),
    # an unclear message runs an action first: without it the fallback answers once, and the conversation goes on
    ("nl", ["hallo", "wat kost zo'n show eigenlijk", "wie zijn die kijkers dan", "is alleen kijken strafbaar", "doei"], []),
    ("en", ["hi, i have a question", "what is live streamed abuse", "how do police find them", "bye"], []),
    ("nl", ["ik kijk dingen met kinderen", "ok", "ja", "nee"], ["Stop it Now"]),
]


def free_port() -> int:
    """Return a TCP port nobody listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def rasa_without_actions(tmp_path_factory):
    """Run one Rasa server whose action endpoint points at a port where nothing listens."""
    folder = tmp_path_factory.mktemp("no-actions")
    endpoints = yaml.safe_load(project_path(settings()["rasa"]["endpoints"]).read_text(encoding="utf-8"))
    endpoints["action_endpoint"] = {"url": f"http://127.0.0.1:{free_port()}/webhook"}
    endpoints["tracker_store"] = {**endpoints["tracker_store"], "dialect": "sqlite", "db": str(folder / "tracker.db")}
    endpoints.pop("lock_store", None)
    (folder / "endpoints.yml").write_text(yaml.safe_dump(endpoints), encoding="utf-8")
    port = free_port()
    log = (folder / "rasa.log").open("w")
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "rasa"), "run", "--interface", "127.0.0.1", "--port", str(port),
         "--model", str(project_path(settings()["rasa"]["model"])), "--endpoints", str(folder / "endpoints.yml"),
         "--credentials", str(project_path(settings()["rasa"]["credentials"]))],
        cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    deadline = time.monotonic() + float(settings()["startup_timeout_seconds"])
    while time.monotonic() < deadline and process.poll() is None:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
            break
        except OSError:
            time.sleep(0.5)
    else:
        process.kill()
        pytest.fail(f"Rasa did not start; see {folder / 'rasa.log'}")
    yield f"http://127.0.0.1:{port}/webhooks/rest/webhook"
    process.terminate()
    process.wait(30)


@pytest.mark.parametrize("language, turns, numbers", CONVERSATIONS)
def test_every_reply_is_whole_with_the_action_server_down(rasa_without_actions, reply_language, language, turns, numbers):
    sender, seen = uuid.uuid4().hex, []
    for turn in turns:
        response = httpx.post(rasa_without_actions, json={"sender": sender, "message": turn}, timeout=60)
        response.raise_for_status()
        texts = [reply["text"] for reply in response.json() if "text" in reply]
        assert texts, f"no reply to {turn!r}"
        assert len(texts) == len(set(texts)), f"a reply repeated for {turn!r}: {texts}"
        for text in texts:
            assert not BROKEN.search(text), f"{turn!r}: {text}"
            assert reply_language(text) in (language, "?"), f"{turn!r}: {text}"
        seen += texts
    for number in numbers:
        assert any(number in text for text in seen), f"{number} never named: {seen}"
