"""The action server answers a failing action without detail: no exception text, no request body."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

import httpx
import pytest

from bot.settings import PROJECT_ROOT

pytestmark = pytest.mark.servers

SECRET = "Sanne de Vries"


@pytest.fixture(scope="module")
def action_server(tmp_path_factory):
    """Run the project's action server with the failing test action."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log_path = tmp_path_factory.mktemp("actions") / "actions.log"
    log = log_path.open("w")
    process = subprocess.Popen([sys.executable, "-m", "bot.action_server", "--actions", "tests.failing_actions", "--port", str(port)],
                               cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    for _ in range(240):
        try:
            httpx.get(f"{url}/health", timeout=1)
            break
        except httpx.ConnectError:
            time.sleep(0.5)
    yield url, log_path
    process.terminate()
    process.wait(30)


def test_a_failing_action_gets_a_bare_500(action_server):
    url, log_path = action_server
    call = {"next_action": "action_that_fails", "sender_id": "x", "version": "3.6.2", "domain": {},
            "tracker": {"sender_id": "x", "slots": {}, "latest_message": {"text": f"mijn naam is {SECRET}"}, "events": []}}
    response = httpx.post(f"{url}/webhook", json=call, timeout=30)
    assert response.status_code == 500
    assert response.json() == {"error": "internal_error"}
    time.sleep(0.5)
    assert SECRET not in log_path.read_text(encoding="utf-8")


def test_no_cross_origin_access_is_offered(action_server):
    url, _ = action_server
    response = httpx.options(f"{url}/webhook", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}, timeout=10)
    assert response.headers.get("access-control-allow-origin") in (None, "")
