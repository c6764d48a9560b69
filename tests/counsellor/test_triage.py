"""The triage inbox: possible-misroute markers, the urgent-first order, the marker filter and counts, snippets."""

from __future__ import annotations

import re
from itertools import count
from zoneinfo import ZoneInfo

import pytest
import yaml
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, Event

from bot.counsellor import i18n, listing
from bot.counsellor.markers import (
    CLARIFY_ACTION,
    CORRECTION_INTENT,
    FACT_CARD_ACTIONS,
    MARKER_NAMES,
    MARKERS_FILE,
    find_markers,
    vocabulary,
    words_of,
)
from bot.domain import domain, intents
from bot.privacy.tracker_store import RedactingSQLTrackerStore
from bot.settings import settings
from bot.store.transcripts import FALLBACK_ACTION, SIGNPOST_PREFIX, Summary, SummaryCache, conversation_key
from tests.support.counsellor import DAY, NOW, csrf_token, save, start, user

ZONE = ZoneInfo(settings()["counsellor"]["timezone"])
CRISIS, FALLBACK, MATERIAL = (conversation_key(sender) for sender in ("crisis-nl", "fallback-en", "material-nl"))
CLOCK = count(1)


def said(text: str, intent: str = "faq_price", **safety) -> Event:
    """A typed (or pressed) message, as the NLU pipeline leaves it."""
    guard = {"category": None, "rule": None, "acted": False, "classifier_intent": intent} | safety
    return user(text, intent, 0.9, NOW + next(CLOCK), guard)


def reply(action: str, *texts: str) -> list[Event]:
    """The bot running a response action and sending its messages."""
    at = NOW + next(CLOCK)
    return [ActionExecuted(action, timestamp=at)] + [
        BotUttered(text, metadata={"utter_action": action}, timestamp=at) for text in texts
    ]


def markers_of(*parts: Event | list[Event]) -> frozenset[str]:
    """The markers of a conversation made of these events, as Rasa stores them."""
    events = start(NOW)
    for part in parts:
        events += part if isinstance(part, list) else [part]
    return find_markers(event.as_dict() for event in events)


SIGNPOST = reply("utter_signpost_self_concern", "Stop it Now! helpt je, anoniem en gratis.", "Bel 0800-266 64 36.")
FACT = [ActionExecuted("action_choose_fact")] + reply("utter_fact", "Een show kost 15 tot 25 euro.\n\nBron: NOS")
OTHER_FACT = [ActionExecuted("action_choose_fact")] + reply("utter_fact", "De kijkers zijn vaak mannen.\n\nBron: NRC")
FALLBACK_REPLY = reply(FALLBACK_ACTION, "Dat begrijp ik niet helemaal. Waar gaat het over?")


# ---- each marker, with messages and replies as the bot stores them


def test_a_plain_conversation_has_no_markers():
    assert markers_of(said("/greet", "greet"), reply("utter_greet", "Hoi."), said("hoeveel kost een show"), FACT) == set()


def test_the_guard_overruling_the_classifier():
    overruled = said("ik wil er niet meer zijn", "crisis", category="crisis", rule="crisis.own", acted=True,
                     classifier_intent="self_concern")
    agreed = said("ik wil er niet meer zijn", "crisis", category="crisis", rule="crisis.own", acted=False)
    assert "guard_overruled" in markers_of(overruled, reply("utter_signpost_crisis", "Bel 113."))
    assert "guard_overruled" not in markers_of(agreed, reply("utter_signpost_crisis", "Bel 113."))


@pytest.mark.parametrize("action, expected", [(FALLBACK_ACTION, True), (CLARIFY_ACTION, True), ("utter_deny", False)])
def test_a_fallback_or_clarifying_question(action, expected):
    found = markers_of(said("blorp snarf", "nlu_fallback"), reply(action, "Waar gaat het over?"))
    assert ("fallback" in found) is expected


@pytest.mark.parametrize("text", [
    "nee", "Nee!", "NEE.", "no", "nope", "Dat bedoel ik niet", "Dát bedoel ik niet...", "nee, dat is niet wat ik bedoelde",
    "je hebt me verkeerd begrepen", "That's not what I meant", "thats not what i mean!", "you misunderstood me", "No, you got it wrong",
])
def test_the_person_correcting_the_bot(text):
    assert "corrected" in markers_of(said("ik kijk soms naar filmpjes", "self_concern"), SIGNPOST, said(text, "deny"))


