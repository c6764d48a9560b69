"""The scaled-out set-up: two Rasa servers (and two action servers) sharing PostgreSQL and Redis.

Runs when BOT_TEST_POSTGRES_URL (e.g. postgresql://postgres@127.0.0.1:5432/postgres) and
BOT_TEST_REDIS_URL (e.g. redis://127.0.0.1:6379/0) are set; .ci/run sets both.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
import sqlalchemy as sa
import yaml

from bot import settings as settings_module
from bot.runner import running

POSTGRES_URL = os.environ.get("BOT_TEST_POSTGRES_URL")
REDIS_URL = os.environ.get("BOT_TEST_REDIS_URL")
CONVERSATIONS, TURNS, PARALLEL = 100, 6, 25
PORT_OFFSET = 100  # keep clear of the servers the other end-to-end tests share

pytestmark = [pytest.mark.servers, pytest.mark.model, pytest.mark.skipif(
    not (POSTGRES_URL and REDIS_URL),
    reason="set BOT_TEST_POSTGRES_URL and BOT_TEST_REDIS_URL to test the PostgreSQL + Redis set-up",
)]

MESSAGES = [
    "hallo", "ik maak me zorgen over wat ik online heb gezien", "is het anoniem?", "wat kost zo'n show",
    "waar gebeurt dit vooral", "how do the police find viewers", "is it free", "who are the victims",
    "wat doet de politie eraan", "hoe jong zijn de slachtoffers", "dank je", "doei",
]


@pytest.fixture(scope="module")
def database():
    """Create an empty PostgreSQL database for the run; drop it afterwards."""
    name = f"hulpwijzer_scale_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(POSTGRES_URL).set(database=name)
    yield url
    with admin.connect() as connection:
        connection.execute(sa.text(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"))
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
    admin.dispose()


@pytest.fixture(scope="module")
def scaled_out(database, tmp_path_factory, monkeypatch_module):
    """Start two Rasa servers and two action servers on the shared PostgreSQL and Redis."""
    redis = urlsplit(REDIS_URL)
    config = settings_module.settings()
    config = json.loads(json.dumps(config))  # a copy
    config["rasa"].update(servers=2, routing="round_robin", port=config["rasa"]["port"] + PORT_OFFSET,
                          endpoints="deploy/endpoints.postgres.yml")
    config["actions"].update(servers=2, port=config["actions"]["port"] + PORT_OFFSET)
    config["web"].update(port=config["web"]["port"] + PORT_OFFSET)
    folder = tmp_path_factory.mktemp("scale")
    settings_file = folder / "settings.yml"
    settings_file.write_text(yaml.safe_dump(config), encoding="utf-8")
    for name, value in {
        "BOT_SETTINGS": str(settings_file), "BOT_DB_HOST": database.host or "127.0.0.1",
        "BOT_DB_PORT": str(database.port or 5432), "BOT_DB_NAME": database.database,
        "BOT_DB_USER": database.username or "postgres", "BOT_DB_PASSWORD": database.password or "",
        "BOT_REDIS_HOST": redis.hostname or "127.0.0.1", "BOT_REDIS_PORT": str(redis.port or 6379),
    }.items():
        monkeypatch_module.setenv(name, value)
    monkeypatch_module.delenv("BOT_ENDPOINTS", raising=False)
    settings_module.settings.cache_clear()
    log = folder / "servers.log"
    try:
        with log.open("w") as output, running(output) as urls:
            yield {"webhooks": urls["webhooks"].split(","), "log": log}
    finally:
        settings_module.settings.cache_clear()


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


async def hold_conversations(webhooks: list[str]) -> dict[str, list[str]]:
    """Hold the conversations, many at once; turn n of each goes to server n modulo the servers."""
    gate = asyncio.Semaphore(PARALLEL)
    sent: dict[str, list[str]] = {}

    async def conversation(number: int, client: httpx.AsyncClient) -> None:
        sender = f"scale-{number}-{uuid.uuid4().hex[:8]}"
        texts = [MESSAGES[(number + turn) % len(MESSAGES)] for turn in range(TURNS)]
        sent[sender] = texts
        async with gate:
            for turn, text in enumerate(texts):
                response = await client.post(webhooks[(number + turn) % len(webhooks)], json={"sender": sender, "message": text})
                response.raise_for_status()
                assert response.json(), f"no reply to turn {turn} of {sender}"

    async with httpx.AsyncClient(timeout=120) as client:
        await asyncio.gather(*(conversation(number, client) for number in range(CONVERSATIONS)))
    return sent


def stored_turns(url: sa.engine.URL, sender: str) -> list[tuple[str, str]]:
    """Return (type, text) of the sender's user and bot events in the order they were stored."""
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text("SELECT type_name, data FROM events WHERE sender_id = :sender AND type_name IN ('user', 'bot') ORDER BY id"),
            {"sender": sender},
        ).all()
    engine.dispose()
    return [(row.type_name, json.loads(row.data).get("text") or "") for row in rows]


def redis_writes() -> int:
    """Return how many SET commands the Redis server has run (the lock store writes with SET)."""
    import redis

    stats = redis.Redis.from_url(REDIS_URL).info("commandstats")
    return int(stats.get("cmdstat_set", {}).get("calls", 0))


def test_two_servers_share_every_conversation_without_loss_or_lock_errors(scaled_out, database):
    assert len(scaled_out["webhooks"]) == 2
    writes_before = redis_writes()
    sent = asyncio.run(hold_conversations(scaled_out["webhooks"]))
    assert len(sent) == CONVERSATIONS
    assert redis_writes() - writes_before >= CONVERSATIONS * TURNS, "the conversation locks did not go through Redis"
    for sender, texts in sent.items():
        turns = stored_turns(database, sender)
        users = [text for kind, text in turns if kind == "user"]
        assert users == texts, f"{sender}: stored user turns differ from those sent"
        for index, (kind, _) in enumerate(turns):
            if kind == "user":
                assert index + 1 < len(turns) and turns[index + 1][0] == "bot", f"{sender}: a user turn without a reply"
    log = Path(scaled_out["log"]).read_text(encoding="utf-8", errors="replace")
    assert not re.search(r"LockError|Could not acquire lock|lock.*(timed out|timeout)", log, re.IGNORECASE)
    assert "Traceback" not in log
