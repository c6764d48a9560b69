"""The dashboard in Chromium: a real chat through the widget, then a counsellor reviews and corrects it."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect, sync_playwright
from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

from bot.counsellor import review
from bot.settings import settings
from bot.store.database import Database
from bot.store.transcripts import conversation_key
from tests.browser.widget import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, open_chat, send

pytestmark = [pytest.mark.browser, pytest.mark.servers, pytest.mark.model]

NONSENSE = "blorp snarf quux wibble"


def chat(page: Page, demo: str) -> str:
    """Have a short conversation through the widget; return its conversation id."""
    open_chat(page, demo)
    send(page, "ik denk aan zelfmoord, bel me op 0612345678")  # the safety guard flags this, whatever the classifier says
    send(page, NONSENSE)
    return json.loads(page.evaluate("() => sessionStorage.getItem('hulpwijzer.conversation')"))["id"]


def test_a_counsellor_reviews_a_real_chat(servers, account, tmp_path):
    assert Path(CHROMIUM).exists(), "Debian's chromium is missing; `make test` installs it"
    base = servers["demo"].rstrip("/")
    sender = None
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
        context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base) else route.abort())
        try:
            page = context.new_page()
            sender = chat(page, servers["demo"])
            key = conversation_key(sender)

            page.goto(f"{base}/counsellor/")
            expect(page).to_have_url(f"{base}/counsellor/login")
            page.fill("#username", account["username"])
            page.fill("#password", account["password"])
            page.click("button:has-text('Inloggen')")
            expect(page.locator("h1")).to_have_text("Gesprekken")
            cookie = next(c for c in context.cookies() if c["name"] == "hw_counsellor")
            assert cookie["secure"] and cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["path"] == "/counsellor"

            page.fill("input[name=date_from]", datetime.now(ZoneInfo(settings()["counsellor"]["timezone"])).strftime("%d-%m-%Y"))
            page.select_option("select[name=flag]", "crisis")
            page.select_option("select[name=language]", "nl")
            page.select_option("select[name=status]", "unreviewed")
            page.click("button:has-text('Filteren')")
            expect(page).to_have_url(re.compile(r"flag=crisis.*status=unreviewed"))
            link = page.locator(f"a[href='/counsellor/conversations/{key}']")
            expect(link).to_be_visible()
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / "counsellor-list.png"))
            link.click()

            expect(page.locator("h1")).to_have_text(f"Gesprek {key[:10]}")
            expect(page.locator(".turn.user", has_text="[TELEFOON]")).to_be_visible()
            assert "0612345678" not in page.content()
            page.fill("#note", "Stop it Now was right; the second message was not understood.")
            page.click("button:has-text('Notitie toevoegen')")
            expect(page.locator(".note")).to_contain_text("the second message was not understood")

            expect(page.locator(".turn.user", has_text="zelfmoord").locator(".nlu")).to_contain_text("Crisis")
            turn = page.locator(".turn.user", has_text=NONSENSE)
            expect(turn.locator(".nlu")).to_contain_text("intentie")
            turn.locator("select[name=intent]").select_option("out_of_scope")
            turn.locator("button:has-text('Markeren als verkeerd begrepen')").click()
            expect(page.locator(".turn.user", has_text=NONSENSE).locator(".marked")).to_contain_text("Buiten het onderwerp")
            page.screenshot(path=str(SCREENSHOTS / "counsellor.png"), full_page=True)
            page.screenshot(path=str(SCREENSHOTS / "counsellor-transcript.png"), full_page=True)

            page.click("nav >> text=Overzicht")
            expect(page.locator("svg.chart")).to_have_count(5)
            page.screenshot(path=str(SCREENSHOTS / "counsellor-overview.png"), full_page=True)

            page.click("nav >> text=Correcties")
            expect(page.locator("table.list").first).to_contain_text(NONSENSE)
            with page.expect_download() as download:
                page.click("button:has-text('Exporteren als NLU-trainingsdata')")
            exported = tmp_path / "export.yml"
            download.value.save_as(exported)
            examples = RasaYAMLReader().reads(exported.read_text(encoding="utf-8")).intent_examples
            assert ("out_of_scope", NONSENSE) in {(m.get("intent"), m.get("text")) for m in examples}

            page.click("button:has-text('Uitloggen')")
            expect(page).to_have_url(f"{base}/counsellor/login")
            page.goto(f"{base}/counsellor/")
            expect(page).to_have_url(f"{base}/counsellor/login")
        finally:
            context.close()
            browser.close()
            if sender:  # leave no corrections behind in the development database
                database = Database()
                with database.session() as db:
                    review.delete_conversation(db, sender)
                database.dispose()