@pytest.mark.parametrize("text", [
    "nee dank je", "nee hoor, dat was het", "no thanks", "ik wil niet dat mijn naam bekend wordt", "is het niet strafbaar?",
    "ik bedoel dat hij niet stopt", "/deny",
])
def test_declines_and_other_noes_are_not_corrections(text):
    assert "corrected" not in markers_of(said("ik kijk soms naar filmpjes", "self_concern"), SIGNPOST, said(text, "deny"))


def test_the_classifier_seeing_a_correction_counts_too():
    assert "corrected" in markers_of(SIGNPOST, said("klopt helemaal niet wat je zegt", CORRECTION_INTENT),
                                     reply(CLARIFY_ACTION, "Sorry, dan had ik je verkeerd begrepen."))


def test_the_same_reply_twice_in_a_row():
    assert "same_reply" in markers_of(said("blorp", "nlu_fallback"), FALLBACK_REPLY, said("snarf", "nlu_fallback"), FALLBACK_REPLY)
    assert "same_reply" not in markers_of(said("wat kost het"), FACT, said("wie kijkt er"), OTHER_FACT)  # one action, two cards
    assert "same_reply" not in markers_of(said("blorp", "nlu_fallback"), FALLBACK_REPLY, said("wat kost het"), FACT,
                                          said("snarf", "nlu_fallback"), FALLBACK_REPLY)  # not in a row


@pytest.mark.parametrize("first, second, expected", [
    ("hoeveel kost een show", "Hoeveel kost een show?", True),
    ("hoeveel kost een show", "hoeveel kost een show dan", True),
    ("hoeveel kost een show", "wie zijn de kijkers", False),
    ("ja", "ja", False),  # too short to say the person repeated themself
])
def test_the_person_repeating_themself(first, second, expected):
    found = markers_of(said(first), reply("utter_fact", "Een kaart."), said(second), reply("utter_fact", "Een andere kaart."))
    assert ("repeated" in found) is expected


def test_a_button_in_between_still_leaves_a_repeat():
    assert "repeated" in markers_of(said("is het anoniem bij jullie"), FALLBACK_REPLY, said("/ask_facts", "ask_facts"),
                                    reply("utter_ask_facts", "Stel je vraag maar."), said("is het anoniem bij jullie"))


def test_a_fact_card_right_after_a_signpost():
    assert "fact_after_signpost" in markers_of(said("ik kijk soms", "self_concern"), SIGNPOST, said("is dat anoniem"), FACT)
    assert "fact_after_signpost" not in markers_of(said("wat kost het"), FACT, said("ik kijk soms", "self_concern"), SIGNPOST)
    assert "fact_after_signpost" not in markers_of(said("ik kijk soms", "self_concern"), SIGNPOST, said("is het gratis", "ask_free"),
                                                   reply("utter_followup_free", "Ja, gratis."), said("wat kost een show"), FACT)


def test_the_markers_use_names_the_domain_has():
    responses, names = domain()["responses"], set(intents())
    assert {FALLBACK_ACTION, CLARIFY_ACTION, *FACT_CARD_ACTIONS} <= set(responses)
    assert any(name.startswith(SIGNPOST_PREFIX) for name in responses) and CORRECTION_INTENT in names


def test_every_listed_correction_is_recognised():
    data = yaml.safe_load(MARKERS_FILE.read_text(encoding="utf-8"))["corrections"]
    for text in data["whole_message"] + data["phrases"]:
        assert isinstance(text, str), f"{text!r} in markers.yml is not text (quote it)"
        assert vocabulary().is_correction(words_of(text)), text


# ---- markers and snippets as the dashboard reads them from the tracker store


def test_the_cache_finds_markers_and_first_messages_in_stored_events(database):
    with database.session() as db:
        found = {s.sender_id: s for s in SummaryCache(find_markers).all(db.connection())}
        plain = {s.sender_id: s for s in SummaryCache().all(db.connection())}
    assert found["crisis-nl"].markers == {"guard_overruled"} and found["fallback-en"].markers == {"fallback"}
    assert found["material-nl"].markers == set() and plain["fallback-en"].markers == set()
    assert found["crisis-nl"].first_message == "ik wil er niet meer zijn, bel me op [TELEFOON]"  # the /greet button is skipped


