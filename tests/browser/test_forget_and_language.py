"""'Wis gesprek' asks first and deletes the conversation on the server; the English page is English from the start."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from bot.store.location import database_url
from tests.browser.widget import SCREENSHOTS, focused, open_chat, send, stored

pytestmark = [pytest.mark.browser, pytest.mark.servers, pytest.mark.model]


def events_of(conversation_id: str) -> int:
    """Return how many events of the conversation the servers' tracker store holds."""
    engine = sa.create_engine(database_url())
    with engine.connect() as connection:
        count = connection.execute(sa.text("SELECT COUNT(*) FROM events WHERE sender_id = :s"), {"s": conversation_id}).scalar()
    engine.dispose()
    return count


def test_clear_asks_in_the_widget_and_no_keeps_everything(page, servers):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    open_chat(page, servers["demo"])
    send(page, "is het anoniem?")
    count = page.locator(".hw-msg:not(.hw-typing)").count()
    page.locator(".hw-clear").click()
    confirm = page.locator(".hw-confirm")
    expect(confirm).to_be_visible()
    expect(confirm).to_contain_text("in deze browser en op de server")
    assert page.locator(".hw-clear").get_attribute("aria-expanded") == "true"
    assert focused(page) == "hw-confirm-no"
    page.locator(".hw-confirm-no").click()
    expect(confirm).to_be_hidden()
    expect(page.locator(".hw-msg:not(.hw-typing)")).to_have_count(count)
    assert events_of(stored(page)["id"]) > 0
    assert dialogs == []  # no window.confirm


def test_clear_deletes_the_conversation_on_the_server_and_says_what_went(page, servers):
    open_chat(page, servers["demo"])
    send(page, "ik maak me zorgen over mijn eigen gedachten over kinderen")
    conversation = stored(page)["id"]
    assert events_of(conversation) > 0
    page.locator(".hw-clear").click()
    page.locator(".hw-confirm-yes").click()
    expect(page.locator(".hw-note")).to_have_text(
        "Het gesprek is gewist: je berichten en de antwoorden zijn verwijderd, in deze browser en op de server. "
        "Een nieuw bericht begint een nieuw gesprek.")
    assert events_of(conversation) == 0
    expect(page.locator(".hw-msg:not(.hw-typing)")).to_have_count(0)
    assert stored(page)["messages"] == [] and stored(page)["id"] is None
    send(page, "hoi")  # a new conversation, with a new id
    assert stored(page)["id"] not in (None, conversation)
    assert events_of(conversation) == 0


def test_the_privacy_reply_mentions_clearing(page, servers):
    open_chat(page, servers["demo"])
    before = page.locator(".hw-bot").count()
    page.locator(".hw-tool", has_text="Privacy").click()
    expect(page.locator(".hw-bot")).not_to_have_count(before, timeout=20000)
    expect(page.locator(".hw-log")).to_contain_text('Kies bovenin de chat "Wis gesprek"')


def test_the_english_page_greets_and_answers_in_english_until_the_person_writes_dutch(page, servers, reply_language):
    open_chat(page, servers["demo_en"])
    greeting = page.locator(".hw-bot").first
    expect(greeting).to_contain_text("Hi, welcome")
    expect(greeting.locator(".hw-choice").first).to_have_text("Worried about myself")
    send(page, "ok")  # no language of its own: the page's counts
    reply = page.locator(".hw-bot").last.inner_text()
    assert reply_language(reply) == "en", reply
    send(page, "ik maak me zorgen over mijn vriend, hij kijkt naar beelden van kinderen")
    expect(page.locator(".hw-log")).to_contain_text("Wat naar dat je je zorgen maakt")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "english-page.png"))


def test_the_dutch_page_greets_in_dutch(page, servers):
    open_chat(page, servers["demo"])
    expect(page.locator(".hw-bot").first).to_contain_text("Hoi, welkom")
