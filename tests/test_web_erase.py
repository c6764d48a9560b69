"""'Wis gesprek' on the server: DELETE /api/conversations/{id} over a scratch tracker store (no Rasa needed)."""

import json
import subprocess
import sys

import pytest
import sqlalchemy as sa

from bot.settings import PROJECT_ROOT
from bot.store.events import EVENTS
from bot.store.models import Correction, Note, ReplyMark, Review, Tag
from tests.support.web_tier import client_without_rasa, new_conversation, scratch_tracker_url


@pytest.fixture
def url(tmp_path):
    """Return a scratch SQLite tracker store with Rasa's events table and the dashboard's tables."""
    return scratch_tracker_url(tmp_path)


@pytest.fixture
def client(url):
    with client_without_rasa(url) as test_client:
        yield test_client


def store(url, sender, turns=3):
    """Store a few events of a conversation and what a counsellor added to it."""
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        for number in range(turns):
            connection.execute(EVENTS.insert().values(sender_id=sender, type_name="user", timestamp=number, data=json.dumps({"event": "user", "text": "hoi"})))
            connection.execute(EVENTS.insert().values(sender_id=sender, type_name="bot", timestamp=number, data=json.dumps({"event": "bot", "text": "Hoi"})))
        first = connection.execute(sa.select(EVENTS.c.id).where(EVENTS.c.sender_id == sender)).scalars().first()
        connection.execute(sa.insert(Note.__table__).values(conversation_id=sender, author="anna", text="note", created_at=sa.func.now()))
        connection.execute(sa.insert(Tag.__table__).values(conversation_id=sender, tag="t", author="anna", created_at=sa.func.now()))
        connection.execute(sa.insert(Review.__table__).values(conversation_id=sender, reviewer="anna", reviewed_at=sa.func.now()))
        connection.execute(sa.insert(Correction.__table__).values(conversation_id=sender, event_id=first, text="hoi", intent="greet",
                                                                  author="anna", created_at=sa.func.now()))
        connection.execute(sa.insert(ReplyMark.__table__).values(conversation_id=sender, event_id=first + 1, kind="harmful", reason="r",
                                                                 language="nl", author="anna", created_at=sa.func.now()))
    engine.dispose()


def rows(url, sender):
    """Return how many rows of each table belong to the conversation."""
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        counts = {table.name: connection.execute(sa.select(sa.func.count()).select_from(table).where(table.c[column] == sender)).scalar()
                  for table, column in ((EVENTS, "sender_id"), (Note.__table__, "conversation_id"), (Tag.__table__, "conversation_id"),
                                        (Review.__table__, "conversation_id"), (Correction.__table__, "conversation_id"),
                                        (ReplyMark.__table__, "conversation_id"))}
    engine.dispose()
    return counts


def test_deleting_removes_the_events_and_what_counsellors_added_and_nothing_else(client, url):
    mine, other = new_conversation(client), new_conversation(client)
    store(url, mine)
    store(url, other)
    response = client.delete(f"/api/conversations/{mine}")
    assert response.status_code == 200 and response.json() == {"deleted": True, "events": 6}
    assert set(rows(url, mine).values()) == {0}
    assert set(rows(url, other).values()) == {1, 6}  # another conversation keeps everything
    assert response.headers["cache-control"] == "no-store" and "set-cookie" not in response.headers


def test_a_second_delete_and_a_conversation_with_nothing_stored_are_unknown(client, url):
    conversation = new_conversation(client)
    store(url, conversation)
    assert client.delete(f"/api/conversations/{conversation}").status_code == 200
    again = client.delete(f"/api/conversations/{conversation}")
    assert again.status_code == 404 and again.json()["error"]["code"] == "unknown_conversation"
    empty = client.delete(f"/api/conversations/{new_conversation(client)}")
    assert empty.status_code == 404 and empty.json()["error"]["code"] == "unknown_conversation"


@pytest.mark.parametrize("conversation", ["nope", "a" * 32 + "." + "b" * 32, "../../etc", "x.y.z", "%00", "0" * 200])
def test_ids_the_server_did_not_sign_are_unknown(client, url, conversation):
    store(url, conversation)
    response = client.delete(f"/api/conversations/{conversation}")
    assert response.status_code == 404  # a path like ../../etc is not even this route: the JSON not_found
    assert response.json()["error"]["code"] == ("not_found" if "/" in conversation else "unknown_conversation")
    assert rows(url, conversation)["events"] == 6  # nothing deleted


