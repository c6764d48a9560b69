"""Load benchmark: N anonymous users holding six-turn conversations without pauses.

Starts the assistant itself (or, with --running, uses one started by `make
run`) and measures (a) the Rasa REST channel and (b) the web tier's chat API.
The benchmark is a single client, so when it starts the servers itself it
lifts the web tier's per-client rate limits for the run. Prints latency
percentiles, throughput, errors and the peak RSS of each server process as a
table, and writes the figures to results/bench/load.json.

    .venv/bin/python bench/load.py --users 1 5 20 50 --seconds 30
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import tempfile
import platform
import random
import statistics
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Awaitable, Callable, Iterator, Optional

import httpx
import psutil
import yaml

ROOT = Path(__file__).resolve().parent.parent
CONVERSATIONS = yaml.safe_load((ROOT / "bench" / "conversations.yml").read_text(encoding="utf-8"))["conversations"]
PROCESS_MARKERS = {"rasa": "rasa run", "actions": "rasa_sdk", "web": "uvicorn"}


@dataclass
class Result:
    """Latencies (seconds) and errors of one run."""

    target: str
    users: int
    seconds: float
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    peak_rss_mb: dict[str, float] = field(default_factory=dict)

    def percentile(self, share: float) -> float:
        """Return a latency percentile in milliseconds."""
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return 1000 * ordered[min(len(ordered) - 1, int(share * len(ordered)))]

    def summary(self) -> dict:
        """Return the figures as a dict."""
        return {
            "target": self.target, "users": self.users, "messages": len(self.latencies), "errors": self.errors,
            "p50_ms": round(self.percentile(0.50), 1), "p95_ms": round(self.percentile(0.95), 1),
            "p99_ms": round(self.percentile(0.99), 1),
            "mean_ms": round(1000 * statistics.fmean(self.latencies), 1) if self.latencies else None,
            "messages_per_second": round(len(self.latencies) / self.seconds, 1),
            "peak_rss_mb": self.peak_rss_mb,
        }


def server_processes() -> dict[str, list[psutil.Process]]:
    """Find the running server processes by their command lines."""
    found: dict[str, list[psutil.Process]] = {name: [] for name in PROCESS_MARKERS}
    for process in psutil.process_iter(["cmdline"]):
        command = " ".join(process.info["cmdline"] or [])
        for name, marker in PROCESS_MARKERS.items():
            if marker in command and "bench/load.py" not in command:
                found[name].append(process)
    return found


class MemoryWatch:
    """Sample the RSS of the server processes in a thread and keep the peak per kind."""

    def __init__(self) -> None:
        self.peaks: dict[str, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> "MemoryWatch":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            for name, processes in server_processes().items():
                total = 0.0
                for process in processes:
                    try:
                        total += process.memory_info().rss / 2**20
                    except psutil.Error:
                        pass
                if processes:
                    self.peaks[name] = round(max(self.peaks.get(name, 0.0), total), 1)
            self._stop.wait(0.5)


Sender = Callable[[httpx.AsyncClient, str, str], Awaitable[bool]]


def rest_sender(base: str) -> tuple[Sender, Callable[[httpx.AsyncClient], Awaitable[str]]]:
    """Return (send, new conversation) for Rasa's REST channel."""
    async def send(client: httpx.AsyncClient, conversation: str, text: str) -> bool:
        response = await client.post(f"{base}/webhooks/rest/webhook", json={"sender": conversation, "message": text})
        return response.status_code == 200 and bool(response.json())

    async def new(client: httpx.AsyncClient) -> str:
        return f"bench-{uuid.uuid4().hex}"

    return send, new


def web_sender(base: str) -> tuple[Sender, Callable[[httpx.AsyncClient], Awaitable[str]]]:
    """Return (send, new conversation) for the web tier's chat API."""
    async def send(client: httpx.AsyncClient, conversation: str, text: str) -> bool:
        response = await client.post(f"{base}/api/conversations/{conversation}/messages", json={"text": text})
        return response.status_code == 200 and bool(response.json().get("replies"))

    async def new(client: httpx.AsyncClient) -> str:
        response = await client.post(f"{base}/api/conversations")
        return response.json()["conversation_id"]

    return send, new


