"""The triage inbox in Chromium on a phone: cards instead of a table, nothing wider than the screen.

No server is started: the browser's requests are answered by the web tier in-process (Starlette's test client).
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Route, expect, sync_playwright
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, Event
from starlette.testclient import TestClient

from bot.privacy.tracker_store import RedactingSQLTrackerStore
from bot.store.transcripts import conversation_key
from tests.browser.widget import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS
from tests.support.counsellor import EN, NOW, csrf_token, save, start, user

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


def answer(action: str, text: str, at: float, language: dict | None = None) -> list[Event]:
    metadata = {"utter_action": action, **(language or {})}
    return [ActionExecuted(action, timestamp=at), BotUttered(text, metadata=metadata, timestamp=at)]


MORE: dict[str, list[Event]] = {
    "child-nl": start(NOW + 600) + [
        user("mijn oom stuurt me foto's en zegt dat ik het niemand mag vertellen", "child_victim", 0.95, NOW + 601),
        *answer("utter_signpost_child_victim", "Wat goed dat je het vertelt. De Kindertelefoon luistert.", NOW + 602),
    ],
    "corrected-nl": start(NOW - 3600) + [
        user("mijn broer kijkt naar rare filmpjes van kinderen", "self_concern", 0.61, NOW - 3590),
        *answer("utter_signpost_self_concern", "Stop it Now! helpt je, anoniem en gratis.", NOW - 3589),
        user("nee dat bedoel ik niet, het gaat om mijn broer", "correct_route", 0.88, NOW - 3550),
        *answer("utter_clarify", "Sorry, dan had ik je verkeerd begrepen. Waar gaat het over?", NOW - 3549),
    ],
    "repeat-en": start(NOW - 7200) + [
        user("how much does a show cost", "nlu_fallback", 0.3, NOW - 7190),
        *answer("utter_fallback", "I don't quite understand.", NOW - 7189, EN),
        user("how much does a show cost?", "nlu_fallback", 0.3, NOW - 7150),
        *answer("utter_fallback", "I don't quite understand.", NOW - 7149, EN),
    ],
}


@pytest.fixture
def inbox(counsellor: TestClient, database_file: Path) -> TestClient:
    """The logged-in counsellor's client, with a few more conversations and one of them reviewed."""
    store = RedactingSQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(database_file))
    for sender, events in MORE.items():
        save(store, sender, events)
    store.engine.dispose()
    url = f"/counsellor/conversations/{conversation_key('material-nl')}"
    counsellor.post(f"{url}/review", data={"csrf": csrf_token(counsellor.get(url).text), "reviewed": "1"})
    return counsellor


def test_the_inbox_on_a_phone(inbox: TestClient):
    assert Path(CHROMIUM).exists(), "Debian's chromium is missing; `make test` installs it"

    def handle(route: Route) -> None:
        """Answer the browser's request with the web tier (the client holds the counsellor's session)."""
        parts = urlsplit(route.request.url)
        response = inbox.get(parts.path + (f"?{parts.query}" if parts.query else ""), follow_redirects=False)
        headers = {name: value for name, value in response.headers.items() if name.lower() != "content-length"}
        route.fulfill(status=response.status_code, headers=headers, body=response.content)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(**PHONE)
        context.route("**/*", handle)
        try:
            page = context.new_page()
            page.goto("https://testserver/counsellor/")
            rows = page.locator("table.triage tbody tr")
            expect(rows).to_have_count(6)
            expect(rows.first.locator(".severity")).to_have_text("Urgent")
            expect(rows.nth(2).locator(".severity")).to_have_text("Mogelijke misroute")
            assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the screen
            assert rows.first.evaluate("row => getComputedStyle(row).display") == "block"  # a card, not a table row
            assert page.locator("table.triage thead").bounding_box()["height"] <= 1  # the column heads are for screen readers
            label = rows.first.locator("td").nth(4).evaluate("cell => getComputedStyle(cell, '::before').content")
            assert label == '"Berichten"'  # each value says what it is
            assert rows.first.locator(".severity").bounding_box()["y"] < rows.first.locator("a.conversation").bounding_box()["y"]
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / "counsellor-triage-phone-full.png"), full_page=True)
            page.locator("nav.chips").evaluate("chips => chips.scrollIntoView()")
            page.screenshot(path=str(SCREENSHOTS / "counsellor-triage-phone.png"))

            page.locator("nav.chips a[data-marker='corrected']").click()
            expect(page).to_have_url("https://testserver/counsellor/?marker=corrected")
            expect(rows).to_have_count(1)
            expect(rows.first).to_contain_text("mijn broer kijkt naar rare filmpjes")
            expect(rows.first).to_contain_text("persoon verbeterde de bot")

            page.goto("https://testserver" + rows.first.locator("a.conversation").get_attribute("href"))  # its transcript
            expect(page.locator("h1")).to_have_text(re.compile(r"^Gesprek [0-9a-f]{10}$"))
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
        finally:
            context.close()
            browser.close()