def test_a_forged_signature_deletes_nothing(client, url):
    real = new_conversation(client)
    forged = real[:-1] + ("0" if real[-1] != "0" else "1")
    store(url, real)
    store(url, forged)
    assert client.delete(f"/api/conversations/{forged}").status_code == 404
    assert rows(url, forged)["events"] == 6 and rows(url, real)["events"] == 6


@pytest.mark.parametrize(
    "body, headers, status, code",
    [
        (b"not json", {"Content-Type": "application/json"}, 400, "invalid_json"),
        (b"\xff\xfe", {"Content-Type": "application/json"}, 400, "invalid_json"),
        (b"[" * 2000 + b"]" * 2000, {"Content-Type": "application/json"}, 400, "invalid_json"),
        (b'{"confirm": true}', {"Content-Type": "application/json"}, 422, "invalid_body"),
        (b"[]", {"Content-Type": "application/json"}, 422, "invalid_body"),
        (b"confirm=yes", {"Content-Type": "application/x-www-form-urlencoded"}, 415, "unsupported_media_type"),
        (b"{}" + b" " * 20000, {"Content-Type": "application/json"}, 413, "body_too_large"),
    ],
)
def test_a_wrong_body_gets_a_json_error_and_deletes_nothing(client, url, body, headers, status, code):
    conversation = new_conversation(client)
    store(url, conversation)
    response = client.request("DELETE", f"/api/conversations/{conversation}", content=body, headers=headers)
    assert response.status_code == status and response.json()["error"]["code"] == code
    assert rows(url, conversation)["events"] == 6


def test_an_empty_json_object_is_accepted(client, url):
    conversation = new_conversation(client)
    store(url, conversation)
    response = client.request("DELETE", f"/api/conversations/{conversation}", content=b"{}", headers={"Content-Type": "application/json"})
    assert response.status_code == 200


def test_deleting_is_rate_limited(url):
    limits = {"per_conversation": {"messages": 100, "per_seconds": 60}, "per_client": {"messages": 2, "per_seconds": 60},
              "new_conversations_per_client": {"messages": 10, "per_seconds": 60}}
    with client_without_rasa(url, rate_limit=limits) as client:
        conversations = [new_conversation(client) for _ in range(3)]
        for conversation in conversations:
            store(url, conversation)
        codes = [client.delete(f"/api/conversations/{c}").status_code for c in conversations]
    assert codes == [200, 200, 429]
    assert rows(url, conversations[2])["events"] == 6


def test_a_store_without_rasas_table_has_nothing_to_delete(tmp_path):
    with client_without_rasa(f"sqlite:///{tmp_path / 'empty.db'}") as client:
        response = client.delete(f"/api/conversations/{new_conversation(client)}")
    assert response.status_code == 404 and response.json()["error"]["code"] == "unknown_conversation"


def test_a_store_that_cannot_be_opened_answers_503_without_detail(tmp_path):
    (tmp_path / "a-directory.db").mkdir()
    with client_without_rasa(f"sqlite:///{tmp_path / 'a-directory.db'}") as client:
        response = client.delete(f"/api/conversations/{new_conversation(client)}")
    assert response.status_code == 503 and response.json()["error"]["code"] == "store_unavailable"
    assert "Traceback" not in response.text and "sqlite" not in response.text.lower()


def test_other_sites_may_delete_only_when_allowed(url):
    with client_without_rasa(url, allowed_origins=["https://help.example.org"]) as client:
        allowed = client.options("/api/conversations/x.y", headers={"Origin": "https://help.example.org", "Access-Control-Request-Method": "DELETE"})
        refused = client.options("/api/conversations/x.y", headers={"Origin": "https://evil.example.com", "Access-Control-Request-Method": "DELETE"})
    assert allowed.status_code == 200 and "DELETE" in allowed.headers["access-control-allow-methods"]
    assert "access-control-allow-origin" not in refused.headers


@pytest.mark.servers  # starts a Python process with the server code
def test_the_web_tier_loads_neither_rasa_nor_spacy():
    code = "import sys, bot.web.app; print(sorted(m for m in ('rasa', 'spacy', 'tensorflow') if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=PROJECT_ROOT, check=True)
    assert result.stdout.strip() == "[]"
