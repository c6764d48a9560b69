"""Start the action server and the Rasa server, wait until both answer, stop both on exit."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from bot.settings import PROJECT_ROOT, project_path, settings

BIN = Path(sys.executable).parent


def _start(command: list[str], env: dict[str, str]) -> subprocess.Popen:
    """Start a process in its own process group, from the project root."""
    return subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, start_new_session=True)


def _stop(process: subprocess.Popen, grace_seconds: float = 10) -> None:
    """Stop a process group: SIGTERM, then SIGKILL after the grace period."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(grace_seconds)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _wait_until_up(url: str, processes: list[subprocess.Popen], timeout: float) -> None:
    """Poll `url` until it answers; fail if a process dies or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(process.poll() is not None for process in processes):
            raise RuntimeError(f"a server stopped before {url} answered; see its output above")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    raise TimeoutError(f"{url} did not answer within {timeout:.0f} s")


def commands() -> dict[str, list[str]]:
    """Return the command lines of the action server and the Rasa server."""
    config = settings()
    rasa, actions = config["rasa"], config["actions"]
    return {
        "actions": [str(BIN / "python"), "-m", "rasa_sdk", "--actions", actions["package"], "--port", str(actions["port"])],
        "rasa": [
            str(BIN / "rasa"), "run",
            "--interface", rasa["host"], "--port", str(rasa["port"]),
            "--model", str(project_path(rasa["model"])),
            "--endpoints", str(project_path(rasa["endpoints"])),
            "--credentials", str(project_path(rasa["credentials"])),
        ],
    }


@contextmanager
def running() -> Iterator[dict[str, str]]:
    """Run both servers for the duration of the block; yield their URLs."""
    config = settings()
    rasa, actions = config["rasa"], config["actions"]
    (PROJECT_ROOT / "var").mkdir(exist_ok=True)
    env = {**os.environ, "SANIC_HOST": actions["host"], "PYTHONPATH": str(PROJECT_ROOT)}
    lines = commands()
    processes = [_start(lines["actions"], env), _start(lines["rasa"], env)]
    urls = {
        "webhook": f"http://{rasa['host']}:{rasa['port']}/webhooks/rest/webhook",
        "rasa": f"http://{rasa['host']}:{rasa['port']}/",
        "actions": f"http://{actions['host']}:{actions['port']}/health",
    }
    try:
        timeout = float(config["startup_timeout_seconds"])
        _wait_until_up(urls["actions"], processes, timeout)
        _wait_until_up(urls["rasa"], processes, timeout)
        yield urls
    finally:
        for process in reversed(processes):
            _stop(process)


def serve() -> int:
    """Run the servers until Ctrl-C or SIGTERM, printing where to chat."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with running() as urls:
        print(
            "\nThe assistant is running.\n"
            f"  Chat (Rasa REST channel): POST {urls['webhook']}\n"
            f"  Action server:            {urls['actions'].rsplit('/', 1)[0]}\n"
            "  Try it:\n"
            f"    curl -s {urls['webhook']} -H 'Content-Type: application/json' \\\n"
            "      -d '{\"sender\": \"demo\", \"message\": \"hallo\"}'\n"
            "Press Ctrl-C to stop.\n",
            flush=True,
        )
        try:
            while True:
                time.sleep(1)
        except KeyboardInterrupt:
            print("\nStopping…", flush=True)
    return 0
