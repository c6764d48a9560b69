"""Start the action server and the Rasa server, wait until both answer, stop both on exit."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator, Optional

from bot.privacy.retention import purge
from bot.settings import PROJECT_ROOT, project_path, settings

BIN = Path(sys.executable).parent


def _start(command: list[str], env: dict[str, str], output: Optional[IO] = None) -> subprocess.Popen:
    """Start a process in its own process group, from the project root."""
    return subprocess.Popen(
        command, cwd=PROJECT_ROOT, env=env, start_new_session=True, stdout=output, stderr=subprocess.STDOUT if output else None
    )


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
    rasa, actions, web = config["rasa"], config["actions"], config["web"]
    return {
        "web": [
            str(BIN / "python"), "-m", "uvicorn", "bot.web.app:app",
            "--host", web["host"], "--port", str(web["port"]), "--no-access-log", "--no-server-header",
        ],
        "actions": [str(BIN / "python"), "-m", "rasa_sdk", "--actions", actions["package"], "--port", str(actions["port"])],
        "rasa": [
            str(BIN / "rasa"), "run",
            "--interface", rasa["host"], "--port", str(rasa["port"]),
            "--model", str(project_path(rasa["model"])),
            "--endpoints", str(project_path(rasa["endpoints"])),
            "--credentials", str(project_path(rasa["credentials"])),
            "--logging-config-file", str(project_path(config["rasa_logging"])),
        ],
    }


@contextmanager
def running(output: Optional[IO] = None) -> Iterator[dict[str, str]]:
    """Run both servers for the duration of the block; yield their URLs.

    Their output goes to `output` when given (tests read it), else to ours.
    """
    config = settings()
    rasa, actions, web = config["rasa"], config["actions"], config["web"]
    (PROJECT_ROOT / "var").mkdir(exist_ok=True)
    env = {**os.environ, "SANIC_HOST": actions["host"], "PYTHONPATH": str(PROJECT_ROOT)}
    env.setdefault(web["id_secret_env"], secrets.token_hex(32))
    lines = commands()
    processes = [_start(lines[name], env, output) for name in ("actions", "rasa", "web")]
    urls = {
        "demo": f"{web['public_url']}/",
        "demo_en": f"{web['public_url']}/en",
        "widget": f"{web['public_url']}/widget.js",
        "web": f"http://{web['host']}:{web['port']}/api/widget",
        "webhook": f"http://{rasa['host']}:{rasa['port']}/webhooks/rest/webhook",
        "rasa": f"http://{rasa['host']}:{rasa['port']}/",
        "actions": f"http://{actions['host']}:{actions['port']}/health",
    }
    try:
        timeout = float(config["startup_timeout_seconds"])
        _wait_until_up(urls["actions"], processes, timeout)
        _wait_until_up(urls["rasa"], processes, timeout)
        _wait_until_up(urls["web"], processes, timeout)
        yield urls
    finally:
        for process in reversed(processes):
            _stop(process)


def _exit_on_signal(signum: int, _frame: object) -> None:
    """Turn Ctrl-C, SIGTERM and SIGHUP into a clean exit that stops the servers."""
    raise KeyboardInterrupt(signal.Signals(signum).name)


def serve() -> int:
    """Run the servers until Ctrl-C, SIGTERM or SIGHUP, printing where to chat."""
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _exit_on_signal)
    every = float(settings()["privacy"]["purge_every_hours"]) * 3600
    try:
        with running() as urls:
            _announce(urls)
            while True:
                deleted = purge()
                if deleted:
                    print(f"Deleted {deleted} conversation(s) past the retention period.", flush=True)
                time.sleep(every)
    except KeyboardInterrupt:
        print("\nStopped.", flush=True)
    return 0


def _announce(urls: dict[str, str]) -> None:
    """Print where and how to chat."""
    print(
        "\nThe assistant is running.\n"
        f"  Demo page with the chat:  {urls['demo']}  (English: {urls['demo_en']})\n"
        f"  Embed on a site:          <script src=\"{urls['widget']}\" data-language=\"nl\" defer></script>\n"
        f"  Rasa REST channel:        POST {urls['webhook']}  (loopback only)\n"
        f"  Action server:            {urls['actions'].rsplit('/', 1)[0]}  (loopback only)\n"
        "  Try it:\n"
        f"    curl -s {urls['webhook']} -H 'Content-Type: application/json' \\\n"
        "      -d '{\"sender\": \"demo\", \"message\": \"hallo\"}'\n"
        "Press Ctrl-C to stop.\n",
        flush=True,
    )
