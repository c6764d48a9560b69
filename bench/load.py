"""Load benchmark: N anonymous users holding six-turn conversations without pauses.

Starts the assistant itself (or, with --running, uses one started by `make
run`) and measures (a) the Rasa REST channel and (b) the web tier's chat API.
The benchmark is a single client, so when it starts the servers itself it
lifts the web tier's per-client rate limits for the run and gives it a fresh
SQLite database in a scratch folder. Prints latency percentiles, throughput,
errors, the peak RSS of each server process and the CPU time per message of
each kind (the client's own included) as a table, and writes the figures to
results/bench/load.json.

    .venv/bin/python bench/load.py --users 1 5 20 50 --seconds 30
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import platform
import random
import shutil
import statistics
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Awaitable, Callable, Iterator, Optional

import httpx
import psutil
import yaml

from bot.settings import project_path, rasa_urls, settings

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONVERSATIONS = ROOT / "bench" / "conversations.yml"
PROCESS_MARKERS = {"rasa": "bot.rasa_main run", "actions": "bot.action_server", "web": "uvicorn"}


@dataclass
class Result:
    """Latencies (seconds) and errors of one run."""

    target: str
    users: int
    seconds: float
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    peak_rss_mb: dict[str, float] = field(default_factory=dict)
    peak_rss_mb_per_process: dict[str, list[float]] = field(default_factory=dict)
    cpu_seconds: dict[str, float] = field(default_factory=dict)

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
            "peak_rss_mb_per_process": self.peak_rss_mb_per_process,
            "cpu_ms_per_message": {
                name: round(1000 * seconds / len(self.latencies), 1) for name, seconds in self.cpu_seconds.items()
            } if self.latencies else {},
        }


def project_processes() -> Iterator[tuple[psutil.Process, str]]:
    """Yield this checkout's processes (working directory the project root) with their command lines.

    Other checkouts on the same machine run the same commands; they are left alone.
    """
    for process in psutil.process_iter():
        try:
            if process.pid != os.getpid() and process.cwd() == str(ROOT):
                yield process, " ".join(process.cmdline())
        except (psutil.Error, OSError):  # gone meanwhile, or not ours to read
            continue


def server_processes() -> dict[str, list[psutil.Process]]:
    """Find this checkout's running server processes by their command lines."""
    found: dict[str, list[psutil.Process]] = {name: [] for name in PROCESS_MARKERS}
    for process, command in project_processes():
        for name, marker in PROCESS_MARKERS.items():
            if marker in command and "bench/" not in command:
                found[name].append(process)
    return found


