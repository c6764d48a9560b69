"""A Rasa server killed under load: its conversations move to the other one, supervisord restarts it, no turn is lost."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import psutil
import pytest
import sqlalchemy as sa

from bot.settings import settings
from bot.store.location import database_url

pytestmark = [pytest.mark.servers, pytest.mark.model]

CONVERSATIONS, TURNS = 8, 6
TEXTS = ["ik wil niet meer leven", "is het anoniem?", "hoi", "er wordt nu een kind misbruikt", "dank je", "wat kost het"]


def web_api(servers: dict) -> str:
    """Return the chat API's base URL."""
    return servers["web"].rsplit("/api/", 1)[0] + "/api"


def rasa_process(port: int) -> psutil.Process:
    """Return the Rasa server process (`python -m bot.rasa_main run`) listening on `port`."""
    for process in psutil.process_iter(["cmdline"]):
        cmdline = process.info["cmdline"] or []
        if "run" in cmdline and "--port" in cmdline and cmdline[cmdline.index("--port") + 1] == str(port) and "bot.rasa_main" in cmdline:
            return process
    raise LookupError(f"no Rasa server on port {port}")


def wait_until_up(url: str, seconds: float) -> None:
    """Wait until `url` answers."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.HTTPError:
            time.sleep(1)
    raise TimeoutError(url)


@pytest.mark.skipif(settings()["rasa"]["servers"] < 2, reason="needs two Rasa servers")
def test_killing_a_rasa_server_under_load_loses_no_turn_and_it_comes_back(servers):
    api, rasa = web_api(servers), settings()["rasa"]
    conversations = [httpx.post(f"{api}/conversations", timeout=30).json()["conversation_id"] for _ in range(CONVERSATIONS)]
    victim = rasa_process(rasa["port"] + 1)
    failed, lock = [], threading.Lock()

    def talk(conversation: str) -> None:
        for turn in range(TURNS):
            response = httpx.post(f"{api}/conversations/{conversation}/messages", json={"text": TEXTS[turn]}, timeout=60)
            if response.status_code != 200:
                with lock:
                    failed.append((conversation, turn, response.status_code))
            time.sleep(0.3)

    with ThreadPoolExecutor(CONVERSATIONS) as pool:
        futures = [pool.submit(talk, conversation) for conversation in conversations]
        time.sleep(1.0)
        victim.kill()  # mid-conversation, while messages are in flight
        for future in futures:
            future.result()
    assert failed == []  # every turn answered, by the live server while the other one was down
    engine = sa.create_engine(database_url())
    with engine.connect() as connection:
        counts = dict(connection.execute(sa.text(
            "SELECT sender_id, COUNT(*) FROM events WHERE type_name = 'user' GROUP BY sender_id")).fetchall())
    engine.dispose()
    stored = sorted(count for sender, count in counts.items() if sender in conversations)
    assert stored == [TURNS] * CONVERSATIONS  # every user turn stored exactly once (the conversation id is the sender)
    wait_until_up(f"http://{rasa['host']}:{rasa['port'] + 1}/", float(settings()["startup_timeout_seconds"]))
    assert rasa_process(rasa["port"] + 1).pid != victim.pid  # supervisord started a new one
