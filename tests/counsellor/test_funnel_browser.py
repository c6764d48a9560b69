"""The funnel in Chromium: opening a card's links reports them, the link still opens, and the funnel page counts them.

The web tier runs in this process over the test database, with a stand-in for
Rasa that stores a help line card as Rasa would and answers with it: no Rasa,
no trained model.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

import httpx
import pytest
import sqlalchemy as sa
import uvicorn
from playwright.sync_api import expect, sync_playwright

from bot.store.events import EVENTS
from bot.store.models import LinkClick
from bot.web.app import create_app
from tests.browser.widget import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, open_chat
from tests.support.counsellor import PASSWORD

pytestmark = [pytest.mark.browser]

SCREENSHOT = SCREENSHOTS / "counsellor-funnel.png"  # docs/screenshots/ keeps a copy for the README
LINE = "stop_it_now_uk"  # a card with a phone, a chat and a website link
CARD = {"helpline_card": {"line": LINE, "language": "nl", "status": "always", "status_text": "Dag en nacht bereikbaar"}}


def rasa_storing_a_card(url: str):
    """Return a stand-in for Rasa's REST channel that stores a route and a card for the sender, then answers with them."""
    engine = sa.create_engine(url)

    def handle(request: httpx.Request) -> httpx.Response:
        sender = json.loads(request.content)["sender"]
        now = time.time()
        with engine.begin() as connection:
            connection.execute(EVENTS.insert().values(sender_id=sender, type_name="slot", action_name="route", timestamp=now,
                                                      data=json.dumps({"event": "slot", "name": "route", "value": "self_concern"})))
            connection.execute(EVENTS.insert().values(sender_id=sender, type_name="bot", timestamp=now, data=json.dumps(
                {"event": "bot", "timestamp": now, "text": "Bel Stop It Now UK.", "data": {"custom": CARD}})))
        return httpx.Response(200, json=[{"recipient_id": sender, "text": "Bel Stop It Now UK."},
                                         {"recipient_id": sender, "custom": CARD}])

    return handle


# Earlier conversations, so that the screenshot shows several lines, days and routes:
# (days ago, route, lines shown, links opened).
EARLIER = [
    (1, "self_concern", ["stop_it_now"], [("stop_it_now", "phone")]),
    (1, "self_concern", ["stop_it_now"], []),
    (2, "concern_other", ["stop_it_now", "veilig_thuis"], [("veilig_thuis", "phone"), ("veilig_thuis", "chat")]),
    (3, "child_victim", ["kindertelefoon", "helpwanted"], [("kindertelefoon", "chat")]),
    (3, "crisis", ["zelfmoordpreventie_113", "stop_it_now"], []),
    (5, "self_concern", ["stop_it_now"], [("stop_it_now", "chat")]),
    (6, None, ["helpwanted"], []),
]


def store_earlier(url: str) -> None:
    """Store the earlier conversations' routes, cards and clicks as the bot and the web tier would."""
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        for number, (days_ago, route, lines, opened) in enumerate(EARLIER):
            sender, moment = f"earlier-{number}", time.time() - days_ago * 86400
            if route:
                connection.execute(EVENTS.insert().values(sender_id=sender, type_name="slot", action_name="route", timestamp=moment,
                                                          data=json.dumps({"event": "slot", "name": "route", "value": route})))
            for line in lines:
                card = {"helpline_card": {**CARD["helpline_card"], "line": line}}
                connection.execute(EVENTS.insert().values(sender_id=sender, type_name="bot", timestamp=moment,
                                                          data=json.dumps({"event": "bot", "text": "Bel ze.", "data": {"custom": card}})))
            for line, kind in opened:
                connection.execute(LinkClick.__table__.insert().values(
                    conversation_id=sender, helpline=line, kind=kind, route=route,
                    clicked_at=datetime.fromtimestamp(moment, timezone.utc).replace(tzinfo=None)))
    engine.dispose()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def web_tier(config, url, make_account) -> Iterator[str]:
    """Serve the web tier on a free loopback port in a thread; return its address."""
    make_account("carla")
    store_earlier(url)
    app = create_app(config, rasa_transport=httpx.MockTransport(rasa_storing_a_card(url)))
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the web tier did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


def stored_clicks(url: str) -> list[tuple[str, str, str]]:
    """Return the clicks of the conversation had in the browser (line, kind, route)."""
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        query = sa.select(LinkClick.helpline, LinkClick.kind, LinkClick.route).where(LinkClick.helpline == LINE)
        found = [tuple(row) for row in connection.execute(query)]
    engine.dispose()
    return found


def test_opened_links_reach_the_funnel_page(web_tier, url):
    assert Path(CHROMIUM).exists(), "Debian's chromium is missing; `make test` installs it"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        elsewhere: list[str] = []  # what the browser tried to open outside the web tier: refused, but asked for

        def offline(route) -> None:
            if route.request.url.startswith(web_tier):
                route.continue_()
            else:
                elsewhere.append(route.request.url)
                route.abort()

        context.route("**/*", offline)
        try:
            page = context.new_page()
            open_chat(page, web_tier + "/")
            card = page.locator(".hw-card").first
            expect(card).to_be_visible()
            with context.expect_page():  # the chat opens in a new window, whatever the report does
                card.locator(".hw-action-chat").click()
            card.locator("summary").click()
            with context.expect_page():
                card.locator(".hw-card-contacts a[target=_blank]").click()  # the website, behind "Meer"
            deadline = time.monotonic() + 10
            while (len(stored_clicks(url)) < 2 or len(elsewhere) < 2) and time.monotonic() < deadline:
                time.sleep(0.1)
            assert sorted(stored_clicks(url)) == [(LINE, "chat", "self_concern"), (LINE, "website", "self_concern")]
            assert {"https://www.stopitnow.org.uk/helpline/", "https://www.stopitnow.org.uk/"} <= set(elsewhere)

            page.goto(web_tier + "/counsellor/login")
            page.fill("#username", "carla")
            page.fill("#password", PASSWORD)
            page.click("button:has-text('Inloggen')")
            page.click("nav >> text=Trechter")
            expect(page.locator("h1")).to_have_text("Trechter")
            expect(page.locator("svg.chart")).to_have_count(4)
            expect(page.locator("main > p").first).to_contain_text("11 kaartjes getoond, 5 doorgeklikt (7 links geopend), doorklikpercentage 45%")
            row = page.locator("table.funnel tr", has_text="Stop It Now! VK en Ierland").first
            assert row.locator("td").all_inner_texts() == ["1", "1", "0", "1", "1", "100%"]  # shown, through, phone, chat, web
            SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOT), full_page=True)
        finally:
            context.close()
            browser.close()
