"""Measure Rasa's own starter assistant with the same load benchmark, for comparison.

Creates the starter assistant with `rasa init` in a scratch folder (it trains
there), starts it on its own port, runs bench/load.py against its REST channel
with conversations in its own topics (bench/starter_conversations.yml), stops
it, and writes results/bench/starter.json. Run it with none of the project's
servers running, so that the benchmark watches only the starter's process.

    .venv/bin/python bench/starter.py --users 1 5 20 50 --seconds 20
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Optional

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
import load  # noqa: E402  (the benchmark beside this file)

RASA = str(Path(sys.executable).parent / "rasa")


def wait_until_up(url: str, process: subprocess.Popen, timeout: float) -> None:
    """Wait until the server answers, or fail when it exits or takes too long."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the starter assistant's server exited")
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(1)
    raise RuntimeError(f"the starter assistant did not answer at {url} within {timeout:.0f} s")


def main(argv: Optional[list[str]] = None) -> int:
    """Create, train and start the starter assistant, benchmark it, stop it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, nargs="+", default=[1, 5, 20, 50])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--port", type=int, default=5305)
    parser.add_argument("--out", default=str(load.ROOT / "results" / "bench" / "starter.json"))
    args = parser.parse_args(argv)

    folder = Path(tempfile.mkdtemp(prefix="rasa-starter-"))
    log = (folder / "server.log").open("w")
    try:
        subprocess.run([RASA, "init", "--no-prompt", "--init-dir", str(folder)], check=True, stdout=log, stderr=log)
        server = subprocess.Popen([RASA, "run", "--interface", "127.0.0.1", "--port", str(args.port)],
                                  cwd=folder, stdout=log, stderr=log)
        try:
            url = f"http://127.0.0.1:{args.port}"
            wait_until_up(url, server, timeout=240)
            load.main(["--running", "--targets", "rest", "--rest", url, "--seconds", str(args.seconds),
                       "--users", *map(str, args.users), "--out", args.out,
                       "--conversations", str(load.ROOT / "bench" / "starter_conversations.yml")])
        finally:
            server.terminate()
            server.wait(timeout=60)
    finally:
        log.close()
        shutil.rmtree(folder, ignore_errors=True)
    compare(Path(args.out), load.ROOT / "results" / "bench" / "load.json")
    return 0


def compare(starter_path: Path, ours_path: Path) -> None:
    """Print this assistant's REST throughput over the starter's at each level both measured."""
    if not ours_path.exists():
        return

    def by_users(path: Path) -> dict[int, float]:
        runs = json.loads(path.read_text())["runs"]
        return {run["users"]: run["messages_per_second"] for run in runs if run["target"] == "rest"}

    starter, ours = by_users(starter_path), by_users(ours_path)
    for users in sorted(starter.keys() & ours.keys()):
        print(f"REST, {users} users: this assistant {ours[users]} msg/s, starter {starter[users]} msg/s, "
              f"ratio {ours[users] / starter[users]:.2f}")


if __name__ == "__main__":
    raise SystemExit(main())
