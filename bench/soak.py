"""Soak test: mixed traffic through the web tier for a long time, with faults injected.

Starts the assistant under its process manager (a scratch SQLite database, the
per-client limits lifted, as bench/load.py does), then for `--minutes` keeps
`--users` people in conversation through the chat API, mixes malformed
requests in, and kills each kind of process once (an action server, each Rasa
server, the web tier) at spread-out moments. A turn that fails is sent once
more after a pause, as a person would. Prints turns sent, answered, lost and
duplicated, errors by kind, server errors on malformed input, and the peak
memory per process, and writes them to results/bench/soak.json.

    .venv/bin/python bench/soak.py --minutes 30
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import httpx
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import (  # noqa: E402
    DEFAULT_CONVERSATIONS,
    ProcessWatch,
    load_conversations,
    project_processes,
    started_servers,
    write_report,
)

from bot.settings import settings  # noqa: E402
from bot.store.location import database_url  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
RETRY_AFTER_SECONDS = 3.0
MALFORMED = [  # (body, content type): each must get a 4xx JSON error, never a 5xx
    (b"not json", "application/json"),
    (b"[" * 1000 + b"]" * 1000, "application/json"),
    (b'{"text": "\\ud800 hoi"}', "application/json"),
    (b'{"text": "<script>alert(1)</script>", "sender": "x"}', "application/json"),
    (b'{"payload": "/restart"}', "application/json"),  # not a button of the bot
    (b'{"payload": "/crisis{\\"x\\": 1}"}', "application/json"),
    (b"text=hoi", "application/x-www-form-urlencoded"),
    (b'{"text": "' + b"a" * 40000 + b'"}', "application/json"),
]
FORGED = ["/ /crisis", "//danger_now hoi", "/restart"]  # typed text that must never become an intent


@dataclass
class Tally:
    """What happened during the soak."""

    sent: int = 0
    answered: int = 0
    lost: int = 0
    first_try_errors: Counter = field(default_factory=Counter)
    malformed_sent: int = 0
    malformed_server_errors: int = 0
    faults: list[str] = field(default_factory=list)
    lost_turns: list[str] = field(default_factory=list)  # when, why, and which of the bench's scripted turns
    turns_by_conversation: Counter = field(default_factory=Counter)


async def say(client: httpx.AsyncClient, base: str, conversation: str, text: str) -> Optional[str]:
    """Send one turn; return None when answered, else the kind of error."""
    try:
        response = await client.post(f"{base}/api/conversations/{conversation}/messages", json={"text": text})
    except httpx.HTTPError as error:
        return type(error).__name__
    if response.status_code == 200:
        return None if response.json().get("replies") else "empty reply"
    return f"http {response.status_code}"


async def new_conversation(client: httpx.AsyncClient, base: str) -> str:
    """Open a conversation, waiting while the web tier is being restarted."""
    while True:
        try:
            response = await client.post(f"{base}/api/conversations")
            if response.status_code == 201:
                return response.json()["conversation_id"]
        except httpx.HTTPError:
            pass
        await asyncio.sleep(1)


async def person(tally: Tally, base: str, deadline: float, seed: int, conversations: list[list[str]], malformed_share: float) -> None:
    """Hold conversations until the deadline, now and then sending something malformed."""
    rng = random.Random(seed)
    async with httpx.AsyncClient(timeout=60) as client:
        while time.monotonic() < deadline:
            conversation = await new_conversation(client, base)
            for text in rng.choice(conversations) + ([rng.choice(FORGED)] if rng.random() < 0.2 else []):
                if time.monotonic() >= deadline:
                    return
                if rng.random() < malformed_share:
                    await send_malformed(tally, client, base, conversation, rng)
                tally.sent += 1
                tally.turns_by_conversation[conversation] += 1
                error = await say(client, base, conversation, text)
                if error:
                    tally.first_try_errors[error] += 1
                    await asyncio.sleep(RETRY_AFTER_SECONDS)
                    error = await say(client, base, conversation, text)
                tally.answered += error is None
                tally.lost += error is not None
                if error:
                    tally.lost_turns.append(f"{time.strftime('%H:%M:%S')} {error}: {text[:40]!r}")
                await asyncio.sleep(rng.uniform(0.2, 1.0))


async def send_malformed(tally: Tally, client: httpx.AsyncClient, base: str, conversation: str, rng: random.Random) -> None:
    """Send one malformed request and count a server error."""
    body, content_type = rng.choice(MALFORMED)
    tally.malformed_sent += 1
    try:
        response = await client.post(f"{base}/api/conversations/{conversation}/messages", content=body,
                                     headers={"Content-Type": content_type})
        tally.malformed_server_errors += response.status_code >= 500
    except httpx.HTTPError:
        pass  # the web tier being restarted: not an answer to the input


def kill_one(marker: str) -> Optional[int]:
    """Kill the first of this checkout's processes whose command line contains `marker`; return its pid."""
    for process, command in project_processes():
        if marker in command and "bench/" not in command and "supervisord" not in command:
            process.kill()
            return process.pid
    return None