# ---- the order, the marker filter and the counts


def summary(name: str, hours_ago: float, flags: set[str] = frozenset(), markers: set[str] = frozenset()) -> Summary:
    return Summary(name, started=NOW - hours_ago * 3600, messages=3, languages={"nl"}, flags=set(flags), markers=frozenset(markers))


ROWS = [
    summary("old-crisis", 30, {"crisis"}),
    summary("new-rest", 1),
    summary("misroute", 2, markers={"fallback", "repeated"}),
    summary("material", 0.5, {"share_material"}),
    summary("child", 5, {"child_victim"}, {"corrected"}),
    summary("reviewed-danger", 0.1, {"danger_now"}),
    summary("reviewed-misroute", 0.2, markers={"fallback"}),
]


def listed(filters: listing.Filters, reviewed=frozenset({"reviewed-danger", "reviewed-misroute"}), size: int = 25) -> listing.Page:
    return listing.select(ROWS, filters, set(reviewed), {}, ZONE, 1, size)


def test_to_review_first_then_danger_crisis_or_a_child_then_misroutes_then_the_rest_newest_first():
    order = [row.sender_id for row in listed(listing.Filters()).rows]
    assert order == ["child", "old-crisis", "misroute", "material", "new-rest", "reviewed-danger", "reviewed-misroute"]
    assert [listing.group(row) for row in listed(listing.Filters()).rows[:4]] == ["urgent", "urgent", "misroute", "other"]


def test_newest_first_is_still_there():
    order = [row.sender_id for row in listed(listing.Filters(order="newest")).rows]
    assert order == ["reviewed-danger", "reviewed-misroute", "material", "new-rest", "misroute", "child", "old-crisis"]


def test_the_marker_filter_and_its_counts():
    page = listed(listing.Filters(marker="fallback"))
    assert [row.sender_id for row in page.rows] == ["misroute", "reviewed-misroute"] and page.total == 2
    assert page.marker_counts == {"guard_overruled": 0, "fallback": 2, "corrected": 1, "same_reply": 0, "repeated": 1,
                                  "fact_after_signpost": 0, "any": 3}
    unreviewed = listed(listing.Filters(marker="fallback", status="unreviewed"))  # counts follow the other filters
    assert [row.sender_id for row in unreviewed.rows] == ["misroute"] and unreviewed.marker_counts["fallback"] == 1
    assert {row.sender_id for row in listed(listing.Filters(marker="any")).rows} == {"misroute", "child", "reviewed-misroute"}
    assert len(listed(listing.Filters(marker="none")).rows) == 4


def test_marker_and_order_values_are_checked():
    assert listing.Filters.parse({"marker": "<script>", "order": "random"}) == listing.Filters()
    assert listing.Filters.parse({"marker": "repeated", "order": "newest"}).query_string(page=2) == "marker=repeated&order=newest&page=2"
    assert set(MARKER_NAMES) < set(listing.MARKER_CHOICES)


def test_paging_keeps_the_triage_order():
    first, second = (listing.select(ROWS, listing.Filters(), set(), {}, ZONE, n, 3) for n in (1, 2))
    assert [row.sender_id for row in first.rows + second.rows][:5] == ["reviewed-danger", "child", "old-crisis", "reviewed-misroute", "misroute"]


@pytest.mark.parametrize("text, expected", [
    ("een twee drie vier vijf zes zeven acht", "een twee drie vier vijf zes…"),
    ("  kort\tbericht ", "kort bericht"),
    ("a" * 500, "a" * 60 + "…"),
    ("", ""),
])
def test_snippets_are_a_few_words(text, expected):
    assert listing.snippet(text, 6, 60) == expected


@pytest.mark.parametrize("seconds, expected", [(20, "zojuist"), (300, "5 min geleden"), (3 * 3600, "3 uur geleden"),
                                               (DAY * 2, "2 dagen geleden"), (3 * DAY, "3 dagen geleden")])
def test_ages_in_dutch(seconds, expected):
    assert listing.ago(NOW - seconds, NOW) == expected


@pytest.mark.parametrize("seconds, expected", [(20, "just now"), (300, "5 min ago"), (3 * 3600, "3 h ago"), (3 * DAY, "3 days ago")])
def test_ages_in_english(seconds, expected):
    tokens = i18n.request("en")
    try:
        assert listing.ago(NOW - seconds, NOW) == expected
    finally:
        i18n.reset(tokens)


