"""What the browser tests do with the widget: open it, send, read its state."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

from bot.settings import PROJECT_ROOT, settings

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = PROJECT_ROOT / "results" / "screenshots"
EXIT_URL = settings()["web"]["exit_url"]
PUBLIC_URL = settings()["web"]["public_url"].rstrip("/") + "/"
WAIT = 20000


def open_chat(page: Page, url: str, tap: bool = False) -> None:
    """Open a demo page and the chat panel; wait for the greeting."""
    page.goto(url)
    launcher = page.locator(".hw-launcher")
    launcher.tap() if tap else launcher.click()
    try:
        expect(page.locator(".hw-bot").first).to_be_visible(timeout=WAIT)
    except AssertionError as error:
        raise AssertionError(f"no greeting; the widget says {page.locator('.hw-status').text_content()!r}") from error


def send(page: Page, text: str) -> None:
    """Type a message and send it with Enter; wait for a new bot reply."""
    before = page.locator(".hw-bot").count()
    page.locator("#hw-input").fill(text)
    page.locator("#hw-input").press("Enter")
    expect(page.locator(".hw-bot")).not_to_have_count(before, timeout=WAIT)
    expect(page.locator(".hw-typing")).to_be_hidden(timeout=WAIT)


def stored(page: Page) -> dict[str, Any]:
    """Return the widget's state in sessionStorage."""
    return page.evaluate("() => JSON.parse(sessionStorage.getItem('hulpwijzer.conversation') || '{}')")


def focused(page: Page) -> str:
    """Return the id or class of the element focused inside the widget's shadow DOM ("" when none)."""
    return page.evaluate("""() => {
        const host = document.getElementById('hulpwijzer-chat');
        const active = host && host.shadowRoot.activeElement;
        return active ? (active.id || active.className) : '';
    }""")


def box(page: Page, selector: str) -> dict[str, float]:
    """Return an element's bounding box (CSS pixels); it must be rendered."""
    found = page.locator(selector).first.bounding_box()
    assert found, f"{selector} is not rendered"
    return found


def inside(found: dict[str, float], width: int, height: int) -> bool:
    """Tell whether a box lies wholly within a viewport of width x height."""
    return found["x"] >= 0 and found["y"] >= 0 and found["x"] + found["width"] <= width + 0.5 and found["y"] + found["height"] <= height + 0.5


def visible_words(locator) -> int:
    """Return how many words an element shows (without the text that is only there for screen readers)."""
    return len(locator.evaluate("""e => { const copy = e.cloneNode(true);
        copy.querySelectorAll('.hw-visually-hidden').forEach(n => n.remove()); return copy.textContent; }""").split())
