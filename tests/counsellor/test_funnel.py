"""The funnel: help line cards read from Rasa's events, link clicks, the counts and rates, the page, retention."""

from __future__ import annotations

import re
import time
import xml.etree.ElementTree as ET
from datetime import date, datetime, timedelta, timezone
from html import unescape
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, Event, SlotSet

from bot.counsellor import charts
from bot.counsellor.funnel import NO_ROUTE, Click, click_through_rate, funnel
from bot.counsellor.views import percent
from bot.privacy.tracker_store import RedactingSQLTrackerStore
from bot.settings import settings
from bot.store.cards import CardShown, cards_shown
from bot.store.deletion import purge
from bot.store.link_clicks import record_click
from bot.store.models import AuditEntry, LinkClick
from bot.store.transcripts import conversation_key
from tests.support.counsellor import DAY, NOW, csrf_token, save, start, user

ZONE = ZoneInfo(settings()["counsellor"]["timezone"])


def card(line: str, at: float, language: str = "nl") -> BotUttered:
    """Return a help line card reply as Rasa stores it (text plus the custom payload)."""
    payload = {"helpline_card": {"line": line, "language": language, "status": "unknown", "status_text": "Openingstijden niet bekend"}}
    return BotUttered("Bel ze.", data={"custom": payload}, metadata={"utter_action": "utter_helpline_1"}, timestamp=at)


def signposted(at: float, route: str | None, *lines: str) -> list[Event]:
    """Return a conversation that got a route (or none) and then the cards of `lines`, with their names in the slots."""
    events = start(at) + [user("ik kijk naar dingen die niet mogen", route or "faq_online_risks", 0.9, at + 1)]
    if route:
        events.append(SlotSet("route", route, timestamp=at + 1))
    for number, line in enumerate(lines, 1):
        events += [SlotSet(f"hl{number}_name", NAMES[line], timestamp=at + 2), card(line, at + 3)]
    return events


NAMES = {"stop_it_now": "Stop it Now!", "veilig_thuis": "Veilig Thuis", "helpwanted": "Helpwanted"}


def store(database_file, conversations: dict[str, list[Event]]) -> None:
    """Add conversations to the test database through Rasa's (redacting) SQL tracker store."""
    tracker_store = RedactingSQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(database_file))
    for sender, events in conversations.items():
        save(tracker_store, sender, events)
    tracker_store.engine.dispose()


def test_cards_are_read_from_rasas_events_with_the_route_they_were_shown_in(database, database_file):
    store(database_file, {
        "self-nl": signposted(NOW, "self_concern", "stop_it_now")
        + [SlotSet("route", "concern_other", timestamp=NOW + 20), card("veilig_thuis", NOW + 21)],
        "facts-nl": signposted(NOW - DAY, None, "helpwanted"),
    })
    with database.session() as db:
        shown = cards_shown(db.connection())
        recent = cards_shown(db.connection(), since=NOW - 10)
        one = cards_shown(db.connection(), senders=["facts-nl"])
    assert shown == [
        CardShown("facts-nl", NOW - DAY + 3, "helpwanted", None),
        CardShown("self-nl", NOW + 3, "stop_it_now", "self_concern"),
        CardShown("self-nl", NOW + 21, "veilig_thuis", "concern_other"),
    ]  # the fixture conversations have no cards; their plain replies are not counted
    assert [c.sender_id for c in recent] == ["self-nl", "self-nl"] and [c.line for c in one] == ["helpwanted"]


