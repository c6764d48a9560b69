"""The audit log's filters (who, what, from, to) and its conversation ids: the list's short ids, linked."""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from bot.store.models import AuditEntry
from bot.store.transcripts import conversation_key, short_key

FALLBACK = conversation_key("fallback-en")
GONE = conversation_key("deleted-long-ago")
# Stored times are UTC: 22:30 UTC on 30 November is 23:30 in Amsterdam, 23:30 UTC is 00:30 on 1 December.
ENTRIES = [
    ("carla", "view_transcript", FALLBACK, datetime(2026, 11, 30, 22, 30)),
    ("carla", "note_add", FALLBACK, datetime(2026, 11, 30, 23, 30)),
    ("ben", "view_transcript", FALLBACK, datetime(2026, 12, 2, 9, 0)),
    ("ben", "delete_conversation", GONE, datetime(2026, 12, 3, 9, 0)),
    ("(command line)", "account_create", "ben", datetime(2026, 11, 1, 8, 0)),
]


@pytest.fixture
def log(admin, database):
    """Return the admin's client over a log that holds ENTRIES (besides the admin's own)."""
    with database.session() as db:
        db.add_all(AuditEntry(username=who, action=action, target=target, at=at) for who, action, target, at in ENTRIES)
    return admin


def rows(html: str) -> list[tuple[str, str, str]]:
    """Return the log's rows as (who, action label, target text)."""
    body = html.split("<tbody>")[1].split("</tbody>")[0]
    found = re.findall(r"<tr><td>[^<]*</td><td>([^<]*)</td><td>([^<]*)</td>\s*<td>(.*?)</td></tr>", body, re.S)
    return [(who, what, re.sub(r"<[^>]+>", "", target)) for who, what, target in found]


def mine(html: str) -> list[tuple[str, str, str]]:
    """Return the rows of ENTRIES (not the admin's own logins and views)."""
    return [row for row in rows(html) if row[0] != "ada"]


def test_the_log_lists_everything_newest_first(log):
    listed = mine(log.get("/counsellor/audit").text)
    assert [who for who, _, _ in listed] == ["ben", "ben", "carla", "carla", "(command line)"]


def test_filter_on_who(log):
    page = log.get("/counsellor/audit?who=carla").text
    assert {who for who, _, _ in rows(page)} == {"carla"} and len(rows(page)) == 2
    assert '<option value="carla" selected>carla</option>' in page and '<option value="ben">ben</option>' in page


def test_filter_on_the_action(log):
    listed = rows(log.get("/counsellor/audit?action=view_transcript").text)
    assert [(who, what) for who, what, _ in listed] == [("ben", "gesprek bekeken"), ("carla", "gesprek bekeken")]


@pytest.mark.parametrize("query, expected", [
    ("date_from=2026-12-01", ["ben", "ben", "carla"]),  # 00:30 on 1 December in Amsterdam counts
    ("date_to=2026-11-30", ["carla", "(command line)"]),  # 23:30 on 30 November in Amsterdam counts
    ("date_from=2026-12-01&date_to=2026-12-01", ["carla"]),
    ("date_from=2026-12-02&date_to=2026-12-02", ["ben"]),
])
def test_filter_on_amsterdam_days(log, query, expected):
    assert [who for who, _, _ in mine(log.get(f"/counsellor/audit?{query}").text)] == expected


def test_filters_combine(log):
    query = "who=ben&action=view_transcript&date_from=2026-12-01&date_to=2026-12-31"
    assert rows(log.get(f"/counsellor/audit?{query}").text) == [("ben", "gesprek bekeken", short_key(FALLBACK))]
    assert rows(log.get("/counsellor/audit?who=ben&action=note_add").text) == []
    assert "Geen regels gevonden." in log.get("/counsellor/audit?who=ben&action=note_add").text


def test_the_pager_keeps_the_filters(log, database):
    with database.session() as db:
        db.add_all(AuditEntry(username="ben", action="view_list", at=datetime(2026, 12, 4, 9, n)) for n in range(60))
    page = log.get("/counsellor/audit?who=ben").text
    assert "Pagina 1 van 2" in page and 'href="/counsellor/audit?who=ben&amp;page=2"' in page
    assert {who for who, _, _ in rows(log.get("/counsellor/audit?who=ben&page=2").text)} == {"ben"}


@pytest.mark.parametrize("query, message", [
    ("date_from=2026-13-01", "De datum “2026-13-01” (van) is geen datum"),
    ("date_to=yesterday", "De datum “yesterday” (tot) is geen datum"),
    ("date_from=2026-12-05&date_to=2026-12-01", "De datum “van” ligt na de datum “tot”."),
    ("action=drop_tables", "De actie “drop_tables” komt niet voor in het log."),
])
def test_wrong_filters_get_a_clear_message_not_a_crash(log, query, message):
    page = log.get(f"/counsellor/audit?{query}")
    assert page.status_code == 400 and message in page.text and 'role="alert"' in page.text
    assert "<tbody>" in page.text  # the log is still shown, without the wrong filter


def test_a_wrong_date_is_shown_escaped(log):
    page = log.get("/counsellor/audit?date_from=<script>").text
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_conversations_have_the_lists_short_id_and_link_to_the_transcript(log):
    page = log.get("/counsellor/audit").text
    link = f'<a class="key" href="/counsellor/conversations/{FALLBACK}">{short_key(FALLBACK)}</a>'
    assert link in page and f"conversations/{GONE}" not in page  # a deleted conversation is not linked ...
    assert f'<span class="key">{short_key(GONE)}</span>' in page  # ... but named the same way
    listed = log.get("/counsellor/").text
    assert f'<span class="key">{short_key(FALLBACK)}</span>' in listed and FALLBACK not in page.replace(link, "")
    transcript = log.get(f"/counsellor/conversations/{FALLBACK}")
    assert transcript.status_code == 200 and short_key(FALLBACK) in transcript.text


def test_the_log_and_its_filters_are_for_admins_only(counsellor, client):
    assert counsellor.get("/counsellor/audit?who=carla&action=login").status_code == 403
    client.cookies.clear()
    anonymous = client.get("/counsellor/audit?who=carla", follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"] == "/counsellor/login"