async def inject_faults(tally: Tally, seconds: float) -> None:
    """Kill an action server, each Rasa server and the web tier once, spread over the run."""
    rasa = settings()["rasa"]
    targets = [("action server", "bot.action_server"), ("rasa-1", f"--port {rasa['port'] + 1}"),
               ("rasa-0", f"--port {rasa['port']}"), ("web tier", "uvicorn bot.web.app")]
    for _number, (name, marker) in enumerate(targets, start=1):
        await asyncio.sleep(seconds / (len(targets) + 1))
        pid = kill_one(marker)
        tally.faults.append(f"{time.strftime('%H:%M:%S')} killed {name} (pid {pid})")
        print(tally.faults[-1], flush=True)


def stored() -> tuple[Counter, int]:
    """Return the user events stored per conversation, and how many stored events hold a malformed payload."""
    engine = sa.create_engine(database_url())
    with engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT sender_id, COUNT(*) FROM events WHERE type_name = 'user' GROUP BY sender_id"))
        counts = Counter({sender: count for sender, count in rows})
        payloads = connection.execute(sa.text(
            "SELECT COUNT(*) FROM events WHERE data LIKE '%<script>%' OR data LIKE '%aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa%'"
        )).scalar()
    engine.dispose()
    return counts, int(payloads or 0)


async def soak(minutes: float, users: int, malformed_share: float, conversations: list[list[str]], faults: bool) -> tuple[Tally, ProcessWatch]:
    """Run the traffic and the faults side by side."""
    web = settings()["web"]
    base, seconds, tally = f"http://{web['host']}:{web['port']}", minutes * 60, Tally()
    with ProcessWatch() as watch:
        deadline = time.monotonic() + seconds
        await asyncio.gather(*([inject_faults(tally, seconds)] if faults else []),
                             *(person(tally, base, deadline, seed, conversations, malformed_share) for seed in range(users)))
    return tally, watch


def main(argv: Optional[list[str]] = None) -> int:
    """Parse arguments, run the soak, print and save the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--users", type=int, default=8)
    parser.add_argument("--malformed-share", type=float, default=0.1, help="share of turns preceded by a malformed request")
    parser.add_argument("--no-faults", action="store_true", help="kill nothing (a baseline)")
    parser.add_argument("--out", default=str(ROOT / "results" / "bench" / "soak.json"))
    args = parser.parse_args(argv)
    with started_servers(None, None, None) as start_seconds:
        print(f"servers up in {start_seconds:.1f} s; soaking for {args.minutes} min with {args.users} people", flush=True)
        tally, watch = asyncio.run(soak(args.minutes, args.users, args.malformed_share, load_conversations(DEFAULT_CONVERSATIONS), not args.no_faults))
        turns_stored, payloads_stored = stored()
    extra = {c: turns_stored[c] - sent for c, sent in tally.turns_by_conversation.items() if turns_stored[c] > sent}
    duplicated = sum(extra.values())
    report = {
        "minutes": args.minutes, "users": args.users, "turns_sent": tally.sent, "answered": tally.answered, "lost": tally.lost,
        "duplicated_in_store": duplicated, "conversations_with_duplicates": len(extra),
        "first_try_errors": dict(tally.first_try_errors),
        "malformed_sent": tally.malformed_sent, "malformed_server_errors": tally.malformed_server_errors,
        "malformed_payloads_stored": payloads_stored,
        "faults": tally.faults, "lost_turns": tally.lost_turns, "peak_rss_mb_per_process": watch.peaks_per_process(),
    }
    for key, value in report.items():
        print(f"{key:28} {value}")
    write_report(report, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
