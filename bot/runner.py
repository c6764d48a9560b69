"""Start the action servers, the Rasa servers and the web tier under supervisord; wait until all answer; stop all on exit.

supervisord (the process manager) restarts any of them that stops, with
back-off while it keeps failing to start, and logs each exit and restart; the
runner only writes its configuration, waits for the health URLs and stops it.
"""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Iterator, Optional

import yaml

from bot.settings import PROJECT_ROOT, action_urls, project_path, rasa_urls, settings
from bot.store.database import upgrade as upgrade_dashboard_tables
from bot.store.deletion import purge

BIN = Path(sys.executable).parent


def _start(command: list[str], env: dict[str, str], output: Optional[IO] = None) -> subprocess.Popen:
    """Start a process in its own session and process group, from the project root."""
    return subprocess.Popen(
        command,
        cwd=PROJECT_ROOT,
        env=env,
        start_new_session=True,
        stdout=output,
        stderr=subprocess.STDOUT if output else None,
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


def _wait_until_up(name: str, url: str, supervisor: subprocess.Popen, deadline: float) -> None:
    """Poll server `name` at `url` until it answers; fail if the supervisor dies or the deadline passes."""
    while time.monotonic() < deadline:
        if supervisor.poll() is not None:
            raise RuntimeError(f"the supervisor stopped before {name} ({url}) answered; see its output above")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    raise TimeoutError(f"{name} ({url}) did not answer in time (settings.yml startup_timeout_seconds)")


def endpoints_file(number: int, action_base: str) -> Path:
    """Write Rasa server `number`'s endpoints: the configured file, pointed at its own action server."""
    endpoints = yaml.safe_load(project_path(settings()["rasa"]["endpoints"]).read_text(encoding="utf-8"))
    endpoints["action_endpoint"] = {**(endpoints.get("action_endpoint") or {}), "url": f"{action_base}/webhook"}
    target = PROJECT_ROOT / "var" / "run" / f"endpoints-rasa-{number}.yml"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(yaml.safe_dump(endpoints, sort_keys=False), encoding="utf-8")
    return target


def tensorflow_threads(rasa: dict) -> dict[str, str]:
    """Return Rasa's environment variables that cap TensorFlow's threads per server (none if unset)."""
    threads = rasa.get("tensorflow_threads")
    if not threads:
        return {}
    return {"TF_INTER_OP_PARALLELISM_THREADS": str(threads), "TF_INTRA_OP_PARALLELISM_THREADS": str(threads)}


@dataclass(frozen=True)
class Process:
    """One server to start: its name, command line, extra environment and health URL."""

    name: str
    command: list[str]
    env: dict[str, str]
    health: str


def processes() -> list[Process]:
    """Return the servers to start, in start order: action servers, Rasa servers, the web tier."""
    config = settings()
    rasa, actions, web = config["rasa"], config["actions"], config["web"]
    action_bases, rasa_bases = action_urls(actions), rasa_urls(rasa)
    started = [
        Process(
            f"actions-{number}",
            [
                str(BIN / "python"),
                "-m",
                "bot.action_server",
                "--actions",
                actions["package"],
                "--port",
                str(actions["port"] + number),
            ],
            {"SANIC_HOST": actions["host"]},
            f"{base}/health",
        )
        for number, base in enumerate(action_bases)
    ]
    started += [
        Process(
            f"rasa-{number}",
            [
                str(BIN / "python"),
                "-m",
                "bot.rasa_main",
                "run",
                "--interface",
                rasa["host"],
                "--port",
                str(rasa["port"] + number),
                "--model",
                str(project_path(rasa["model"])),
                "--endpoints",
                str(endpoints_file(number, action_bases[number % len(action_bases)])),
                "--credentials",
                str(project_path(rasa["credentials"])),
                "--logging-config-file",
                str(project_path(config["rasa_logging"])),
            ],
            tensorflow_threads(rasa),
            f"{base}/",
        )
        for number, base in enumerate(rasa_bases)
    ]
    started.append(
        Process(
            "web",
            [
                str(BIN / "python"),
                "-m",
                "uvicorn",
                "bot.web.app:app",
                "--host",
                web["host"],
                "--port",
                str(web["port"]),
                "--no-access-log",
                "--no-server-header",
                *proxy_header_args(web.get("trusted_proxies") or []),
            ],
            {},
            f"http://{web['host']}:{web['port']}/api/widget",
        )
    )
    return started


def proxy_header_args(trusted_proxies: list[str]) -> list[str]:
    """Return uvicorn's options so that X-Forwarded-For is believed only from the configured proxies."""
    if not trusted_proxies:
        return ["--no-proxy-headers"]
    return ["--proxy-headers", "--forwarded-allow-ips", ",".join(trusted_proxies)]


SUPERVISED = {  # supervisord settings of every process (docs: supervisord.org/configuration.html)
    "autostart": "true",
    "autorestart": "true",  # restarted whenever it exits
    "startsecs": "3",  # up this long counts as started; failing sooner is retried with growing back-off
    "startretries": "20",
    "stopasgroup": "true",  # Ctrl-C and stop reach the whole process tree
    "killasgroup": "true",
    "stopwaitsecs": "10",
    "redirect_stderr": "true",
    "stdout_logfile": "/dev/stdout",
    "stdout_logfile_maxbytes": "0",
}


def supervisor_config(planned: list[Process], run_dir: Path) -> str:
    """Return supervisord's configuration for the processes (their output and its log go to its standard output)."""
    lines = [
        "[supervisord]",
        "nodaemon=true",
        "logfile=/dev/stdout",
        "logfile_maxbytes=0",
        "loglevel=info",
        f"pidfile={run_dir / 'supervisord.pid'}",
        f"childlogdir={run_dir}",
        "",
    ]
    for process in planned:
        lines += [
            f"[program:{process.name}]",
            f"command={_escape(shlex.join(process.command))}",
            f"directory={PROJECT_ROOT}",
        ]
        if process.env:
            lines.append("environment=" + ",".join(f'{key}="{_escape(value)}"' for key, value in process.env.items()))
        lines += [f"{key}={value}" for key, value in SUPERVISED.items()] + [""]
    return "\n".join(lines)


def _escape(value: str) -> str:
    """Escape a value for supervisord's configuration, which expands %(name)s."""
    return value.replace("%", "%%").replace('"', '\\"')


@contextmanager
def running(output: Optional[IO] = None) -> Iterator[dict[str, str]]:
    """Run every server for the duration of the block; yield their URLs.

    Their output goes to `output` when given (tests read it), else to ours.
    """
    config = settings()
    rasa, web = config["rasa"], config["web"]
    (PROJECT_ROOT / "var").mkdir(exist_ok=True)
    upgrade_dashboard_tables()
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    planned = processes()
    run_dir = PROJECT_ROOT / "var" / "run"
    run_dir.mkdir(parents=True, exist_ok=True)
    config_file = run_dir / "supervisord.conf"
    config_file.write_text(supervisor_config(planned, run_dir), encoding="utf-8")
    supervisor = _start([str(BIN / "supervisord"), "-c", str(config_file)], env, output)
    first_rasa = rasa_urls(rasa)[0]
    urls = {
        "demo": f"{web['public_url']}/",
        "demo_en": f"{web['public_url']}/en",
        "widget": f"{web['public_url']}/widget.js",
        "counsellor": f"{web['public_url']}/counsellor/",
        "web": f"http://{web['host']}:{web['port']}/api/widget",
        "webhook": f"{first_rasa}/webhooks/rest/webhook",
        "webhooks": ",".join(f"{base}/webhooks/rest/webhook" for base in rasa_urls(rasa)),
        "rasa": f"{first_rasa}/",
        "actions": planned[0].health,
    }
    try:
        deadline = time.monotonic() + float(config["startup_timeout_seconds"])
        for process in planned:
            _wait_until_up(process.name, process.health, supervisor, deadline)
        yield urls
    finally:
        _stop(supervisor, grace_seconds=float(SUPERVISED["stopwaitsecs"]) + 5)


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
        f'  Embed on a site:          <script src="{urls["widget"]}" data-language="nl" defer></script>\n'
        f"  Counsellor dashboard:     {urls['counsellor']}  (accounts: .venv/bin/python -m bot counsellor add NAME --role admin)\n"
        f"  Rasa REST channels:       POST {urls['webhooks'].replace(',', ', ')}  (loopback only)\n"
        f"  Action server:            {urls['actions'].rsplit('/', 1)[0]}  (loopback only)\n"
        "  Try it:\n"
        f"    curl -s {urls['webhook']} -H 'Content-Type: application/json' \\\n"
        '      -d \'{"sender": "demo", "message": "hallo"}\'\n'
        "Press Ctrl-C to stop.\n",
        flush=True,
    )