async def user(result: Result, send: Sender, new: Callable, deadline: float, seed: int) -> None:
    """Hold six-turn conversations back to back until the deadline."""
    rng = random.Random(seed)
    async with httpx.AsyncClient(timeout=60) as client:
        while time.monotonic() < deadline:
            conversation = await new(client)
            for text in rng.choice(CONVERSATIONS):
                if time.monotonic() >= deadline:
                    return
                started = time.monotonic()
                try:
                    ok = await send(client, conversation, text)
                except httpx.HTTPError:
                    ok = False
                if ok:
                    result.latencies.append(time.monotonic() - started)
                else:
                    result.errors += 1


async def run_level(target: str, users: int, seconds: float, rest: str, web: str) -> Result:
    """Run one load level against one target."""
    send, new = rest_sender(rest) if target == "rest" else web_sender(web)
    result = Result(target, users, seconds)
    with MemoryWatch() as memory:
        deadline = time.monotonic() + seconds
        await asyncio.gather(*(user(result, send, new, deadline, seed) for seed in range(users)))
    result.peak_rss_mb = memory.peaks
    return result


def print_table(rows: list[dict]) -> None:
    """Print the results as a table."""
    header = f"{'target':6} {'users':>5} {'msgs':>6} {'err':>4} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'msg/s':>7}  peak RSS MB"
    print(header)
    print("-" * len(header))
    for row in rows:
        rss = ", ".join(f"{k} {v:.0f}" for k, v in sorted(row["peak_rss_mb"].items()))
        print(f"{row['target']:6} {row['users']:>5} {row['messages']:>6} {row['errors']:>4} {row['p50_ms']:>8} "
              f"{row['p95_ms']:>8} {row['p99_ms']:>8} {row['messages_per_second']:>7}  {rss}")


@contextlib.contextmanager
def started_servers() -> Iterator[float]:
    """Start the servers with lifted per-client limits; yield seconds from start to first answer."""
    from bot import settings as settings_module
    from bot.runner import running

    config = settings_module.settings()
    config["web"]["rate_limit"] = {name: {"messages": 10**9, "per_seconds": 1} for name in config["web"]["rate_limit"]}
    with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as handle:
        yaml.safe_dump(config, handle)
    os.environ["BOT_SETTINGS"] = handle.name
    settings_module.settings.cache_clear()
    started = time.monotonic()
    try:
        with open(os.devnull, "w") as quiet, running(quiet) as urls:
            response = httpx.post(urls["webhook"], json={"sender": "bench-start", "message": "hallo"}, timeout=60)
            assert response.status_code == 200 and response.json()
            yield time.monotonic() - started
    finally:
        os.unlink(handle.name)


def main(argv: Optional[list[str]] = None) -> int:
    """Parse arguments, run the levels, print and save the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, nargs="+", default=[1, 5, 20, 50])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--targets", nargs="+", choices=["rest", "web"], default=["rest", "web"])
    parser.add_argument("--rest", default="http://127.0.0.1:5005")
    parser.add_argument("--web", default="http://127.0.0.1:8000")
    parser.add_argument("--running", action="store_true", help="use servers started by `make run` instead of starting them")
    parser.add_argument("--out", default=str(ROOT / "results" / "bench" / "load.json"))
    args = parser.parse_args(argv)

    report: dict = {"machine": {"cpus": psutil.cpu_count(), "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
                                "platform": platform.platform(), "python": platform.python_version()},
                    "seconds_per_level": args.seconds, "runs": []}
    with contextlib.ExitStack() as stack:
        if not args.running:
            report["start_to_first_answer_s"] = round(stack.enter_context(started_servers()), 1)
            print(f"start to first answered message: {report['start_to_first_answer_s']} s", flush=True)
        for target in args.targets:
            for users in args.users:
                result = asyncio.run(run_level(target, users, args.seconds, args.rest, args.web))
                report["runs"].append(result.summary())
                print(f"  {target} {users} users: p95 {result.summary()['p95_ms']} ms", flush=True)
    print_table(report["runs"])
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2))
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
