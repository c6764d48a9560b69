"""The dashboard in Dutch by default, in English per account or per request; dates in Europe/Amsterdam; labels."""

from __future__ import annotations

import re
from datetime import date, datetime, timezone

import pytest
import sqlalchemy as sa

from bot.constants import SAFETY_INTENTS
from bot.counsellor import i18n, labels
from bot.counsellor.audit import ACTIONS
from bot.counsellor.dates import parse_day
from bot.counsellor.listing import GROUPS
from bot.counsellor.markers import MARKER_NAMES
from bot.counsellor.views import Dashboard
from bot.domain import domain, intents
from bot.knowledge import helplines
from bot.store.models import Account, AuditEntry
from bot.store.transcripts import conversation_key
from bot.tools.dashboard_messages import extract, read_catalogue
from tests.support.counsellor import csrf_token, log_in

FALLBACK = conversation_key("fallback-en")
PLACEHOLDER = re.compile(r"\{\w+\}|%\(\w+\)s")


def in_language(language: str):
    """Return a context in which the dashboard speaks `language`."""

    class Speaking:
        def __enter__(self) -> None:
            self.tokens = i18n.request(language)

        def __exit__(self, *exc: object) -> None:
            i18n.reset(self.tokens)

    return Speaking()


def set_language(database, username: str, language: str) -> None:
    with database.session() as db:
        db.execute(sa.update(Account).where(Account.username == username).values(language=language))


def heading(html: str) -> str:
    return re.search(r"<h1>([^<]*)</h1>", html).group(1)


# ---- which language


def test_the_dashboard_is_dutch_by_default(client, counsellor):
    page = counsellor.get("/counsellor/").text
    assert '<html lang="nl">' in page and heading(page) == "Gesprekken"
    assert ">Uitloggen</button>" in page and 'data-label="Berichten"' in page and "te beoordelen" in page
    assert "Conversations" not in page and "to review" not in page


def test_the_login_page_is_dutch_and_english_on_request(client):
    assert heading(client.get("/counsellor/login").text) == "Inloggen"
    english = client.get("/counsellor/login?lang=en")
    assert heading(english.text) == "Log in" and '<html lang="en">' in english.text


def test_an_account_can_see_the_dashboard_in_english(client, make_account, database):
    make_account("erik")
    set_language(database, "erik", "en")
    assert log_in(client, "erik").status_code == 303
    page = client.get("/counsellor/").text
    assert '<html lang="en">' in page and heading(page) == "Conversations" and "to review" in page
    assert heading(client.get("/counsellor/overview").text) == "Overview"


def test_a_request_chooses_the_language_for_the_session(client, make_account, database):
    make_account("erik")
    set_language(database, "erik", "en")
    log_in(client, "erik")
    dutch = client.get("/counsellor/?lang=nl")
    assert heading(dutch.text) == "Gesprekken"
    cookie = dutch.headers["set-cookie"]
    assert cookie.startswith("hw_counsellor_lang=nl;") and "Secure" in cookie and "HttpOnly" in cookie
    assert "SameSite=strict" in cookie and "Path=/counsellor" in cookie and "expires" not in cookie.lower()
    assert heading(client.get("/counsellor/funnel").text) == "Trechter"  # the choice holds for the session ...
    assert heading(client.get("/counsellor/funnel?lang=en").text) == "Funnel"  # ... until another one
    assert heading(client.get("/counsellor/").text) == "Conversations"


def test_an_unknown_language_is_ignored(counsellor):
    page = counsellor.get("/counsellor/?lang=de")
    assert heading(page.text) == "Gesprekken" and "set-cookie" not in page.headers


def test_the_switch_keeps_the_page_and_its_filters(counsellor):
    page = counsellor.get("/counsellor/?status=unreviewed&lang=nl").text
    assert 'href="/counsellor/?status=unreviewed&amp;lang=en" hreflang="en"' in page
    assert '<span aria-current="true" lang="nl">NL</span>' in page


def test_errors_and_form_messages_follow_the_language(counsellor):
    assert "Deze pagina bestaat niet." in counsellor.get("/counsellor/nowhere").text
    assert "This page does not exist." in counsellor.get("/counsellor/nowhere?lang=en").text
    url = f"/counsellor/conversations/{FALLBACK}"
    token = csrf_token(counsellor.get(url).text)
    empty = counsellor.post(f"{url}/notes", data={"csrf": token, "text": " "})
    assert empty.status_code == 422 and "The note is empty." in empty.text  # English, chosen above
    counsellor.get("/counsellor/?lang=nl")
    assert "De notitie is leeg." in counsellor.post(f"{url}/notes", data={"csrf": token, "text": " "}).text
    wrong_type = counsellor.post(f"{url}/notes", content=b"{}", headers={"content-type": "application/json"})
    assert wrong_type.status_code == 415 and "Stuur het formulier als" in wrong_type.text


def test_the_admin_pages_speak_the_language_too(admin):
    assert heading(admin.get("/counsellor/audit").text) == "Auditlog"
    accounts = admin.get("/counsellor/accounts").text
    assert heading(accounts) == "Accounts" and "actief (jij)" in accounts and "Nederlands" in accounts


# ---- dates and times


@pytest.fixture
def dashboard(config, database):
    return Dashboard(config, b"k" * 32, database)


