"""Triage end to end in Chromium: two chats through the widget, then the inbox, the funnel and a harmful reply."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import BrowserContext, Page, expect, sync_playwright

from bot.counsellor import review
from bot.store.database import Database
from bot.store.models import LinkClick
from bot.store.transcripts import conversation_key
from bot.tools.safety_report import load_messages
from tests.browser.widget import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, open_chat, send, stored

pytestmark = [pytest.mark.browser, pytest.mark.servers, pytest.mark.model]

CRISIS = "ik wil er niet meer zijn"
WORRIED = "ik kijk porno en kwam filmpjes met kinderen tegen, ik schrik van mezelf en wil hulp"
NONSENSE = "blorp snarf quux wibble"
REASON = "te vaag voor iemand die van zichzelf schrikt"
RIGHT_ROUTE = "self_concern"


def offline_context(browser, base: str, **options) -> BrowserContext:
    """Return a browser context that reaches the web tier only (a help line's site is not opened for real)."""
    context = browser.new_context(accept_downloads=True, **options)
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base) else route.abort())
    return context


def clicks_of(conversation: str) -> int:
    """Return how many link openings the funnel stored for a conversation."""
    database = Database()
    try:
        with database.session() as db:
            return db.scalar(sa.select(sa.func.count()).select_from(LinkClick).where(LinkClick.conversation_id == conversation))
    finally:
        database.dispose()


def worried_chat(context: BrowserContext, demo: str) -> tuple[str, str]:
    """Chat as someone scared of what they watched, open the help line's website, then type nonsense."""
    page = context.new_page()
    open_chat(page, demo)
    send(page, WORRIED)
    card = page.locator(".hw-card").first
    expect(card).to_be_visible()
    line = card.locator(".hw-card-name").inner_text()
    with context.expect_page():  # the website or the chat opens in a new window
        card.locator("a.hw-action-web, a.hw-action-chat").first.click()
    send(page, NONSENSE)  # a fallback: a possible misroute
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SCREENSHOTS / "triage-worried-chat.png"))
    return stored(page)["id"], line


def crisis_chat(context: BrowserContext, demo: str) -> str:
    """Chat as someone in crisis."""
    page = context.new_page()
    open_chat(page, demo)
    send(page, CRISIS)
    return stored(page)["id"]


def log_in(page: Page, base: str, account: dict[str, str]) -> None:
    """Sign in as the test counsellor."""
    page.goto(f"{base}/counsellor/login")
    page.fill("#username", account["username"])
    page.fill("#password", account["password"])
    page.click("form[action$='/login'] button[type=submit]")
    expect(page.locator("table.triage")).to_be_visible()


def test_a_counsellor_triages_two_real_chats(servers, account, tmp_path):
    assert Path(CHROMIUM).exists(), "Debian's chromium is missing; `make test` installs it"
    base = servers["demo"].rstrip("/")
    senders: list[str] = []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            worried, line = worried_chat(offline_context(browser, base), servers["demo"])
            senders.append(worried)
            crisis = crisis_chat(offline_context(browser, base), servers["demo"])
            senders.append(crisis)
            deadline = time.monotonic() + 10
            while not clicks_of(worried) and time.monotonic() < deadline:
                time.sleep(0.2)
            assert clicks_of(worried) == 1

            context = offline_context(browser, base, viewport={"width": 1280, "height": 900})
            page = context.new_page()
            log_in(page, base, account)
            # The inbox: the newest unreviewed urgent conversation is the crisis chat, at the top.
            rows = page.locator("table.triage tbody tr")
            expect(rows.first.locator("a.conversation")).to_have_attribute("href", f"/counsellor/conversations/{conversation_key(crisis)}")
            expect(rows.first).to_have_class("group-urgent")
            groups = [name.removeprefix("group-") for name in rows.evaluate_all("rows => rows.map(r => r.className)")]
            assert groups == sorted(groups, key=["urgent", "misroute", "other"].index), groups
            page.screenshot(path=str(SCREENSHOTS / "counsellor-triage.png"))

            # The worried chat is a possible misroute: its fallback is marked and counted. Newest first, so that
            # it is on the first page however many conversations the development database already holds.
            page.click("a[data-marker=fallback]")
            page.select_option("select[name=order]", "newest")
            page.click("form.filters button[type=submit]")
            row = page.locator("table.triage tbody tr", has=page.locator(f"a[href$='{conversation_key(worried)}']"))
            expect(row).to_have_class("group-misroute")
            expect(row.locator(".marker")).not_to_have_count(0)

            # The funnel counts the opened link for the help line whose card was shown.
            page.click("nav a[href$='/funnel']")
            line_row = page.locator("table.funnel").first.locator("tr", has_text=line).first
            cells = line_row.locator("td").all_inner_texts()
            assert int(cells[0]) >= 1 and int(cells[1]) >= 1, cells  # cards shown, clicked through
            page.screenshot(path=str(SCREENSHOTS / "counsellor-funnel-live.png"), full_page=True)

            # The reply to the worried message is marked harmful, with the right route and a reason.
            page.goto(f"{base}/counsellor/conversations/{conversation_key(worried)}")
            reply = page.locator(f"li.turn.user:has-text('{WORRIED}') + li.turn.bot")
            reply.locator("details.mark-reply summary").click()
            reply.locator("select[name=kind]").select_option("harmful")
            reply.locator("select[name=route]").select_option(RIGHT_ROUTE)
            reply.locator("input[name=reason]").fill(REASON)
            reply.locator("form[action$='/mark'] button[type=submit]").click()
            expect(page.locator(".reply-mark .reason")).to_have_text(REASON)
            page.locator(f"li.turn.user:has-text('{WORRIED}')").scroll_into_view_if_needed()
            page.screenshot(path=str(SCREENSHOTS / "counsellor-reply-marked.png"))

            # The export writes it as a red-team case that the red-team loader reads.
            page.click("nav a[href$='/corrections']")
            with page.expect_download() as download:
                page.click("form[action$='/export/redteam'] button[type=submit]")
            exported = tmp_path / "redteam.yml"
            download.value.save_as(exported)
            cases = [case for case in load_messages(exported) if case["text"] == WORRIED]
            assert cases and cases[0]["expect"] == "help_seeker" and cases[0]["route"] == RIGHT_ROUTE, cases
            context.close()
        finally:
            browser.close()
            database = Database()
            with database.session() as db:  # leave nothing behind in the development database
                for sender in senders:
                    review.delete_conversation(db, sender)
            database.dispose()
