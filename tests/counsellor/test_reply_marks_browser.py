"""Marking a bot reply in Chromium, on a phone: the folded form opens, posts, shows the mark and removes it.

No server is started: the browser's requests are answered by the web tier in-process (Starlette's test client).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Route, expect, sync_playwright
from starlette.testclient import TestClient

from bot.store.transcripts import conversation_key
from tests.browser.widget import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


def test_marking_a_reply_on_a_phone(counsellor: TestClient):
    assert Path(CHROMIUM).exists(), "Debian's chromium is missing; `make test` installs it"

    def handle(route: Route) -> None:
        """Answer the browser's request with the web tier (the client holds the counsellor's session).

        A form's redirect is followed here: Chromium does not follow a redirect that a route fulfilled.
        """
        request, parts = route.request, urlsplit(route.request.url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        headers = {"content-type": request.headers.get("content-type", "")} if request.method == "POST" else {}
        response = counsellor.request(request.method, path, content=request.post_data_buffer, headers=headers,
                                      follow_redirects=request.method == "POST")
        kept = {name: value for name, value in response.headers.items() if name.lower() != "content-length"}
        route.fulfill(status=response.status_code, headers=kept, body=response.content)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(**PHONE)
        context.route("**/*", handle)
        try:
            page = context.new_page()
            page.goto(f"https://testserver/counsellor/conversations/{conversation_key('fallback-en')}")
            reply = page.locator(".turn.bot", has_text="I don't quite understand.")
            form = reply.locator("details.mark-reply form")
            expect(form).to_be_hidden()  # folded until asked for
            reply.locator("summary").click()
            expect(form).to_be_visible()
            form.locator("select[name=kind]").select_option("wrong_route")
            form.locator("select[name=route]").select_option("concern_other")
            form.locator("input[name=reason]").fill("About a cousin: the route for <someone else>.")
            assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the screen
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            reply.screenshot(path=str(SCREENSHOTS / "counsellor-reply-mark-form.png"))
            form.locator("button:has-text('Antwoord markeren')").click()

            reply = page.locator(".turn.bot", has_text="I don't quite understand.")
            expect(reply.locator(".reply-mark")).to_contain_text("Verkeerde route; juiste route: Zorgen over een ander (carla):")
            expect(reply.locator(".reply-mark .reason")).to_have_text("About a cousin: the route for <someone else>.")
            reply.screenshot(path=str(SCREENSHOTS / "counsellor-reply-mark.png"))
            reply.locator("button:has-text('Mijn markering verwijderen')").click()
            expect(page.locator(".turn.bot", has_text="I don't quite understand.").locator(".reply-mark")).to_have_count(0)
        finally:
            context.close()
            browser.close()
