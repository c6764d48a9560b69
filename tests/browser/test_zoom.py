"""WCAG 1.4.10 reflow: a 1280 x 720 window at 200 % (640 x 360 CSS pixels) and 400 % (320 x 180), and 320 px wide."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.widget import EXIT_URL, SCREENSHOTS, box, inside, open_chat, send

pytestmark = [pytest.mark.browser, pytest.mark.servers, pytest.mark.model]

CONTROLS = (".hw-exit", ".hw-tool", ".hw-clear", ".hw-close", "#hw-input", ".hw-send")
ZOOM_200 = {"viewport": {"width": 640, "height": 360}, "device_scale_factor": 2}
ZOOM_400 = {"viewport": {"width": 320, "height": 180}, "device_scale_factor": 4}


def log_height(page) -> float:
    """Return the height of the message area in CSS pixels."""
    return box(page, ".hw-log")["height"]


@pytest.mark.parametrize("url", ["demo", "demo_en"])
def test_at_200_percent_every_control_is_on_screen_and_the_messages_keep_room(open_context, servers, url):
    page = open_context(**ZOOM_200).new_page()
    open_chat(page, servers[url])
    for selector in CONTROLS:
        assert inside(box(page, selector), 640, 360), selector
    assert log_height(page) >= 120
    send(page, "wat kost een show")
    assert log_height(page) >= 120
    for _ in range(3):
        page.keyboard.press("Escape")
    page.wait_for_url(EXIT_URL)


@pytest.mark.parametrize("url", ["demo", "demo_en"])
def test_at_400_percent_every_control_can_be_reached_and_used(open_context, servers, url):
    page = open_context(**ZOOM_400).new_page()
    open_chat(page, servers[url])
    for selector in CONTROLS:
        control = page.locator(selector).first
        control.scroll_into_view_if_needed()
        assert inside(box(page, selector), 320, 180), selector
    assert log_height(page) >= 60
    assert box(page, ".hw-header")["height"] <= 60  # one compact row of controls
    send(page, "is het anoniem?")  # the text box and Enter work
    page.locator(".hw-clear").click()
    expect(page.locator(".hw-confirm")).to_be_visible()
    page.locator(".hw-confirm-no").click()
    expect(page.locator(".hw-confirm")).to_be_hidden()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"zoom-400-{url}.png"))
    page.locator(".hw-exit").click()
    page.wait_for_url(EXIT_URL)


def test_at_400_percent_escape_three_times_still_leaves(open_context, servers):
    page = open_context(**ZOOM_400).new_page()
    open_chat(page, servers["demo"])
    page.locator(".hw-clear").click()  # even with the confirmation open
    for _ in range(3):
        page.keyboard.press("Escape")
    page.wait_for_url(EXIT_URL)
    assert page.evaluate("() => sessionStorage.length") == 0


def test_at_320_px_wide_the_header_and_the_form_fit(open_context, servers):
    page = open_context(viewport={"width": 320, "height": 568}, device_scale_factor=2, is_mobile=True, has_touch=True).new_page()
    open_chat(page, servers["demo_en"], tap=True)
    for selector in CONTROLS:
        assert inside(box(page, selector), 320, 568), selector
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 320  # no sideways scrolling
    send(page, "someone is threatening to share my pictures, i am 13")
    for card in page.locator(".hw-card").all():
        found = card.bounding_box()
        assert found["x"] >= 0 and found["x"] + found["width"] <= 320


def test_on_the_sheet_tab_stays_inside_the_chat(open_context, servers):
    page = open_context(**ZOOM_200).new_page()
    open_chat(page, servers["demo"])
    inside_widget = "() => document.activeElement && document.activeElement.id === 'hulpwijzer-chat'"
    for key in ["Tab"] * 25 + ["Shift+Tab"] * 25:
        page.keyboard.press(key)
        assert page.evaluate(inside_widget), key  # never on the page hidden behind the sheet
