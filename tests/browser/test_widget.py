"""The embedded widget in Debian's Chromium, driven by Playwright, against the running servers."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.widget import EXIT_URL, PUBLIC_URL, SCREENSHOTS, open_chat, send

pytestmark = [pytest.mark.browser, pytest.mark.servers, pytest.mark.model]


def test_dutch_help_seeking_conversation_with_a_button_and_a_tel_link(page, servers):
    open_chat(page, servers["demo"])
    send(page, "ik kijk steeds vaker dingen met minderjarigen en ik wil stoppen")
    log = page.locator(".hw-log")
    expect(log).to_contain_text("Stop it Now")
    tel = page.locator(".hw-log a[href^='tel:']").first
    expect(tel).to_have_attribute("href", "tel:+318002666436")
    site = page.locator(".hw-log a[href^='https://']").first
    expect(site).to_have_attribute("target", "_blank")
    expect(site).to_have_attribute("rel", "noopener noreferrer")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "desktop-signpost.png"))
    before = page.locator(".hw-bot").count()
    page.locator(".hw-choice", has_text="Is het gratis?").last.click()
    expect(page.locator(".hw-bot")).not_to_have_count(before, timeout=20000)
    expect(page.locator(".hw-bot").last).to_contain_text("gratis")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "desktop.png"))


def test_english_conversation(page, servers):
    open_chat(page, servers["demo_en"])
    expect(page.locator(".hw-exit")).to_have_text("Quick exit")
    send(page, "my boyfriend watches stuff with kids and i dont know what to do")
    expect(page.locator(".hw-log")).to_contain_text("Stop it Now")
    expect(page.locator(".hw-bot").last).to_contain_text("Would you like to know more")


def test_quick_exit_button_leaves_and_forgets(page, servers):
    open_chat(page, servers["demo"])
    page.locator(".hw-exit").click()
    page.wait_for_url(EXIT_URL)
    assert page.evaluate("() => sessionStorage.length") == 0
    page.goto(servers["demo"])
    expect(page.locator(".hw-launcher")).to_be_visible()
    expect(page.locator(".hw-msg")).to_have_count(0)


def test_escape_three_times_leaves(page, servers):
    open_chat(page, servers["demo"])
    for _ in range(3):
        page.keyboard.press("Escape")
    page.wait_for_url(EXIT_URL)


def test_reload_keeps_the_conversation_and_a_new_tab_does_not(page, servers):
    open_chat(page, servers["demo"])
    send(page, "wat kost zo'n show eigenlijk")
    count = page.locator(".hw-msg").count()
    page.reload()
    expect(page.locator(".hw-msg")).to_have_count(count)
    other = page.context.new_page()
    other.goto(servers["demo"])
    expect(other.locator(".hw-launcher")).to_be_visible()
    expect(other.locator(".hw-msg")).to_have_count(0)
    assert page.context.cookies() == []
    assert page.evaluate("() => localStorage.length") == 0


def test_typed_html_shows_as_text_and_does_not_run(page, servers):
    open_chat(page, servers["demo"])
    payload = "<img src=x onerror=\"window.__pwned=1\"><script>window.__pwned=2</script>"
    send(page, payload)
    expect(page.locator(".hw-user .hw-text").last).to_have_text(payload)
    assert page.evaluate("() => window.__pwned") is None
    assert page.locator(".hw-log img").count() == 0


def test_works_at_320_px_wide(open_context, servers):
    page = open_context(viewport={"width": 320, "height": 640}, device_scale_factor=2, is_mobile=True, has_touch=True).new_page()
    open_chat(page, servers["demo"])
    send(page, "ik ben 14 en iemand dreigt mijn fotos te delen")
    box = page.locator(".hw-panel").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 320
    expect(page.locator(".hw-exit")).to_be_visible()
    expect(page.locator(".hw-log")).to_contain_text("Kindertelefoon")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "mobile.png"))


def test_keyboard_only(page, servers):
    page.goto(servers["demo"])
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement && document.activeElement.id === 'hulpwijzer-chat'"):
            focused = page.evaluate("() => document.activeElement.shadowRoot.activeElement.className")
            if "hw-launcher" in focused:
                break
    page.keyboard.press("Enter")
    expect(page.locator("#hw-input")).to_be_focused()
    expect(page.locator(".hw-bot").first).to_be_visible(timeout=20000)
    page.keyboard.type("is er hulp voor mensen zoals ik")
    before = page.locator(".hw-bot").count()
    page.keyboard.press("Enter")
    expect(page.locator(".hw-bot")).not_to_have_count(before, timeout=20000)
    expect(page.locator(".hw-log")).to_have_attribute("aria-live", "polite")


def test_no_request_leaves_the_chat_server(browser, servers):
    context = browser.new_context()
    requested = []
    context.on("request", lambda request: requested.append(request.url))
    page = context.new_page()
    open_chat(page, servers["demo"])
    send(page, "hoi, wat is dit voor chat")
    assert requested and all(url.startswith(PUBLIC_URL) for url in requested), requested
    context.close()


def test_usable_at_200_percent_zoom(open_context, servers):
    # 200 % zoom on a 1280 x 800 screen leaves 640 x 400 CSS pixels.
    page = open_context(viewport={"width": 640, "height": 400}, device_scale_factor=2).new_page()
    open_chat(page, servers["demo"])
    for selector in (".hw-exit", "#hw-input", ".hw-send", ".hw-close"):
        box = page.locator(selector).bounding_box()
        assert box and box["x"] >= 0 and box["y"] >= 0 and box["x"] + box["width"] <= 640 and box["y"] + box["height"] <= 400, selector
    send(page, "wat kost een show")
    expect(page.locator(".hw-bot").last).to_be_visible()


def contrast(foreground: str, background: str) -> float:
    """Return the WCAG contrast ratio of two "rgb(r, g, b)" colours."""
    def luminance(colour: str) -> float:
        channels = [int(part) / 255 for part in colour[colour.index("(") + 1:colour.index(")")].split(",")[:3]]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    lighter, darker = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_text_contrast_meets_wcag_aa(page, servers):
    open_chat(page, servers["demo"])
    send(page, "ik denk aan zelfmoord")  # the safety guard makes sure the reply carries links
    pairs = {
        ".hw-exit": None, ".hw-send": None, ".hw-title": ".hw-header", ".hw-subtitle": ".hw-header",
        ".hw-bot .hw-text": None, ".hw-user .hw-text": None, ".hw-choice": None, ".hw-text a": ".hw-bot .hw-text",
    }
    for selector, background_of in pairs.items():
        element = page.locator(selector).first
        colour = element.evaluate("e => getComputedStyle(e).color")
        holder = page.locator(background_of).first if background_of else element
        background = holder.evaluate("e => getComputedStyle(e).backgroundColor")
        if background == "rgba(0, 0, 0, 0)":
            background = "rgb(255, 255, 255)"
        assert contrast(colour, background) >= 4.5, f"{selector}: {colour} on {background}"


def test_in_the_moment_steps_by_button_on_a_phone(phone, servers):
    page = phone
    open_chat(page, servers["demo"])
    send(page, "het is midden in de nacht en de drang is er weer, ik wil niet gaan zoeken")
    expect(page.locator(".hw-bot").last).to_contain_text("Zoek niet verder")
    for button, reply in (("Wat helpt nog meer", "filter"), ("Het komende uur", "komende uur"), ("Nu praten met Stop it Now!", "Stop it Now!")):
        before = page.locator(".hw-bot").count()
        page.locator(".hw-choice", has_text=button).last.tap()
        expect(page.locator(".hw-bot")).not_to_have_count(before, timeout=20000)
        expect(page.locator(".hw-log")).to_contain_text(reply)
    expect(page.locator(".hw-log a[href='https://stoppen-is-mogelijk.eu/zelfhulp/']").last).to_be_visible()
    expect(page.locator(".hw-log a[href='tel:+318002666436']").last).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "moment-phone.png"))
