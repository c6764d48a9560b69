"""The funnel's link clicks: POST /api/conversations/{id}/link-opened over a scratch tracker store (no Rasa needed)."""

import json

import pytest
import sqlalchemy as sa

from bot.store.events import EVENTS
from bot.store.models import LINK_KINDS, LinkClick
from bot.web.link_clicks import REPORTED_KIND, link_kinds
from tests.support.web_tier import client_without_rasa, new_conversation, scratch_tracker_url

JSON = {"Content-Type": "application/json"}


@pytest.fixture
def url(tmp_path):
    """Return a scratch SQLite tracker store with Rasa's events table and the dashboard's tables."""
    return scratch_tracker_url(tmp_path)


@pytest.fixture
def client(url):
    with client_without_rasa(url) as test_client:
        yield test_client


def show_cards(url, sender, *lines, route="self_concern"):
    """Store, as Rasa does, a route and then a bot reply with a help line card for each line."""
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        if route:
            connection.execute(EVENTS.insert().values(sender_id=sender, type_name="slot", action_name="route", timestamp=1,
                                                      data=json.dumps({"event": "slot", "name": "route", "value": route})))
        for line in lines:
            card = {"helpline_card": {"line": line, "language": "nl", "status": "unknown", "status_text": "Openingstijden niet bekend"}}
            connection.execute(EVENTS.insert().values(sender_id=sender, type_name="bot", timestamp=2, data=json.dumps(
                {"event": "bot", "text": "Bel ze.", "data": {"custom": card}, "metadata": {"utter_action": "utter_helpline_1"}})))
    engine.dispose()


def clicks(url):
    """Return every stored click as a dict of its columns."""
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        found = [dict(row._mapping) for row in connection.execute(sa.select(LinkClick.__table__).order_by(LinkClick.id))]
    engine.dispose()
    return found


def opened(client, conversation, helpline="stop_it_now", kind="phone", **headers):
    return client.post(f"/api/conversations/{conversation}/link-opened", json={"helpline": helpline, "kind": kind},
                       headers=headers)


def test_an_opened_link_is_stored_with_the_line_the_kind_and_the_route_and_nothing_about_the_person(client, url):
    conversation = new_conversation(client)
    show_cards(url, conversation, "stop_it_now")
    response = opened(client, conversation, **{"User-Agent": "Mozilla/5.0 Secret", "X-Forwarded-For": "203.0.113.9"})
    assert response.status_code == 200 and response.json() == {"recorded": True}
    assert response.headers["cache-control"] == "no-store" and "set-cookie" not in response.headers
    [row] = clicks(url)
    assert set(row) == {"id", "conversation_id", "helpline", "kind", "route", "clicked_at"}  # no address, browser or page
    assert (row["conversation_id"], row["helpline"], row["kind"], row["route"]) == (conversation, "stop_it_now", "phone", "self_concern")
    assert "Secret" not in repr(clicks(url)) and "203.0.113" not in repr(clicks(url)) and "testclient" not in repr(clicks(url))


def test_each_kind_is_stored_once_per_conversation_and_line(client, url):
    conversation = new_conversation(client)
    show_cards(url, conversation, "stop_it_now_uk")
    answers = [opened(client, conversation, "stop_it_now_uk", kind).json()["recorded"] for kind in ("phone", "phone", "website", "chat")]
    assert answers == [True, False, True, True]
    assert sorted(row["kind"] for row in clicks(url)) == ["chat", "phone", "website"]


def test_the_route_is_the_one_the_conversation_had_when_the_card_was_shown(client, url):
    conversation = new_conversation(client)
    show_cards(url, conversation, "stop_it_now", route="concern_other")
    show_cards(url, conversation, "veilig_thuis", route="child_at_risk")
    assert opened(client, conversation, "stop_it_now").status_code == 200
    assert opened(client, conversation, "veilig_thuis").status_code == 200
    assert {row["helpline"]: row["route"] for row in clicks(url)} == {"stop_it_now": "concern_other", "veilig_thuis": "child_at_risk"}
    shown_twice = new_conversation(client)
    show_cards(url, shown_twice, "stop_it_now", route="concern_other")
    show_cards(url, shown_twice, "stop_it_now", route="self_concern")
    assert opened(client, shown_twice).status_code == 200
    assert clicks(url)[-1]["route"] == "self_concern"  # the route of the card shown last
    unrouted = new_conversation(client)
    show_cards(url, unrouted, "helpwanted", route=None)
    assert opened(client, unrouted, "helpwanted").status_code == 200
    assert clicks(url)[-1]["route"] is None


def test_a_line_the_conversation_was_not_shown_is_refused(client, url):
    conversation = new_conversation(client)
    show_cards(url, conversation, "stop_it_now")
    response = opened(client, conversation, "veilig_thuis")
    assert response.status_code == 422 and response.json()["error"]["code"] == "not_shown"
    nothing_stored = opened(client, new_conversation(client))
    assert nothing_stored.status_code == 422 and nothing_stored.json()["error"]["code"] == "not_shown"
    assert clicks(url) == []


