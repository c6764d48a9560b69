"""Chromium for the widget's browser tests, with every request outside the chat server refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from tests.browser.widget import CHROMIUM, CHROMIUM_ARGS, EXIT_URL

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


@pytest.fixture(scope="module")
def browser(servers) -> Iterator[Browser]:
    """Start Debian's Chromium once per module."""
    assert Path(CHROMIUM).exists(), "Debian's chromium is missing; `make test` installs it"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def offline(context: BrowserContext) -> BrowserContext:
    """Refuse every request outside the chat server; the exit page is a neutral stand-in."""
    context.route("**/*", lambda route: route.abort() if not route.request.url.startswith(("http://127.0.0.1", "data:")) and not route.request.url.startswith(EXIT_URL) else route.continue_())
    context.route(EXIT_URL + "*", lambda route: route.fulfill(status=200, content_type="text/html", body="<title>neutral</title>neutral"))
    return context


@pytest.fixture
def open_context(browser):
    """Return new_context(**options) for offline contexts, closed after the test."""
    made: list[BrowserContext] = []

    def new_context(**options: Any) -> BrowserContext:
        made.append(offline(browser.new_context(**options)))
        return made[-1]

    yield new_context
    for context in made:
        context.close()


@pytest.fixture
def page(open_context) -> Page:
    """A desktop-sized page."""
    return open_context(viewport={"width": 1280, "height": 800}).new_page()


@pytest.fixture
def phone(open_context) -> Page:
    """A phone-sized page with touch (390 x 844 CSS pixels)."""
    return open_context(**PHONE).new_page()
