"""Conversation list, transcripts, notes, tags, reviews, corrections, export, deletion and the audit log."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader
from rasa.shared.nlu.training_data.loading import load_data
from starlette.testclient import TestClient

from bot.cli import main
from bot.counsellor import charts, review
from bot.counsellor.export import example_text, to_nlu_yaml
from bot.counsellor.overview import overview
from bot.privacy.tracker_store import RedactingSQLTrackerStore
from bot.settings import settings
from bot.store.database import Database, upgrade
from bot.store.deletion import purge
from bot.store.events import EVENTS
from bot.store.models import AuditEntry, Correction, Note, Review, Tag
from bot.store.transcripts import SummaryCache, conversation_key
from bot.web.app import create_app
from tests.support.counsellor import CONVERSATIONS, NOW, csrf_token, save

ZONE = ZoneInfo(settings()["counsellor"]["timezone"])
CRISIS, FALLBACK, MATERIAL = (conversation_key(sender) for sender in ("crisis-nl", "fallback-en", "material-nl"))


def keys_listed(html: str) -> list[str]:
    return re.findall(r'href="/counsellor/conversations/([0-9a-f]+)"', html)


def summaries(database) -> dict:
    with database.session() as db:
        return {summary.sender_id: summary for summary in SummaryCache().all(db.connection())}


def test_summaries_read_rasas_events(database):
    found = summaries(database)
    crisis, fallback, material = found["crisis-nl"], found["fallback-en"], found["material-nl"]
    assert (crisis.messages, crisis.flags, crisis.helplines, crisis.fallbacks, crisis.languages) == (
        2, {"crisis"}, ["113 Zelfmoordpreventie", "Stop it Now!"], 0, {"nl"})
    assert crisis.signposts == ["crisis"] and crisis.category == "crisis"
    assert (fallback.fallbacks, fallback.languages, fallback.flags, fallback.category) == (1, {"en"}, set(), "facts")
    assert material.flags == {"seek_material", "share_material"} and material.category == "share_material"


def test_the_cache_follows_new_and_deleted_conversations(database):
    cache = SummaryCache()
    with database.session() as db:
        assert len(cache.all(db.connection())) == 3
        db.execute(EVENTS.delete().where(EVENTS.c.sender_id == "material-nl"))
        assert {s.sender_id for s in cache.all(db.connection())} == {"crisis-nl", "fallback-en"}


def test_the_list_shows_flags_help_lines_and_status(counsellor):  # the order: test_triage.py
    page = counsellor.get("/counsellor/")
    assert page.status_code == 200
    assert keys_listed(page.text) == [CRISIS, FALLBACK, MATERIAL]
    assert "crisis" in page.text and "113 Zelfmoordpreventie" in page.text and "te beoordelen" in page.text
    assert "06 12345678" not in page.text


@pytest.mark.parametrize("query, expected", [
    ("language=en", [FALLBACK]),
    ("flag=crisis", [CRISIS]),
    ("flag=any", [CRISIS, MATERIAL]),
    ("flag=none", [FALLBACK]),
    ("flag=seek_material", [MATERIAL]),
    ("helpline=Stop+it+Now%21", [CRISIS, MATERIAL]),
    ("fallbacks=with", [FALLBACK]),
    ("fallbacks=without", [CRISIS, MATERIAL]),
    ("min_messages=2&max_messages=2", [CRISIS, FALLBACK, MATERIAL]),
    ("min_messages=3", []),
    ("status=unreviewed", [CRISIS, FALLBACK, MATERIAL]),
    ("status=reviewed", []),
    (f"date_from={datetime.fromtimestamp(NOW - 86400, ZONE).date().isoformat()}", [CRISIS, FALLBACK]),
    (f"date_from=2020-01-01&date_to={datetime.fromtimestamp(NOW - 2 * 86400, ZONE).date().isoformat()}", [MATERIAL]),
    ("flag=nonsense&language=xx", [CRISIS, FALLBACK, MATERIAL]),  # invalid filters are ignored
])
def test_filters(counsellor, query, expected):
    assert keys_listed(counsellor.get(f"/counsellor/?{query}").text) == expected


def test_the_list_is_paged(counsellor, config):
    config["counsellor"]["page_size"] = 2
    with TestClient(create_app(config), base_url="https://testserver", cookies=counsellor.cookies) as small:
        first = small.get("/counsellor/?flag=")
        assert keys_listed(first.text) == [CRISIS, FALLBACK] and "Pagina 1 van 2" in first.text
        assert keys_listed(small.get("/counsellor/?page=2").text) == [MATERIAL]
        assert keys_listed(small.get("/counsellor/?page=99").text) == [MATERIAL]


def test_a_transcript_shows_redacted_turns_with_intent_confidence_and_the_guard(counsellor):
    page = counsellor.get(f"/counsellor/conversations/{CRISIS}")
    assert page.status_code == 200
    text = page.text
    assert "[TELEFOON]" in text and "12345678" not in text
    assert text.index("Hoi, welkom.") < text.index("ik wil er niet meer zijn") < text.index("Bel 113")
    assert "veiligheidscheck greep in: crisis" in text and '<code title="self_concern">' in text and "(1.00)" in text
    assert "koos een knop" in text  # the /greet payload
    assert counsellor.get("/counsellor/conversations/000000000000000000000000").status_code == 404


def test_notes_tags_and_review(counsellor, database):
    url = f"/counsellor/conversations/{FALLBACK}"
    token = csrf_token(counsellor.get(url).text)
    note = counsellor.post(f"{url}/notes", data={"csrf": token, "text": "Asked about a <b>cousin</b>; signpost missing."})
    assert note.status_code == 200 and "Asked about a &lt;b&gt;cousin&lt;/b&gt;" in note.text
    assert counsellor.post(f"{url}/notes", data={"csrf": token, "text": "   "}).status_code == 422
    assert counsellor.post(f"{url}/tags", data={"csrf": token, "tag": "Missing-Signpost"}).status_code == 200
    assert counsellor.post(f"{url}/tags", data={"csrf": token, "tag": "two words"}).status_code == 422
    reviewed = counsellor.post(f"{url}/review", data={"csrf": token, "reviewed": "1"})
    assert "beoordeeld door carla" in reviewed.text
    assert keys_listed(counsellor.get("/counsellor/?status=reviewed").text) == [FALLBACK]
    assert keys_listed(counsellor.get("/counsellor/?tag=missing-signpost").text) == [FALLBACK]
    counsellor.post(f"{url}/tags/remove", data={"csrf": token, "tag": "missing-signpost"})
    counsellor.post(f"{url}/review", data={"csrf": token, "reviewed": "0"})
    with database.session() as db:
        assert db.execute(sa.select(sa.func.count()).select_from(Tag)).scalar_one() == 0
        assert db.execute(sa.select(sa.func.count()).select_from(Review)).scalar_one() == 0
        assert db.execute(sa.select(Note.author)).scalar_one() == "carla"


def test_notes_are_redacted_before_they_are_stored(counsellor, database):
    url = f"/counsellor/conversations/{FALLBACK}"
    token = csrf_token(counsellor.get(url).text)
    typed = "Spoke with his mother Ingrid Bakker, 06-48213377; he is on insta: kev.b_2009 and goes to basisschool De Regenboog."
    page = counsellor.post(f"{url}/notes", data={"csrf": token, "text": typed})
    signposts = "Stop it Now and Helpwanted (020-261 52 75) were right; Kindertelefoon next time."
    counsellor.post(f"{url}/notes", data={"csrf": token, "text": signposts})
    with database.session() as db:
        stored = list(db.execute(sa.select(Note.text).order_by(Note.id)).scalars())
    for secret in ("Ingrid", "Bakker", "48213377", "kev.b_2009", "Regenboog"):
        assert secret not in stored[0] and secret not in page.text
    assert stored == ["Spoke with his mother [NAAM], [TELEFOON]; he is on insta: [ACCOUNT] and goes to [SCHOOL].", signposts]


def event_ids(html: str) -> list[int]:
    return [int(n) for n in re.findall(r"/turns/(\d+)/misunderstood", html)]


def test_marking_misunderstood_turns_and_exporting_them(counsellor, database):
    url = f"/counsellor/conversations/{FALLBACK}"
    page = counsellor.get(url)
    token, turns = csrf_token(page.text), event_ids(page.text)
    assert len(turns) == 2  # the typed messages; there is no button press in this one
    marked = counsellor.post(f"{url}/turns/{turns[0]}/misunderstood", data={"csrf": token, "intent": "concern_other"})
    assert marked.status_code == 200 and 'Verkeerd begrepen; juiste intentie: <code title="concern_other">Zorgen over een ander</code>' in marked.text
    assert counsellor.post(f"{url}/turns/{turns[0]}/misunderstood", data={"csrf": token, "intent": "no_such_intent"}).status_code == 422
    assert counsellor.post(f"{url}/turns/999999/misunderstood", data={"csrf": token, "intent": "greet"}).status_code == 422
    crisis = counsellor.get(f"/counsellor/conversations/{CRISIS}")
    button_turn = min(int(n) for n in re.findall(r'id="turn-(\d+)"', crisis.text))
    assert button_turn not in event_ids(crisis.text)
    assert counsellor.post(f"/counsellor/conversations/{CRISIS}/turns/{button_turn}/misunderstood",
                           data={"csrf": token, "intent": "greet"}).status_code == 422
    listed = counsellor.get("/counsellor/corrections")
    assert "my cousin keeps watching weird streams" in listed.text
    export = counsellor.post("/counsellor/export", data={"csrf": token})
    assert export.status_code == 200 and "attachment" in export.headers["content-disposition"]
    data = RasaYAMLReader().reads(export.text)
    assert [(m.get("intent"), m.get("text")) for m in data.intent_examples] == [("concern_other", "my cousin keeps watching weird streams")]


def test_the_export_command_writes_nlu_data_rasa_loads(counsellor, endpoints, tmp_path, database, capsys):
    with database.session() as db:
        db.add_all([
            Correction(conversation_id="crisis-nl", event_id=1, text="bel me op [TELEFOON], ik heet [NAAM]", predicted_intent="crisis", intent="ask_human", author="carla"),
            Correction(conversation_id="crisis-nl", event_id=2, text="[URL]", predicted_intent="share_material", intent="share_material", author="carla"),
            Correction(conversation_id="crisis-nl", event_id=3, text="hoi", predicted_intent="greet", intent="greet", author="carla"),
            Correction(conversation_id="crisis-nl", event_id=4, text="zie [this](entity) en\nmeer", predicted_intent=None, intent="faq_what_is", author="carla"),
        ])
    out = tmp_path / "corrections.yml"
    assert main(["counsellor", "--endpoints", str(endpoints), "export", "--out", str(out)]) == 0
    assert "wrote 2 example(s)" in capsys.readouterr().out
    data = load_data(str(out))
    examples = {(m.get("intent"), m.get("text")) for m in data.intent_examples}
    assert examples == {("ask_human", "bel me op [TELEFOON], ik heet [NAAM]"), ("faq_what_is", "zie [this] (entity) en meer")}
    assert all(not m.get("entities") for m in data.intent_examples)


@pytest.mark.parametrize("text, expected", [
    ("[TELEFOON]", None), ("[NAAM] [EMAIL] !", None), ("/greet", None), ("  ik\theet  [NAAM] ", "ik heet [NAAM]"),
    ("a [b](c) d", "a [b] (c) d"), ("a [b]{\"entity\": \"x\"}", "a [b] {\"entity\": \"x\"}"),
])
def test_example_texts(text, expected):
    assert example_text(text) == expected


def test_the_export_is_empty_but_valid_without_corrections():
    text, count = to_nlu_yaml([])
    assert count == 0 and RasaYAMLReader().reads(text).intent_examples == []


def test_deleting_a_conversation_removes_it_from_the_tracker_store(admin, database):
    url = f"/counsellor/conversations/{CRISIS}"
    token = csrf_token(admin.get(url).text)
    admin.post(f"{url}/notes", data={"csrf": token, "text": "to be deleted"})
    admin.post(f"{url}/turns/{event_ids(admin.get(url).text)[0]}/misunderstood", data={"csrf": token, "intent": "self_concern"})
    assert admin.post(f"{url}/delete", data={"csrf": token}).status_code == 422  # not confirmed
    deleted = admin.post(f"{url}/delete", data={"csrf": token, "confirm": "yes"}, follow_redirects=False)
    assert deleted.status_code == 303
    with database.session() as db:
        assert db.execute(sa.select(sa.func.count()).select_from(EVENTS).where(EVENTS.c.sender_id == "crisis-nl")).scalar_one() == 0
        assert db.execute(sa.select(sa.func.count()).select_from(EVENTS)).scalar_one() > 0  # the others stay
        for model in (Note, Correction):
            assert db.execute(sa.select(sa.func.count()).select_from(model)).scalar_one() == 0
    assert admin.get(url).status_code == 404
    assert CRISIS not in keys_listed(admin.get("/counsellor/").text)


def test_the_audit_log_records_who_did_what_without_message_text(admin, database):
    url = f"/counsellor/conversations/{FALLBACK}"
    token = csrf_token(admin.get(url).text)
    admin.post(f"{url}/notes", data={"csrf": token, "text": "secret-note-text"})
    admin.post(f"{url}/turns/{event_ids(admin.get(url).text)[0]}/misunderstood", data={"csrf": token, "intent": "concern_other"})
    admin.post("/counsellor/export", data={"csrf": token})
    admin.post(f"/counsellor/conversations/{MATERIAL}/delete", data={"csrf": token, "confirm": "yes"})
    with database.session() as db:
        rows = db.execute(sa.select(AuditEntry).order_by(AuditEntry.id)).scalars().all()
    done = [(row.username, row.action, row.target) for row in rows]
    for entry in [("ada", "login", None), ("ada", "view_transcript", FALLBACK), ("ada", "note_add", FALLBACK),
                  ("ada", "mark_misunderstood", FALLBACK), ("ada", "export", "examples=1"), ("ada", "delete_conversation", MATERIAL)]:
        assert entry in done
    assert all(row.at is not None for row in rows)
    flat = " ".join(str(value) for entry in done for value in entry)
    assert "secret-note-text" not in flat and "cousin" not in flat
    log = admin.get("/counsellor/audit")
    assert log.status_code == 200 and "delete_conversation" in log.text and "secret-note-text" not in log.text


def test_overview_counts_and_svg_charts(counsellor, database):
    with database.session() as db:
        figures = overview(SummaryCache().all(db.connection()), datetime.fromtimestamp(NOW, ZONE).date(), 30, ZONE)
    assert figures.conversations == 3 and figures.messages == 6 and figures.fallbacks == 1
    assert dict(figures.categories) == {"crisis": 1, "facts": 1, "share_material": 1}
    assert dict(figures.signposts) == {"crisis": 1, "seek_material": 1}
    assert dict(figures.helplines) == {"Stop it Now!": 2, "113 Zelfmoordpreventie": 1}
    assert sum(n for _, n in figures.per_day) == 3 and len(figures.per_day) == 30
    page = counsellor.get("/counsellor/overview")
    assert page.status_code == 200 and page.text.count("<svg") == 5 and "<script" not in page.text


def test_charts_are_well_formed_svg_with_escaped_labels():
    for svg in (charts.bar_chart("Help <lines>", [("<b>&", 3), ("b", 0)]), charts.column_chart("Per day", [("1 Nov", 2), ("2 Nov", 0)]),
                charts.bar_chart("Empty", [])):
        root = ET.fromstring(str(svg))
        assert root.tag.endswith("svg") and "<b>" not in str(svg)


def test_retention_also_deletes_what_counsellors_added(database, url):
    with database.session() as db:
        db.add_all([Note(conversation_id="material-nl", author="carla", text="old"), Tag(conversation_id="material-nl", tag="x", author="carla"),
                    Note(conversation_id="crisis-nl", author="carla", text="recent")])
    assert purge(days=2, url=url, now=NOW + 100) == 1  # the material conversation is three days old
    with database.session() as db:
        assert list(db.execute(sa.select(Note.conversation_id)).scalars()) == ["crisis-nl"]
        assert db.execute(sa.select(sa.func.count()).select_from(Tag)).scalar_one() == 0


def test_reading_and_deleting_on_postgresql(postgres_url):
    url = sa.engine.make_url(postgres_url)
    store = RedactingSQLTrackerStore(Domain.empty(), dialect="postgresql", host=url.host, port=url.port, db=url.database,
                                     username=url.username, password=url.password)
    for sender, events in CONVERSATIONS.items():
        save(store, sender, events)
    store.engine.dispose()
    upgrade(postgres_url)
    database = Database(postgres_url)
    found = summaries(database)
    assert found["crisis-nl"].flags == {"crisis"} and found["fallback-en"].fallbacks == 1
    with database.session() as db:
        review.add_note(db, "crisis-nl", "carla", "a note", 100)
        assert review.delete_conversation(db, "crisis-nl") > 0
    assert set(summaries(database)) == {"fallback-en", "material-nl"}
    database.dispose()