class ProcessWatch:
    """Sample the server processes and this client in a thread: peak RSS and CPU seconds used, per kind.

    The client shares the machine's cores with the servers, so its own CPU time is shown too.
    """

    def __init__(self) -> None:
        self.peaks: dict[str, float] = {}
        self._process_peaks: dict[int, float] = {}
        self._cpu_at_start: dict[int, float] = {}
        self._cpu_now: dict[int, tuple[str, float]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> "ProcessWatch":
        self._sample()
        self._cpu_at_start = {pid: cpu for pid, (_, cpu) in self._cpu_now.items()}
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()

    def cpu_seconds(self) -> dict[str, float]:
        """Return the CPU seconds (user + system) each kind of process used while watched."""
        used: dict[str, float] = {}
        for pid, (name, cpu) in self._cpu_now.items():
            used[name] = round(used.get(name, 0.0) + cpu - self._cpu_at_start.get(pid, cpu), 2)
        return used

    def peaks_per_process(self) -> dict[str, list[float]]:
        """Return the peak RSS (MB) of each process, by kind."""
        peaks: dict[str, list[float]] = {}
        for pid, peak in self._process_peaks.items():
            peaks.setdefault(self._cpu_now[pid][0], []).append(round(peak, 1))
        return peaks

    def _sample(self) -> None:
        for name, processes in {**server_processes(), "client": [psutil.Process()]}.items():
            total = 0.0
            for process in processes:
                try:
                    rss = process.memory_info().rss / 2**20
                    total += rss
                    times = process.cpu_times()
                    self._cpu_now[process.pid] = (name, times.user + times.system)
                    self._process_peaks[process.pid] = max(rss, self._process_peaks.get(process.pid, 0.0))
                except psutil.Error:
                    pass
            if processes:
                self.peaks[name] = round(max(self.peaks.get(name, 0.0), total), 1)

    def _run(self) -> None:
        while not self._stop.wait(0.5):
            self._sample()


Sender = Callable[[httpx.AsyncClient, str, str], Awaitable[bool]]


def rest_sender(bases: list[str]) -> tuple[Sender, Callable[[httpx.AsyncClient], Awaitable[str]]]:
    """Return (send, new conversation) for Rasa's REST channels; conversations take the servers in turn."""
    servers = itertools.cycle(bases)
    home: dict[str, str] = {}

    async def send(client: httpx.AsyncClient, conversation: str, text: str) -> bool:
        response = await client.post(f"{home[conversation]}/webhooks/rest/webhook", json={"sender": conversation, "message": text})
        return response.status_code == 200 and bool(response.json())

    async def new(client: httpx.AsyncClient) -> str:
        conversation = f"bench-{uuid.uuid4().hex}"
        home[conversation] = next(servers)
        return conversation

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


def load_conversations(path: Path) -> list[list[str]]:
    """Return the conversations (lists of user messages) in a YAML file."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))["conversations"]


async def user(result: Result, send: Sender, new: Callable, deadline: float, seed: int,
               conversations: list[list[str]]) -> None:
    """Hold six-turn conversations back to back until the deadline."""
    rng = random.Random(seed)
    async with httpx.AsyncClient(timeout=60) as client:
        while time.monotonic() < deadline:
            conversation = await new(client)
            for text in rng.choice(conversations):
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


async def run_level(target: str, users: int, seconds: float, rest: list[str], web: str,
                    conversations: list[list[str]]) -> Result:
    """Run one load level against one target."""
    send, new = rest_sender(rest) if target == "rest" else web_sender(web)
    result = Result(target, users, seconds)
    with ProcessWatch() as watch:
        deadline = time.monotonic() + seconds
        await asyncio.gather(*(user(result, send, new, deadline, seed, conversations) for seed in range(users)))
    result.peak_rss_mb, result.cpu_seconds = watch.peaks, watch.cpu_seconds()
    result.peak_rss_mb_per_process = watch.peaks_per_process()
    return result


def print_table(rows: list[dict]) -> None:
    """Print the results as a table."""
    header = (f"{'target':6} {'users':>5} {'msgs':>6} {'err':>4} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'msg/s':>7}"
              "  peak RSS MB of each process / CPU ms per message, by kind")
    print(header)
    print("-" * len(header))
    for row in rows:
        rss = ", ".join(
            f"{kind} {'+'.join(f'{peak:.0f}' for peak in peaks)}/{row['cpu_ms_per_message'].get(kind, 0):.1f}"
            for kind, peaks in sorted(row["peak_rss_mb_per_process"].items())
        )
        print(f"{row['target']:6} {row['users']:>5} {row['messages']:>6} {row['errors']:>4} {row['p50_ms']:>8} "
              f"{row['p95_ms']:>8} {row['p99_ms']:>8} {row['messages_per_second']:>7}  {rss}")


@contextlib.contextmanager
def started_servers(rasa_servers: Optional[int], action_servers: Optional[int], tf_threads: Optional[int]) -> Iterator[float]:
    """Start the servers with lifted per-client limits; yield seconds from start to first answer."""
    from bot import settings as settings_module
    from bot.runner import running

    config = settings_module.settings()
    scratch = Path(tempfile.mkdtemp(prefix="hulpwijzer-bench-"))
    endpoints = yaml.safe_load(project_path(config["rasa"]["endpoints"]).read_text(encoding="utf-8"))
    if endpoints["tracker_store"].get("dialect", "sqlite") == "sqlite":  # a fresh database, not the real one
        endpoints["tracker_store"]["db"] = str(scratch / "tracker.db")
    (scratch / "endpoints.yml").write_text(yaml.safe_dump(endpoints), encoding="utf-8")
    config["rasa"]["endpoints"] = str(scratch / "endpoints.yml")
    config["web"]["rate_limit"] = {name: {"messages": 10**9, "per_seconds": 1} for name in config["web"]["rate_limit"]}
    config["rasa"]["servers"] = rasa_servers or config["rasa"]["servers"]
    config["actions"]["servers"] = action_servers or config["actions"]["servers"]
    config["rasa"]["tensorflow_threads"] = tf_threads or config["rasa"].get("tensorflow_threads")
    (scratch / "settings.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    os.environ["BOT_SETTINGS"] = str(scratch / "settings.yml")
    os.environ.pop("BOT_ENDPOINTS", None)
    settings_module.settings.cache_clear()
    started = time.monotonic()
    try:
        with open(os.devnull, "w") as quiet, running(quiet) as urls:
            response = httpx.post(urls["webhook"], json={"sender": "bench-start", "message": "hallo"}, timeout=60)
            assert response.status_code == 200 and response.json()
            yield time.monotonic() - started
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def main(argv: Optional[list[str]] = None) -> int:
    """Parse arguments, run the levels, print and save the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, nargs="+", default=[1, 5, 20, 50])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--targets", nargs="+", choices=["rest", "web"], default=["rest", "web"])
    parser.add_argument("--rest", nargs="+", help="Rasa base URLs (default: the servers in settings.yml)")
    parser.add_argument("--web", help="web tier base URL (default: from settings.yml)")
    parser.add_argument("--running", action="store_true", help="use servers started by `make run` instead of starting them")
    parser.add_argument("--rasa-servers", type=int, help="Rasa servers to start (default: settings.yml)")
    parser.add_argument("--action-servers", type=int, help="action servers to start (default: settings.yml)")
    parser.add_argument("--tensorflow-threads", type=int, help="TensorFlow threads per Rasa server (default: settings.yml)")
    parser.add_argument("--conversations", type=Path, default=DEFAULT_CONVERSATIONS, help="YAML file of conversations")
    parser.add_argument("--out", default=str(ROOT / "results" / "bench" / "load.json"))
    args = parser.parse_args(argv)

    report: dict = {"machine": {"cpus": psutil.cpu_count(), "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
                                "platform": platform.platform(), "python": platform.python_version()},
                    "seconds_per_level": args.seconds, "conversations": os.path.relpath(args.conversations, ROOT), "runs": []}
    conversations = load_conversations(args.conversations)
    with contextlib.ExitStack() as stack:
        if not args.running:
            report["start_to_first_answer_s"] = round(stack.enter_context(
                started_servers(args.rasa_servers, args.action_servers, args.tensorflow_threads)
            ), 1)
            report["servers"] = {"rasa": settings()["rasa"]["servers"], "actions": settings()["actions"]["servers"],
                                 "tensorflow_threads": settings()["rasa"].get("tensorflow_threads")}
            print(f"start to first answered message: {report['start_to_first_answer_s']} s", flush=True)
        for target in args.targets:
            for users in args.users:
                rest = args.rest or rasa_urls(settings()["rasa"])
                web = args.web or f"http://{settings()['web']['host']}:{settings()['web']['port']}"
                result = asyncio.run(run_level(target, users, args.seconds, rest, web, conversations))
                report["runs"].append(result.summary())
                print(f"  {target} {users} users: p95 {result.summary()['p95_ms']} ms", flush=True)
    print_table(report["runs"])
    write_report(report, args.out)
    return 0


def write_report(report: dict, out: str) -> None:
    """Write the figures as JSON and say where."""
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2))
    print(f"wrote {path}")


if __name__ == "__main__":
    raise SystemExit(main())