# ---- the page


def keys_listed(html: str) -> list[str]:
    return re.findall(r'href="/counsellor/conversations/([0-9a-f]+)"', html)


def chip_count(html: str, marker: str) -> int:
    match = re.search(rf'data-marker="{marker}"[^>]*>[^<]*<span class="n">(\d+)</span>', html)
    assert match, f"no chip for {marker}"
    return int(match.group(1))


def test_the_page_lists_to_review_and_urgent_first_with_severity_in_words(counsellor):
    page = counsellor.get("/counsellor/").text
    assert keys_listed(page) == [CRISIS, FALLBACK, MATERIAL]
    rows = page.split("<tbody>")[1].split("<tr")[1:]
    assert 'class="severity severity-urgent">Urgent<' in rows[0] and ">crisis<" in rows[0]
    assert 'class="severity severity-misroute">Mogelijke misroute<' in rows[1] and "niet begrepen of doorgevraagd" in rows[1]
    assert ">Routine<" in rows[2] and "materiaal gedeeld" in rows[2]
    assert "<q>ik wil er niet meer zijn,…</q>" in rows[0] and "te beoordelen" in rows[0]


@pytest.mark.parametrize("query, expected", [
    ("marker=guard_overruled", [CRISIS]),
    ("marker=fallback", [FALLBACK]),
    ("marker=any", [CRISIS, FALLBACK]),
    ("marker=none", [MATERIAL]),
    ("marker=nonsense", [CRISIS, FALLBACK, MATERIAL]),
    ("marker=any&language=en", [FALLBACK]),
    ("order=newest&flag=any", [CRISIS, MATERIAL]),
])
def test_the_page_filters_by_marker(counsellor, query, expected):
    assert keys_listed(counsellor.get(f"/counsellor/?{query}").text) == expected


def test_the_chips_count_per_marker_within_the_other_filters(counsellor):
    everything, english = counsellor.get("/counsellor/").text, counsellor.get("/counsellor/?language=en").text
    assert (chip_count(everything, "guard_overruled"), chip_count(everything, "fallback"), chip_count(everything, "repeated")) == (1, 1, 0)
    assert (chip_count(english, "guard_overruled"), chip_count(english, "fallback")) == (0, 1)
    assert 'href="/counsellor/?language=en&amp;marker=fallback"' in english


def test_a_reviewed_conversation_goes_below_the_ones_to_review(counsellor):
    token = csrf_token(counsellor.get(f"/counsellor/conversations/{CRISIS}").text)
    counsellor.post(f"/counsellor/conversations/{CRISIS}/review", data={"csrf": token, "reviewed": "1"})
    assert keys_listed(counsellor.get("/counsellor/").text) == [FALLBACK, MATERIAL, CRISIS]


def test_the_transcript_names_its_markers(counsellor):
    page = counsellor.get(f"/counsellor/conversations/{FALLBACK}").text
    assert "niet begrepen of doorgevraagd" in page and "Signalen van een misroute" in page


def test_snippets_are_short_redacted_and_escaped(counsellor, database_file):
    store = RedactingSQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(database_file))
    typed = "Ik ben Ingrid Bakker <b>06-48213377</b> en ik maak me zorgen om mijn neefje Tim"
    save(store, "personal-nl", start(NOW + 100) + [user("/greet", "greet", 1.0, NOW + 101), user(typed, "concern_other", 0.8, NOW + 102)])
    store.engine.dispose()
    page = counsellor.get("/counsellor/").text
    row = next(row for row in page.split("<tr")[1:] if conversation_key("personal-nl") in row)
    assert "<q>Ik ben [NAAM] &lt;b&gt;[TELEFOON]&lt;/b&gt; en ik…</q>" in row
    for secret in ("Ingrid", "Bakker", "48213377", "<b>", "zorgen", "neefje"):
        assert secret not in page


@pytest.mark.parametrize("query", ["marker=fallback", "order=newest", "marker=any&status=unreviewed"])
def test_nobody_sees_the_inbox_without_logging_in(client, query):
    response = client.get(f"/counsellor/?{query}", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/counsellor/login"
    assert "ik wil er niet meer zijn" not in response.text