def test_no_events_table_means_no_cards(tmp_path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    with engine.connect() as connection:
        assert cards_shown(connection) == []
    engine.dispose()


@pytest.mark.parametrize("clicked, shown, rate", [(0, 0, None), (3, 0, None), (0, 4, 0.0), (1, 4, 0.25), (490, 2_800_000, 490 / 2_800_000), (2, 2, 1.0)])
def test_the_click_through_rate(clicked, shown, rate):
    assert click_through_rate(clicked, shown) == rate


def test_rates_are_shown_as_whole_percentages_or_a_dash():
    assert [percent(value) for value in (None, 0.0, 0.25, 1 / 3, 1.0)] == ["–", "0%", "25%", "33%", "100%"]


def at(day: date, hour: int = 12) -> float:
    """Return the Unix time of an hour of a local day."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=ZONE).timestamp()


TODAY = date(2026, 11, 18)
YESTERDAY = TODAY - timedelta(days=1)


def test_the_funnel_counts_conversations_per_line_day_and_route():
    cards = [
        CardShown("a", at(TODAY), "stop_it_now", "self_concern"),
        CardShown("a", at(TODAY, 13), "stop_it_now", "self_concern"),  # shown again the same day: counted once
        CardShown("a", at(TODAY), "veilig_thuis", "self_concern"),
        CardShown("b", at(YESTERDAY), "stop_it_now", "concern_other"),
        CardShown("c", at(YESTERDAY), "stop_it_now", None),
        CardShown("d", at(TODAY - timedelta(days=40)), "stop_it_now", "self_concern"),  # before the period
    ]
    clicks = [
        Click("a", "stop_it_now", "phone", "self_concern", TODAY),
        Click("a", "stop_it_now", "chat", "self_concern", TODAY),  # the same conversation: one click-through, two links
        Click("b", "stop_it_now", "chat", "concern_other", TODAY),  # shown yesterday, clicked today
        Click("d", "stop_it_now", "phone", "self_concern", TODAY - timedelta(days=40)),
    ]
    found = funnel(cards, clicks, TODAY, 30, ZONE)
    assert (found.first_day, found.last_day, len(found.per_day)) == (TODAY - timedelta(days=29), TODAY, 30)
    assert (found.total.shown, found.total.clicked, found.total.clicks, found.total.rate) == (4, 2, 3, 0.5)
    lines = {line: (f.shown, f.clicked, f.by_kind(), f.rate) for line, f in found.per_line}
    assert lines == {
        "stop_it_now": (3, 2, [("phone", 1), ("chat", 2), ("website", 0)], 2 / 3),
        "veilig_thuis": (1, 0, [("phone", 0), ("chat", 0), ("website", 0)], 0.0),
    }
    assert [line for line, _ in found.per_line] == ["stop_it_now", "veilig_thuis"]  # most shown first
    days = {(line, day): (f.shown, f.clicked, f.rate) for line, day, f in found.per_line_day}
    assert days == {
        ("stop_it_now", TODAY): (1, 2, 2.0), ("veilig_thuis", TODAY): (1, 0, 0.0), ("stop_it_now", YESTERDAY): (2, 0, 0.0),
    }
    assert [day for _, day, _ in found.per_line_day] == [TODAY, TODAY, YESTERDAY]  # newest first
    routes = {route: (f.shown, f.clicked) for route, f in found.per_route}
    assert routes == {"self_concern": (2, 1), "concern_other": (1, 1), NO_ROUTE: (1, 0)}
    per_day = dict(found.per_day)
    assert (per_day[TODAY].shown, per_day[TODAY].clicked, per_day[YESTERDAY].shown, per_day[YESTERDAY].clicked) == (2, 2, 2, 0)


def test_an_empty_funnel_has_no_rate():
    found = funnel([], [], TODAY, 7, ZONE)
    assert (found.total.shown, found.total.rate, found.per_line, found.per_route, len(found.per_day)) == (0, None, [], [], 7)


def test_the_funnel_page_needs_a_login(client):
    response = client.get("/counsellor/funnel", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/counsellor/login"


def test_the_funnel_page_counts_links_to_the_list_and_is_audited(counsellor, database, database_file):
    now = time.time() - 60
    store(database_file, {"clicked": signposted(now, "self_concern", "stop_it_now", "veilig_thuis"),
                          "not-clicked": signposted(now, "self_concern", "stop_it_now")})
    with database.session() as db:
        assert record_click(db.connection(), "clicked", "stop_it_now", "phone", "self_concern")
    page = counsellor.get("/counsellor/funnel")
    assert page.status_code == 200 and page.text.count("<svg") == 4 and "<script" not in page.text
    text = re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", page.text)))
    assert "3 kaartjes getoond, 1 doorgeklikt (1 link geopend), doorklikpercentage 33%" in text
    assert re.search(r"Stop it Now! 2 1 1 0 0 50%", text) and re.search(r"Veilig Thuis 1 0 0 0 0 0%", text)
    assert re.search(r"Zorgen over eigen gevoelens 3 1 1 0 0 33%", text)
    links = set(re.findall(r'href="(/counsellor/\?[^"]+)"', page.text))
    today = datetime.now(ZONE).date().isoformat()
    assert f"/counsellor/?date_from={today}&amp;date_to={today}&amp;helpline=Stop+it+Now%21" in links
    route_link = next(link for link in links if "route=self_concern" in link)
    listed = counsellor.get(unescape(route_link)).text
    assert {conversation_key("clicked"), conversation_key("not-clicked")} <= set(re.findall(r"/counsellor/conversations/([0-9a-f]+)", listed))
    with database.session() as db:
        assert db.execute(sa.select(AuditEntry.action).where(AuditEntry.action == "view_funnel")).scalars().all() == ["view_funnel"]


def test_the_list_filters_on_the_route(counsellor, database_file):
    store(database_file, {"self-nl": signposted(NOW, "self_concern", "stop_it_now"),
                          "other-nl": signposted(NOW, "concern_other", "stop_it_now")})
    listed = counsellor.get("/counsellor/?route=concern_other").text
    assert re.findall(r'href="/counsellor/conversations/([0-9a-f]+)"', listed) == [conversation_key("other-nl")]
    assert '<option value="concern_other" selected>Zorgen over een ander</option>' in counsellor.get("/counsellor/?route=concern_other").text


def test_charts_link_each_bar_with_escaped_addresses():
    links = ["/counsellor/?x=1&y=<2>", "/b"]
    for svg in (str(charts.bar_chart("Rate", [("a", 0.5), ("b", 0.0)], fmt=percent, links=links)),
                str(charts.column_chart("Per day", [("1 Dec", 2), ("2 Dec", 0)], links=links))):
        root = ET.fromstring(svg)
        assert [a.get("href") for a in root.iter("a")] == links
        assert "<2>" not in svg
    assert "<a " not in str(charts.bar_chart("Rate", [("a", 0.5)]))  # no links unless asked


def stored_time(moment: float) -> datetime:
    """Return a Unix time as the tables store it (UTC, no time zone)."""
    return datetime.fromtimestamp(moment, timezone.utc).replace(tzinfo=None)


def test_retention_deletes_the_clicks_with_their_conversations_and_old_clicks_whose_conversation_is_gone(database, url):
    with database.session() as db:
        connection = db.connection()
        record_click(connection, "material-nl", "stop_it_now", "phone")  # its conversation is three days old
        record_click(connection, "crisis-nl", "zelfmoordpreventie_113", "phone")
        db.add(LinkClick(conversation_id="erased-long-ago", helpline="stop_it_now", kind="chat", clicked_at=stored_time(NOW - 3 * DAY)))
        db.add(LinkClick(conversation_id="erased-today", helpline="stop_it_now", kind="chat", clicked_at=stored_time(NOW)))
    assert purge(days=2, url=url, now=NOW + 100) == 1
    with database.session() as db:
        left = db.execute(sa.select(LinkClick.conversation_id).order_by(LinkClick.conversation_id)).scalars().all()
    assert left == ["crisis-nl", "erased-today"]


def test_an_admin_deleting_a_conversation_deletes_its_clicks(admin, database):
    with database.session() as db:
        record_click(db.connection(), "material-nl", "stop_it_now", "phone")
        record_click(db.connection(), "crisis-nl", "stop_it_now", "phone")
    key = conversation_key("material-nl")
    token = csrf_token(admin.get(f"/counsellor/conversations/{key}").text)
    assert admin.post(f"/counsellor/conversations/{key}/delete", data={"csrf": token, "confirm": "yes"},
                      follow_redirects=False).status_code == 303
    with database.session() as db:
        assert db.execute(sa.select(LinkClick.conversation_id)).scalars().all() == ["crisis-nl"]