@pytest.mark.parametrize(
    "body, headers, status, code",
    [
        (b"not json", JSON, 400, "invalid_json"),
        (b"\xff\xfe", JSON, 400, "invalid_json"),
        (b"[" * 2000 + b"]" * 2000, JSON, 400, "invalid_json"),
        (b"[]", JSON, 422, "invalid_body"),
        (b'{"helpline": "stop_it_now"}', JSON, 422, "invalid_body"),
        (b'{"helpline": "stop_it_now", "kind": "phone", "ip": "1.2.3.4"}', JSON, 422, "invalid_body"),
        (b'{"helpline": "<script>alert(1)</script>", "kind": "phone"}', JSON, 422, "unknown_helpline"),
        (b'{"helpline": ["stop_it_now"], "kind": "phone"}', JSON, 422, "unknown_helpline"),
        (b'{"helpline": "STOP_IT_NOW", "kind": "phone"}', JSON, 422, "unknown_helpline"),
        (b'{"helpline": "stop_it_now", "kind": "call"}', JSON, 422, "invalid_kind"),
        (b'{"helpline": "stop_it_now", "kind": ["phone"]}', JSON, 422, "invalid_kind"),
        (b'{"helpline": "stop_it_now", "kind": {"a": 1}}', JSON, 422, "invalid_kind"),
        (b'{"helpline": "meldpunt_kinderporno", "kind": "phone"}', JSON, 422, "invalid_kind"),  # the line has no phone
        (b'{"helpline": "stop_it_now", "kind": "website"}', JSON, 422, "invalid_kind"),  # its card has no website link
        (b'{"helpline": "stop_it_now", "kind": "phone"}', {"Content-Type": "text/plain"}, 415, "unsupported_media_type"),
        (b'{"helpline": "stop_it_now", "kind": "phone"}' + b" " * 20000, JSON, 413, "body_too_large"),
    ],
)
def test_bad_reports_get_a_json_error_and_store_nothing(client, url, body, headers, status, code):
    conversation = new_conversation(client)
    show_cards(url, conversation, "stop_it_now", "meldpunt_kinderporno")
    response = client.post(f"/api/conversations/{conversation}/link-opened", content=body, headers=headers)
    assert response.status_code == status and response.json()["error"]["code"] == code
    assert "<script>" not in response.text
    assert clicks(url) == []


@pytest.mark.parametrize("conversation", ["nope", "a" * 32 + "." + "b" * 32, "x.y.z", "0" * 200])
def test_ids_the_server_did_not_sign_are_unknown(client, url, conversation):
    show_cards(url, conversation, "stop_it_now")
    response = opened(client, conversation)
    assert response.status_code == 404 and response.json()["error"]["code"] == "unknown_conversation"
    assert clicks(url) == []


def test_only_post_is_allowed(client):
    response = client.get(f"/api/conversations/{new_conversation(client)}/link-opened")
    assert response.status_code == 405 and response.json()["error"]["code"] == "method_not_allowed"


def test_reports_are_rate_limited(url):
    limits = {"per_conversation": {"messages": 2, "per_seconds": 60}, "per_client": {"messages": 100, "per_seconds": 60},
              "new_conversations_per_client": {"messages": 10, "per_seconds": 60}}
    with client_without_rasa(url, rate_limit=limits) as client:
        conversation = new_conversation(client)
        show_cards(url, conversation, "stop_it_now_uk")
        codes = [opened(client, conversation, "stop_it_now_uk", kind).status_code for kind in ("phone", "chat", "website")]
    assert codes == [200, 200, 429]
    assert sorted(row["kind"] for row in clicks(url)) == ["chat", "phone"]


def test_a_store_that_cannot_be_opened_answers_503_without_detail(tmp_path):
    (tmp_path / "a-directory.db").mkdir()
    with client_without_rasa(f"sqlite:///{tmp_path / 'a-directory.db'}") as client:
        response = opened(client, new_conversation(client))
    assert response.status_code == 503 and response.json()["error"]["code"] == "store_unavailable"
    assert "Traceback" not in response.text and "sqlite" not in response.text.lower()


def test_erasing_the_conversation_also_erases_its_clicks(client, url):
    mine, other = new_conversation(client), new_conversation(client)
    for conversation in (mine, other):
        show_cards(url, conversation, "stop_it_now")
        assert opened(client, conversation).status_code == 200
    assert client.delete(f"/api/conversations/{mine}").status_code == 200
    assert [row["conversation_id"] for row in clicks(url)] == [other]


def test_the_kinds_a_line_offers_are_the_links_on_its_card():
    assert set(REPORTED_KIND.values()) == set(LINK_KINDS)
    assert link_kinds("stop_it_now") == {"phone", "chat"}  # its website is its chat: one link on the card
    assert link_kinds("meldpunt_kinderporno") == {"website"}
    assert link_kinds("stop_it_now_uk") == {"phone", "chat", "website"}
