"""The widget on a phone (390 x 844 CSS pixels, touch): a full-screen sheet, short replies, cards, small things."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from tests.browser.widget import (
    EXIT_URL,
    SCREENSHOTS,
    WAIT,
    box,
    focused,
    inside,
    open_chat,
    send,
    stored,
    visible_words,
)

pytestmark = [pytest.mark.browser, pytest.mark.servers, pytest.mark.model]

WIDTH, HEIGHT = 390, 844


def test_the_open_chat_is_a_full_screen_sheet_and_the_page_behind_does_not_scroll(phone, servers):
    phone.goto(servers["demo"])
    phone.evaluate("() => { const tall = document.createElement('div'); tall.style.height = '3000px'; document.body.appendChild(tall); }")
    phone.locator(".hw-launcher").tap()
    expect(phone.locator(".hw-bot").first).to_be_visible(timeout=WAIT)
    assert box(phone, ".hw-panel") == {"x": 0, "y": 0, "width": WIDTH, "height": HEIGHT}
    assert phone.locator(".hw-panel").get_attribute("aria-modal") == "true"
    assert focused(phone) == "hw-title"  # the dialog has focus, the text box does not: no keyboard over the buttons
    phone.mouse.move(200, 500)
    phone.mouse.wheel(0, 800)
    phone.wait_for_timeout(300)
    assert phone.evaluate("() => window.scrollY") == 0
    for selector in (".hw-exit", ".hw-close", ".hw-clear", ".hw-tool", "#hw-input", ".hw-send"):
        assert inside(box(phone, selector), WIDTH, HEIGHT), selector
    phone.locator(".hw-close").tap()
    phone.mouse.wheel(0, 800)
    phone.wait_for_timeout(300)
    assert phone.evaluate("() => window.scrollY") > 0  # closed: the page scrolls again
    expect(phone.locator(".hw-exit")).to_be_visible()


def test_the_quick_exit_is_on_the_sheet_and_works_with_a_tap(phone, servers):
    open_chat(phone, servers["demo"], tap=True)
    send(phone, "ik wil er niet meer zijn")
    exit_box = box(phone, ".hw-exit")
    assert inside(exit_box, WIDTH, HEIGHT) and exit_box["y"] < 80  # at the top of the sheet, next to the title
    phone.locator(".hw-exit").tap()
    phone.wait_for_url(EXIT_URL)
    assert phone.evaluate("() => sessionStorage.length") == 0


def test_a_reply_is_shown_from_its_first_bubble_with_short_text_and_help_line_cards(phone, servers):
    open_chat(phone, servers["demo"], tap=True)
    before = phone.locator(".hw-bot").count()
    send(phone, "ik ben 14 en iemand dreigt mijn fotos te delen als ik niet betaal")
    first = phone.locator(".hw-bot").nth(before)
    log = box(phone, ".hw-log")
    top = first.bounding_box()["y"]
    assert log["y"] <= top <= log["y"] + 24, (log, top)  # the first new bubble at the top, not the end of the reply
    assert phone.evaluate("""() => { const log = document.getElementById('hulpwijzer-chat').shadowRoot.querySelector('.hw-log');
                                     return log.scrollTop + log.clientHeight < log.scrollHeight - 10; }""")  # the rest is below
    assert visible_words(first) <= 40
    card = phone.locator(".hw-card", has_text="De Kindertelefoon").first
    expect(card.locator(".hw-card-status")).to_have_text(re.compile(r"Nu open|Nu gesloten · weer open .+"))
    expect(card.locator(".hw-action-call")).to_have_attribute("href", "tel:+318000432")
    expect(card.locator(".hw-action-call")).to_contain_text(re.compile(r"^Bel( nu)?0800-0432$"))
    expect(card.locator(".hw-action-chat")).to_have_attribute("rel", "noopener noreferrer")
    details = card.locator("details")
    expect(details).not_to_have_attribute("open", "")
    details.locator("summary").tap()
    expect(details).to_have_attribute("open", "")
    expect(details).to_contain_text("8 tot 18 jaar")
    expect(phone.locator(".hw-card", has_text="Helpwanted")).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(SCREENSHOTS / "phone-signpost.png"))


def test_a_hesitant_opener_after_the_welcome_gets_a_short_greeting(phone, servers):
    open_chat(phone, servers["demo"], tap=True)
    welcome = phone.locator(".hw-bot").first.inner_text()
    for opener in ("heyy", "hoi?", "hallo..."):
        send(phone, opener)
        reply = phone.locator(".hw-bot").last
        assert "welkom" not in reply.inner_text() and visible_words(reply) <= 15, opener
        expect(reply.locator(".hw-choice")).to_have_count(0)  # the welcome's topic buttons are not repeated
    assert "welkom" in welcome


def test_the_typing_indicator_shows_while_waiting_and_is_still_with_reduced_motion(open_context, servers):
    for motion in ("no-preference", "reduce"):
        page = open_context(viewport={"width": WIDTH, "height": HEIGHT}, is_mobile=True, has_touch=True, reduced_motion=motion).new_page()
        open_chat(page, servers["demo"], tap=True)
        page.evaluate("""() => {
            const root = document.getElementById('hulpwijzer-chat').shadowRoot;
            const typing = root.querySelector('.hw-typing'), live = root.querySelector('.hw-panel > .hw-visually-hidden[role=status]');
            window.__typing = [];
            new MutationObserver(() => { if (!typing.hidden) window.__typing.push(live.textContent); })
                .observe(typing, {attributes: true, attributeFilter: ['hidden']});
        }""")
        send(page, "is het anoniem?")
        assert page.evaluate("() => window.__typing") == ["De chatbot schrijft een antwoord…"]
        assert page.locator(".hw-typing").get_attribute("aria-hidden") == "true"  # the live region says it, the dots do not
        animation = page.locator(".hw-dots span").first.evaluate("e => getComputedStyle(e).animationName")
        assert animation == ("none" if motion == "reduce" else "hw-blink"), motion


def test_the_error_message_links_the_emergency_numbers(phone, servers):
    open_chat(phone, servers["demo"], tap=True)
    phone.route("**/messages", lambda route: route.fulfill(status=500, content_type="application/json",
                                                          body=json.dumps({"error": {"code": "internal_error", "message": "x"}})))
    phone.locator("#hw-input").fill("hallo")
    phone.locator(".hw-send").tap()
    status = phone.locator(".hw-status")
    expect(status).to_contain_text("Bel 113")
    expect(status.locator("a[href='tel:113']")).to_have_text("113")
    expect(status.locator("a[href='tel:112']")).to_have_text("112")


def test_a_reload_keeps_the_scroll_position(phone, servers):
    open_chat(phone, servers["demo"], tap=True)
    for text in ("ik maak me zorgen over mijn broer, hij kijkt naar beelden van kinderen", "is het gratis?", "zijn ze nu open?"):
        send(phone, text)
    scroll = "() => document.getElementById('hulpwijzer-chat').shadowRoot.querySelector('.hw-log').scrollTop"
    phone.evaluate("() => { document.getElementById('hulpwijzer-chat').shadowRoot.querySelector('.hw-log').scrollTop = 240; }")
    phone.wait_for_timeout(400)
    assert stored(phone)["scroll"] == 240
    phone.reload()
    expect(phone.locator(".hw-bot").first).to_be_visible()
    phone.wait_for_timeout(200)
    assert abs(phone.evaluate(scroll) - 240) <= 2