@pytest.mark.parametrize("moment, dutch, english", [
    (datetime(2026, 12, 7, 23, 30), "8 dec 2026 00:30", "8 Dec 2026, 00:30"),  # stored UTC: the next day in Amsterdam
    (datetime(2026, 7, 1, 22, 15), "2 jul 2026 00:15", "2 Jul 2026, 00:15"),  # summer time: two hours ahead
    (datetime(2026, 12, 7, 23, 59, tzinfo=timezone.utc).timestamp(), "8 dec 2026 00:59", "8 Dec 2026, 00:59"),  # Unix
])
def test_times_are_shown_in_amsterdam_in_the_interface_language(dashboard, moment, dutch, english):
    with in_language("nl"):
        assert dashboard.when(moment) == dutch
    with in_language("en"):
        assert dashboard.when(moment) == english


def test_pages_show_dutch_dates_of_the_amsterdam_day(admin, database):
    with database.session() as db:
        db.add(AuditEntry(username="carla", action="login", at=datetime(2026, 12, 31, 23, 5)))  # UTC
    assert "<td>1 jan 2027 00:05</td>" in admin.get("/counsellor/audit").text
    assert "<td>1 Jan 2027, 00:05</td>" in admin.get("/counsellor/audit?lang=en").text
    overview = admin.get("/counsellor/overview?lang=nl").text
    assert re.search(r"van \d{1,2} [a-z]{3} \d{4} tot en met \d{1,2} [a-z]{3} \d{4} \(30 dagen\)", overview)


@pytest.mark.parametrize("typed, expected", [
    ("07-12-2026", date(2026, 12, 7)), ("7-12-2026", date(2026, 12, 7)), ("7/12/2026", date(2026, 12, 7)),
    ("7.12.2026", date(2026, 12, 7)), ("2026-12-07", date(2026, 12, 7)),  # ISO: the funnel's links
    ("12/31/2026", None), ("31-02-2026", None), ("2026-12-7", None), ("gisteren", None), ("", None),
])
def test_filter_dates_are_day_first(typed, expected):
    assert parse_day(typed) == expected


def test_the_list_takes_dutch_dates_and_says_when_one_is_wrong(counsellor):
    page = counsellor.get("/counsellor/?date_from=17-11-2026&date_to=17-11-2026")
    assert page.status_code == 200 and 'name="date_from" value="17-11-2026" placeholder="dd-mm-jjjj"' in page.text
    assert re.findall(r'href="/counsellor/conversations/([0-9a-f]+)"', page.text) == [FALLBACK]
    wrong = counsellor.get("/counsellor/?date_from=11/31/2026")
    assert wrong.status_code == 400 and "De datum “11/31/2026” (van) is geen datum" in wrong.text
    assert "type=\"date\"" not in wrong.text  # the browser's own date field shows mm/dd/yyyy in an English browser


# ---- labels


def assert_labelled(kind: str, names) -> None:
    table = labels.labels()[kind]
    for name in names:
        assert name in table, f"{kind}: no label for {name!r}"
        assert set(table[name]) == {"nl", "en"} and all(table[name].values()), f"{kind}: {name!r} lacks a language"


def test_every_intent_route_and_help_line_has_a_dutch_and_an_english_label():
    assert_labelled("intents", intents())
    assert_labelled("routes", domain()["slots"]["route"]["values"])
    assert_labelled("helplines", helplines())
    assert set(labels.labels()["intents"]) - set(intents()) == {"nlu_fallback"}  # Rasa's; none for an intent gone
    assert set(labels.labels()["helplines"]) == set(helplines())


def test_every_flag_marker_severity_and_audit_action_has_both_labels():
    assert_labelled("flags", SAFETY_INTENTS)
    assert_labelled("markers", MARKER_NAMES)
    assert_labelled("severities", GROUPS)
    assert_labelled("actions", ACTIONS)
    assert_labelled("categories", ("signposted", "facts", "other"))


def test_labels_follow_the_language_and_unknown_names_stay_readable():
    with in_language("nl"):
        assert labels.label("intents", "concern_other") == "Zorgen over een ander"
        assert labels.helpline("Politie (geen spoed)") == labels.helpline("politie_0900") == "Politie (geen spoed)"
        assert labels.label("routes", "some_old_route") == "some old route"
        assert labels.language_name("en") == "Engels"
    with in_language("en"):
        assert labels.label("intents", "concern_other") == "Worried about someone else"
        assert labels.helpline("politie_0900") == "Police (non-emergency)"


def test_the_transcript_and_its_intent_choice_show_readable_names(counsellor):
    page = counsellor.get(f"/counsellor/conversations/{FALLBACK}").text
    assert '<option value="concern_other">Zorgen over een ander</option>' in page
    assert ">concern_other<" not in page and "<code>" not in page.split('<ol class="transcript">')[1].split("</ol>")[0]


# ---- the catalogue


def test_every_message_has_a_dutch_translation_with_the_same_placeholders():
    catalogue = {message.id: message.string for message in read_catalogue() if message.id}
    extracted = {message.id for message in extract() if message.id}
    assert extracted == set(catalogue), "run `python -m bot dashboard-messages` and translate the new messages"
    for source, dutch in catalogue.items():
        sources, translations = (source, dutch) if isinstance(source, tuple) else ((source,), (dutch,))
        for original, translated in zip(sources, translations, strict=True):
            assert translated, f"no Dutch for {original!r}"
            assert set(PLACEHOLDER.findall(original)) == set(PLACEHOLDER.findall(translated)), original
