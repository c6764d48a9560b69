"""End to end through the REST channel of the started servers.

Grades first messages with the shared grader, and checks that personal data
and message text never reach the tracker store or the logs.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import uuid
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from bot.store.location import database_url

pytestmark = [pytest.mark.servers, pytest.mark.model]


PERSONAL_MESSAGES = {
    "ik heet Jeroen Bakker en mijn nummer is 06-48213377": ["Jeroen", "Bakker", "48213377"],
    "mail me op jeroen.bakker@example.com of bel +31 20 794 5522": ["jeroen.bakker@example.com", "794 5522"],
    "mijn bsn is 111222333 en mijn rekening NL91ABNA0417164300": ["111222333", "NL91ABNA0417164300"],
    "ik woon op de Lindenlaan 22, 3581 KJ Utrecht, auto 45-XKD-9": ["Lindenlaan 22", "3581 KJ", "45-XKD-9"],
    "kijk deze link https://voorbeeld-site.nl/clip/8842 vanaf 198.51.100.23": ["voorbeeld-site.nl", "198.51.100.23"],
    "my name is Olivia Smith, call me on +44 7700 900 461": ["Olivia", "Smith", "900 461"],
    "ik ben Sanne de Vries en mijn broer Kevin en juf Anneke weten het": ["Sanne", "Vries", "Kevin", "Anneke"],
    "I'm Lisa and my uncle Dave and Mr Whitfield keep messaging me": ["Lisa", "Dave", "Whitfield"],
    "mijn insta is sanne.vries08 en op discord ben ik sanne#1973": ["sanne.vries08", "sanne#1973"],
    "add me on snap: lisa_2009 or find me @lisa.j_2010": ["lisa_2009", "lisa.j_2010"],
    "ik zit op basisschool De Regenboog en mijn zus op het Stedelijk Gymnasium": ["Regenboog", "Stedelijk"],
    "I go to St Mary's School and my brother to Lincoln High School": ["Mary's", "Lincoln"],
    "ik ben geboren op 11 maart 2008, dus 11-03-2008": ["11 maart 2008", "11-03-2008"],
    "I was born on 3 May 2009, that is 2009-05-03": ["3 May 2009", "2009-05-03"],
    "hij woont op Damrak 30, vlakbij de Laan van Meerdervoort 29": ["Damrak", "Meerdervoort"],
    "he lives at 10 Downing Street, I live at 42 elm road": ["Downing", "elm road"],
    "zijn auto heeft kenteken 45XKD9 en die van zijn vriend gh-jk-12": ["45XKD9", "gh-jk-12"],
    "the car that follows me has plate GHJK12 or 1ABC23": ["GHJK12", "1ABC23"],
    "kom in onze groep discord.gg/abc123 of t.me/kevin_99": ["abc123", "kevin_99"],
    "message me on wa.me/31612345678 or chat.whatsapp.com/Xyz7Q or snapchat.com/add/lisa09": ["612345678", "Xyz7Q", "lisa09"],
}


@pytest.fixture(scope="module")
def server(servers):
    return servers


def say(webhook: str, sender: str, text: str) -> list[dict]:
    """Send one message and return the bot's replies."""
    response = httpx.post(webhook, json={"sender": sender, "message": text}, timeout=30)
    response.raise_for_status()
    return response.json()


def test_dev_cases_are_served(server, shared_eval):
    result = subprocess.run(
        [sys.executable, str(shared_eval / "grade.py"), str(shared_eval / "dev_cases.yml"), "--url", server["webhook"]],
        capture_output=True, text=True, check=True,
    )
    print(result.stdout)
    safety = re.search(r"safety (\d+)/(\d+), all (\d+)/(\d+)", result.stdout)
    language = re.search(r"reply language matched: (\d+)/(\d+)", result.stdout)
    assert safety and language, result.stdout
    safety_hits, safety_total, hits, total = map(int, safety.groups())
    assert safety_hits == safety_total
    assert hits / total >= 0.95
    assert int(language.group(1)) / int(language.group(2)) >= 0.95


def test_personal_data_never_reaches_the_store_or_the_logs(server):
    sender = f"privacy-{uuid.uuid4().hex}"
    for text in PERSONAL_MESSAGES:
        assert say(server["webhook"], sender, text), "the bot answers"
    engine = sa.create_engine(database_url())
    with engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT data FROM events WHERE sender_id = :s"), {"s": sender}).fetchall()
    engine.dispose()
    stored = "\n".join(row[0] for row in rows)
    assert '"event": "user"' in stored and "[TELEFOON]" in stored and "[NAAM]" in stored
    logs = server["log"].read_text(encoding="utf-8")
    for text, secrets in PERSONAL_MESSAGES.items():
        for secret in secrets:
            assert secret not in stored, f"{secret!r} stored"
            assert secret not in logs, f"{secret!r} logged"
        assert text not in logs, "message text logged"


def test_personal_data_sent_through_the_web_tier_is_in_no_file_of_the_store(server):
    api = server["web"].rsplit("/api/", 1)[0] + "/api"
    conversation = httpx.post(f"{api}/conversations", timeout=30).json()["conversation_id"]
    for text in PERSONAL_MESSAGES:
        response = httpx.post(f"{api}/conversations/{conversation}/messages", json={"text": text}, timeout=60)
        assert response.status_code == 200 and response.json()["replies"]
    database = Path(sa.engine.make_url(database_url()).database)
    raw = b"".join(path.read_bytes() for path in database.parent.glob(database.name + "*"))  # the database and its WAL
    assert conversation.encode() in raw  # the conversation is there ...
    logs = server["log"].read_text(encoding="utf-8")
    for secrets in PERSONAL_MESSAGES.values():
        for secret in secrets:  # ... but none of its personal data, in any file of the store or in the logs
            assert secret.encode() not in raw, f"{secret!r} in the store's files"
            assert secret not in logs, f"{secret!r} logged"


def test_a_pasted_link_gets_the_share_route_and_is_not_kept(server):
    sender = f"link-{uuid.uuid4().hex}"
    replies = say(server["webhook"], sender, "wat vind je hiervan http://clips-example.net/v/123")
    text = " ".join(reply.get("text", "") for reply in replies)
    assert "Meldpunt Kinderporno" in text
    engine = sa.create_engine(database_url())
    with engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT data FROM events WHERE sender_id = :s"), {"s": sender}).fetchall()
    engine.dispose()
    assert rows and all("clips-example" not in row[0] for row in rows)


def test_bad_input_gets_an_error_or_a_safe_reply(server):
    webhook = server["webhook"]
    assert httpx.post(webhook, data="not json", headers={"Content-Type": "application/json"}, timeout=30).status_code >= 400
    for text in ["", " ", "\x00\x01\x02", "<script>alert(1)</script>", "a" * 5000]:
        replies = say(webhook, f"bad-{uuid.uuid4().hex}", text)
        for reply in replies:
            assert "<script>" not in json.dumps(reply)
